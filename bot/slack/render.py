"""Answers as Slack messages (Block Kit plus a plain ``text`` fallback) and as terminal text.

Every user-facing string of the bot lives here. Whatever the input, a message
stays inside Block Kit's limits (:data:`MAX_BLOCKS` blocks, :data:`MAX_SECTION`
characters per section, :data:`MAX_HEADER` per header): what does not fit is
summarised in one line. Text that users typed is escaped (``&``, ``<``, ``>``)
before it enters mrkdwn, so a query holding ``<!channel>`` pings nobody.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.models import Match, Mention, Resolution, Suggestion, source_of
from bot.text.grammar import is_cjk

__all__ = [
    "MAX_BLOCKS",
    "MAX_HEADER",
    "MAX_SECTION",
    "REMOVE_ACTION",
    "SHARE_ACTION",
    "SHORTCUT_ID",
    "Reply",
    "announcement",
    "answer",
    "auto_reply",
    "escape",
    "help_reply",
    "notice",
    "product_choices",
    "product_setting",
    "to_blocks",
    "to_text",
    "usage",
]

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_FIELD = 2000
#: Slack truncates nothing itself: a longer fallback is rejected (msg_too_long).
MAX_FALLBACK = 3000
#: Codes explained in full in one channel auto-reply; the rest are only listed.
AUTO_REPLY_LIMIT = 5
SHARE_ACTION = "errcode_share"
#: The message shortcut "Explain error codes" (its callback id in the manifest).
SHORTCUT_ID = "explain_codes"
REMOVE_ACTION = "errcode_remove"

Block = dict[str, Any]
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
EXAMPLES = ("1027", "bems 1027", "SERVER_BUSY", "11001 in commsease", "room does not exist")


@dataclass(frozen=True, slots=True)
class Reply:
    """One Slack message: the blocks, and the text notifications and old clients show."""

    text: str
    blocks: tuple[Block, ...] = ()

    def as_kwargs(self) -> dict[str, Any]:
        """``text=`` and ``blocks=`` for chat.postMessage, ack() and response_url posts."""
        return (
            {"text": self.text, "blocks": list(self.blocks)} if self.blocks else {"text": self.text}
        )


def escape(text: str) -> str:
    """Make user text inert in mrkdwn: the three characters Slack asks apps to escape."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(text, MAX_SECTION)}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(text, MAX_SECTION)}]}


def _header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": _cut(text, MAX_HEADER)}}


def _button(label: str, action_id: str, value: str, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label},
        "value": value[:2000],
    }
    if style:
        button["style"] = style
    return button


def _name(match: Match) -> str:
    """``1027 SERVER_BUSY``: the code, and its text code where it has one."""
    text_code = match.entry.text_code
    return f"{match.entry.code} {text_code}" if text_code else match.entry.code


def _label(match: Match) -> str:
    return f"{match.product.id} {_name(match)}"


#: Label of NetEase's own Chinese description, shown under the English one.
ZH_LABEL = "云信说明"


def _in_chinese(query: str) -> bool:
    """Was the question asked in Chinese (any CJK ideograph)? Then the vendor's Chinese shows."""
    return any(is_cjk(c) for c in query)


def _chinese_line(match: Match, chinese: bool) -> str | None:
    """``云信说明: …`` when the question was Chinese and the vendor wrote the entry in Chinese."""
    zh = match.entry.description_zh
    return f"{ZH_LABEL}: {zh}" if chinese and zh else None


