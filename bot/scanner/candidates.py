"""Find the error codes a channel message mentions, and nothing else.

The bot reads every message in a channel and answers on its own, so a false alarm
("500 users", "room 404") costs more than a miss. :func:`scan` takes, in order:

1. text codes written as identifiers, in any case (``WRONG_SERVER``,
   ``pc_room_not_exist`` in a log, ``GENERAL_FAILURE=3``): a whole identifier only, so
   the longest code wins (``PC_RT_EXCEPTION`` is never ``RT_EXCEPTION``); then small
   typos of them. Plain English ("the server is busy") never counts here;
2. numbers the message treats as codes (see :mod:`bot.scan_evidence`), never one inside
   a reference, URL, emoji or identifier (see :mod:`bot.scan_text`); each is narrowed
   to the product named nearest to it, and gives nothing if that product lacks it;
3. then drops success codes and any entry an earlier mention already names.

Most channel messages hold no digit and no identifier; they are turned away by one
cheap test before any of the above runs.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass

from bot.knowledge.base import Entry, KnowledgeBase
from bot.models import Match, MatchKind, Mention, Severity
from bot.scanner import words
from bot.scanner.evidence import Evidence, Verdict, assess
from bot.text.grammar import IDENTIFIER, NUMBER, number_shape
from bot.text.slack import SlackText, parse

__all__ = ["scan"]

_DIGITS = re.compile(r"\d+", re.ASCII)  # a cheap first test only: see scan()
# The end of a list item before a number: "error 1010, 1027", "40019 and 40003".
# Whitespace alone is no list: in `" 503 1027` the second number is a byte count.
_LIST_TAIL = re.compile(
    r"(?<![\w.])-?\d+[\s`*'\"]*(?:(?:,|;|/|&|and|or|then)[\s`*'\"]*){1,2}\Z", re.ASCII
)
_LIST_REACH = 32  # characters looked back for the previous item
_LIST_DEPTH = 8  # items followed back to the one that says "error"
# A sibling code sits close to the code it parallels, in a clause joined to it.
_SIBLING_REACH = 160
# Lines of a paste are separate records, so a line break does not join clauses.
_SIBLING_LINK = re.compile(
    r"[,;]|\b(?:and|or|then|but|while|earlier|later|before|after|now|vs)\b", re.ASCII
)
# "1028 of them", "1028 more": a count, even beside a code of the same family.
_AFTER_QUANTITY = re.compile(
    r"[ \t]*(?:of|more|less|fewer|out|in total|total|times|x)\b", re.ASCII | re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    reason: str
    matches: tuple[Match, ...]


@dataclass(frozen=True, slots=True)
class _Number:
    start: int  # the sign included
    end: int  # the digits' end (a plural "s" excluded)
    code: str  # table form


def scan(text: str, kb: KnowledgeBase, channel_product: str | None = None) -> list[Mention]:
    """The code mentions in one channel message, in order of position.

    Success codes are left out, and each entry is named by one mention at most.

    :param channel_product: the product the channel is set to, if any. It counts as a
        product named in the message only where the message names none, and it never
        hides a code: a number only the other product has still answers from that one.
    """
    # Most channel messages hold no underscore and no number the tables know: two scans
    # in C turn them away before anything is parsed.
    has_snake = "_" in text
    if not has_snake and kb.code_digits.isdisjoint(_DIGITS.findall(text)):
        return []
    view = parse(text)
    found: list[_Found] = []
    if has_snake:
        found.extend(_text_codes(view, kb))
    found.extend(_numbers(view, kb))
    named = {pid for _, _, pid in kb.find_products(view.masked)}
    mentions = _untied_generics_dropped(_assemble(found), view.masked, named, channel_product)
    if channel_product is None or not mentions or named:
        return mentions
    return [_prefer(m, channel_product) for m in mentions]


def _generic(product: str, code: str) -> bool:
    bounds = words.GENERIC_CODES.get(product)
    if bounds is None or not code.lstrip("-").isdigit():
        return False
    return bounds[0] <= int(code) <= bounds[1]


def _tied(product: str, masked: str) -> bool:
    """Does the message name ``product`` by its vocabulary or names (RULES rule 5)?"""
    return any(re.search(p, masked) for p in words.PRODUCT_VOCABULARY.get(product, ()))


def _untied_generics_dropped(
    mentions: list[Mention], masked: str, named: set[str], channel_product: str | None
) -> list[Mention]:
    """Rule 5b: a generic number (HTTP-like, JSON-RPC) counts only when tied to its product."""
    out: list[Mention] = []
    for mention in mentions:
        kept = tuple(
            m
            for m in mention.matches
            if m.kind is not MatchKind.EXACT
            or not _generic(m.product.id, m.entry.code)
            or m.product.id == channel_product
            or m.product.id in named
            or _tied(m.product.id, masked)
        )
        if kept:
            out.append(Mention(span=mention.span, matches=kept, reason=mention.reason))
    return out


def _prefer(mention: Mention, product: str) -> Mention:
    """Narrow a mention that several products share to ``product``, when it is among them."""
    kept = tuple(m for m in mention.matches if m.product.id == product)
    if not kept or len(kept) == len(mention.matches):
        return mention
    return Mention(span=mention.span, matches=kept, reason=mention.reason)


# -- text codes -----------------------------------------------------------------------


def _text_codes(view: SlackText, kb: KnowledgeBase) -> Iterator[_Found]:
    seen: dict[str, tuple[Match, ...]] = {}  # a log repeats its identifiers
    for m in IDENTIFIER.finditer(view.masked):
        token = m.group("id")
        key = token.upper()
        if key not in seen:
            seen[key] = _text_code_matches(token, kb)
        if seen[key]:
            yield _Found(m.start("id"), m.end("id"), "text code", seen[key])


def _text_code_matches(token: str, kb: KnowledgeBase) -> tuple[Match, ...]:
    exact = kb.by_text_code(token)
    if exact:
        return tuple(Match(product=e.product, entry=e.code, kind=k, score=100.0) for e, k in exact)
    hit = kb.fuzzy_text_code(token)
    if hit is None:
        return ()
    score = 100.0 * (1 - hit.distance / max(len(hit.text_code), 1))
    return tuple(
        Match(product=e.product, entry=e.code, kind=MatchKind.FUZZY, score=score)
        for e in hit.entries
    )


# -- numbers --------------------------------------------------------------------------


def _numbers(view: SlackText, kb: KnowledgeBase) -> Iterator[_Found]:
    masked = view.masked
    known = kb.code_digits
    formatted = {_strip_span(masked, a, b) for a, b in (*view.inline_code, *view.blocks)}
    products: list[tuple[int, int, str]] | None = None
    done: set[str] = set()  # codes whose every entry is found: a log repeats its codes
    anchors: list[_Found] = []
    unsure: list[_Number] = []  # no evidence either way: a sibling of a code may still count
    for m in NUMBER.finditer(masked):
        code = m.group(0)
        if code in done or code.lstrip("-") not in known or not kb.has_number(code):
            continue
        if number_shape(masked, m) is not None:
            continue
        number = _number(masked, m.start(), m.end())
        if number is None:
            continue
        evidence = _evidence(masked, number, formatted, kb.product_words, 0)
        if evidence.verdict is Verdict.NONE:
            unsure.append(number)
        if not evidence.taken:
            continue
        if products is None:
            products = kb.find_products(masked)
        candidates = kb.by_number(number.code)
        entries = _narrow(candidates, number, products, masked)
        if len(entries) == len(candidates):
            done.add(number.code)
        if entries:
            matches = tuple(
                Match(product=e.product, entry=e.code, kind=MatchKind.EXACT, score=100.0)
                for e in entries
            )
            anchors.append(_Found(number.start, number.end, evidence.reason, matches))
    yield from anchors
    if anchors and unsure:
        yield from _siblings(masked, kb, anchors, unsure, products or [])


def _siblings(
    masked: str,
    kb: KnowledgeBase,
    anchors: list[_Found],
    unsure: list[_Number],
    products: list[tuple[int, int, str]],
) -> Iterator[_Found]:
    """Codes whose context word is left out because a parallel clause already said it.

    "download fails with 40113, upload with 40114", "returned 801 for the batch and 809
    for the rest": the second number is a code of the same family (same product, same
    length, same leading digits) as a code taken nearby, in a clause joined to it.
    """
    starts = [a.start for a in anchors]  # in text order: NUMBER finds them left to right
    taken: set[str] = set()
    for number in unsure:
        if number.code in taken:
            continue
        # Only anchors within reach: the cost stays linear in a 40,000-character paste.
        lo_at = bisect_left(starts, number.start - _SIBLING_REACH - 64)
        hi_at = bisect_left(starts, number.end + _SIBLING_REACH + 1)
        for anchor in anchors[lo_at:hi_at]:
            if anchor.end <= number.start:
                lo, hi = anchor.end, number.start
            else:
                lo, hi = number.end, anchor.start
            if hi - lo > _SIBLING_REACH or not _SIBLING_LINK.search(masked, lo, hi):
                continue
            if _AFTER_QUANTITY.match(masked, number.end):
                continue
            family = {(m.product.id, _family(m.entry.code)) for m in anchor.matches}
            entries = [
                e
                for e in _narrow(kb.by_number(number.code), number, products, masked)
                if (e.product.id, _family(e.code.code)) in family
            ]
            if entries:
                taken.add(number.code)
                yield _Found(
                    number.start,
                    number.end,
                    anchor.reason,
                    tuple(
                        Match(product=e.product, entry=e.code, kind=MatchKind.EXACT, score=100.0)
                        for e in entries
                    ),
                )
                break


def _family(code: str) -> tuple[int, str]:
    """Codes of one family share their length and leading digits: 40113 and 40114."""
    digits = code.lstrip("-")
    return len(digits), digits[:2]


def _number(masked: str, start: int, end: int) -> _Number | None:
    """The number ``NUMBER`` matched, unless what precedes a bracket makes it an index."""
    if start >= 2 and masked[start - 1] == "[" and masked[start - 2].isalnum():
        return None  # a pid or an index: bems-connect[8812]
    return _Number(start, end, masked[start:end])


def _evidence(
    masked: str, number: _Number, formatted: set[tuple[int, int]], words: frozenset[str], depth: int
) -> Evidence:
    """What the context says of the number; a list item inherits from the item before it."""
    line_start = masked.rfind("\n", 0, number.start) + 1
    span = (number.start, number.end)
    evidence = assess(masked, number.start, number.end, line_start, span in formatted, words)
    if evidence.verdict is not Verdict.NONE or depth >= _LIST_DEPTH:
        return evidence
    lo = max(line_start, number.start - _LIST_REACH)
    tail = _LIST_TAIL.search(masked, lo, number.start)
    if tail is None:
        return evidence
    item = NUMBER.match(masked, tail.start())
    if item is None or number_shape(masked, item) is not None:
        return evidence
    previous = _number(masked, item.start(), item.end())
    if not previous:
        return evidence
    inherited = _evidence(masked, previous, formatted, words, depth + 1)
    return inherited if inherited.taken else evidence


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _narrow(
    entries: list[Entry], number: _Number, products: list[tuple[int, int, str]], masked: str
) -> list[Entry]:
    """Keep the entries of the product the number belongs to, if any product is named."""
    named = KnowledgeBase.product_of(masked, number.start, number.end, products)
    return entries if named is None else [e for e in entries if e.product.id in named]


# -- assembly -------------------------------------------------------------------------


def _assemble(found: list[_Found]) -> list[Mention]:
    mentions: list[Mention] = []
    taken: set[str] = set()
    for f in sorted(found, key=lambda f: (f.start, -f.end)):
        fresh = tuple(
            m for m in f.matches if m.key not in taken and m.entry.severity is not Severity.SUCCESS
        )
        if not fresh:
            continue
        taken.update(m.key for m in fresh)
        mentions.append(Mention(span=(f.start, f.end), matches=fresh, reason=f.reason))
    return mentions
