"""The grammar of chat text: what a number, an identifier and a Chinese quantity are.

The scanner and the resolver read numbers and identifiers with these patterns and no
others. Boundaries are ASCII: a CJK character is no letter, so "返回302" and "报408错误"
hold the numbers 302 and 408, while "JIRA-1027", "u_40102" and "1024MB" hold none.

A number's *shape* (:func:`number_shape`) names what its neighbouring characters make of
it: a version, a time, money, a ticket, a path... Channel mode refuses every shape; a
question (direct mode) refuses only the shapes that make it part of something else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Literal

import snowballstemmer  # type: ignore[import-untyped]  # the package ships no stubs

__all__ = [
    "IDENTIFIER",
    "NUMBER",
    "QUALIFIED_NAME",
    "UNITS",
    "VETO_BEFORE",
    "ZH_CANTONESE",
    "ZH_MEASURE_WORDS",
    "ZH_NOT_CODE_WORDS",
    "ZH_NOT_MEASURES",
    "ZH_ORDINAL_PREFIXES",
    "ZH_PLACE_MEASURES",
    "Shape",
    "any_of",
    "is_cjk",
    "is_quantity",
    "number_shape",
    "stem",
    "words_of",
    "zh_quantity",
]

#: A number standing on its own: optional sign, then decimal digits or ``0x`` hex. Never
#: the tail of a word or identifier ("v10000", "u_40102"), never glued to letters after
#: it ("1024MB", "0x1027z"), though a plural "s" ("500s") and an italic "_" may close it.
#: Possessive, so a refused number never backtracks into a shorter one.
NUMBER = re.compile(
    r"(?<![A-Za-z0-9])(?<![A-Za-z0-9]_)"
    r"(?:(?<![+-])(?P<sign>[+-]))?+"
    r"(?:0[xX](?P<hex>[0-9A-Fa-f]{1,8}+)|(?P<dec>\d++))"
    r"(?![A-Za-rt-z0-9]|s[A-Za-z0-9_]|_[A-Za-z0-9])",
    re.ASCII,
)
#: A word written as an identifier, with at least one underscore (``WRONG_SERVER``,
#: ``pc_room_not_exist``): a whole one only. Italic markers around it ("_WRONG_SERVER_")
#: are not part of group ``id``.
IDENTIFIER = re.compile(
    r"(?<![A-Za-z0-9_])_*+(?P<id>[A-Za-z][A-Za-z0-9]*+(?:_++[A-Za-z0-9]++)++)_*+(?![A-Za-z0-9_])",
    re.ASCII,
)
#: A name as code writes it, dotted or joined by underscores, matched where a word starts:
#: an SDK constant (``kNIMResUidPassError``, ``NIMResultCode.teamLimit``) that a question
#: names whole. Unlike :data:`IDENTIFIER`, it needs no underscore.
QUALIFIED_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[._][A-Za-z0-9]+)*")

#: What a number's neighbours make of it, when they make it more than a number.
Shape = Literal[
    "money",  # $500, ¥416
    "ticket",  # #1027
    "path",  # /1027, 3/500, C:\\1027
    "handle",  # @1027, 1027@host
    "approx",  # ~500, ^2
    "decimal",  # 4.0.1, 1027.5, .5
    "grouped",  # 10,000
    "time",  # 10:05:33
    "joined",  # JIRA-1027, 555-1028, 2025-04-03, 200-person
    "file",  # 404.html, 1027:foo
    "percent",  # 500%
    "phone",  # +1
    "zero_padded",  # 0042
    "hex",  # 0x403
]

_AFTER_SHAPES: dict[str, tuple[Shape, Shape | None]] = {
    # the character after the digits: (shape before a digit, shape before anything else)
    ".": ("decimal", "file"),
    ":": ("time", "file"),
    "/": ("path", "path"),
    "\\": ("path", "path"),
    "@": ("handle", "handle"),
    "-": ("joined", "joined"),
}
_BEFORE_SHAPES: dict[str, Shape] = {
    "$": "money", "€": "money", "£": "money", "¥": "money", "#": "ticket", "/": "path",
    "\\": "path", "@": "handle", "~": "approx", "^": "approx", ".": "decimal",
    "-": "joined", "+": "joined",
}  # fmt: skip


def number_shape(text: str, match: re.Match[str]) -> Shape | None:
    """The shape a :data:`NUMBER` match takes from the characters around it, if any."""
    start, end = match.start(), match.end()
    before = text[start - 1] if start else ""
    if before == ":" and text[start - 2 : start - 1].isdigit():
        return "time"
    if (
        before == ","
        and start >= 4
        and text[start - 4 : start - 3] == ":"
        and text[start - 3 : start - 1].isdigit()
    ):
        return "time"  # a log time's milliseconds: "10:30:01,403" (Python's asctime)
    if before == "," or text[end : end + 1] == ",":
        return _grouping(text, match)
    shape = _BEFORE_SHAPES.get(before)
    if shape == "joined" and text[start - 2 : start - 1] == before:
        shape = None  # "--414 其它错误": a comment marker ("--", "++") joins nothing
    if shape is not None:
        return shape
    after = text[end : end + 1]
    if after == "%":
        return "percent"
    shapes = _AFTER_SHAPES.get(after)
    if shapes is not None:
        follow = text[end + 1 : end + 2]
        if follow.isascii() and follow.isdigit():
            return shapes[0]
        if follow.isascii() and (follow.isalpha() or follow == "_") and shapes[1]:
            return shapes[1]
    if match.group("sign") == "+":
        return "phone"
    if match.group("hex") is not None:
        return "hex"
    digits = match.group("dec")
    if len(digits) > 1 and digits[0] == "0":
        return "zero_padded"
    return None


_GROUP = re.compile(r",\d{3}(?![0-9])", re.ASCII)


def _grouping(text: str, match: re.Match[str]) -> Shape | None:
    """A comma joins digit groups only as thousands do: "10,000" and "1,027,000", never
    "1027,14" (a CSV row) or "code=809,name=...".
    """
    start, end = match.start(), match.end()
    digits = match.group("dec") or ""
    if text[start - 1 : start] == ",":
        # after "1,": a group; after "nim," or "u_7721,": a cell of a CSV row
        lead = start - 1
        while lead > 0 and text[lead - 1].isdigit():
            lead -= 1
        glued = lead > 0 and (text[lead - 1].isalnum() or text[lead - 1] in "_:")
        return "grouped" if lead < start - 1 and not glued and len(digits) == 3 else None
    if len(digits) <= 3 and _GROUP.match(text, end):
        return "grouped"
    return None


def any_of(words: Iterable[str]) -> str:
    """A pattern (source) that matches any of ``words`` literally, longest first.

    Written as a trie ("10(?:0(?:0|1)|27)"), so the engine tries one branch per
    character instead of every word at every position: a word list of hundreds scans a
    40,000-character paste at the speed of a single literal. Boundaries are the
    caller's.
    """
    trie: dict[str, dict[str, Any]] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_source(trie)


def _trie_source(node: dict[str, dict[str, Any]]) -> str:
    branches = [
        re.escape(char) + _trie_source(child) for char, child in sorted(node.items()) if char
    ]
    if not branches:
        return ""
    ends = "" in node  # a word ends here, and longer ones go on: those are tried first
    if len(branches) > 1:
        body = "(?:" + "|".join(branches) + ")"
        return body + "?" if ends else body
    body = branches[0]
    if not ends:
        return body
    return (body if len(body) == 1 else f"(?:{body})") + "?"


_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """An English word's stem (Snowball): "depends" and "dependency", "teams" and "team",
    "joining" and "joined" are one word to both modes."""
    stemmed: str = _STEMMER.stemWord(word)
    return stemmed


def words_of(text: str) -> frozenset[str]:
    """The words of ``text``, split on whitespace: how word lists are written as data."""
    return frozenset(text.split())


#: Units and counted nouns: a number right before one is a quantity in either mode
#: ("1005 ms", "1024 MB", "500 users", "801 members", "256 characters").
UNITS = words_of(
    "ms msec millis milliseconds s sec secs second seconds min mins minute minutes h hr hrs "
    "hour hours day days wk week weeks month months yr yrs year years k kb mb gb tb kib mib gib "
    "bytes byte px percent % users members people ppl person persons times requests reqs rps "
    "qps messages msgs lines items rows records entries devices accounts tickets seats "
    "sessions connections nodes calls characters chars words pages files per more fewer less"
)
_UNIT_AFTER = re.compile(r"[ \t]*([A-Za-z%]+)", re.ASCII)


def is_quantity(text: str, start: int, end: int) -> bool:
    """Is the number at ``text[start:end]`` a quantity: a unit after it ("500 users"), or a
    Chinese measure word or 第 (:func:`zh_quantity`)?"""
    m = _UNIT_AFTER.match(text, end)
    return (m is not None and m.group(1).lower() in UNITS) or zh_quantity(text, start, end)


#: Words that make the number right after them a quantity, id, time or place ("port 4000",
#: "version 1028", "pid 7002"): no code in either mode.
VETO_BEFORE = words_of(
    "port ports line lines ln build builds pid tid uid id ids room rooms ticket tickets pr prs "
    "accid roomid teamid msgid "
    "issue issues case order version ver release rev revision step page row col column offset "
    "at x v floor suite ext extension phone tel fax year since until till top last first next "
    "over under around approx than limit max min count total size"
)
#: The same in Chinese: a number after one of these, or after one and a copula, is not an
#: error code ("验证码 4005", "端口 4000", "版本 1028").
#: A word ending in 号 or ID names an id ("群号 10404", "订单号", "群ID").
ZH_NOT_CODE_WORDS = (
    "验证码", "邀请码", "优惠码", "兑换码", "激活码", "邮编", "区号", "号", "ID", "id", "房间",
    "端口", "版本", "工单", "订单", "破", "超过", "达到", "突破", "约", "大约", "共", "一共",
    "总共", "报警码", "波次", "批次",
)  # fmt: skip


#: The measure words that name a place ("503 会议室", "1203室", "806 路"): a plain report
#: of the number before it outweighs them ("报错 1005 机房那边在排查"), where a count's unit
#: stays a count ("报 500 人").
ZH_PLACE_MEASURES = words_of("室 会议室 教室 实验室 办公室 机房 宿舍 栋 号楼 路")
#: Chinese measure words and units: a number right before one is a quantity ("500人",
#: "3次", "8点", "30秒", "2024年", "416元", "1028 蚊", "20%") or a place, never a code
#: (RULES rule 9); so is a port ("4000 端口").
ZH_MEASURE_WORDS = (
    words_of(
        "个 人 次 条 点 秒 分 分钟 小时 天 日 周 年 月 号 元 块 毛 % ％ 位 名 台 张 行 页 岁 "
        "万 千 百 左右 上下 多个 来个 "
        "毫秒 秒钟 遍 回 组 部 件 项 份 字 字节 兆 倍 层 楼 米 公里 斤 度 折 成 届 期 批 轮 集 "
        "金币 积分 钻石 点券 蚊 端口"
    )
    | ZH_PLACE_MEASURES
)
#: Words that begin with a measure word's character but measure nothing: "807 成员状态
#: 错误" is a code beside its reason, not 807 tenths; "416 分别" is not 416 minutes; the
#: Cantonese "点解" (why) and "点处理" (how to handle) ask about it: "NIM 報 416 點處理".
ZH_NOT_MEASURES = words_of(
    "成员 成功 成为 回调 回复 回给 回来 回到 回滚 部署 部分 件事 项目 组件 组内 行为 行不 台湾 "
    "位置 名字 名称 名单 期间 批量 集成 集群 层级 度量 分别 分析 分配 分享 点击 点赞 点开 号码 "
    "字段 字符 页面 天气 日志 周期 月份 年份 条件 个人信息 次数 倍数 米哈游 元素 块儿 人员 "
    "人数 张三 份额 轮询 遍历 点解 点样 点办 点处理 点算 室外 室内 室友 路由 路径 路上 路线 "
    "路况 路过 路口 路人"
)
#: Cantonese words written with a character of their own, each one character, and the
#: Mandarin character it is read as (one for one: a folded text keeps every offset), so the
#: word lists serve both: "又報 403 啊，冇權限" reads "又报 403 啊，没权限" (the Traditional
#: forms fold by :mod:`bot.text.traditional`). 係 is not here: it is also the Traditional
#: form of 系 ("關係"), as which it folds, so the copula lists hold 系 for it.
ZH_CANTONESE = {
    "唔": "不", "冇": "没", "嘅": "的", "咗": "了", "喺": "在", "啱": "对", "佢": "他",
}  # fmt: skip
#: Written right before a number, makes it an ordinal: "第3次".
ZH_ORDINAL_PREFIXES = words_of("第")
_MAX_NOT_MEASURE = max(len(w) for w in ZH_MEASURE_WORDS | ZH_NOT_MEASURES)
_MEASURES = tuple(ZH_MEASURE_WORDS)
_NOT_MEASURES = tuple(ZH_NOT_MEASURES)


def is_cjk(char: str) -> bool:
    """A CJK ideograph (the unified block and extension A)."""
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def zh_quantity(text: str, start: int, end: int) -> bool:
    """Is the number at ``text[start:end]`` a Chinese quantity or ordinal?

    A measure word right after it ("500人", "3 次") or 第 right before it ("第2次").
    """
    after = text[end : end + 1 + _MAX_NOT_MEASURE].lstrip(" ")
    if after.startswith(_MEASURES) and not after.startswith(_NOT_MEASURES):
        return True
    before = text[max(0, start - 2) : start].rstrip(" ")
    return before[-1:] in ZH_ORDINAL_PREFIXES