def _match_blocks(match: Match, chinese: bool = False) -> list[Block]:
    entry, product = match.entry, match.product
    fields = [
        ("Category", ", ".join(entry.categories)),
        ("Severity", entry.severity.value),
        (
            "Retry helps?",
            "yes, a later retry may succeed" if entry.retryable else "no, fix the cause",
        ),
        ("Who acts", entry.audience.label),
    ]
    steps = "\n".join(f"{n}. {escape(step)}" for n, step in enumerate(entry.remediation, 1))
    # The English stays first: the Chinese is the vendor's wording, the advice is in English.
    described = "\n".join(
        escape(line) for line in (entry.description, _chinese_line(match, chinese)) if line
    )
    blocks = [
        _header(f"{_name(match)} · {product.name}"),
        _section(described),
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": _cut(f"*{k}*\n{escape(v)}", MAX_FIELD)}
                for k, v in fields
            ],
        },
        _section(f"*What to do*\n{steps}"),
    ]
    extra = []
    if entry.see_also:
        codes = ", ".join(f"`{code}`" for code in entry.see_also)
        extra.append(f"*See also:* {codes} (ask `/errcode {product.id} {entry.see_also[0]}`)")
    if entry.note:
        extra.append(f":warning: *Where the vendor table is wrong:* {escape(entry.note)}")
    if extra:
        blocks.append(_section("\n".join(extra)))
    how = {"description": "matched by description", "fuzzy": "matched despite a typo"}
    source = f"Source: {product.vendor}, {product.name} error table, section {entry.categories[0]}"
    if match.kind.value in how:
        source += f" · {how[match.kind.value]}"
    blocks.append(_context(escape(source)))
    return blocks


def _groups(matches: Iterable[Match]) -> list[list[Match]]:
    """Matches grouped by code number, first-seen order: one group per code asked."""
    groups: dict[str, list[Match]] = {}
    for match in matches:
        groups.setdefault(match.entry.code, []).append(match)
    return list(groups.values())


def _explained(
    groups: Sequence[Sequence[Match]], budget: int, max_groups: int, chinese: bool = False
) -> list[Block]:
    """Full entries while they fit in ``budget`` blocks; the rest summarised in one line."""
    blocks: list[Block] = []
    shown = 0
    for group in groups[:max_groups]:
        part: list[Block] = []
        if len(group) > 1:
            products = ", ".join(m.product.name for m in group)
            part.append(
                _section(
                    f"`{group[0].entry.code}` is a code in {len(group)} products "
                    f"({escape(products)}); each entry is labelled."
                )
            )
        for match in group:
            part += [*_match_blocks(match, chinese), {"type": "divider"}]
        if len(blocks) + len(part) > budget - 1:  # keep one block for the summary line
            break
        blocks += part
        shown += 1
    rest = [m for group in groups[shown:] for m in group]
    if rest:
        listed = ", ".join(f"`{escape(_label(m))}`" for m in rest)
        blocks.append(_section(f"…and {len(rest)} more: {listed}"))
    elif blocks and blocks[-1]["type"] == "divider":
        blocks.pop()
    return blocks


def _corrections(resolution: Resolution) -> list[str]:
    return [
        f"No exact `{escape(c.original)}`; showing `{escape(c.corrected)}`."
        for c in resolution.corrections
    ]


def _hint() -> str:
    return "Ask with a code, a text code or a few words: " + ", ".join(f"`{e}`" for e in EXAMPLES)


def _suggested(suggestion: Suggestion) -> str:
    """``bems 40105 PC_ROOM_NOT_EXIST``: what to ask for to get that answer."""
    entry = suggestion.entry
    return " ".join(p for p in (suggestion.product.id, entry.code, entry.text_code) if p)


def _not_found(resolution: Resolution) -> list[str]:
    if resolution.misses:
        return [escape(m.message()) + "." for m in resolution.misses]
    lines = [f"No entry for “{escape(_cut(resolution.query, 200))}”."]
    if resolution.suggestions:
        lines.append("Did you mean:")
        lines += [
            f"• `{_suggested(s)}`: {escape(s.entry.description)}" for s in resolution.suggestions
        ]
    else:
        lines.append(_hint())
    return lines


def to_blocks(resolution: Resolution, budget: int = MAX_BLOCKS) -> list[Block]:
    """The answer to one query as Block Kit, within ``budget`` blocks."""
    if not resolution.found:
        return [_section("\n".join(_not_found(resolution)))]
    notes = _corrections(resolution) + [escape(m.message()) + "." for m in resolution.misses]
    top = [_section("\n".join(notes))] if notes else []
    chinese = _in_chinese(resolution.query)
    return top + _explained(
        _groups(resolution.matches), budget - len(top), max_groups=budget, chinese=chinese
    )


