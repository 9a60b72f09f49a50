"""Answers as Slack messages (Block Kit plus a plain ``text`` fallback) and as terminal text.

Every user-facing string of the bot lives here. Whatever the input, a message
stays inside Block Kit's limits (:data:`MAX_BLOCKS` blocks, :data:`MAX_SECTION`
characters per section, :data:`MAX_HEADER` per header): what does not fit is
summarised in one line. Text that users typed is escaped (``&``, ``<``, ``>``)
before it enters mrkdwn, so a query holding ``<!channel>`` pings nobody; a query echoed
back goes in plain_text, its link shapes broken (see :mod:`bot.slack.echo`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.models import Match, Mention, Resolution, Severity, Suggestion, source_of
from bot.slack import echo
from bot.slack.card import Language, Setting, card, choose_language

__all__ = [
    "DETAILS_ACTION",
    "HELPFUL_ACTION",
    "MAX_BLOCKS",
    "MAX_BUTTON",
    "MAX_HEADER",
    "MAX_SECTION",
    "MAX_VALUE",
    "NOT_HELPFUL_ACTION",
    "REMOVE_ACTION",
    "SEE_ALSO_ACTION",
    "SEVERITY_EMOJI",
    "SHARE_ACTION",
    "SHORTCUT_ID",
    "Reply",
    "announcement",
    "answer",
    "auto_reply",
    "button",
    "cut",
    "escape",
    "help_reply",
    "notice",
    "preformatted",
    "product_choices",
    "product_setting",
    "section",
    "to_blocks",
    "to_text",
    "usage",
]

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_FIELD = 2000
#: A button's label (Slack allows 75 characters of plain text) and its value.
MAX_BUTTON = 75
MAX_VALUE = 2000
#: Slack truncates nothing itself: a longer fallback is rejected (msg_too_long).
MAX_FALLBACK = 3000
#: Codes given a compact line (and a Details button) in one reply; the rest are only named.
COMPACT_LIMIT = 10
#: Codes counted in the usage stats of one channel auto-reply.
AUTO_REPLY_LIMIT = COMPACT_LIMIT
SHARE_ACTION = "errcode_share"
#: The message shortcut "Explain error codes" (its callback id in the manifest).
SHORTCUT_ID = "explain_codes"
REMOVE_ACTION = "errcode_remove"
HELPFUL_ACTION = "errcode_helpful"
NOT_HELPFUL_ACTION = "errcode_not_helpful"
#: Prefixes of the buttons that explain one entry ephemerally: ``errcode_details_2``. Action
#: ids must be unique within a block, so each button adds its position; the value is the
#: entry's key (``bems:1027``).
DETAILS_ACTION = "errcode_details"
SEE_ALSO_ACTION = "errcode_see_also"

#: The visual cue of each severity, in headers, fields and compact lines.
SEVERITY_EMOJI = {
    Severity.SUCCESS: ":large_green_circle:",
    Severity.INFO: ":large_blue_circle:",
    Severity.WARNING: ":large_orange_circle:",
    Severity.ERROR: ":red_circle:",
}

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


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def section(text: str) -> Block:
    """A mrkdwn section block, cut to Slack's limit."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(text, MAX_SECTION)}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": cut(text, MAX_SECTION)}]}


def _header(text: str) -> Block:
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": cut(text, MAX_HEADER), "emoji": True},
    }


def button(
    label: str,
    action_id: str,
    value: str = "",
    style: str | None = None,
    confirm: Block | None = None,
) -> Block:
    """A button element; ``label`` (plain text) and ``value`` are cut to Slack's limits."""
    element: Block = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": cut(label, MAX_BUTTON), "emoji": True},
    }
    if value:
        element["value"] = value[:MAX_VALUE]
    if style:
        element["style"] = style
    if confirm:
        element["confirm"] = confirm
    return element


def _actions(*elements: Block) -> Block:
    return {"type": "actions", "elements": list(elements[:25])}


def _confirm(title: str, text: str, yes: str, no: str = "Cancel") -> Block:
    """A confirmation dialog object (title 100, text 300, buttons 30 characters)."""
    return {
        "title": {"type": "plain_text", "text": cut(title, 100)},
        "text": {"type": "plain_text", "text": cut(text, 300)},
        "confirm": {"type": "plain_text", "text": cut(yes, 30)},
        "deny": {"type": "plain_text", "text": cut(no, 30)},
        "style": "danger",
    }


def _name(match: Match) -> str:
    """``1027 SERVER_BUSY``: the code, and its text code where it has one."""
    text_code = match.entry.text_code
    return f"{match.entry.code} {text_code}" if text_code else match.entry.code


def _label(match: Match) -> str:
    return f"{match.product.id} {_name(match)}"


