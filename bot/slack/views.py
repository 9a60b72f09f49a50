"""Views as Block Kit: the App Home tab, the Look up modal and the Not helpful modal.

The companion of :mod:`bot.slack.render` for surfaces that are not messages. The same
rules hold: user text is escaped before it enters mrkdwn, and every view stays inside
Slack's limits (100 blocks per view, 24 characters per modal title, 3000 per section,
3000 of ``private_metadata``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.slack import notices
from bot.slack.blocks import MAX_HEADER, Block, button, cut, escape, section
from bot.store.stats import EntryFeedback, Stats

__all__ = [
    "FEEDBACK_CALLBACK",
    "HOME_LOOKUP_ACTION",
    "LOOKUP_CALLBACK",
    "LOOKUP_INPUT",
    "MAX_VIEW_BLOCKS",
    "feedback_modal",
    "home_view",
    "lookup_modal",
]

MAX_VIEW_BLOCKS = 100
MAX_TITLE = 24
MAX_METADATA = 3000
FEEDBACK_CALLBACK = "errcode_feedback"
LOOKUP_CALLBACK = "errcode_lookup"
HOME_LOOKUP_ACTION = "errcode_home_lookup"
#: ``(block_id, action_id)`` of the one input of each modal; kept across views.update so
#: what was typed stays in the box.
LOOKUP_INPUT = ("query", "text")
COMMENT_INPUT = ("comment", "text")
#: Entries with feedback shown on the App Home.
HOME_FEEDBACK = 10


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": cut(text, limit)}


def _modal(
    callback: str, title: str, submit: str, blocks: list[Block], metadata: str = ""
) -> Block:
    view: Block = {
        "type": "modal",
        "callback_id": callback,
        "title": _plain(title, MAX_TITLE),
        "submit": _plain(submit, MAX_TITLE),
        "close": _plain("Close", MAX_TITLE),
        "blocks": blocks[:MAX_VIEW_BLOCKS],
    }
    if metadata:
        view["private_metadata"] = metadata[:MAX_METADATA]
    return view


def _input(
    ids: tuple[str, str], label: str, hint: str, *, multiline: bool, max_length: int
) -> Block:
    return {
        "type": "input",
        "block_id": ids[0],
        "label": _plain(label, 2000),
        "hint": _plain(hint, 2000),
        "element": {
            "type": "plain_text_input",
            "action_id": ids[1],
            "multiline": multiline,
            "max_length": max_length,
        },
    }


def feedback_modal(value: str, entries: Sequence[str]) -> Block:
    """The Not helpful modal: what was wrong or missing, for the entries ``value`` names."""
    about = ", ".join(f"`{escape(entry)}`" for entry in entries) or "this answer"
    blocks = [
        section(f"Thanks for the vote on {about}. What was wrong or missing?"),
        _input(
            COMMENT_INPUT,
            "What was wrong or missing?",
            "The knowledge authors read every comment with the entry it is about.",
            multiline=True,
            max_length=1000,
        ),
    ]
    return _modal(FEEDBACK_CALLBACK, "Not helpful", "Send", blocks, metadata=value)


def lookup_modal(answer: Sequence[Block] = ()) -> Block:
    """The Look up modal: one input, and below it the answer to what was asked.

    The answer's buttons are left out: a click in a modal has no response_url to answer on.
    """
    blocks = [
        _input(
            LOOKUP_INPUT,
            "Code, text code or a few words",
            "1027, bems 11001, SERVER_BUSY, room does not exist",
            multiline=False,
            max_length=500,
        )
    ]
    shown = [block for block in answer if block["type"] != "actions"]
    if shown:
        blocks += [{"type": "divider"}, *shown]
    return _modal(LOOKUP_CALLBACK, "Look up a code", "Look up", blocks)


def _counts(rows: Sequence[tuple[str, int]], empty: str) -> str:
    if not rows:
        return empty
    width = max(len(str(count)) for _, count in rows)
    return (
        "```\n" + "\n".join(f"{count:>{width}}  {escape(name)}" for name, count in rows) + "\n```"
    )


def _feedback(rows: Sequence[EntryFeedback]) -> list[Block]:
    if not rows:
        return [section("No votes yet: every answer has *Helpful* / *Not helpful* buttons.")]
    blocks = []
    for row in rows[:HOME_FEEDBACK]:
        lines = [f"`{escape(row.entry)}`  :thumbsup: {row.helpful}  :thumbsdown: {row.not_helpful}"]
        lines += [f"> {escape(' '.join(comment.split()))}" for comment in row.comments[:3]]
        blocks.append(section("\n".join(lines)))
    return blocks


def home_view(stats: Stats, feedback: Sequence[EntryFeedback]) -> Block:
    """The App Home tab: what errcode does, how to ask, what was asked, what people thought."""
    examples = ", ".join(f"`/errcode {example}`" for example in notices.EXAMPLES)
    blocks: list[Block] = [
        {"type": "header", "text": _plain("errcode explains error codes", MAX_HEADER)},
        section(
            "Paste a log line, a JSON-RPC error or an SDK callback and errcode says what the "
            "code means, which product it comes from (BlackBerry BEMS-Connect, NetEase "
            "CommsEase IM), whether a retry helps, who has to act and what to do."
        ),
        section(
            "*How to ask*\n"
            f"• {examples}: an answer only you see, with a button to share it\n"
            "• mention a code in a channel I am in: I explain it in the thread\n"
            "• send me a direct message, or mention me, with a code or a few words\n"
            "• `/errcode mute` / `unmute` turns the channel replies off and on"
        ),
        {
            "type": "actions",
            "elements": [button("Look up a code", HOME_LOOKUP_ACTION, "", "primary")],
        },
        {"type": "divider"},
        section(
            f"*Most asked, last {stats.days} days*\n" + _counts(stats.top, "Nothing asked yet.")
        ),
        section(
            "*Unknown codes people asked for*\n"
            + _counts(stats.unknown, "None: every code was known.")
        ),
        {"type": "divider"},
        section("*Feedback on answers*, most votes first"),
        *_feedback(feedback),
    ]
    return {"type": "home", "blocks": blocks[:MAX_VIEW_BLOCKS]}