def _fallback(resolution: Resolution) -> str:
    if not resolution.found:
        return _cut("\n".join(_not_found(resolution)), MAX_FALLBACK)
    chinese = _in_chinese(resolution.query)
    lines = _corrections(resolution)
    for m in resolution.matches:
        zh = _chinese_line(m, chinese)
        lines.append(f"{escape(_label(m))}: {escape(m.entry.description)}")
        if zh:
            lines.append(escape(zh))
    return _cut("\n".join(lines), MAX_FALLBACK)


def answer(
    resolution: Resolution, *, share_value: str | None = None, asked_by: str | None = None
) -> Reply:
    """The reply to a direct question (slash command, DM, mention).

    :param share_value: adds a "Share in channel" button carrying this value.
    :param asked_by: the user id to credit when the answer is shared publicly.
    """
    head: list[Block] = []
    if asked_by and _USER_ID.match(asked_by):
        asked = escape(_cut(resolution.query, 300))
        head.append(_context(f"<@{asked_by}> asked `/errcode {asked}`"))
    tail: list[Block] = []
    if share_value is not None and resolution.found:
        tail.append(
            {
                "type": "actions",
                "elements": [_button("Share in channel", SHARE_ACTION, share_value, "primary")],
            }
        )
    body = to_blocks(resolution, budget=MAX_BLOCKS - len(head) - len(tail))
    return Reply(_fallback(resolution), (*head, *body, *tail))


def auto_reply(mentions: Sequence[Mention], *, remove_value: str) -> Reply:
    """The one thread reply explaining the codes a channel message mentions."""
    groups = [list(m.matches) for m in mentions if m.matches]
    tail = [
        _context("Explained automatically. `/errcode mute` turns this off in this channel."),
        {"type": "actions", "elements": [_button("Remove", REMOVE_ACTION, remove_value, "danger")]},
    ]
    body = _explained(groups, MAX_BLOCKS - len(tail), max_groups=AUTO_REPLY_LIMIT)
    shown = [m for group in groups[:AUTO_REPLY_LIMIT] for m in group]
    text = "Explained: " + ", ".join(escape(_label(m)) for m in shown)
    if len(groups) > AUTO_REPLY_LIMIT:
        text += f" and {len(groups) - AUTO_REPLY_LIMIT} more"
    return Reply(_cut(text, MAX_FALLBACK), (*body, *tail))


def usage(command: str = "/errcode", channel_product: str | None = None) -> Reply:
    """``/errcode`` alone or ``/errcode help``.

    :param channel_product: the name of the product this channel is set to, if any.
    """
    cmd = escape(command)
    here = (
        f"This channel is set to {escape(channel_product)}: codes that could be another "
        f"product's are read as its. `{cmd} product off` undoes it."
        if channel_product
        else f"This channel is set to no product (`{cmd} product commsease` or `bems` sets one)."
    )
    lines = [
        "*errcode explains error codes* (BlackBerry BEMS-Connect, NetEase CommsEase IM).",
        *(f"• `{cmd} {example}`" for example in EXAMPLES),
        f"• `{cmd} mute` / `{cmd} unmute`: stop or restart automatic replies in this channel",
        f"• `{cmd} product commsease|bems|off`: what this channel is about, for its replies",
        f"• `{cmd} stats`: the most asked and the unknown codes of the last 7 days",
        "Mention me or send me a direct message with a code, and I answer there too.",
        here,
    ]
    return Reply("\n".join(lines).replace("*", ""), (_section("\n".join(lines)),))


def help_reply() -> Reply:
    """The short reply to a DM or mention that names no code."""
    text = "I explain error codes. " + _hint()
    return Reply(text, (_section(text),))


NOTICES = {
    "muted": "Automatic replies are off in this channel. `/errcode unmute` turns them back on.",
    "unmuted": "Automatic replies are on in this channel.",
    "share_denied": "Only the person who asked can share this answer.",
    "shared": "Shared in the channel.",
    "remove_denied": "Only the author of the original message can remove this reply.",
    "failure": "Sorry, something went wrong while answering. It has been logged.",
    "settings_denied": (
        "Sorry, only errcode's admins can change this channel's settings. "
        "Ask one of them, or your Slack admin, if it should change."
    ),
    "shortcut_none": "I found no error code in that message.",
}