def _severity(match: Match) -> str:
    return SEVERITY_EMOJI[match.entry.severity]


def _source(match: Match) -> str:
    """``Source: BlackBerry BEMS-Connect error table, …``: the vendor named once."""
    product = match.product
    table = product.name if product.vendor in product.name else f"{product.vendor} {product.name}"
    return f"Source: {table} error table, section {match.entry.categories[0]}"


def _match_blocks(match: Match, language: Language = "en") -> list[Block]:
    entry, product = match.entry, match.product
    said = card(match, language)
    blocks: list[Block] = [
        _header(f"{_severity(match)} {_name(match)} · {product.name}"),
        section("\n".join(escape(line) for line in said.description)),
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": cut(f"*{k}*\n{escape(v)}", MAX_FIELD)}
                for k, v in said.facts
            ],
        },
    ]
    if said.why:
        blocks.append(section(cut(f"*{said.why_label}*\n{escape(said.why)}", MAX_SECTION)))
    steps = "\n".join(
        f"{n}. _{escape(who)}:_ {escape(text)}" for n, (who, text) in enumerate(said.steps, 1)
    )
    blocks.append(section(cut(f"*{said.steps_label}*\n{steps}", MAX_SECTION)))
    if said.escalate:
        text = f"*{said.escalate_label}*\n{escape(said.escalate)}"
        blocks.append(section(cut(text, MAX_SECTION)))
    if entry.note:
        blocks.append(
            section(cut(f":warning: *{said.note_label}:* {escape(entry.note)}", MAX_SECTION))
        )
    if entry.see_also:
        blocks.append(
            _actions(
                *(
                    button(f"See also {code}", f"{SEE_ALSO_ACTION}_{n}", f"{product.id}:{code}")
                    for n, code in enumerate(entry.see_also[:5])
                )
            )
        )
    how = {"description": "matched by description", "fuzzy": "matched despite a typo"}
    source = escape(_source(match))
    if match.kind.value in how:
        source += f" · {how[match.kind.value]}"
    links = [f"<{_link(url)}|{escape(host)}>" for host, url in said.sources[:3]]
    if links:
        source += f" · {escape(said.sources_label)}: " + ", ".join(links)
    if said.translated:
        source += f" · {escape(said.translated)}"
    blocks.append(_context(cut(source, MAX_SECTION)))
    return blocks


def _link(url: str) -> str:
    """A URL as a link target: the characters mrkdwn reserves are percent-encoded."""
    return url.replace("&", "%26").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")


def _groups(matches: Iterable[Match]) -> list[list[Match]]:
    """Matches grouped by code number, first-seen order: one group per code asked."""
    groups: dict[str, list[Match]] = {}
    for match in matches:
        groups.setdefault(match.entry.code, []).append(match)
    return list(groups.values())


def _explained(group: Sequence[Match], language: Language = "en") -> list[Block]:
    """The full cards of one code (one per product that has it)."""
    blocks: list[Block] = []
    if len(group) > 1:
        products = ", ".join(m.product.name for m in group)
        blocks.append(
            section(
                f"`{group[0].entry.code}` is a code in {len(group)} products "
                f"({escape(products)}); each entry is labelled."
            )
        )
    for match in group:
        blocks += [*_match_blocks(match, language), {"type": "divider"}]
    return blocks[:-1]


def _first_line(text: str, limit: int = 90) -> str:
    return cut(text.strip().splitlines()[0] if text.strip() else "", limit)


def _compact_line(match: Match) -> str:
    """``🔴 `1027` WRONG_SERVER · BlackBerry BEMS-Connect · The request was sent to…``."""
    entry = match.entry
    code = f"`{entry.code}` {entry.text_code}" if entry.text_code else f"`{entry.code}`"
    said = escape(_first_line(entry.description))
    return f"{_severity(match)} {code} · {match.product.name} · {said}"


def _compact(groups: Sequence[Sequence[Match]], language: Language = "en") -> list[Block]:
    """One code: its full card. More: a line each, the first in full, Details for the others."""
    if not groups:
        return []
    if len(groups) == 1:
        return _explained(groups[0], language)
    matches = [m for group in groups for m in group]
    listed, rest = matches[:COMPACT_LIMIT], matches[COMPACT_LIMIT:]
    lines = [_compact_line(m) for m in listed]
    if rest:
        lines.append(f"…and {len(rest)} more: " + ", ".join(f"`{escape(_label(m))}`" for m in rest))
    others = [m for m in listed if m not in groups[0]]
    blocks = [section("\n".join(lines)), {"type": "divider"}, *_explained(groups[0], language)]
    if others:
        details = [
            button(f"Details: {_label(m)}", f"{DETAILS_ACTION}_{n}", m.key)
            for n, m in enumerate(others)
        ]
        blocks += [{"type": "divider"}, _actions(*details)]
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


