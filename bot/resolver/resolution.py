"""Resolve a question (``/errcode``, a DM, ``errcode lookup``) to knowledge entries.

Direct mode: the user is asking, so every code the query names counts. In order:

1. numbers (``1027``, ``-32700``, ``+01027``, ``0x403``), each narrowed by the product word
   nearest to it ("bems 1027 and nim 416");
2. text codes in any case and with any separator ("wrong server"), the longest first, then
   small typos ("SEVRER_BUSY"), which are reported as corrections;
3. only when the query names no code at all: a free-text search of the descriptions,
   answered when one entry clearly wins, else offered as suggestions
   (:mod:`bot.resolver.description`).

The work is capped per query (:mod:`bot.text.budget`): at most
:data:`~bot.text.budget.MAX_CANDIDATES` numbers and words where a text code could start
are looked up, each with at most nine words (:data:`_MAX_WORDS`); past that the query is
not read further, and the resolution is ``truncated``, with no free-text search.
"""

from __future__ import annotations

import re

from bot.binding import DESCRIPTIVE_VOCABULARY, named_products, product_of
from bot.knowledge.base import Entry, KnowledgeBase, canonical_number, normalize_text_code
from bot.models import Correction, Match, MatchKind, ProductMiss, Resolution, Suggestion
from bot.resolver.description import describe
from bot.text.budget import Budget
from bot.text.grammar import (
    IDENTIFIER,
    NUMBER,
    QUALIFIED_NAME,
    VETO_BEFORE,
    ZH_NOT_CODE_WORDS,
    Shape,
    is_cjk,
    is_quantity,
    number_shape,
)
from bot.text.slack import plain_text

__all__ = ["resolve"]

# A question names every number it holds, unless the number is part of something else
# ("ORA-12154", "4.0.1", "10:05") or a quantity ("500 人", "200 members").
_PART_OF_SOMETHING: frozenset[Shape] = frozenset(("decimal", "file", "joined", "time"))
# Words that can make up a text code, with the separators allowed between them.
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*|[0-9]+")
_GLUE = re.compile(r"[\s_\-]+")
# Characters that join words into one identifier; a text code never stops at one.
_JOINERS = ("_", "-")
# The most words a text code has (PC_DUPLICATE_ROOM_NAME_UPDATE_UNKNOWN_SERVER_ERROR).
_MAX_WORDS = 9

# Between a placing word and its number: spaces, a key separator ("port: 4000", "端口：4000").
_GAP = " \t:：=＝"
_LAST_WORD = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z]+\Z")
# Channel mode's words that place a number, less those that in a question point at a code
# ("look at 1027", "first 1027, then 1028") or end its reason phrase ("rate limit 416").
_VETO_BEFORE = VETO_BEFORE - {"at", "first", "next", "last", "limit"}
_ZH_PLACING = tuple(sorted((w for w in ZH_NOT_CODE_WORDS if is_cjk(w[0])), key=len, reverse=True))
# Product vocabulary that names what the descriptions are about, not only the product.
_DESCRIPTIVE = re.compile(DESCRIPTIVE_VOCABULARY)
# Before a lone 号, words that make it an error's number, not an id ("错误号 1027").
_ERROR_WORDS = ("错误", "错误编")


