"""Free-text search over descriptions and text codes ("room does not exist", "用户被禁言").

A small BM25 index with a domain thesaurus: people write "too many admins" for
"exceeds the upper limit" and "can't join the chatroom" for "prohibited from
joining the chat room". The search only answers when one entry clearly wins;
otherwise it offers the close ones as suggestions.

Chinese is cut into words with jieba (the maintained Rust port, through rjieba) and
folded onto the same English terms, so a Chinese question finds NetEase's Chinese
descriptions and the English ones alike. The Chinese descriptions are a field of their
own: an English question is scored exactly as if they were not there.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING

import snowballstemmer  # type: ignore[import-untyped]  # the package ships no stubs

from bot.knowledge.base import Entry
from bot.resolver.thesaurus import (
    PHRASES,
    STOP_WORDS,
    SYNONYMS,
    ZH_PHRASES,
    ZH_STOP_WORDS,
    ZH_SYNONYMS,
    ZH_WORDS,
)
from bot.text.grammar import is_cjk

if TYPE_CHECKING:
    import rjieba

__all__ = ["SearchHit", "TextIndex", "segment", "terms"]


_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_WORD = re.compile(rf"[a-z0-9@]+(?:'[a-z]+)?|[{_CJK}]+")
_HAS_CJK = re.compile(rf"[{_CJK}]")


_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    # Snowball folds "depends"/"dependency" and "joining"/"joined" onto one stem.
    stem: str = _STEMMER.stemWord(word)
    return stem


@cache
def _jieba() -> rjieba.Jieba:
    # Imported and loaded on the first Chinese text only (~0.1 s): exact lookups never pay.
    import rjieba

    jieba = rjieba.Jieba()
    for word in ZH_WORDS:
        jieba.add_word(word, None, None)
    return jieba


@lru_cache(maxsize=65536)
def _cut(run: str) -> tuple[str, ...]:
    # Without the HMM guesser: it glues unknown pairs such as "群已" or "群太多" into words,
    # while the dictionary alone splits a short error message predictably.
    return tuple(_jieba().cut(run, False))


def segment(text: str) -> list[str]:
    """The Chinese words of ``text``, in order; anything that is not Chinese is left out."""
    return [word for run in re.findall(rf"[{_CJK}]+", text) for word in _cut(run)]


def has_chinese(text: str) -> bool:
    return _HAS_CJK.search(text) is not None


def _english(word: str, out: list[str]) -> None:
    if word in STOP_WORDS:
        return
    out.append(_stem(SYNONYMS.get(word, word)))


def terms(text: str) -> list[str]:
    """The search terms of ``text``: lower case, phrases folded, stop words dropped, stemmed.

    Chinese words are segmented and folded onto English terms where the thesaurus knows them.
    """
    lowered = text.lower().replace("_", " ")
    for pattern, replacement in PHRASES:
        lowered = re.sub(pattern, f" {replacement} ", lowered)
    chinese = has_chinese(lowered)
    if chinese:
        for pattern, replacement in ZH_PHRASES:
            lowered = re.sub(pattern, f" {replacement} ", lowered)
    out: list[str] = []
    for word in _WORD.findall(lowered):
        if not chinese:
            _english(word, out)
            continue
        for piece in _cut(word) if is_cjk(word[0]) else (word,):
            if piece in ZH_STOP_WORDS:
                continue
            folded = ZH_SYNONYMS.get(piece)
            if folded is not None:
                for part in folded.split():
                    _english(part, out)
            elif is_cjk(piece[0]):
                out.append(piece)
            else:
                _english(piece, out)
    return out


@dataclass(frozen=True, slots=True)
class SearchHit:
    entry: Entry
    #: BM25 score of the entry for the query.
    score: float
    #: Share of the query's weight that this entry matched (0-1).
    coverage: float
    #: The question contains every term of the entry's description.
    whole: bool = False


class _Field:
    """One BM25 field: the English words of every entry, or NetEase's Chinese ones."""

    def __init__(
        self, documents: Sequence[list[str]], described: Sequence[list[str]], *, sparse: bool
    ) -> None:
        postings: dict[str, dict[int, int]] = defaultdict(dict)
        self.lengths = [len(words) for words in documents]
        # The description's own terms, to see how much of an entry a question covers.
        self.described = [frozenset(words) for words in described]
        for index, words in enumerate(documents):
            for word in words:
                postings[word][index] = postings[word].get(index, 0) + 1
        self.postings = dict(postings)
        total = len(documents) or 1
        # A sparse field (most entries have no Chinese description) is averaged over the
        # entries that have it, as BM25F does, or its few entries would all count as long.
        present = [n for n in self.lengths if n or not sparse]
        self.avg_length = (sum(present) / (len(present) or 1)) or 1.0
        self.idf = {
            word: math.log(1 + (total - len(p) + 0.5) / (len(p) + 0.5))
            for word, p in self.postings.items()
        }