def _no_entry(query: str, form: Callable[[str], str]) -> str:
    """ "No entry for “…”." with the query made inert by ``form`` (echo.plain or echo.mrkdwn)."""
    return f"No entry for “{form(cut(query, 200))}”."


#: Above an answer to a question over the cap (bot.text.budget).
_READ_IN_PART = "That message is too long to explain whole: these are the codes in its first part."


def _not_found(resolution: Resolution, head: bool = True) -> list[str]:
    if resolution.misses:
        return [escape(m.message()) + "." for m in resolution.misses]
    lines = [_no_entry(resolution.query, echo.mrkdwn)] if head else []
    if resolution.suggestions:
        lines.append("Did you mean:")
        lines += [
            f"• `{_suggested(s)}`: {escape(s.entry.description)}" for s in resolution.suggestions
        ]
    else:
        lines.append(_hint())
    return lines


def to_blocks(resolution: Resolution, language: Setting = "auto") -> list[Block]:
    """The answer to one query as Block Kit: compact when it names several codes.

    :param language: ``auto`` answers a Chinese question in Chinese where the entry has it.
    """
    if resolution.truncated and not resolution.found:
        return [section(NOTICES["too_long"])]  # and no echo of a 40,000-character query
    if not resolution.found and resolution.misses:
        return [section("\n".join(_not_found(resolution)))]
    if not resolution.found:
        # The query echoed in plain_text, our own formatting in mrkdwn below it.
        said = {"type": "plain_text", "text": _no_entry(resolution.query, echo.plain)}
        return [
            {"type": "section", "text": said},
            section("\n".join(_not_found(resolution, False))),
        ]
    notes = _corrections(resolution) + [escape(m.message()) + "." for m in resolution.misses]
    if resolution.truncated:
        notes.append(_READ_IN_PART)
    top = [section("\n".join(notes))] if notes else []
    chosen = choose_language(language, resolution.query)
    return top + _compact(_groups(resolution.matches), chosen)


def _fallback(resolution: Resolution, language: Setting = "auto") -> str:
    if resolution.truncated and not resolution.found:
        return NOTICES["too_long"]
    if not resolution.found:
        return cut("\n".join(_not_found(resolution)), MAX_FALLBACK)
    chosen = choose_language(language, resolution.query)
    lines = _corrections(resolution)
    for m in resolution.matches:
        said = card(m, chosen)
        lines.append(f"{escape(_label(m))}: {escape(' / '.join(said.description))}")
    return cut("\n".join(lines), MAX_FALLBACK)


def _feedback_buttons(value: str | None) -> list[Block]:
    """**Helpful** / **Not helpful**, carrying what the vote is about."""
    if value is None:
        return []
    return [
        button("Helpful", HELPFUL_ACTION, value),
        button("Not helpful", NOT_HELPFUL_ACTION, value),
    ]


def answer(
    resolution: Resolution,
    *,
    share_value: str | None = None,
    asked_by: str | None = None,
    feedback_value: str | None = None,
    language: Setting = "auto",
) -> Reply:
    """The reply to a direct question (slash command, DM, mention).

    :param language: ``ERRCODE_LANGUAGE``: ``auto`` (Chinese questions answered in Chinese
        for entries that have it), ``en`` or ``zh``.
    :param share_value: adds a "Share in channel" button carrying this value.
    :param asked_by: the user id to credit when the answer is shared publicly.
    :param feedback_value: adds **Helpful** / **Not helpful** buttons carrying this value.
    """
    head: list[Block] = []
    if asked_by and _USER_ID.match(asked_by):
        # Who asked is ours (mrkdwn, a mention of one checked user id); what they asked is
        # theirs, so it goes in plain_text (see bot.slack.echo), never in a code span.
        asked = echo.plain(cut(resolution.query, 300))
        elements = [
            {"type": "mrkdwn", "text": f"<@{asked_by}> asked"},
            {"type": "plain_text", "text": f"/errcode {asked}"},
        ]
        head.append({"type": "context", "elements": elements})
    buttons: list[Block] = []
    if resolution.found:
        if share_value is not None:
            buttons.append(button("Share in channel", SHARE_ACTION, share_value, "primary"))
        buttons += _feedback_buttons(feedback_value)
    tail = [_actions(*buttons)] if buttons else []
    blocks = (*head, *to_blocks(resolution, language), *tail)
    return Reply(_fallback(resolution, language), blocks)