def resolve(query: str, kb: KnowledgeBase) -> Resolution:
    """Every entry ``query`` asks about, with corrections and suggestions."""
    text = plain_text(query)
    # Blank out product names so "bems:1027" does not read "bems" as a text code word.
    # A hyphen right after a product word joins, it is no minus sign: "commsease-422".
    aliases = kb.find_products(text)
    products = named_products(text, kb, aliases)
    masked = _mask(text, [(s, e + (text[e : e + 1] == "-")) for s, e, _ in aliases])
    matches: list[Match] = []
    corrections: list[Correction] = []
    unknown: list[str] = []

    misses: list[ProductMiss] = []

    budget = Budget()
    named = frozenset(pid for _, _, pid in products)
    numbers = _numbers(masked, budget)
    for start, end, code in numbers:
        allowed = product_of(masked, start, end, products, named)
        found = kb.by_number(code, allowed)
        if found:
            matches.extend(e.match() for e in found)
        elif allowed and (elsewhere := kb.by_number(code)):
            # "commsease 1027": the named product lacks it, another has it: say so
            misses.extend(
                ProductMiss(
                    code=code,
                    product=kb.products[pid],
                    elsewhere=tuple(
                        Suggestion(product=e.product, entry=e.code, score=100) for e in elsewhere
                    ),
                )
                for pid in sorted(allowed)
            )
            unknown.append(code)  # to the named product, still a code it lacks
        else:
            unknown.append(code)

    # Text codes are read with the product words in place: GPS_HTTP_ERROR starts with one.
    for window, hits, correction in _text_codes(text, kb, budget):
        kept = [(e, kind, score) for e, kind, score in hits if not named or e.product.id in named]
        matches.extend(e.match(kind, score) for e, kind, score in kept)
        if correction and kept:
            corrections.append(Correction(original=window, corrected=correction))

    matches = _unique(matches)
    numbers_unknown = list(unknown)
    unknown += _unknown_identifiers(masked, matches, corrections)
    unknown = unknown[: budget.limit]
    if matches or budget.exhausted:
        return Resolution(
            query=query,
            matches=tuple(matches),
            corrections=tuple(corrections),
            unknown=tuple(dict.fromkeys(unknown)),
            misses=tuple(misses),
            truncated=budget.exhausted,
        )
    if misses:
        return Resolution(query=query, unknown=tuple(dict.fromkeys(unknown)), misses=tuple(misses))
    # No code matched: the words may still describe one ("name longer than 256 characters":
    # the 256 is part of 40106's description). Identifiers nobody knows are no description
    # ("X_WRONG_SERVER" is not 1027).
    spans = [m.span("id") for m in IDENTIFIER.finditer(masked)]
    # A product's name says which product, not what went wrong: "Skype for Business server"
    # is no busy server, "云信" no word of a description; descriptive vocabulary stays.
    spans += [(s, e) for s, e, _ in products if not _DESCRIPTIVE.match(text, s, e)]
    # A query that names a code, even one no table has, gets no free-text answer: "9519
    # 错误码，超时" asks about 9519, not about time-outs (direct rule 4).
    described = (
        Resolution(query=query)
        if numbers_unknown
        else describe(query, _mask(masked, spans), kb, named)
    )
    if described.found or not unknown:
        return described
    return Resolution(
        query=query,
        suggestions=_number_suggestions(numbers_unknown, kb, named),
        unknown=tuple(dict.fromkeys(unknown)),
    )


def _unknown_identifiers(
    text: str, matches: list[Match], corrections: list[Correction]
) -> list[str]:
    """UPPER_SNAKE-like words that name no known text code, nor a corrected one."""
    known = {m.entry.text_code for m in matches if m.entry.text_code}
    known |= {normalize_text_code(a) for m in matches for a in m.entry.aliases}
    known |= {normalize_text_code(c.original) for c in corrections}
    out = []
    for m in IDENTIFIER.finditer(text):
        name = normalize_text_code(m.group("id"))
        if name not in known:
            out.append(name[:40])
    return out


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _numbers(text: str, budget: Budget) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for m in NUMBER.finditer(text):
        if (
            number_shape(text, m) in _PART_OF_SOMETHING
            or is_quantity(text, m.start(), m.end())
            or _placed(text, m.start())
        ):
            continue
        if not budget.take():
            break
        hex_digits = m.group("hex")
        code = str(int(hex_digits, 16)) if hex_digits else canonical_number(m.group(0))
        if code is not None:
            out.append((m.start(), m.end(), code))
    return out


def _placed(text: str, start: int) -> bool:
    """Is the number at ``start`` placed by the word before it ("port 4000", "版本 1028")?

    As in channel mode, a port, version, id or ticket number is part of something else, and
    no code even in a question: "端口 4000 上的服务报 1028" asks about 1028 alone.
    """
    head = text[max(0, start - 24) : start].rstrip(_GAP)
    word = _LAST_WORD.search(head)
    if word is not None:
        return word.group(0).lower() in _VETO_BEFORE
    for placing in _ZH_PLACING:
        if head.endswith(placing):
            # a lone 号 yields to a word naming an error: "错误号 1027"
            return len(placing) > 1 or not head[:-1].endswith(_ERROR_WORDS)
    return False


