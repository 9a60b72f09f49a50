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

The work is capped per message (:mod:`bot.text.budget`): at most
:data:`~bot.text.budget.MAX_CANDIDATES` candidates are weighed (numbers that are known
codes and not ruled out by their shape, and distinct identifiers), each with a bounded
look-back; the rest of a longer message is not read. What was found in its first part
is still answered.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from string import ascii_letters

from bot.binding import (
    ProductSpan,
    counts_here,
    is_generic,
    named_products,
    narrow,
    product_of,
)
from bot.knowledge.base import Entry, KnowledgeBase, normalize_text_code, standalone
from bot.models import Match, MatchKind, Mention, Severity
from bot.scanner import words
from bot.scanner.evidence import Evidence, weigh
from bot.scanner.features import Window, detect
from bot.scanner.tables import column_of
from bot.text.budget import Budget
from bot.text.grammar import IDENTIFIER, NUMBER, number_shape
from bot.text.slack import SlackText, fold, parse

__all__ = ["Considered", "explain", "scan"]

# The end of a list item before a number: "error 1010, 1027", "40019 and 40003".
# Whitespace alone is no list: in `" 503 1027` the second number is a byte count.
_FORMATTING = r"[\s`*'\"]*"


@cache
def _joiners(english: frozenset[str], chinese: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """The patterns that join list items and parallel clauses, from the word lists."""
    words = "|".join(sorted(english, key=len, reverse=True))
    zh = "|".join(re.escape(w) for w in sorted(chinese, key=len, reverse=True))
    link = rf"[,;/&]|\b(?:{words})\b|{zh}"
    return (
        re.compile(rf"{_FORMATTING}(?:(?:{link}){_FORMATTING}){{1,2}}\Z"),  # list tail
        re.compile(link),  # a clause link
    )


_LIST_REACH = 32  # characters looked back for the previous item
_LIST_DEPTH = 8  # items followed back to the one that says "error"
_DIGIT = re.compile(r"[0-9]")  # what every NUMBER holds
# A sibling code sits close to the code it parallels, in a clause joined to it.
_SIBLING_REACH = 160
# Lines of a paste are separate records, so a line break does not join clauses.


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    reason: str
    matches: tuple[Match, ...]


@dataclass(frozen=True, slots=True)
class Considered:
    """A number the scanner weighed, for :func:`explain`."""

    code: str
    span: tuple[int, int]
    evidence: Evidence
    #: The entries it would name once the products in the message narrow it.
    entries: list[Entry]


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
    if not has_snake and kb.code_index.search(fold(text, scripts=False)) is None:
        return []
    view = parse(text)
    products = tuple(named_products(view.readable, kb))
    if not has_snake and _generic_only(view.masked, kb, products, channel_product):
        return []
    found: list[_Found] = []
    budget = Budget()
    if has_snake:
        found.extend(_text_codes(view, kb, products, budget))
    found.extend(_numbers(view, kb, products, budget))
    if not found:
        return []
    named = {pid for _, _, pid in products}
    # A product's text code ties its generic codes too ("METHOD_NOT_FOUND -32601").
    named |= {m.product.id for f in found if f.reason == "text code" for m in f.matches}
    mentions = _untied_generics_dropped(_assemble(found), named, channel_product)
    if channel_product is None or not mentions or named:
        return mentions
    return [_prefer(m, channel_product) for m in mentions]


def _generic_only(
    masked: str, kb: KnowledgeBase, products: tuple[ProductSpan, ...], channel_product: str | None
) -> bool:
    """Is every number of the message another system's standard code too, with nothing to
    tie it to its product (rule 5b): no product named, no channel product, no text code?
    Then :func:`_untied_generics_dropped` drops whatever the evidence takes, so nothing is
    weighed ("what's 500?", "200 members"): the answer is none either way."""
    return (
        channel_product is None
        and not products
        and kb.derived(_specific_codes).search(masked) is None
    )


def _specific_codes(kb: KnowledgeBase) -> re.Pattern[str]:
    """Where a number stands that some product has as a code of its own, signed or not:
    the numbers that may answer in a message naming no product."""
    return standalone(
        digits
        for digits in kb.code_digits
        if not all(
            is_generic(e.product.id, e.code.code)
            for e in (*kb.by_number(digits), *kb.by_number(f"-{digits}"))
        )
    )


def explain(text: str, kb: KnowledgeBase) -> list[Considered]:
    """Every known number of ``text`` the scanner weighed, with its features and score,
    in the order they were weighed: what ``errcode scan --explain`` prints, and what the
    evidence model is fitted on."""
    trace: list[Considered] = []
    view = parse(text)
    for _ in _numbers(view, kb, tuple(named_products(view.readable, kb)), Budget(), trace):
        pass
    return trace


def _untied_generics_dropped(
    mentions: list[Mention], named: set[str], channel_product: str | None
) -> list[Mention]:
    """Rule 5b: a generic number (HTTP-like, JSON-RPC) counts only when tied to its product."""
    out: list[Mention] = []
    for mention in mentions:
        kept = tuple(
            m
            for m in mention.matches
            if m.kind is not MatchKind.EXACT
            or counts_here(m.product.id, m.entry.code, named, channel_product)
        )
        if len(kept) == len(mention.matches):
            out.append(mention)  # most mentions: frozen, so the same one serves
        elif kept:
            out.append(Mention(span=mention.span, matches=kept, reason=mention.reason))
    return out


def _prefer(mention: Mention, product: str) -> Mention:
    """Narrow a mention that several products share to ``product``, when it is among them."""
    kept = tuple(m for m in mention.matches if m.product.id == product)
    if not kept or len(kept) == len(mention.matches):
        return mention
    return Mention(span=mention.span, matches=kept, reason=mention.reason)


# -- text codes -----------------------------------------------------------------------


def _text_codes(
    view: SlackText, kb: KnowledgeBase, products: tuple[ProductSpan, ...], budget: Budget
) -> Iterator[_Found]:
    named = frozenset(pid for _, _, pid in products)
    seen: dict[str, tuple[Match, ...]] = {}  # a log repeats its identifiers
    taken: set[str] = set()  # a text code is named by its first mention only
    for m in _identifiers(view.masked):
        token = m.group("id")
        key = token.upper()
        if key in taken:
            continue
        if key not in seen:
            if not budget.take():
                return
            seen[key] = _text_code_matches(token, kb)
        if not seen[key]:
            continue
        start, end = m.start("id"), m.end("id")
        if _enum_member(view.masked, start) and token.count("_") < 2:
            # "EMError.SERVER_BUSY": another SDK's enum member (rule 11); a name as long as
            # ErrorCodes.PC_ROOM_NOT_EXIST is only ever ours
            continue
        if _given_to_other_system(view.masked, start, end, kb, products):
            continue  # "the OAuth step says invalid_request": rule 11
        owner = product_of(view.masked, start, end, products, named)
        matches = tuple(x for x in seen[key] if owner is None or x.product.id in owner)
        if not matches:
            continue  # "云信 SDK 抛出 INVALID_OPERATION": the product named has no text codes
        taken.add(key)
        yield _Found(start, end, "text code", matches)


def _enum_member(masked: str, start: int) -> bool:
    """Is the identifier at ``start`` qualified by a type, as ``EMError.SERVER_BUSY`` is?
    BEMS sends its text codes bare, in JSON-RPC and logs; a qualified one is a client
    SDK's enum member."""
    if not (
        start >= 2
        and masked[start - 1] == "."
        and masked[start - 2].isascii()
        and masked[start - 2].isalpha()
    ):
        return False
    # "exports.PARSE_ERROR = -32700": a module or an object, not a type, qualifies it
    owner = masked[max(0, start - 24) : start - 1]
    word = owner[len(owner.rstrip(ascii_letters)) :]
    return word.lower() not in words.NOT_TYPE_QUALIFIERS


def _identifiers(masked: str) -> Iterator[re.Match[str]]:
    """What ``IDENTIFIER.finditer(masked)`` gives, read only on the lines that hold an
    underscore: a pasted log's other lines are never visited. Equal because an identifier
    holds an underscore and no line break, so no match crosses a line and a line start
    is where a whole-text scan tries afresh; a line break is no identifier character, so
    the look-arounds answer the same at the slice ends."""
    at = masked.find("_")
    while at != -1:
        end = masked.find("\n", at)
        end = len(masked) if end == -1 else end
        yield from IDENTIFIER.finditer(masked, masked.rfind("\n", 0, at) + 1, end)
        at = masked.find("_", end)


def _given_to_other_system(
    masked: str, start: int, end: int, kb: KnowledgeBase, products: tuple[ProductSpan, ...]
) -> bool:
    line_start = masked.rfind("\n", 0, start) + 1
    window = Window(masked, start, end, line_start, False, kb.product_words, products)
    return bool(detect(window, only=("other_system", "rival_im", "json_rpc_peer")))


def _text_code_matches(token: str, kb: KnowledgeBase) -> tuple[Match, ...]:
    exact = kb.by_text_code(token)
    if exact:
        return _full_matches(exact, kb)
    hit = kb.fuzzy_text_code(token)
    if hit is None:
        return ()
    return tuple(e.match(MatchKind.FUZZY, hit.score) for e in hit.entries)


# -- numbers --------------------------------------------------------------------------


def _numbers(
    view: SlackText,
    kb: KnowledgeBase,
    products: tuple[ProductSpan, ...],
    budget: Budget,
    trace: list[Considered] | None = None,
) -> Iterator[_Found]:
    masked = view.masked
    known = kb.code_digits
    formatted = {_strip_span(masked, a, b) for a, b in (*view.inline_code, *view.blocks)}
    named = frozenset(pid for _, _, pid in products)
    done: set[str] = set()  # codes whose every entry is found: a log repeats its codes
    decided: dict[int, Evidence] = {}  # by start: a list item reads the item before it
    anchors: list[_Found] = []
    unsure: list[tuple[_Number, Window, Evidence]] = []
    for m in _known_numbers(masked, kb):
        code = m.group(0)
        if code in done or code.lstrip("-") not in known or not kb.has_number(code):
            continue
        if _shaped(masked, m):
            continue
        if not budget.take():
            break
        number = _Number(m.start(), m.end(), code)
        window = _window(masked, number, formatted, kb, products)
        evidence = _evidence(masked, window, formatted, kb, products, decided, 0)
        candidates = kb.by_number(number.code)
        entries = narrow(candidates, masked, number.start, number.end, products, named)
        if trace is not None:
            trace.append(Considered(number.code, (number.start, number.end), evidence, entries))
        if evidence.unsure:
            unsure.append((number, window, evidence))
        if not evidence.taken:
            continue
        if len(entries) == len(candidates):
            done.add(number.code)
        if entries:
            anchors.append(_Found(number.start, number.end, evidence.reason, _exact(entries, kb)))
    yield from anchors
    if anchors and unsure:
        yield from _siblings(masked, kb, anchors, unsure, products, named, trace)


def _known_numbers(masked: str, kb: KnowledgeBase) -> Iterator[re.Match[str]]:
    """The :data:`NUMBER` matches of ``masked`` whose digits are a code of the tables, in
    order: what ``NUMBER.finditer`` gives, less the numbers no table has, found through
    the tables' index so that a pasted log's thousands of other numbers are never visited.
    """
    for hit in kb.code_index.finditer(masked):
        at = hit.start()
        # With its sign if the sign belongs to it ("-32601"; not the "-" of "a-404", nor
        # a comment's "--": NUMBER decides)
        m = NUMBER.match(masked, at - 1) if at and masked[at - 1] in "+-" else None
        if m is None:
            m = NUMBER.match(masked, at)
        if m is not None:
            yield m


def _shaped(masked: str, m: re.Match[str]) -> bool:
    """Is the number part of something else by its shape (a version, a time, a path)?
    Numbers of one length joined by slashes are a list, not a path: "13001/13002/13003"."""
    shape = number_shape(masked, m)
    if shape == "grouped" and _in_csv_column(masked, m.start()):
        return False  # "408,800,18%" under "错误码,次数,占比": cells, not 408,800
    return shape is not None and not (shape == "path" and _slash_list(masked, m))


def _in_csv_column(masked: str, start: int) -> bool:
    return column_of(masked, start, masked.rfind("\n", 0, start) + 1) is not None


_SLASH_RUN = re.compile(r"[0-9/]+", re.ASCII)


def _slash_list(masked: str, m: re.Match[str]) -> bool:
    start = m.start()
    while start > 0 and (masked[start - 1].isdigit() or masked[start - 1] == "/"):
        start -= 1
    run = _SLASH_RUN.match(masked, start)
    if run is None:
        return False
    before, after = masked[start - 1 : start], masked[run.end() : run.end() + 1]
    if (before and (before.isalnum() or before in "/\\.:-_")) or (
        after and ((after.isascii() and after.isalnum()) or after in "/\\.:_")
    ):
        return False  # part of a path, a date or an identifier
    parts = run.group(0).split("/")
    # Statuses of one length, ours or not ("502/503", "13001/13002"); not a ratio of one
    # number to itself ("4000/4000 users") nor short ones that write dates ("10/12")
    return (
        2 <= len(parts) <= 6
        and all(len(p) >= 3 for p in parts)
        and len({len(p) for p in parts}) == 1
        and len(set(parts)) > 1
    )


def _exact(entries: list[Entry], kb: KnowledgeBase) -> tuple[Match, ...]:
    return _full_matches([(e, MatchKind.EXACT) for e in entries], kb)


def _full_matches(found: list[tuple[Entry, MatchKind]], kb: KnowledgeBase) -> tuple[Match, ...]:
    """The entries of ``found`` as matches of their kind at full score. Each is made once
    per knowledge base and kept: a match is frozen, and making one (a validated model)
    costs more than reading it."""
    made = kb.derived(_made_matches)
    out = []
    for entry, kind in found:
        match = made.get((entry.key, kind))
        if match is None:
            match = made[entry.key, kind] = entry.match(kind)
        out.append(match)
    return tuple(out)


def _made_matches(kb: KnowledgeBase) -> dict[tuple[str, MatchKind], Match]:
    return {}  # filled by _full_matches: at most one match per entry and kind


def _window(
    masked: str,
    number: _Number,
    formatted: set[tuple[int, int]],
    kb: KnowledgeBase,
    products: tuple[ProductSpan, ...],
) -> Window:
    return Window(
        masked=masked,
        start=number.start,
        end=number.end,
        line_start=masked.rfind("\n", 0, number.start) + 1,
        formatted=(number.start, number.end) in formatted,
        product_words=kb.product_words,
        products=products,
        reasons=kb.reason_phrases(number.code),
        meanings=kb.meanings(number.code),
        meanings_zh=kb.meanings_zh(number.code),
        names=kb.derived(_names_by_number).get(number.code, ()),
    )


def _names_by_number(kb: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    """The text codes and aliases of each number whose every entry has a text code: what a
    table row that names such a number may call it ("1027 WRONG_SERVER")."""
    out: dict[str, tuple[str, ...]] = {}
    for number in {e.code.code for e in kb.entries}:
        entries = kb.by_number(number)
        if all(e.code.text_code for e in entries):
            out[number] = tuple(
                normalize_text_code(name)
                for e in entries
                for name in (e.code.text_code or "", *e.code.aliases)
            )
    return out


def _siblings(
    masked: str,
    kb: KnowledgeBase,
    anchors: list[_Found],
    unsure: list[tuple[_Number, Window, Evidence]],
    products: tuple[ProductSpan, ...],
    named: frozenset[str],
    trace: list[Considered] | None,
) -> Iterator[_Found]:
    """Codes whose context word is left out because a parallel clause already said it.

    "download fails with 40113, upload with 40114", "returned 801 for the batch and 809
    for the rest": the second number is a code of the same family (same product, same
    length, same leading digits) as a code taken nearby, in a clause joined to it. That
    is one more feature of the number, weighed with the others.
    """
    starts = [a.start for a in anchors]  # in text order: NUMBER finds them left to right
    taken: set[str] = set()
    for number, _, evidence in unsure:
        if number.code in taken:
            continue
        # Only anchors within reach: the cost stays linear in a 40,000-character paste.
        lo_at = bisect_left(starts, number.start - _ROWS_REACH)
        hi_at = bisect_left(starts, number.end + _ROWS_REACH + 1)
        for anchor in anchors[lo_at:hi_at]:
            if anchor.end <= number.start:
                lo, hi = anchor.end, number.start
            else:
                lo, hi = number.end, anchor.start
            if not _joined_clauses(masked, lo, hi) and not _rows_of_one_list(
                masked, anchor, number
            ):
                continue
            family = {(m.product.id, _family(m.entry.code)) for m in anchor.matches}
            entries = [
                e
                for e in narrow(
                    kb.by_number(number.code), masked, number.start, number.end, products, named
                )
                if (e.product.id, _family(e.code.code)) in family
            ]
            if not entries:
                continue
            again = weigh(evidence.features | {"parallel_clause"})
            if trace is not None:
                span = (number.start, number.end)
                trace[:] = [t for t in trace if t.span != span]
                trace.append(Considered(number.code, span, again, entries))
            if again.taken:
                taken.add(number.code)
                yield _Found(number.start, number.end, anchor.reason, _exact(entries, kb))
            break


def _joined_clauses(masked: str, lo: int, hi: int) -> bool:
    """Is ``masked[lo:hi]`` a link between two clauses of one line ("..., upload with")?
    Lines of a paste are separate records: a line break joins nothing."""
    link = _joiners(words.LIST_JOINERS, words.ZH_LIST_JOINERS)[1]
    return (
        hi - lo <= _SIBLING_REACH
        and masked.find("\n", lo, hi) == -1
        and link.search(masked, lo, hi) is not None
    )


# How far apart two rows of one list may be (lines, and characters for the search).
_ROWS_APART = 12
_ROWS_REACH = 2000
# What may open a row before its number: bullets, quotes, a comment's stars, a cell bar,
# the quote of a key in a map of codes to messages ('"301": "被封禁",').
_ROW_OPENERS = " \t*-•`>|#/\"'"


def _rows_of_one_list(masked: str, anchor: _Found, number: _Number) -> bool:
    """Do both numbers open rows of one list, written alike, with only rows between?

    "* 801:群人数超限\n* 802:没有权限\n* 404:非法用户": a list of a product's codes, each
    explained on its row, names codes on every row once one of them is certain."""
    first, second = sorted(((anchor.start, anchor.end), (number.start, number.end)))
    tops = []
    for start in (first[0], second[0]):
        top = masked.rfind("\n", 0, start) + 1
        if masked[top:start].strip(_ROW_OPENERS):
            return False  # words before it: a sentence, not a row
        tops.append(top)
    if _row_mark(masked, first[1]) != _row_mark(masked, second[1]):
        return False
    between = masked[tops[0] : tops[1]].split("\n")[1:-1]
    return len(between) < _ROWS_APART and all(
        line.strip(_ROW_OPENERS)[:1].isdigit() for line in between
    )


def _row_mark(masked: str, end: int) -> str:
    """What follows a row's number: the separator people put after a code (":", "=", "|"),
    or "text" when words follow it."""
    rest = masked[end : end + 8].lstrip(" \t")
    if not rest or rest[0] == "\n":
        return ""
    return rest[0] if not (rest[0].isalnum() or rest[0] in "_'\"") else "text"


def _family(code: str) -> tuple[int, str]:
    """Codes of one family share their length and, past three digits, their leading
    digits: 40113 and 40114; 302 and 416 (HTTP-like statuses of one product)."""
    digits = code.lstrip("-")
    return len(digits), digits[:2] if len(digits) > 3 else ""


def _evidence(
    masked: str,
    window: Window,
    formatted: set[tuple[int, int]],
    kb: KnowledgeBase,
    products: tuple[ProductSpan, ...],
    decided: dict[int, Evidence],
    depth: int,
) -> Evidence:
    """The features of the number, weighed; a list item reads the item before it."""
    features = set(detect(window))
    previous = _previous_item(masked, window) if depth < _LIST_DEPTH else None
    if previous is not None:
        before = decided.get(previous.start)
        if before is None:
            item = _window(masked, previous, formatted, kb, products)
            before = _evidence(masked, item, formatted, kb, products, decided, depth + 1)
        if before.taken:
            features.add("list_after_code")
    evidence = weigh(features)
    decided[window.start] = evidence
    return evidence


def _previous_item(masked: str, window: Window) -> _Number | None:
    """The number before this one in a list ("error 1010, 1027"), if there is one."""
    lo = max(window.line_start, window.start - _LIST_REACH)
    if _DIGIT.search(masked, lo, window.start) is None:
        return None  # most numbers: one search in C, and no list of matches to make
    items = [m for m in NUMBER.finditer(masked, lo, window.start) if m.end() < window.start]
    if not items:
        return None
    item = items[-1]
    tail = _joiners(words.LIST_JOINERS, words.ZH_LIST_JOINERS)[0]
    if masked[item.start() - 1 : item.start()] in (".", "_") or not tail.match(
        masked, item.end(), window.start
    ):
        return None
    if _shaped(masked, item):
        return None
    return _Number(item.start(), item.end(), item.group(0))


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


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
