"""The words of a question or a description, as the free-text search compares them.

English is lower-cased, folded by the thesaurus (:mod:`bot.text.thesaurus_en`), cleared of
stop words and stemmed with Snowball. Chinese is cut into words with jieba (the maintained
Rust port, through rjieba) and folded onto the same English terms by the glossary
(:mod:`bot.text.thesaurus_zh`), so "用户被禁言" has the terms of "user is muted".
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from bot.text.grammar import ZH_MEASURE_WORDS, ZH_NOT_MEASURES, any_of, is_cjk, stem
from bot.text.thesaurus_en import PHRASES, STOP_WORDS, SYNONYMS
from bot.text.thesaurus_zh import ZH_PHRASES, ZH_STOP_WORDS, ZH_SYNONYMS, ZH_WORDS

if TYPE_CHECKING:
    import rjieba

__all__ = ["has_chinese", "segment", "terms"]


_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_WORD = re.compile(rf"[a-z0-9@]+(?:'[a-z]+)?|[{_CJK}]+")
_HAS_CJK = re.compile(rf"[{_CJK}]")
_CAMEL = re.compile(r"\b[A-Z]?[a-z]+(?:[A-Z][a-z]+){2,}\b")
_CAMEL_PART = re.compile(r"(?<=[a-z])[A-Z]")
_MEASURE = re.compile(
    rf"(?<=[0-9])[ \t]*(?!{any_of(ZH_NOT_MEASURES)})(?:{any_of(ZH_MEASURE_WORDS)})"
)


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
    out.append(stem(SYNONYMS.get(word, word)))


def _camel_parts(m: re.Match[str]) -> str:
    word = m.group(0)
    return word + " " + _CAMEL_PART.sub(" \\g<0>", word)


def terms(text: str) -> list[str]:
    """The search terms of ``text``: lower case, phrases folded, stop words dropped, stemmed.

    Chinese words are segmented and folded onto English terms where the thesaurus knows them.
    """
    # "PersistentChatEndpoint" says "persistent chat endpoint" too (not "BlackBerry": a name).
    text = _CAMEL.sub(_camel_parts, text)
    lowered = text.lower().replace("_", " ")
    for pattern, replacement in PHRASES:
        lowered = re.sub(pattern, f" {replacement} ", lowered)
    chinese = has_chinese(lowered)
    if chinese:
        # A measure word counts its number ("500人", "3 次"): no word of the question.
        lowered = _MEASURE.sub(" ", lowered)
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
