"""Free-text answers: which entry, if any, a description in a question names (RULES d4).

"what does it mean when the room does not exist", "用户被禁言": a question that names no
code is searched (:mod:`bot.resolver.textsearch`), and answered only when one entry is
clearly the best; otherwise the close entries are offered as suggestions. A question about
how to do something ("how do I reset my password?", "云信怎么接入推送？") describes no
error and gets no answer (RULES d6).

The thresholds are read on the training corpora as a whole (every ``train*.jsonl`` and dev,
1,820 direct questions, 390 of them free text only: ``train-ft``, written blind, one Chinese
and one English description of each entry and 64 that fit none or two): a sweep of score
3-5, margin 1.05-1.25 and coverage 0.3-0.55 (``tests/scripts/sweep_answer_rule.py``). Lower
coverage answers more descriptions and gets a few more wrong; 0.4 and a margin of 1.15 sit
where each step down buys fewer right answers than it costs wrong ones.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.binding.systems import names_other_system
from bot.knowledge.base import KnowledgeBase
from bot.models import MatchKind, Resolution, Severity, Suggestion
from bot.resolver.textsearch import SearchHit, TextIndex
from bot.text.grammar import any_of
from bot.text.thesaurus_en import FIX_WORDS, HOW_MANY, HOW_TO, TROUBLE_WORDS
from bot.text.thesaurus_zh import ZH_FIX_WORDS, ZH_HOW_TO, ZH_TROUBLE_WORDS

__all__ = ["ANSWER_COVERAGE", "ANSWER_MARGIN", "ANSWER_SCORE", "describe"]

_HOW_TO = re.compile(HOW_TO)
_HOW_MANY = re.compile(HOW_MANY)
_ASCII_WORDS = re.compile(r"[a-z]+")
_ZH_HOW_TO = re.compile(f"{ZH_HOW_TO}(?!{any_of(ZH_FIX_WORDS)})(?=[\u4e00-\u9fff])")

#: The lowest BM25 score a free-text answer needs, and its lead over the runner-up.
ANSWER_SCORE = 4.0
ANSWER_MARGIN = 1.15
ANSWER_COVERAGE = 0.4
#: Two entries that are exactly the question tie within this ratio: a text code repeating
#: the description's words (SERVER_BUSY) is no reason to prefer one. NetEase's own Chinese
#: wording asked in Chinese ("服务器繁忙": 503 by 1.4 over 1028) is.
EXACT_TIE = 1.25
#: Below these, a close entry is still offered as a suggestion.
SUGGEST_SCORE = 2.5
SUGGEST_COVERAGE = 0.4


def describe(query: str, text: str, kb: KnowledgeBase, named: frozenset[str]) -> Resolution:
    """The entry ``text`` describes, among the ``named`` products' if any; else suggestions."""
    hits = [h for h in _index(kb).search(text, limit=8) if not named or h.entry.product.id in named]
    if not hits:
        return Resolution(query=query)
    # "AWS S3 upload gives access denied", "git push 被拒了": another system's error (rule 11)
    asks_elsewhere = not named and names_other_system(text)
    best = None if _how_to(text) or asks_elsewhere else _answer(hits)
    if best is not None and best.entry.code.severity is Severity.SUCCESS:
        best = None  # "没有报错，一切正常" reports that nothing failed: it asks about no error
    if best is not None:
        score = min(99.0, 100 * best.coverage)
        return Resolution(
            query=query,
            matches=(best.entry.match(MatchKind.DESCRIPTION, score),),
        )
    close = [h for h in hits if h.score >= SUGGEST_SCORE and h.coverage >= SUGGEST_COVERAGE][:3]
    return Resolution(
        query=query,
        suggestions=tuple(
            Suggestion(
                product=h.entry.product, entry=h.entry.code, score=min(99.0, 100 * h.coverage)
            )
            for h in close
        ),
    )


def _how_to(text: str) -> bool:
    """Does the question ask how to do something rather than about an error (RULES d6)?"""
    lowered = text.lower()
    if _HOW_TO.search(lowered):
        return not any(w in FIX_WORDS for w in _ASCII_WORDS.findall(lowered))
    if _HOW_MANY.search(lowered):  # "how many members can a team have": a quantity
        said = _ASCII_WORDS.findall(lowered)
        return not any(w in FIX_WORDS or w in TROUBLE_WORDS for w in said)
    how = _ZH_HOW_TO.search(text)
    return how is not None and not any(w in text[how.end() :] for w in ZH_TROUBLE_WORDS)


def _answer(hits: list[SearchHit]) -> SearchHit | None:
    """The one entry that clearly answers a description, if one does (RULES d4).

    The best entry, with a lead of :data:`ANSWER_MARGIN` over the runner-up and enough of
    the question matched. Or, within that margin of the top, the only entry that is
    exactly the question, or the only one that has every word of it ("contact declined my
    invitation": 10409's "Invitation is rejected" has no contact). Or the best, if it alone
    holds the question's words no other entry has ("depends on itself": only 1023 is
    self-referential). Or the best, far ahead (twice the margin) of every other, with a
    suggestion's coverage: a long Chinese report says more than any description. Each
    needs :data:`ANSWER_SCORE`.
    """
    best = hits[0]
    top = best.score
    if top < ANSWER_SCORE:
        return None
    if sum(1 for h in hits if h.exact and h.score * EXACT_TIE >= top) >= 2:
        return None  # two entries are exactly the question ("server is busy": 1028 and 503)
    runner_up = hits[1].score if len(hits) > 1 else 0.0
    if top >= runner_up * ANSWER_MARGIN and (best.coverage >= ANSWER_COVERAGE or best.whole):
        return best
    if top >= runner_up * ANSWER_MARGIN * 2 and best.coverage >= SUGGEST_COVERAGE:
        return best  # far ahead of every other entry, though the question says more
    for clear in ([h for h in hits if h.exact], [h for h in hits if h.complete]):
        if len(clear) == 1 and clear[0].score >= max(ANSWER_SCORE, top / ANSWER_MARGIN):
            return clear[0]
        if clear:
            return None  # two say it all, or the one is far from the top: neither is clear
    return best if best.sole and best.coverage >= ANSWER_COVERAGE else None


@lru_cache(maxsize=8)
def _index(kb: KnowledgeBase) -> TextIndex:
    # Built on first free-text query only: exact lookups and the CLI's cold start never pay for it.
    return TextIndex(kb.entries)
