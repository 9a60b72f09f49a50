"""Free-text search over descriptions and text codes ("room does not exist").

A small BM25 index with a domain thesaurus: people write "too many admins" for
"exceeds the upper limit" and "can't join the chatroom" for "prohibited from
joining the chat room". The search only answers when one entry clearly wins;
otherwise it offers the close ones as suggestions.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]  # the package ships no stubs

from bot.knowledge.base import Entry
from bot.resolver.thesaurus import PHRASES, STOP_WORDS, SYNONYMS

__all__ = ["SearchHit", "TextIndex", "terms"]


_WORD = re.compile(r"[a-z0-9@]+(?:'[a-z]+)?|[\u4e00-\u9fff]+")


_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    # Snowball folds "depends"/"dependency" and "joining"/"joined" onto one stem.
    stem: str = _STEMMER.stemWord(word)
    return stem


def terms(text: str) -> list[str]:
    """The search terms of ``text``: lower case, phrases folded, stop words dropped, stemmed."""
    lowered = text.lower().replace("_", " ")
    for pattern, replacement in PHRASES:
        lowered = re.sub(pattern, f" {replacement} ", lowered)
    out: list[str] = []
    for word in _WORD.findall(lowered):
        if word in STOP_WORDS:
            continue
        word = SYNONYMS.get(word, word)
        out.append(_stem(word))
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


class TextIndex:
    """BM25 over each entry's description and text-code words."""

    K1 = 1.2
    B = 0.5

    #: Weight of an entry whose every description term the question contains.
    WHOLE_DESCRIPTION = 1.3
    #: The most candidates scored for one query: rare terms pick them, common ones only score.
    CANDIDATES = 4000

    def __init__(self, entries: Sequence[Entry]) -> None:
        self._entries = tuple(entries)
        postings: dict[str, dict[int, int]] = defaultdict(dict)
        self._lengths: list[int] = []
        # The description's own terms, to see how much of an entry a question covers.
        self._described: list[frozenset[str]] = []
        for index, item in enumerate(self._entries):
            words = terms(item.code.description)
            self._described.append(frozenset(words))
            if item.code.text_code:
                words += terms(item.code.text_code)
            for word in words:
                postings[word][index] = postings[word].get(index, 0) + 1
            self._lengths.append(len(words))
        self._postings = dict(postings)
        total = len(self._entries) or 1
        self._avg_length = (sum(self._lengths) / total) or 1.0
        self._idf = {
            word: math.log(1 + (total - len(p) + 0.5) / (len(p) + 0.5))
            for word, p in self._postings.items()
        }

    def search(self, query: str, limit: int = 5) -> list[SearchHit]:
        """The best entries for ``query``, best first."""
        words = list(dict.fromkeys(terms(query)))
        known = sorted(
            (w for w in words if w in self._postings), key=lambda w: len(self._postings[w])
        )
        if not known:
            return []
        # Unknown words still count against coverage: "restart the service" is not an answer
        # just because "service" is in many descriptions.
        unknown_weight = sum(self._unknown_idf() for w in words if w not in self._postings)
        total_weight = sum(self._idf[w] for w in known) + unknown_weight
        # Rare terms pick the candidates; common terms only add to their scores, which keeps
        # the cost flat as the table grows.
        candidates: set[int] = set()
        for word in known:
            plist = self._postings[word]
            if candidates and len(candidates) + len(plist) > self.CANDIDATES:
                break
            candidates.update(plist)
        scored: list[tuple[float, float, int]] = []
        whole: set[int] = set()
        for index in candidates:
            length_norm = 1 - self.B + self.B * self._lengths[index] / self._avg_length
            score = matched = 0.0
            for word in known:
                count = self._postings[word].get(index)
                if count:
                    score += (
                        self._idf[word] * count * (self.K1 + 1) / (count + self.K1 * length_norm)
                    )
                    matched += self._idf[word]
            # An entry whose whole description the question says ("room does not exist" is
            # 10404's description) beats one that shares only some of its words.
            described = self._described[index]
            if len(described) >= 2 and described.issubset(known):
                score *= self.WHOLE_DESCRIPTION
                whole.add(index)
            scored.append((score, matched, index))
        scored.sort(key=lambda t: (-t[0], self._lengths[t[2]], t[2]))
        return [
            SearchHit(self._entries[i], score, matched / total_weight, i in whole)
            for score, matched, i in scored[:limit]
        ]

    def _unknown_idf(self) -> float:
        total = len(self._entries) or 1
        return math.log(1 + (total + 0.5) / 0.5) * 0.5