class TextIndex:
    """BM25 over each entry's description and text-code words, and its Chinese description."""

    K1 = 1.2
    B = 0.5

    #: Weight of an entry whose every description term the question contains.
    WHOLE_DESCRIPTION = 1.3
    #: The most candidates scored for one query: rare terms pick them, common ones only score.
    #: Every entry that has the query's rarest term is always among them; past that, a
    #: common word (a Chinese one is scored in two fields) would cost 4,000 candidates
    #: 33 ms at p99 on 100,000 entries, 1,500 cost 5 ms (bench_lookup.py).
    CANDIDATES = 1500
    #: Share of a word's score in the second field that says it too.
    SECOND_FIELD = 0.5

    def __init__(self, entries: Sequence[Entry]) -> None:
        self._entries = tuple(entries)
        english: list[list[str]] = []
        english_described: list[list[str]] = []
        chinese: list[list[str]] = []
        for item in self._entries:
            words = terms(item.code.description)
            english_described.append(words)
            if item.code.text_code:
                words = words + terms(item.code.text_code)
            english.append(words)
            chinese.append(terms(item.code.description_zh or ""))
        self._english = _Field(english, english_described, sparse=False)
        self._chinese = _Field(chinese, chinese, sparse=True)

    def search(self, query: str, limit: int = 5) -> list[SearchHit]:
        """The best entries for ``query``, best first."""
        words = list(dict.fromkeys(terms(query)))
        # An English question reads the English field only, so it scores as it always did.
        bilingual = has_chinese(query)
        fields = (self._english, self._chinese) if bilingual else (self._english,)

        def frequency(word: str) -> int:
            return min(len(f.postings[word]) for f in fields if word in f.postings)

        def idf(word: str) -> float:
            return max(f.idf[word] for f in fields if word in f.postings)

        known = sorted((w for w in words if any(w in f.postings for f in fields)), key=frequency)
        if not known:
            return []
        asked = frozenset(known)
        # Unknown words still count against coverage: "restart the service" is not an answer
        # just because "service" is in many descriptions.
        unknown_weight = sum(self._unknown_idf() for w in words if w not in known)
        total_weight = sum(idf(w) for w in known) + unknown_weight
        # Rare terms pick the candidates; common terms only add to their scores, which keeps
        # the cost flat as the table grows.
        candidates: set[int] = set()
        for word in known:
            plist = {i for f in fields for i in f.postings.get(word, ())}
            if candidates and len(candidates) + len(plist) > self.CANDIDATES:
                break
            candidates.update(plist)
        scored: list[tuple[float, float, int]] = []
        whole: set[int] = set()
        for index in candidates:
            score = 0.0
            weights: dict[str, float] = {}
            is_whole = False
            gains: dict[str, list[float]] = {}
            for field in fields:
                length_norm = 1 - self.B + self.B * field.lengths[index] / field.avg_length
                for word in known:
                    count = field.postings.get(word, {}).get(index)
                    if count:
                        gains.setdefault(word, []).append(
                            field.idf[word]
                            * count
                            * (self.K1 + 1)
                            / (count + self.K1 * length_norm)
                        )
                        weights[word] = max(weights.get(word, 0.0), field.idf[word])
                # An entry whose whole description the question says ("room does not exist" is
                # 10404's description) beats one that shares only some of its words.
                described = field.described[index]
                is_whole |= len(described) >= 2 and described.issubset(known)
                # NetEase's Chinese descriptions are often one word once folded ("参数错误"):
                # asked exactly, that is the whole description too.
                is_whole |= field is self._chinese and described == asked
            for gain in gains.values():
                # A word both descriptions say counts once, plus a share for the second
                # saying it: NetEase's Chinese words confirm the English, they do not double it.
                best = max(gain)
                score += best + self.SECOND_FIELD * (sum(gain) - best)
            if is_whole:
                score *= self.WHOLE_DESCRIPTION
                whole.add(index)
            matched = sum(weights.values())
            if bilingual:
                # A Chinese question is a few words once segmented, and BM25 saturates: an
                # entry that says all of them ("聊天室不存在" in 404's "对象(用户/群/聊天室)不存在")
                # must beat a shorter one that says two, so the share matched scales the score.
                score *= math.sqrt(matched / total_weight)
            scored.append((score, matched, index))
        lengths = self._english.lengths
        scored.sort(key=lambda t: (-t[0], lengths[t[2]], t[2]))
        return [
            SearchHit(self._entries[i], score, matched / total_weight, i in whole)
            for score, matched, i in scored[:limit]
        ]

    def _unknown_idf(self) -> float:
        total = len(self._entries) or 1
        return math.log(1 + (total + 0.5) / 0.5) * 0.5