def auto_reply(
    mentions: Sequence[Mention],
    *,
    remove_value: str,
    feedback_value: str | None = None,
    language: Language = "en",
) -> Reply:
    """The one thread reply explaining the codes a channel message mentions.

    :param language: the language of the message (``zh`` for a Chinese one, as
        :func:`bot.slack.card.choose_language` decides).
    """
    groups = [list(m.matches) for m in mentions if m.matches]
    remove = button(
        "Remove",
        REMOVE_ACTION,
        remove_value,
        "danger",
        confirm=_confirm(
            "Remove this explanation?",
            "The explanation goes for everyone in the thread. Your message stays.",
            "Remove",
        ),
    )
    tail = [
        _context("Explained automatically. `/errcode mute` turns this off in this channel."),
        _actions(*_feedback_buttons(feedback_value), remove),
    ]
    body = _compact(groups, language)
    shown = [m for group in groups for m in group]
    text = "Explained: " + ", ".join(escape(_label(m)) for m in shown[:COMPACT_LIMIT])
    if len(shown) > COMPACT_LIMIT:
        text += f" and {len(shown) - COMPACT_LIMIT} more"
    return Reply(cut(text, MAX_FALLBACK), (*body, *tail))


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
    return Reply(cut("\n".join(lines).replace("*", ""), MAX_FALLBACK), (section("\n".join(lines)),))


def help_reply() -> Reply:
    """The short reply to a DM or mention that names no code."""
    text = "I explain error codes. " + _hint()
    return Reply(text, (section(text),))


NOTICES = {
    "muted": "Automatic replies are off in this channel. `/errcode unmute` turns them back on.",
    "unmuted": "Automatic replies are on in this channel.",
    "share_denied": "Only the person who asked can share this answer.",
    "shared": "Shared in the channel.",
    "already_shared": "This answer is already shared in the channel.",
    "voted_helpful": "Thanks! Your vote tells the knowledge authors this entry works.",
    "voted_not_helpful": "Thanks. Tell us what was wrong or missing, and the entry gets fixed.",
    "vote_kept": "Your vote on this answer is already counted.",
    "remove_denied": "Only the author of the original message can remove this reply.",
    "failure": "Sorry, something went wrong while answering. It has been logged.",
    "busy": "Sorry, I have too many questions at once right now. Please ask again in a minute.",
    "too_long": "Sorry, that is too long for me to explain in one go. Ask about one code, "
    "or paste just the lines around the error.",
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
    head = f"No product “{echo.mrkdwn(cut(choice, 40))}”. " if choice else ""
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
    return Reply(cut(text, MAX_FALLBACK), (section(text),))


def notice(kind: str, detail: str | None = None) -> Reply:
    """A one-line reply from :data:`NOTICES`, or ``detail`` (already plain text) as is."""
    text = detail if detail is not None else NOTICES[kind]
    return Reply(cut(text, MAX_FALLBACK), (section(text),))


def preformatted(text: str) -> Reply:
    """Plain text whose columns line up (``/errcode stats``): escaped, in a code block."""
    body = cut(escape(text), MAX_SECTION - 8)
    return Reply(cut(text, MAX_FALLBACK), (section(f"```\n{body}\n```"),))


def to_text(resolution: Resolution, language: Setting = "auto") -> str:
    """The answer as plain terminal text (``errcode chat``): no markup, nothing escaped."""
    if resolution.truncated and not resolution.found:
        return NOTICES["too_long"]
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
    lines += [_READ_IN_PART] if resolution.truncated else []
    chosen = choose_language(language, resolution.query)
    for group in _groups(resolution.matches):
        if len(group) > 1:
            lines.append(f"{group[0].entry.code} is a code in {len(group)} products:")
        for match in group:
            lines += _card_lines(match, chosen)
    return "\n".join(lines)


def _card_lines(match: Match, language: Language) -> list[str]:
    entry, said = match.entry, card(match, language)
    lines = [f"{_name(match)} · {match.product.name}", *(f"  {d}" for d in said.description)]
    lines.append("  " + " | ".join(f"{k}: {v}" for k, v in said.facts))
    if said.why:
        lines.append(f"  {said.why_label}: {said.why}")
    lines.append(f"  {said.steps_label}:")
    lines += [f"  {n}. [{who}] {text}" for n, (who, text) in enumerate(said.steps, 1)]
    if said.escalate:
        lines.append(f"  {said.escalate_label}: {said.escalate}")
    if said.applies_to:
        lines.append(f"  {said.applies_label}: " + " · ".join(said.applies_to))
    if entry.see_also:
        lines.append("  see also: " + ", ".join(entry.see_also))
    if entry.note:
        lines.append(f"  {said.note_label}: {entry.note}")
    if match.kind.value == "description":
        lines.append(f"  (matched by description: {match.score:.0f}% of your words)")
    lines.append(f"  source: {source_of(match.product, entry)}")
    if said.sources:
        lines.append(f"  {said.sources_label}: " + " ".join(url for _, url in said.sources))
    if said.translated:
        lines.append(f"  {said.translated}")
    return lines
