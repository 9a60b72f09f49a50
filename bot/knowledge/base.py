"""The loaded tables, indexed for the lookups the resolver and the scanner make.

Indexes are derived once, on first use, from the validated tables; entries
themselves stay as authored. Exact lookups are dictionary hits, so they cost the same at any
table size; fuzzy text-code lookups only compare codes of the same shape.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar, cast

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.models import ErrorCode, Match, MatchKind, Product, ProductTable
from bot.text.grammar import any_of, words_of

_T = TypeVar("_T")

__all__ = [
    "Entry",
    "FuzzyHit",
    "KnowledgeBase",
    "canonical_number",
    "normalize_text_code",
    "standalone",
]

_SEPARATORS = re.compile(r"[\s_\-]+")


# A reason phrase is the opening of a description, up to its first punctuation, and up to
# its third word of content: "team does not exist" whole, "the number of team" of a longer
# one. Function words count for nothing there, or "team does not" would lose "exist".
_DESCRIPTION_BREAK = re.compile(r"[,.;:()/]")
_REASON_WORDS = 3
_FUNCTION_WORDS = words_of(
    "a an the is are was were be been does do did not no of to in on for and or"
)


def _opening_words(words: list[str]) -> list[str]:
    content = 0
    for i, word in enumerate(words):
        content += word not in _FUNCTION_WORDS
        if content == _REASON_WORDS:
            return words[: i + 1]
    return words


def _loose(text: str) -> str:
    return re.sub(r"[\s\-]+", "", text).casefold()


def normalize_text_code(text: str) -> str:
    """One spelling per text code: ``"wrong server"``, ``"Wrong-Server"`` -> ``WRONG_SERVER``."""
    return _SEPARATORS.sub("_", text.strip()).strip("_").upper()


def canonical_number(text: str) -> str | None:
    """The table form of a typed number: ``"+01027"`` -> ``"1027"``; ``None`` if not a number."""
    body = text.strip()
    if not body:
        return None
    sign = ""
    if body[:1] in "+-":
        sign, body = ("-" if body[0] == "-" else ""), body[1:]
    if not body.isascii() or not body.isdigit():
        return None
    digits = body.lstrip("0") or "0"
    return "0" if digits == "0" else sign + digits


def _word_limit(word: str) -> int:
    return 1 if len(word) < 8 else 2


def _words_close(typed: list[str], code: list[str]) -> bool:
    # "the server" must not read as a neighbour of SERVER_BUSY: every word has to stay close.
    return all(OSA.distance(a, b) <= _word_limit(b) for a, b in zip(typed, code, strict=True))


@dataclass(frozen=True, slots=True)
class Entry:
    """An entry together with the product it belongs to."""

    product: Product
    code: ErrorCode

    @property
    def key(self) -> str:
        return f"{self.product.id}:{self.code.code}"

    def match(self, kind: MatchKind = MatchKind.EXACT, score: float = 100.0) -> Match:
        """This entry as an answer reached by ``kind`` (an exact hit scores 100)."""
        return Match(product=self.product, entry=self.code, kind=kind, score=score)


@dataclass(frozen=True, slots=True)
class FuzzyHit:
    """A text code reached despite a typo."""

    #: The clean text code the typo was read as.
    text_code: str
    entries: tuple[Entry, ...]
    #: Edit distance between what was typed and ``text_code``.
    distance: int

    @property
    def score(self) -> float:
        """0-100: how much of the text code survived the typo."""
        return 100.0 * (1 - self.distance / max(len(self.text_code), 1))


def standalone(digits: Iterable[str]) -> re.Pattern[str]:
    """Where one of ``digits`` stands alone in a text, not inside a longer run of digits."""
    # The look-ahead opens on a character class, so the engine skips to the next digit
    # in C instead of trying the look-behind at every position (a third off a paste).
    return re.compile(rf"(?=[0-9])(?<![0-9])(?:{any_of(digits)})(?![0-9])", re.ASCII)


class KnowledgeBase:
    """All products and entries, with the indexes lookups need."""

    def __init__(self, tables: Sequence[ProductTable]) -> None:
        self.tables = tuple(tables)
        self.products: dict[str, Product] = {t.product.id: t.product for t in tables}
        self.entries: tuple[Entry, ...] = tuple(
            Entry(t.product, e) for t in tables for e in t.entries
        )
        self._near_memo: dict[str, list[str]] = {}
        self._derived: dict[Callable[[KnowledgeBase], object], object] = {}
        self._alias_to_product = {
            alias.casefold(): p.id for p in self.products.values() for alias in (p.id, *p.aliases)
        }

    # The indexes are built on first use: loading a large table costs only its entries, and
    # a process that never looks a text code up never builds that index.

    @cached_property
    def _by_number(self) -> dict[str, list[Entry]]:
        by_number: dict[str, list[Entry]] = defaultdict(list)
        for item in self.entries:
            by_number[item.code.code].append(item)
        return dict(by_number)

    @cached_property
    def _by_text(self) -> dict[str, list[tuple[Entry, MatchKind]]]:
        by_text: dict[str, list[tuple[Entry, MatchKind]]] = defaultdict(list)
        for item in self.entries:
            if item.code.text_code:
                by_text[item.code.text_code].append((item, MatchKind.TEXT_CODE))
            for alias in item.code.aliases:
                norm = normalize_text_code(alias)
                if not any(e is item for e, _ in by_text[norm]):
                    by_text[norm].append((item, MatchKind.ALIAS))
        return dict(by_text)

    def __len__(self) -> int:
        return len(self.entries)

    def derived(self, build: Callable[[KnowledgeBase], _T]) -> _T:
        """What ``build`` makes of these tables, made once: an index a higher layer reads
        on every message (it knows what to build; the tables are what it is built from)."""
        if build not in self._derived:
            self._derived[build] = build(self)
        return cast(_T, self._derived[build])

    # -- numbers -----------------------------------------------------------------

    def by_number(self, code: str, products: Iterable[str] | None = None) -> list[Entry]:
        """Entries whose code is ``code`` (table form), in the given products if any."""
        found = self._by_number.get(code, [])
        if products is None:
            return list(found)
        allowed = set(products)
        return [e for e in found if e.product.id in allowed]

    def has_number(self, code: str) -> bool:
        return code in self._by_number

    def reason_phrases(self, code: str) -> tuple[str, ...]:
        """The reason phrases people write beside ``code``, lower case: its text code in
        words ("method not found") and the opening words of its description ("service
        unavailable"), in every product that has it."""
        return self._reason_phrases.get(code, ())

    def meanings_zh(self, code: str) -> tuple[str, ...]:
        """The vendors' Chinese descriptions of ``code`` and their other Chinese wordings of
        it, in every product that has one."""
        return self._meanings_zh.get(code, ())

    def meanings(self, code: str) -> tuple[str, ...]:
        """The English descriptions of ``code`` (its text code in words first), lower case,
        in every product that has it."""
        return self._meanings.get(code, ())

    @cached_property
    def _meanings(self) -> dict[str, tuple[str, ...]]:
        return {
            code: tuple(
                f"{(e.code.text_code or '').replace('_', ' ')} {e.code.description}".strip().lower()
                for e in entries
            )
            for code, entries in self._by_number.items()
        }

    @cached_property
    def _meanings_zh(self) -> dict[str, tuple[str, ...]]:
        return {
            code: tuple(
                text
                for e in entries
                for text in ((e.code.description_zh or ""), *e.code.wordings_zh)
                if text
            )
            for code, entries in self._by_number.items()
        }

    @cached_property
    def _reason_phrases(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for code, entries in self._by_number.items():
            phrases: list[str] = []
            for e in entries:
                if e.code.text_code:
                    phrases.append(e.code.text_code.replace("_", " ").lower())
                opening = _DESCRIPTION_BREAK.split(e.code.description.lower(), maxsplit=1)[0]
                words = _opening_words(opening.split())
                if len(words) >= 2:
                    phrases.append(" ".join(words))
            out[code] = tuple(dict.fromkeys(phrases))
        return out

    @cached_property
    def code_digits(self) -> frozenset[str]:
        """The digits of every code, signs dropped ("-32700" -> "32700"): a cheap first test."""
        return frozenset(code.lstrip("-") for code in self._by_number)

    @cached_property
    def code_index(self) -> re.Pattern[str]:
        """Where the digits of a code stand alone in a text: an index for finding the few
        numbers worth reading in a paste of thousands, not a grammar (every hit is still
        read as a :data:`~bot.text.grammar.NUMBER`)."""
        return standalone(self.code_digits)

    # -- text codes ---------------------------------------------------------------

    def by_text_code(self, text: str) -> list[tuple[Entry, MatchKind]]:
        """Entries whose text code or alias is exactly ``text`` (any case, any separator)."""
        return list(self._by_text.get(normalize_text_code(text), []))

    @cached_property
    def _codes_by_first_word(self) -> dict[tuple[str, int], list[str]]:
        by_first: dict[tuple[str, int], list[str]] = defaultdict(list)
        for text in self._by_text:
            words = text.split("_")
            by_first[(words[0], len(words))].append(text)
        return dict(by_first)

    @cached_property
    def _code_words(self) -> list[str]:
        return sorted({word for text in self._by_text for word in text.split("_")})

    def _near_words(self, word: str) -> list[str]:
        """Words of known text codes within a small edit of ``word`` (memoised per word)."""
        memo = self._near_memo
        if word not in memo:
            if len(memo) > 50_000:  # bounded: user text is unbounded
                memo.clear()
            hits = process.extract(
                word,
                self._code_words,
                scorer=OSA.distance,
                score_cutoff=_word_limit(word),
                limit=None,
            )
            memo[word] = [candidate for candidate, _, _ in hits]
        return memo[word]

    def fuzzy_text_code(self, text: str) -> FuzzyHit | None:
        """The one text code ``text`` is a small typo of, or ``None`` when none or several are.

        Small means at most two edits in all (a transposition counts as one), and each word
        still close to the word it replaces: one edit for words under eight letters. Only
        codes whose first word is near the typed first word are compared, so the cost does
        not grow with unrelated codes.
        """
        norm = normalize_text_code(text)
        if len(norm) < 6 or "_" not in norm:
            return None
        words = norm.split("_")
        if any(not self._near_words(w) for w in words):
            return None
        candidates = [
            code
            for first in self._near_words(words[0])
            for code in self._codes_by_first_word.get((first, len(words)), ())
        ]
        limit = 1 if len(norm) < 10 else 2
        scored = [(OSA.distance(norm, c, score_cutoff=limit), c) for c in candidates]
        scored = [(d, c) for d, c in scored if d <= limit and _words_close(words, c.split("_"))]
        if not scored:
            return None
        best = min(d for d, _ in scored)
        winners = {c for d, c in scored if d == best}
        if len(winners) != 1 or best == 0:
            return None
        (winner,) = winners
        entries = tuple(dict.fromkeys(e for e, _ in self._by_text[winner]))
        return FuzzyHit(self._clean_name(winner, entries), entries, int(best))

    @staticmethod
    def _clean_name(normalized: str, entries: Sequence[Entry]) -> str:
        for e in entries:
            if e.code.text_code:
                return e.code.text_code
        return normalized

    # -- products -----------------------------------------------------------------

    def product_for_alias(self, word: str) -> str | None:
        """The product id a product word names (``"NIM"`` -> ``"commsease"``)."""
        return self._alias_to_product.get(word.casefold())

    @cached_property
    def product_aliases(self) -> tuple[tuple[str, str], ...]:
        """(alias, product id) pairs, longest alias first, for building matchers."""
        pairs = sorted(self._alias_to_product.items(), key=lambda kv: (-len(kv[0]), kv[0]))
        return tuple(pairs)

    @cached_property
    def _product_pattern(self) -> re.Pattern[str]:
        # Spaces and hyphens inside an alias match either ("BEMS Connect", "bems-connect");
        # an alias must not sit inside a longer word or identifier (GPS_NOT_RESPONDING), though
        # digits may follow ("bems01").
        parts = [
            r"[\s\-]+".join(re.escape(w) for w in re.split(r"[\s\-]+", alias))
            for alias, _ in self.product_aliases
        ]
        # Every alias opens on one of a few characters: a look-ahead on them lets the
        # engine skip the rest of a paste in C (unless a separator opens one, as none does).
        firsts = sorted({alias[0] for alias, _ in self.product_aliases})
        separated = any(c.isspace() or c == "-" for c in firsts)
        opener = "" if separated else f"(?=[{re.escape(''.join(firsts))}])"
        return re.compile(
            rf"{opener}(?<![A-Za-z0-9_])(?:" + "|".join(parts) + r")(?![A-Za-z_])",
            re.IGNORECASE,
        )

    @cached_property
    def product_words(self) -> frozenset[str]:
        """The first word of every product name, lower case ("nim", "bems", "blackberry")."""
        return frozenset(re.split(r"[\s\-]+", alias)[0] for alias, _ in self.product_aliases)

    @cached_property
    def _product_hint(self) -> re.Pattern[str]:
        return re.compile(any_of(self.product_words))

    def find_products(self, text: str) -> list[tuple[int, int, str]]:
        """Product words in ``text``: (start, end, product id), in order."""
        # Most texts name no product: a substring test in C spares the regex over 40 KB.
        if self._product_hint.search(text.lower()) is None:
            return []
        out = []
        owners: dict[str, str | None] = {}  # a long paste repeats its product words
        for m in self._product_pattern.finditer(text):
            word = m.group(0)
            if word not in owners:
                pid = self.product_for_alias(re.sub(r"[\s\-]+", " ", word))
                owners[word] = pid or self._product_by_loose_alias.get(_loose(word))
            if (owner := owners[word]) is not None:
                out.append((m.start(), m.end(), owner))
        return out

    @cached_property
    def _product_by_loose_alias(self) -> dict[str, str]:
        return {_loose(alias): pid for alias, pid in self.product_aliases}

    @cached_property
    def text_codes(self) -> tuple[str, ...]:
        """Every normalised text code and alias, longest first."""
        return tuple(sorted(self._by_text, key=lambda t: (-len(t), t)))
