"""The grammar of chat text: word lists, and (below) tokens, numbers and identifiers."""

from __future__ import annotations

__all__ = [
    "ZH_MEASURE_WORDS",
    "ZH_ORDINAL_PREFIXES",
    "is_cjk",
    "words_of",
    "zh_quantity",
]


def words_of(text: str) -> frozenset[str]:
    """The words of ``text``, split on whitespace: how word lists are written as data."""
    return frozenset(text.split())


#: Chinese measure words and units: a number right before one is a quantity ("500人",
#: "3次", "8点", "30秒", "2024年", "416元", "20%"), never a code (RULES rule 9).
ZH_MEASURE_WORDS = words_of(
    "个 人 次 条 点 秒 分 分钟 小时 天 日 周 年 月 号 元 块 毛 % ％ 位 名 台 张 行 页 岁 万 千 百 "
    "毫秒 秒钟 遍 回 群 组 部 件 项 份 字 字节 兆 倍 层 楼 米 公里 斤 度 折 成 届 期 批 轮 集"
)
#: Written right before a number, makes it an ordinal: "第3次".
ZH_ORDINAL_PREFIXES = words_of("第")
_MAX_MEASURE = max(len(w) for w in ZH_MEASURE_WORDS)


def is_cjk(char: str) -> bool:
    """A CJK ideograph (the unified block and extension A)."""
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def zh_quantity(text: str, start: int, end: int) -> bool:
    """Is the number at ``text[start:end]`` a Chinese quantity or ordinal?

    A measure word right after it ("500人", "3 次") or 第 right before it ("第2次").
    """
    after = text[end : end + 1 + _MAX_MEASURE].lstrip(" ")
    if any(after.startswith(w) for w in ZH_MEASURE_WORDS):
        return True
    before = text[max(0, start - 2) : start].rstrip(" ")
    return before[-1:] in ZH_ORDINAL_PREFIXES
