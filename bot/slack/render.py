"""Answers as Slack messages (Block Kit plus a plain ``text`` fallback) and as terminal text.

Whatever the input, an answer stays inside Block Kit's limits (:mod:`bot.slack.blocks`):
what does not fit is summarised in one line. Usage, notices and settings lines are in
:mod:`bot.slack.notices`. Text that users typed is escaped (``&``, ``<``, ``>``)
before it enters mrkdwn, so a query holding ``<!channel>`` pings nobody; a query echoed
back goes in plain_text, its link shapes broken (see :mod:`bot.slack.echo`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from bot.models import Match, Mention, Resolution, Severity, Suggestion, source_of
from bot.slack import echo
from bot.slack.blocks import (
    MAX_FALLBACK,
    MAX_FIELD,
    MAX_SECTION,
    Block,
    Reply,
    actions,
    button,
    confirm,
    context,
    cut,
    escape,
    header,
    mention,
    section,
)
from bot.slack.card import Language, Setting, card, choose_language
from bot.slack.notices import NOTICES, hint

__all__ = [
    "AUTO_REPLY_LIMIT",
    "COMPACT_LIMIT",
    "DETAILS_ACTION",
    "HELPFUL_ACTION",
    "NOT_HELPFUL_ACTION",
    "REMOVE_ACTION",
    "SEE_ALSO_ACTION",
    "SEVERITY_EMOJI",
    "SHARE_ACTION",
    "SHORTCUT_ID",
    "answer",
    "auto_reply",
    "to_blocks",
    "to_text",
]

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
        header(f"{_severity(match)} {_name(match)} · {product.name}"),
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
            actions(
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
    blocks.append(context(cut(source, MAX_SECTION)))
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
        blocks += [{"type": "divider"}, actions(*details)]
    return blocks


def _corrections(resolution: Resolution) -> list[str]:
    return [
        f"No exact `{escape(c.original)}`; showing `{escape(c.corrected)}`."
        for c in resolution.corrections
    ]


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
        lines.append(hint())
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
    if (who := mention(asked_by)) is not None:
        # Who asked is ours (mrkdwn, a mention of one checked user id); what they asked is
        # theirs, so it goes in plain_text (see bot.slack.echo), never in a code span.
        asked = echo.plain(cut(resolution.query, 300))
        elements = [
            {"type": "mrkdwn", "text": f"{who} asked"},
            {"type": "plain_text", "text": f"/errcode {asked}"},
        ]
        head.append({"type": "context", "elements": elements})
    buttons: list[Block] = []
    if resolution.found:
        if share_value is not None:
            buttons.append(button("Share in channel", SHARE_ACTION, share_value, "primary"))
        buttons += _feedback_buttons(feedback_value)
    tail = [actions(*buttons)] if buttons else []
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
        confirm=confirm(
            "Remove this explanation?",
            "The explanation goes for everyone in the thread. Your message stays.",
            "Remove",
        ),
    )
    tail = [
        context("Explained automatically. `/errcode mute` turns this off in this channel."),
        actions(*_feedback_buttons(feedback_value), remove),
    ]
    body = _compact(groups, language)
    shown = [m for group in groups for m in group]
    text = "Explained: " + ", ".join(escape(_label(m)) for m in shown[:COMPACT_LIMIT])
    if len(shown) > COMPACT_LIMIT:
        text += f" and {len(shown) - COMPACT_LIMIT} more"
    return Reply(cut(text, MAX_FALLBACK), (*body, *tail))


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
            "  " + hint().replace("`", "")
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