def product_setting(product: str | None) -> Reply:
    """What the channel is set to now (``product``: the product's name, or None)."""
    if product is None:
        text = (
            "This channel is set to no product: a generic code counts only where a "
            "message names its product."
        )
    else:
        name = escape(product)
        text = (
            f"This channel is set to {name}: where a message names no product, its generic "
            "codes, and numbers both products have, are read as this product's."
        )
    return notice("product", text)


def product_choices(choice: str, products: Sequence[str], command: str = "/errcode") -> Reply:
    """The answer to ``/errcode product`` without a product, or with one errcode lacks."""
    ids = "|".join([*products, "off"])
    head = f"No product “{escape(_cut(choice, 40))}”. " if choice else ""
    return notice("product", f"{head}Use `{escape(command)} product {ids}`.")


def announcement(
    change: str,
    *,
    user: str,
    command: str = "/errcode",
    product: str | None = None,
    undo: str | None = None,
) -> Reply:
    """The public line telling a channel who changed its settings, and how to undo it.

    :param change: ``product``, ``product_off``, ``mute`` or ``unmute``.
    :param product: the product's name (``product``).
    :param undo: the product id to set again (``product_off``).
    """
    who = f"<@{user}>" if _USER_ID.match(user) else "Someone"
    cmd = escape(command)
    text = {
        "product": f"{who} set this channel to {escape(product or '')}; "
        f"`{cmd} product off` to undo.",
        "product_off": f"{who} cleared this channel's product; "
        f"`{cmd} product {escape(undo or '')}` to undo.",
        "mute": f"{who} turned errcode's automatic replies off in this channel; "
        f"`{cmd} unmute` to undo.",
        "unmute": f"{who} turned errcode's automatic replies back on in this channel; "
        f"`{cmd} mute` to undo.",
    }[change]
    return Reply(_cut(text, MAX_FALLBACK), (_section(text),))


def notice(kind: str, detail: str | None = None) -> Reply:
    """A one-line reply from :data:`NOTICES`, or ``detail`` (already plain text) as is."""
    text = detail if detail is not None else NOTICES[kind]
    return Reply(_cut(text, MAX_FALLBACK), (_section(text),))


def to_text(resolution: Resolution) -> str:
    """The answer as plain terminal text (``errcode chat``): no markup, nothing escaped."""
    if not resolution.found and resolution.misses:
        return "\n".join(m.message() + "." for m in resolution.misses)
    if not resolution.found:
        lines = [f"No entry for “{resolution.query}”."]
        if resolution.suggestions:
            lines.append("Did you mean:")
        lines += [f"  {_suggested(s)}: {s.entry.description}" for s in resolution.suggestions] or [
            "  " + _hint().replace("`", "")
        ]
        return "\n".join(lines)
    lines = [f"No exact {c.original}; showing {c.corrected}." for c in resolution.corrections]
    lines += [m.message() + "." for m in resolution.misses]
    chinese = _in_chinese(resolution.query)
    for group in _groups(resolution.matches):
        if len(group) > 1:
            lines.append(f"{group[0].entry.code} is a code in {len(group)} products:")
        for match in group:
            entry = match.entry
            zh = _chinese_line(match, chinese)
            lines += [
                f"{_name(match)} · {match.product.name}",
                f"  {entry.description}",
                *([f"  {zh}"] if zh else []),
                f"  category: {', '.join(entry.categories)} | severity: {entry.severity.value}"
                f" | retry helps: {'yes' if entry.retryable else 'no'}"
                f" | who acts: {entry.audience.label}",
                *(f"  {n}. {step}" for n, step in enumerate(entry.remediation, 1)),
            ]
            if entry.see_also:
                lines.append("  see also: " + ", ".join(entry.see_also))
            if entry.note:
                lines.append(f"  note on the vendor table: {entry.note}")
            if match.kind.value == "description":
                lines.append(f"  (matched by description: {match.score:.0f}% of your words)")
            lines.append(f"  source: {source_of(match.product, entry)}")
    return "\n".join(lines)
