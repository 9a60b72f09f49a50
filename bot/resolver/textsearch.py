"""Free-text search over descriptions and text codes ("room does not exist", "用户被禁言").

A small BM25 index over the terms of :mod:`bot.resolver.terms`: people write "too many
admins" for "exceeds the upper limit" and "can't join the chatroom" for "prohibited from
joining the chat room", and the thesaurus folds them together. Each hit says how it
relates to the question (all its words, exactly its words, words no other entry has), for
the answer rule of :mod:`bot.resolver.description`.

A Chinese question finds NetEase's Chinese descriptions and the English ones alike. The
Chinese descriptions are a field of their own: an English question is scored exactly as if
they were not there.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from bot.knowledge.base import Entry
from bot.resolver.terms import has_chinese, terms

__all__ = ["SearchHit", "TextIndex"]


@dataclass(frozen=True, slots=True)
class SearchHit:
    entry: Entry
    #: BM25 score of the entry for the query.
    score: float
    #: Share of the query's weight that this entry matched (0-1).
    coverage: float
    #: The question contains every term of the entry's description.
    whole: bool = False
    #: The entry contains every word of the question.
    complete: bool = False
    #: One of the entry's descriptions is exactly the question's words, no more, no fewer.
    exact: bool = False
    #: The entry is the only one to contain some words of the question (and all such words).
    sole: bool = False


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
        """The best entries for ``query``, best first.

        Past ``limit``, the two best entries that contain every word of the question, and
        the two best that are exactly the question, are still given: whether one entry alone
        says it is what the answer rule asks.
        """
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
        weight = {w: idf(w) for w in known}
        # Unknown words still count against coverage: "restart the service" is not an answer
        # just because "service" is in many descriptions.
        unknown_weight = sum(self._unknown_idf() for w in words if w not in known)
        total_weight = sum(weight.values()) + unknown_weight
        # Rare terms pick the candidates; common terms only add to their scores, which keeps
        # the cost flat as the table grows. Every entry that has all the words is among them.
        candidates: set[int] = set()
        for word in known:
            plist = {i for f in fields for i in f.postings.get(word, ())}
            if candidates and len(candidates) + len(plist) > self.CANDIDATES:
                break
            candidates.update(plist)
        sole = self._sole_owner(known, fields)
        scored: list[tuple[float, float, int]] = []
        whole: set[int] = set()
        complete: set[int] = set()
        exact: set[int] = set()
        for index in candidates:
            score = 0.0
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
                # An entry whose whole description the question says ("room does not exist" is
                # 10404's description) beats one that shares only some of its words.
                described = field.described[index]
                is_whole |= len(described) >= 2 and described.issubset(known)
                # NetEase's Chinese descriptions are often one word once folded ("参数错误"):
                # asked exactly, that is the whole description too.
                is_whole |= field is self._chinese and described == asked
                if described == asked and not unknown_weight:
                    exact.add(index)
            for gain in gains.values():
                # A word both descriptions say counts once, plus a share for the second
                # saying it: NetEase's Chinese words confirm the English, they do not double it.
                best = max(gain)
                score += best + self.SECOND_FIELD * (sum(gain) - best)
            if is_whole:
                score *= self.WHOLE_DESCRIPTION
                whole.add(index)
            matched = sum(weight[w] for w in gains)
            if not unknown_weight and len(gains) == len(known):
                complete.add(index)
            if bilingual:
                # A Chinese question is a few words once segmented, and BM25 saturates: an
                # entry that says all of them ("聊天室不存在" in 404's "对象(用户/群/聊天室)不存在")
                # must beat a shorter one that says two, so the share matched scales the score.
                score *= math.sqrt(matched / total_weight)
            scored.append((score, matched, index))
        lengths = self._english.lengths
        scored.sort(key=lambda t: (-t[0], lengths[t[2]], t[2]))
        shown = scored[:limit]
        for kind in (complete, exact):
            have = sum(1 for t in shown if t[2] in kind)
            for t in scored[limit:]:
                if have >= min(2, len(kind)):
                    break
                if t[2] in kind and t not in shown:
                    shown.append(t)
                    have += 1
        return [
            SearchHit(
                self._entries[i],
                score,
                matched / total_weight,
                whole=i in whole,
                complete=i in complete,
                exact=i in exact,
                sole=i == sole,
            )
            for score, matched, i in shown
        ]

    @staticmethod
    def _sole_owner(known: list[str], fields: tuple[_Field, ...]) -> int | None:
        """The one entry that has every word of ``known`` no other entry has, if there is
        such a word and one entry has them all."""
        owners: set[int] = set()
        for word in known:
            holders = [f.postings.get(word, {}) for f in fields]
            if any(len(h) > 1 for h in holders):
                continue
            found = {i for h in holders for i in h}
            if len(found) == 1:
                owners |= found
        return owners.pop() if len(owners) == 1 else None

    def _unknown_idf(self) -> float:
        total = len(self._entries) or 1
        return math.log(1 + (total + 0.5) / 0.5) * 0.5