def _text_codes(
    text: str, kb: KnowledgeBase, budget: Budget
) -> list[tuple[str, list[tuple[Entry, MatchKind, float]], str | None]]:
    """(what was typed, entries, corrected text code or None) for each text code, left to right.

    Each word where a code could start spends one candidate of ``budget``, and tries at most
    :data:`_MAX_WORDS` windows twice (exact, then typos): linear in the words read.
    """
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    # run[i]: the end (exclusive) of the words joined to word i by glue alone, so whether a
    # window is joined costs one comparison rather than a regex per gap.
    run = list(range(1, len(words) + 1))
    for k in range(len(words) - 2, -1, -1):
        if _GLUE.fullmatch(text, words[k][1], words[k + 1][0]):
            run[k] = run[k + 1]
    found: list[tuple[str, list[tuple[Entry, MatchKind, float]], str | None]] = []
    i = 0
    while i < len(words):
        if not budget.take():
            break
        hit = None
        # Longest run first, so PC_ROOM_NOT_EXIST never also yields a shorter PC_ROOM_... code.
        windows = [
            (j, text[words[i][0] : words[j - 1][1]])
            for j in range(min(len(words), i + _MAX_WORDS), i + 1, -1)
            if _joined(text, words, run, i, j)
        ]
        for j, window in windows:
            exact = kb.by_text_code(window)
            if exact:
                no_correction: str | None = None
                hit = (window, [(e, kind, 100.0) for e, kind in exact], no_correction, j)
                break
        if hit is None:
            hit = _whole_alias(text, words, i, kb)
        if hit is None:
            for j, window in windows:
                fuzzy = kb.fuzzy_text_code(window)
                if fuzzy is not None:
                    hit = (
                        window,
                        [(e, MatchKind.FUZZY, fuzzy.score) for e in fuzzy.entries],
                        fuzzy.text_code,
                        j,
                    )
                    break
        if hit is None:
            i += 1
            continue
        window, entries, correction, j = hit
        found.append((window, entries, correction))
        i = j
    return found


def _whole_alias(
    text: str, words: list[tuple[int, int]], i: int, kb: KnowledgeBase
) -> tuple[str, list[tuple[Entry, MatchKind, float]], str | None, int] | None:
    """The whole identifier starting at word i, if it is exactly an entry's alias (any case):
    an SDK constant in one word or dotted (``kNIMResUidPassError``,
    ``NIMResultCode.teamLimit``), which the windows of words joined by glue never read whole.
    Aliases only, never typos: a single English word is no text code."""
    start = words[i][0]
    before = text[start - 1 : start]
    if before and before.isascii() and (before.isalnum() or before in "._-"):
        return None
    ident = QUALIFIED_NAME.match(text, start)
    if ident is None or text[ident.end() : ident.end() + 1] in _JOINERS:
        return None
    hits: list[tuple[Entry, MatchKind, float]] = [
        (e, kind, 100.0) for e, kind in kb.by_text_code(ident.group(0)) if kind is MatchKind.ALIAS
    ]
    if not hits:
        return None
    j = next((k for k in range(i + 1, len(words)) if words[k][0] >= ident.end()), len(words))
    return ident.group(0), hits, None, j


def _joined(text: str, words: list[tuple[int, int]], run: list[int], i: int, j: int) -> bool:
    """Are words i..j-1 separated only by spaces, hyphens or underscores, and a whole
    identifier? ``PC_ROOM_NOT_EXIST_V2`` is another name, not PC_ROOM_NOT_EXIST."""
    start, end = words[i][0], words[j - 1][1]
    if (text[start - 1 : start] in _JOINERS and start > 0) or text[end : end + 1] in _JOINERS:
        return False
    return j <= run[i]


def _unique(matches: list[Match]) -> list[Match]:
    seen: dict[str, Match] = {}
    for m in matches:
        if m.key not in seen:
            seen[m.key] = m
    return list(seen.values())


def _number_suggestions(
    unknown: list[str], kb: KnowledgeBase, named: frozenset[str]
) -> tuple[Suggestion, ...]:
    """Codes one digit away from an unknown number: likely typos, offered, never answered."""
    out: list[Suggestion] = []
    longest = max(map(len, kb.code_digits), default=0)
    for code in unknown:
        if len(out) >= 3:
            break
        if len(code.lstrip("-")) > longest:
            continue  # its neighbours are as long: no code is (and 10 x its length look-ups)
        products = named or None
        candidates = [e for near in _one_digit_off(code) for e in kb.by_number(near, products)]
        candidates.sort(key=lambda e: (abs(int(e.code.code) - int(code)), int(e.code.code)))
        out.extend(Suggestion(product=e.product, entry=e.code, score=75) for e in candidates[:3])
    return tuple(out[:3])


def _one_digit_off(code: str) -> set[str]:
    """Same-length numbers one typo away: a digit changed, or two neighbours swapped.

    Looked up in the index rather than compared with every entry, so a not-found number
    costs the same at any table size.
    """
    sign, digits = ("-", code[1:]) if code.startswith("-") else ("", code)
    near: set[str] = set()
    for i, old in enumerate(digits):
        for new in "0123456789":
            if new != old and not (i == 0 and new == "0" and len(digits) > 1):
                near.add(sign + digits[:i] + new + digits[i + 1 :])
        if i + 1 < len(digits) and digits[i + 1] != old and not (i == 0 and digits[1] == "0"):
            near.add(sign + digits[:i] + digits[i + 1] + old + digits[i + 2 :])
    return near
