"""Detect the named features of :data:`bot.scanner.words.FEATURES` around one number.

Each detector reads a bounded window of the message (its reach), so a number costs the
same whatever the length of the message. Detectors say what is there; they do not decide:
:mod:`bot.scanner.evidence` weighs what they found. Two features depend on the decisions
about other numbers (``list_after_code``, ``parallel_clause``) and are set by
:mod:`bot.scanner.candidates`, which makes those decisions.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Generic, NamedTuple, TypeVar

from rapidfuzz import fuzz

from bot.binding.systems import (
    JSON_RPC_NAMES,
    JSON_RPC_RESERVED,
    OTHER_STANDARDS,
    SystemPatterns,
    about_json_rpc_peer,
    about_rival_im,
    system_patterns,
    systems_named,
)
from bot.scanner import words as vocab
from bot.scanner.tables import column_of
from bot.text.grammar import (
    NUMBER,
    ZH_PLACE_MEASURES,
    any_of,
    is_cjk,
    stem,
    words_of,
    zh_quantity,
)
from bot.text.thesaurus_en import SYNONYMS
from bot.text.thesaurus_zh import ZH_SYNONYMS

__all__ = ["DETECTORS", "Window", "detect"]

#: How far back and ahead of a number the words are read (characters).
BEFORE_WINDOW = 72
AFTER_WINDOW = 48
#: Function words allowed between a context word and its number ("got a 40117",
#: "error was 1027", "fails with 302", "came back 810").
MAX_FILLERS = 3
#: How many list rows above a number are read to find the heading of the list.
MAX_TABLE_ROWS = 20

_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_'’]*|\d+|===|==|=>|->|[^\sA-Za-z0-9]", re.ASCII)
_KEY_PARTS = re.compile(r"[a-z]+|[A-Z][a-z]*", re.ASCII)
_WORD_AFTER = re.compile(r"[ \t]*([A-Za-z%/][A-Za-z]*)", re.ASCII)
_WORDS = re.compile(r"[A-Za-z][A-Za-z0-9']*", re.ASCII)
_HTTP_REASON = re.compile(
    r"[ \t]+(?:ok|created|accepted|no content|moved|found|not modified|bad request|"
    r"unauthori[sz]ed|forbidden|not found|method not allowed|request timeout|conflict|gone|"
    r"payload too large|too many requests|internal server error|not implemented|bad gateway|"
    r"service unavailable|gateway timeout|unsupported media type|uri too long|"
    r"range not satisfiable)\b",
    re.IGNORECASE | re.ASCII,
)
# An access-log or response line: `"GET /x HTTP/1.1" 404 512`, `HTTP/1.1 200 OK`.
_HTTP_STATUS_BEFORE = re.compile(r"HTTP/\d(?:\.\d)?\"?[ \t]+$", re.ASCII)
# A "?" later in the same sentence ("." inside "3.4" does not end it).
_QUESTION_REACH = 160
_QUESTION_AHEAD = re.compile(rf"(?:[^\n.!?？。]|\.(?=\S)){{0,{_QUESTION_REACH}}}[?？]")
_SENTENCE_END = re.compile(r"[.!?。！？](?:\s|$)|[。！？]")
# A dot before a word character is inside a name ("MsgService.sendMessage"), no full
# stop; bot/binding/products.py has its own break for which product owns a number.
_CLAUSE_BREAK = re.compile(
    r"[,;!?\n|，；。！？]|\.(?!\w)|\b(?:and|but|or|while|whereas|vs|versus|then)\b",
    re.ASCII | re.IGNORECASE,
)
_ROW_START = re.compile(r"[ \t\-*•`>]*-?\d", re.ASCII)
_TRANSPARENT = words_of("( ) [ ] { } ` * _ ~ \" ' -> => > - | ==")
_FORMAT = words_of("` * _ ~ \" ' ( [ {")
# "=>" separates only a quoted key or a symbol from its value (PHP, Ruby: `"code" =>
# 40004`, `:code => 404`); after anything else it is an arrow, "returned".
_SEPARATORS = frozenset(("=", "==", "===", ":", "=>"))
_KEY_ARROW = re.compile(r"""(?:["'][A-Za-z_][\w.-]*["']|:[A-Za-z_]\w*)[ \t]*=>\Z""")
#: Words that ask about the number right after them even without a "?" ("whats 416").
_ASKING = words_of("what's whats what’s explain")
_ZH_GAP = " \t:：=＝\"'“”`（(，"
# What may stand between a word and the number it places: not a clause's comma.
_ZH_KEY_GAP = _ZH_GAP.replace("，", "")
_ZH_BEFORE_MAX = max(len(w) for w in vocab.ZH_CODE_BEFORE | vocab.ZH_VERBS_BEFORE)
_ZH_FILLER_MAX = max(len(w) for w in vocab.ZH_FILLERS)
_ZH_QUESTION_MAX = max(len(w) for w in vocab.ZH_QUESTION_AFTER)
#: How far from a number the Chinese features read (characters, either side).
_ZH_REACH = 48
# Up to three words of a street name after the number, capitalised or ordinal ("W 33rd St").
_STREET = re.compile(r"(?:[ \t]+(?:[A-Z][A-Za-z]*|\d+(?:st|nd|rd|th))\.?){1,4}", re.ASCII)
_ZH_AFTER_MAX = max(len(w) for w in vocab.ZH_CODE_AFTER)
# A number inside a URL or path token with a query string: "/send.action?reqCode=13002&".
_URL_TOKEN = re.compile(r"\S*[/?][^\s?]*\?\S*\Z")


def _is_word(token: str) -> bool:
    return token[:1].isascii() and token[:1].isalpha()  # a CJK character is no English word


def _code_key(key: str) -> bool:
    """``code``, ``errorCode``, ``ErrorCode``, ``error_code``, ``statusCode``, ``rc``, a
    result constant (``kNIMResNotExist``, ``RES_ETIMEOUT``)... but not ``versionCode`` or
    ``smsCode``."""
    if _result_constant(key) or _member_of_code_type(key):
        # its words name a condition, not a kind of code: "kNIMResRoomError",
        # "NIMRemoteErrorCodeTeamAccessError" (no access code)
        return True
    parts = _KEY_PARTS.findall(key)
    if len(parts) >= 2 and parts[-2].lower() in vocab.NOT_CODE_QUALIFIERS:
        return False
    return bool(parts) and (
        parts[-1].lower() in vocab.CODE_WORDS
        or key.lower() in vocab.CODE_WORDS
        or key.lower() in vocab.CODE_KEYS
    )


def _names_its_code(key: str, reasons: tuple[str, ...]) -> bool:
    """Is ``key`` the number's own text code, in any case: ``invalidParams = -32602``?"""
    words = key.split("_") if "_" in key else _CAMEL_WORDS.findall(key)
    return " ".join(words).lower() in reasons


def _member_of_code_type(key: str) -> bool:
    """A member of an enumeration of codes, named by its type and then its condition:
    ``NIMRemoteErrorCodeFrequently``, ``ERROR_CODE_TEAM_NOT_EXIST`` (not ``errorCodeCount``,
    a quantity)."""
    parts = key.split("_") if _caps_constant(key) else _CAMEL_WORDS.findall(key)
    words = [p.lower() for p in parts]
    if not words or words[-1] in vocab.COLUMN_QUANTITIES:
        return False
    return any(
        words[j] in vocab.RESULT_CONSTANT_WORDS and words[j + 1] == "code"
        for j in range(len(words) - 2)
    )


# A constant's name: "kNIMResNotExist" (k and a capital); "RES_ETIMEOUT" is told apart
# by its words (_caps_constant), not by a nested pattern that could backtrack.
_K_CONSTANT = re.compile(r"k[A-Z][A-Za-z0-9]*\Z", re.ASCII)
# The words of a k-constant's name: capitals run together ("NIM") are one word.
_CAMEL_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+", re.ASCII)


def _caps_constant(key: str) -> bool:
    """Capitals and digits in words joined by underscores: "RES_ETIMEOUT"."""
    words = key.split("_")
    return (
        len(words) >= 2
        and key[:1].isalpha()
        and key.isascii()
        and key.isupper()
        and all(w.isalnum() for w in words)
    )


def _result_constant(key: str) -> bool:
    """Is ``key`` an SDK's constant for a result code: a word of
    :data:`~bot.scanner.words.RESULT_CONSTANT_WORDS` before the condition it names?"""
    if _K_CONSTANT.match(key):
        words = _CAMEL_WORDS.findall(key[1:])
    elif _caps_constant(key):
        words = key.split("_")
    else:
        return False
    return any(w.lower() in vocab.RESULT_CONSTANT_WORDS for w in words[:-1])


def _callback(word: str) -> bool:
    """``onFailed(404)``, ``onError(code=...)``, ``onException``: SDK failure callbacks."""
    word = word.lower()
    return word.startswith("on") and ("fail" in word or "error" in word or "exception" in word)


def _looks_like_key(key: str) -> bool:
    """An identifier rather than a prose word: ``maxMembers``, ``retry_after``, ``p95``."""
    return "_" in key or any(c.isdigit() for c in key) or any(c.isupper() for c in key[1:])


def _plural(word: str) -> bool:
    return (
        len(word) >= 4
        and word.endswith("s")
        and not word.endswith(("ss", "us", "is", "'s", "’s"))
        and word not in vocab.NOT_PLURAL
    )


class _Before(NamedTuple):
    """What the words before a number say, read right to left, as a person would.

    A named tuple: one is made per number, and a frozen dataclass costs three times as
    much to make (a call per field)."""

    #: The separator right before the number (``=``, ``:``), if any, and its key.
    key: str = ""
    key_kind: str = ""  # "code", "callback", "product", "id", "prose"
    #: The first word that is not a filler, going back; how many fillers were crossed.
    head: str = ""
    head_raw: str = ""
    fillers: int = 0
    #: The word right before the number (formatting skipped).
    first: str = ""
    #: The word before ``head`` (a verb's subject: "NIM says").
    subject: str = ""
    #: A question word was passed on the way back.
    question: bool = False
    #: Only "a"/"an" stand between the start of the sentence and the number.
    at_start: bool = False
    #: The words before a prose key name a code, apart from it: "status code does not
    #: indicate success: 514" (not "error budget: 500", where the key is what is counted).
    names_code: bool = False


_T = TypeVar("_T")


class _lazy(Generic[_T]):  # lower case: it is used as a decorator
    """A property computed on first read and then stored on the instance, as
    :func:`functools.cached_property` is, without the lock Python 3.11 takes on every
    first read: a window is read by one thread, and dozens are made per message."""

    def __init__(self, compute: Callable[[Any], _T]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __get__(self, window: Any, owner: type | None = None) -> _T:
        # No __set__: once stored, the instance's own attribute is found first.
        value = window.__dict__[self.name] = self.compute(window)
        return value


@dataclass
class Window:
    """One number in a message, and the text around it the detectors may read."""

    masked: str
    start: int  # the sign included
    end: int  # the digits' end
    line_start: int
    #: The number is alone in inline code or a code block's cell.
    formatted: bool
    #: The first words of the product names, lower case ("nim", "bems").
    product_words: frozenset[str]
    #: Where our products are named in the message: (start, end, product id).
    products: tuple[tuple[int, int, str], ...] = ()
    #: The reason phrases of the entries with this number, lower case.
    reasons: tuple[str, ...] = ()
    #: The English descriptions of the entries with this number, lower case.
    meanings: tuple[str, ...] = ()
    #: The vendors' Chinese descriptions of the entries with this number.
    meanings_zh: tuple[str, ...] = ()
    #: The text codes and aliases of the entries with this number, when every one has a
    #: text code (BEMS's), upper case with underscores.
    names: tuple[str, ...] = ()

    @_lazy
    def line_end(self) -> int:
        end = self.masked.find("\n", self.end, self.end + 400)
        return end if end != -1 else min(len(self.masked), self.end + 400)

    @_lazy
    def ascii_around(self) -> bool:
        """Only ASCII within reach of the Chinese features: none of them can be present."""
        return self.masked[max(0, self.start - _ZH_REACH) : self.end + _ZH_REACH].isascii()

    @_lazy
    def before(self) -> _Before:
        return _walk_back(
            self.masked, self.start, self.line_start, self.product_words, self.reasons
        )

    @_lazy
    def after_text(self) -> str:
        text = self.masked[self.end : min(self.line_end, self.end + AFTER_WINDOW)]
        return text[1:] if text[:1] == "s" else text  # "getting 500s", "the 1028s"

    @_lazy
    def after_words(self) -> list[str]:
        return [w.lower() for w in _WORDS.findall(self.after_text)[:4]]

    @_lazy
    def next_word(self) -> str:
        m = _WORD_AFTER.match(self.after_text)
        return m.group(1).lower() if m else ""

    @_lazy
    def question_ahead(self) -> bool:
        ahead = self.masked[self.end : self.end + _QUESTION_REACH + 1]
        if "?" not in ahead and "？" not in ahead:
            return False  # most numbers: two finds in C instead of the pattern
        return _QUESTION_AHEAD.match(self.masked, self.end) is not None

    @_lazy
    def column(self) -> str | None:
        """What the header of the number's table column says of it, if it is in a table."""
        return column_of(self.masked, self.start, self.line_start)

    @_lazy
    def row_heading(self) -> str | None:
        """The line heading the list whose row the number opens, if it opens one."""
        masked, start, line_start = self.masked, self.start, self.line_start
        if masked[line_start:start].strip(" \t-*•`>") or line_start == 0:
            return None
        lo = line_start - 1
        for _ in range(MAX_TABLE_ROWS):
            top = masked.rfind("\n", max(0, lo - 2 * BEFORE_WINDOW), lo) + 1
            line = masked[top:lo]
            if not line.strip():
                return None  # a blank line ends the list
            if line.strip(" \t`") and not _ROW_START.match(line):  # not a row, not a fence
                return line
            if top == 0:
                return None
            lo = top - 1
        return None

    @_lazy
    def clause(self) -> tuple[int, int]:
        """The clause the number is in: between the nearest breaks on its line."""
        return (
            _clause_start(self.masked, self.line_start, self.start),
            _clause_end(self.masked, self.end, self.line_end),
        )


#: How far a clause is read on either side of what it holds (characters).
_CLAUSE_REACH = 160


def _clause_start(masked: str, line_start: int, at: int) -> int:
    """Where the clause holding ``at`` starts: after the last break before it on its line."""
    start = max(line_start, at - _CLAUSE_REACH)
    for m in _CLAUSE_BREAK.finditer(masked, start, at):
        start = m.end()
    return start


def _clause_end(masked: str, at: int, line_end: int) -> int:
    """Where the clause holding ``at`` ends: at the first break after it on its line."""
    m = _CLAUSE_BREAK.search(masked, at, min(line_end, at + _CLAUSE_REACH))
    return m.start() if m else min(line_end, at + _CLAUSE_REACH)


#: How many tokens before a prose key are read for a word naming a code.
_PROSE_KEY_REACH = 8


def _names_code(toks: list[str]) -> bool:
    """Do these tokens (those before a prose key) name a code, other than right before it?"""
    words = [t.lower() for t in toks if _is_word(t)]
    return any(w in vocab.CODE_WORDS for w in words[:-1])


def _zh_filler_ending(toks: list[str], at: int) -> int:
    """How many tokens a Chinese copula ending at ``toks[at]`` spans (0 if none ends
    there): the tokenizer gives one token per Chinese character, and "不等于" is three."""
    for size in range(min(_ZH_FILLER_MAX, at + 1), 0, -1):
        if "".join(toks[at - size + 1 : at + 1]) in vocab.ZH_FILLERS:
            return size
    return 0


def _walk_back(
    masked: str,
    start: int,
    line_start: int,
    product_words: frozenset[str],
    reasons: tuple[str, ...] = (),
) -> _Before:
    lo = max(line_start, start - BEFORE_WINDOW)
    toks = _TOKEN.findall(masked, lo, start)
    if "/" in toks:  # a find in C spares most walks the loop
        for k in range(len(toks) - 1, 0, -1):  # "w/ 422" is "with 422"
            if toks[k] == "/" and toks[k - 1] in ("w", "W"):
                toks[k - 1 : k + 1] = ["with"]
    i = len(toks) - 1
    while i >= 0 and toks[i] in _FORMAT:
        i -= 1
    if toks[-1:] == ["case"] and (key := _switch_on_code(masked, start)):
        return _Before(key=key, key_kind="code")  # "switch (error.code) { case 302:"
    tail = masked[lo:start].rstrip(" \t`*_\"'")
    if tail.endswith(vocab.ARROWS) and not _KEY_ARROW.search(tail):
        return _Before(head="->", head_raw="->")  # "AuthService.login -> 302": returned
    if i >= 0 and toks[i] in _SEPARATORS:
        sep = toks[i]
        tail = masked[lo:start]
        spaced = any(c.isspace() for c in tail[tail.rfind(sep[-1]) + 1 :])
        i -= 1
        quoted = False
        while i >= 0 and toks[i] in ('"', "'"):
            quoted, i = True, i - 1
        if i < 0 or not _is_word(toks[i]):
            return _Before()
        key = toks[i]
        if i >= 2 and toks[i - 1] == "-" and toks[i - 2].lower() in vocab.NOT_CODE_QUALIFIERS:
            kind = "id"  # "zip-code: 10001", "promo-code=1027": the qualifier says which
        elif _code_key(key) or _names_its_code(key, reasons):
            kind = "code"
        elif _callback(key):
            kind = "callback"
        elif sep == ":" and key.lower() in product_words:
            kind = "product"
        elif sep == "=" and _declared_in_code_type(masked, line_start, start, key):
            kind = "code"  # "class NIMResultCode { static const teamAlreadyIn = 809;"
        elif sep != ":" or quoted or not spaced or _looks_like_key(key):
            kind = "id"  # uid=8841, "id":1027, maxMembers: 500, host:4000, Foo.java:404
        else:
            # "after the failover: 40110"; "sendMessage failed: 4003" reads as "failed 4003"
            return _Before(
                key=key, key_kind="prose", head=key.lower(), head_raw=key,
                names_code=_names_code(toks[max(0, i - _PROSE_KEY_REACH) : i]),
            )  # fmt: skip
        return _Before(key=key, key_kind=kind)
    fillers = 0
    first = ""
    articles_only = True
    question = False
    while i >= 0:
        tok = toks[i]
        i -= 1
        if tok in _TRANSPARENT:
            continue
        if not tok.isascii() and fillers < MAX_FILLERS and (size := _zh_filler_ending(toks, i + 1)):
            fillers += 1  # "code 为 1028", "error_code 不等于 408": a copula after a word
            i -= size - 1
            continue
        if not _is_word(tok):
            return _Before(
                first=first, question=question, at_start=tok in ".!?;。！？；" and articles_only
            )
        word = tok.lower()
        if not first:
            first = word
        articles_only = articles_only and word in ("a", "an")
        if word in vocab.QUESTION_WORDS or (word in ("is", "does", "do") and first == word):
            question = True
        if word in vocab.FILLERS and fillers < MAX_FILLERS:
            fillers += 1
            continue
        subject = toks[i].lower() if i >= 0 and _is_word(toks[i]) else ""
        return _Before(
            head=word, head_raw=tok, fillers=fillers, first=first, subject=subject,
            question=question,
        )  # fmt: skip
    return _Before(first=first, question=question, at_start=articles_only and lo == line_start)


# A constant declared on its line: "static const teamAlreadyIn =", "public static final int
# TEAM_ALREADY_IN =".
_DECLARATION = re.compile(
    r"(?<![A-Za-z0-9_])(?:const|final|val|let|var)[ \t]+(?:[A-Za-z_][\w<>]*[ \t]+)?"
    r"(?P<key>[A-Za-z_]\w*)[ \t]*=[ \t]*\Z",
    re.ASCII,
)
# A type named for codes: NIMResultCode, NIMChatroomErrors, ErrorCodes, HttpStatusCode.
_CODE_TYPE = re.compile(r"(?<![A-Za-z0-9_])[A-Z][A-Za-z0-9]*(?:Code|Codes|Errors)(?![A-Za-z0-9_])")
#: How far before a constant the type it belongs to is looked for (characters).
_CODE_TYPE_REACH = 400


def _declared_in_code_type(masked: str, line_start: int, start: int, key: str) -> bool:
    """Is the number the value of a constant declared under a type named for codes, as an
    SDK's list of its result codes is ("NIMResultCode … static const teamAlreadyIn = 809")?"""
    m = _DECLARATION.search(masked, line_start, start)
    return (
        m is not None
        and m.group("key") == key
        and _CODE_TYPE.search(masked, max(0, start - _CODE_TYPE_REACH), m.start()) is not None
    )


# "switch (error.code) {": the expression a switch compares its cases with.
_SWITCH = re.compile(r"\bswitch\s*\(\s*[\w.]*?(\w+)\s*\)")
# How far back a case's switch is looked for: a handler of a dozen cases.
_SWITCH_REACH = 600


def _switch_on_code(masked: str, start: int) -> str:
    """The code key a ``case 302:`` label is compared with, if its switch is on one
    ("switch (error.code)", "switch (errno)"); else ""."""
    number = NUMBER.match(masked, start)
    if number is None or masked[number.end() :].lstrip(" \t")[:1] != ":":
        return ""
    switches = list(_SWITCH.finditer(masked, max(0, start - _SWITCH_REACH), start))
    key = switches[-1].group(1) if switches else ""
    return key if key and _code_key(key) else ""


# -- detectors ---------------------------------------------------------------------------

Detector = Callable[[Window], bool]
DETECTORS: dict[str, Detector] = {}


def _detector(name: str) -> Callable[[Detector], Detector]:
    def register(fn: Detector) -> Detector:
        DETECTORS[name] = fn
        return fn

    return register


@_detector("key_value_code")
def _key_value_code(w: Window) -> bool:
    if w.before.key_kind in ("code", "callback", "product"):
        return True
    return (
        _HTTP_STATUS_BEFORE.search(w.masked, max(w.line_start, w.start - 16), w.start) is not None
    )


@_detector("code_word_before")
def _code_word_before(w: Window) -> bool:
    head = w.before.head_raw
    if w.before.names_code:
        return True
    return bool(head) and (w.before.head in vocab.CODE_WORDS or _code_key(head) or _callback(head))


@_detector("failure_verb_before")
def _failure_verb_before(w: Window) -> bool:
    b = w.before
    if b.head in vocab.VERBS or b.head == "->":
        return True
    # "NIM says 803", "the app shows 1027"; "the dashboard shows 500" stays a number
    return b.head in vocab.SAYS and (b.subject in w.product_words or b.subject in vocab.SPEAKERS)


@_detector("product_before")
def _product_before(w: Window) -> bool:
    b = w.before
    return b.fillers == 0 and b.head in w.product_words


@_detector("asks_about")
def _asks_about(w: Window) -> bool:
    """A question about the number: a question word before it, and a "?" after it, or
    "what's 416", or "what does 1019 mean". "is 500 enough?" asks about something else."""
    after = w.masked[w.end : w.end + _ZH_QUESTION_MAX + 2].lstrip(" \t)）")
    if after.startswith(tuple(vocab.ZH_QUESTION_AFTER)):
        return True  # "13004 啥意思", "11001 是什么"
    if not w.ascii_around and _zh_question_closing(w.masked, w.end):
        return True  # "跟 13001 有啥区别？"
    b = w.before
    if not b.question:
        return False
    toks = [t.lower() for t in _TOKEN.findall(w.masked, max(w.line_start, w.start - 12), w.start)]
    opener = toks[-2] if len(toks) >= 2 else ""
    if b.first == "is" and not opener.startswith(("what", "wtf", "wth")):
        return w.next_word in vocab.ARTICLES  # "is 1019 a lync thing?"; "is 500 enough?"
    if b.first in ("does", "do") or any(m in w.after_words[:2] for m in vocab.MEANING_WORDS):
        return any(m in w.after_words[:2] for m in vocab.MEANING_WORDS)
    if w.question_ahead:
        return True
    return bool(toks) and (
        toks[-1] in _ASKING
        or toks[-2:] == ["meaning", "of"]
        or (toks[-1] == "is" and opener[:3] in ("wha", "wtf", "wth"))
    )


_ZH_QUESTION_CLAUSE = re.compile(r"[ \t]*[^\s,，;；。.!！?？\n]{0,10}[?？]")


def _zh_question_closing(text: str, end: int) -> bool:
    """A short Chinese question closing on the number's clause, with a question word in
    it: "跟 13001 有啥区别？". A particle alone asks about anything ("能到 998 吗？")."""
    m = _ZH_QUESTION_CLAUSE.match(text, end)
    return m is not None and any(q in m.group(0) for q in vocab.ZH_QUESTION_AFTER)


@_detector("opens_question")
def _opens_question(w: Window) -> bool:
    return w.before.at_start and w.question_ahead


@_detector("own_clause")
def _own_clause(w: Window) -> bool:
    lo, hi = w.clause
    if lo <= w.line_start:
        return False  # the first clause of its line: opens_sentence reads that
    gap = " \t`*_\"'"
    return not w.masked[lo : w.start].strip(gap) and not w.masked[w.end : hi].strip(gap + ")）")


@_detector("opens_sentence")
def _opens_sentence(w: Window) -> bool:
    return w.before.at_start


@_detector("zh_word_before")
def _zh_word_before(w: Window) -> bool:
    return not w.ascii_around and _zh_before(w).endswith(tuple(vocab.ZH_CODE_BEFORE))


@_detector("zh_verb_before")
def _zh_verb_before(w: Window) -> bool:
    return not w.ascii_around and _zh_before(w).endswith(tuple(vocab.ZH_VERBS_BEFORE))


def _zh_before(w: Window) -> str:
    """The Chinese run right before the number, past a space, a colon or a copula ("返回码
    是 1027" reads as "返回码 1027"); "" if none."""
    lo = max(w.line_start, w.start - _ZH_BEFORE_MAX - _ZH_FILLER_MAX - 4)
    before, _ = _copula_stripped(w.masked[lo : w.start].rstrip(_ZH_GAP))
    return before if before and is_cjk(before[-1]) else ""


def _copula_stripped(head: str) -> tuple[str, bool]:
    """``head`` less the Chinese copula it ends with, if any, and whether it had one."""
    if not head or head[-1].isascii():
        return head, False  # most numbers: every copula ends in a Chinese character
    for filler in _longest_first(tuple(vocab.ZH_FILLERS)):
        if head.endswith(filler):
            return head[: -len(filler)].rstrip(_ZH_GAP), True
    return head, False


@_detector("zh_word_after")
def _zh_word_after(w: Window) -> bool:
    if w.ascii_around:
        return False
    after = w.masked[w.end : w.end + _ZH_AFTER_MAX + 3].lstrip(" \t)）")
    return after.startswith(tuple(vocab.ZH_CODE_AFTER))


@_detector("zh_adjacent")
def _zh_adjacent(w: Window) -> bool:
    if w.ascii_around:
        return False
    m = w.masked
    before = m[max(w.line_start, w.start - 2) : w.start].rstrip(" ")
    after = m[w.end : w.end + 2].lstrip(" ")
    return (bool(before) and is_cjk(before[-1])) or (bool(after) and is_cjk(after[0]))


@_detector("negative_sign")
def _negative_sign(w: Window) -> bool:
    return w.masked[w.start] == "-"


@_detector("code_word_after")
def _code_word_after(w: Window) -> bool:
    return w.next_word in vocab.CODE_WORDS_AFTER


@_detector("errors_after")
def _errors_after(w: Window) -> bool:
    return w.next_word in vocab.ERRORS_AFTER


@_detector("reason_phrase")
def _reason_phrase(w: Window) -> bool:
    """The entry's own reason beside the number (rule 10): after it, or before it with the
    number in brackets or after a colon: "-32601 Method not found", "Method not found
    (-32601)", "40131 file post not allowed". Two content words in common are enough."""
    if _HTTP_REASON.match(w.after_text):
        return True
    m, st, en = w.masked, w.start, w.end
    if (
        m[st - 1 : st] in ("(", "（")
        and m[en : en + 1] in (")", "）")
        and st >= 2
        and is_cjk(m[st - 2])
    ):
        return True  # 请求超时(408): a Chinese reason, the code in brackets
    if _zh_reason_beside(w) or _bracketed_gloss(w):
        return True
    if not w.reasons:
        return False
    lo, hi = max(w.line_start, w.start - _REASON_BEFORE), min(w.line_end, w.end + _REASON_AFTER)
    if not _any_reason_word_in(w.masked[lo:hi].lower(), w.reasons):
        return False  # most numbers: a few finds spare reading the words on either side
    after = _content(w.masked[w.end : hi])[:4]
    head = w.masked[lo : w.start]
    # "Method not found (-32601)", "...: -32601", and "Method not found -32601"
    attached = head.rstrip(" \t`\"'").endswith(("(", "[", ":", "-", "–", "=")) or (
        head[-1:].isspace() and head[-2:-1].isalpha()
    )
    before = _content(head)[-4:] if attached else []
    for reason in w.reasons:
        words = _reason_words(reason)
        need = min(2, len(words))
        if need and (
            len(words.intersection(after)) >= need or len(words.intersection(before)) >= need
        ):
            return True
    return False


#: How far after and before a number its reason phrase is read (characters).
_REASON_AFTER = 48
_REASON_BEFORE = 60


def _any_reason_word_in(lowered: str, reasons: tuple[str, ...]) -> bool:
    """Is a content word of one of ``reasons`` in ``lowered``, as a substring? Necessary
    for a reason beside the number: the words compared are the lowered text's words."""
    return any(word in lowered for reason in reasons for word in _reason_words(reason))


@lru_cache(maxsize=1024)
def _reason_words(reason: str) -> frozenset[str]:
    """The content words of a reason phrase (read once per phrase, not once per number).
    Compared as written, not by stem: "12001 contacts already exist" counts contacts, and
    a stem would give it 12001's "contact already exists"."""
    return frozenset(_content(reason))


def _all_bigrams(text: str) -> set[str]:
    """The pairs of adjacent CJK characters of ``text``: how Chinese phrases are compared
    without a segmenter on the scanner's hot path."""
    return {
        text[i : i + 2] for i in range(len(text) - 1) if is_cjk(text[i]) and is_cjk(text[i + 1])
    }


def _bigrams(text: str) -> set[str]:
    """The pairs of ``text`` that say which error it is: less "不存在", "失败" and the like."""
    return _all_bigrams(text) - vocab.ZH_GENERIC_PAIRS


def _shares_meaning(text: str, meanings: tuple[str, ...]) -> bool:
    """Does ``text`` say what one of ``meanings`` says: two telling CJK pairs in common, or
    all of a short one, or one with a generic word said of it whole ("用户不存在" says what
    "对象(用户/群/聊天室)不存在" says; "订单不存在" shares only the generic word, "用户已存在"
    only half of it)?"""
    every = _all_bigrams(text)
    pairs = every - vocab.ZH_GENERIC_PAIRS
    for meaning in meanings:
        theirs_every = _all_bigrams(meaning)
        theirs = theirs_every - vocab.ZH_GENERIC_PAIRS
        telling = len(pairs & theirs)
        if theirs and telling >= min(2, len(theirs)):
            return True
        if telling and len(every & theirs_every) >= 3:
            return True  # a telling pair and a whole generic word: not 存在 of 不存在
    return False


# A short Chinese gloss in brackets right after the number: "10409（已拒绝）".
_GLOSS = re.compile(r"[ \t]*[(（]([^()（）\n]{1,16})[)）]")


def _bracketed_gloss(w: Window) -> bool:
    """The number glossed in brackets right after it by a pair of characters of the
    vendor's Chinese meaning: so close a frame needs one pair in common, where a reason in
    running text needs two ("10409（已拒绝）": 邀请已经拒绝)."""
    if w.ascii_around or not w.meanings_zh:
        return False
    m = _GLOSS.match(w.masked, w.end)
    if m is None:
        return False
    pairs = _bigrams(m.group(1))
    return any(pairs & _bigrams(meaning) for meaning in w.meanings_zh)


def _zh_reason_beside(w: Window) -> bool:
    """A Chinese reason beside the number: the vendor's ("群不存在 803", "13002 状态异常"),
    or the words of an English-only one ("10437 邮箱已存在": "Email already exists")."""
    if w.ascii_around:
        return False
    before = w.masked[max(w.line_start, w.start - 12) : w.start]
    after = w.masked[w.end : min(w.line_end, w.end + 12)]
    if w.meanings_zh and (
        _shares_meaning(before, w.meanings_zh) or _shares_meaning(after, w.meanings_zh)
    ):
        return True
    return _glossed_reason(before, w.meanings) or _glossed_reason(after, w.meanings)


@cache
def _glossary() -> tuple[re.Pattern[str], dict[str, frozenset[str]]]:
    """Where Chinese text holds a glossary word, and the English stems each one means."""
    means = {
        zh: frozenset(stem(en) for en in english.split())
        for zh, english in ZH_SYNONYMS.items()
        if is_cjk(zh[0])
    }
    return re.compile(any_of(means)), means


# Built when the scanner is imported (8 ms, beside the 400 ms its imports take), not in
# the middle of the first Chinese message that reaches it, whose scan it would double.
_glossary()


def _glossed_reason(text: str, meanings: tuple[str, ...]) -> bool:
    """Does the Chinese ``text`` say, in the glossary's words, what one of the English
    ``meanings`` says: two of its telling words, or its only one ("公司不存在": "The
    company does not exist"; not "订单不存在", which says only that something is missing)?"""
    if not meanings:
        return False
    pattern, means = _glossary()
    said = {term for m in pattern.finditer(text) for term in means[m.group(0)]}
    if not said:
        return False
    for meaning in meanings:
        telling = _telling_stems(meaning)
        if telling and len(telling & said) >= min(2, len(telling)):
            return True
    return False


@lru_cache(maxsize=1024)
def _telling_stems(meaning: str) -> frozenset[str]:
    """The stems of a meaning's words that say which error it is (stemmed once per code)."""
    # folded as the glossary's English terms are: "account" is "user", as 账号 is
    return frozenset(stem(SYNONYMS.get(x, x)) for x in _content(meaning)) - _GENERIC_STEMS


def _content(text: str) -> list[str]:
    return [x for x in (t.lower() for t in _WORDS.findall(text)) if x not in _STOP and len(x) > 1]


_STOP = words_of("a an the is are was be of to in on for and or not no it this that with by pc")
_GENERIC_STEMS = frozenset(stem(x) for x in vocab.GENERIC_MEANING_WORDS)


@_detector("sent_from_source")
def _sent_from_source(w: Window) -> bool:
    if not w.ascii_around and _attributed_to_ours(w):
        return True
    words = w.after_words
    if words[:1] and words[0] in vocab.FROM_VERBS and words[1:2] == ["from"]:
        words = words[1:]  # "the 404 comes from NIM"
    if len(words) < 2 or words[0] not in ("from", "on", "in", "via", "with", "by"):
        return False
    rest = [x for x in words[1:] if x not in ("the", "our", "their", "a")]
    if any(x in w.product_words for x in rest[:2]):
        return True  # "1028 on bems", "403 from NIM"
    return words[0] == "from" and bool(rest) and rest[0] in vocab.SOURCES


def _attributed_to_ours(w: Window) -> bool:
    """Does the sentence give the number to our product, named after it ("还是那个 404，
    这次是云信 MsgService 返回的")?"""
    hi = min(w.line_end, w.end + _ZH_REACH)
    stop = _SENTENCE_END.search(w.masked, w.end, hi)
    hi = stop.start() if stop else hi
    return any(e <= hi and _attributed(w.masked, e) for _, e, _ in _products_from(w, w.end, hi))


@_detector("product_in_clause")
def _product_in_clause(w: Window) -> bool:
    lo, hi = _list_clause(w)
    return any(e <= hi for _, e, _ in _products_from(w, lo, hi))


# A list of codes joined by "," or "and" is one clause, though a comma or an "and" ends
# a clause elsewhere: "the Connect logs alternate between 1007 and 1008 errors".
_LIST_LINK = r"""[`*'"]*[ \t]*(?:[,/&]|\b(?:and|or)\b)[ \t]*[`*'"]*"""
_ITEM_BEFORE = re.compile(rf"-?\d+s?{_LIST_LINK}\Z", re.ASCII | re.IGNORECASE)
_ITEM_AFTER = re.compile(rf"s?{_LIST_LINK}-?\d+", re.ASCII | re.IGNORECASE)
_LIST_ITEMS = 8  # items read on either side


def _list_clause(w: Window) -> tuple[int, int]:
    """The clause of the number, and of the numbers listed with it."""
    masked, (lo, hi) = w.masked, w.clause
    at = w.start
    for _ in range(_LIST_ITEMS):
        item = _ITEM_BEFORE.search(masked, max(w.line_start, at - 32), at)
        if item is None or item.start() < w.line_start:
            break
        at = item.start()
    if at < w.start:  # the clause of the first item reached
        lo = min(lo, _clause_start(masked, w.line_start, at))
    at = w.end
    for _ in range(_LIST_ITEMS):
        item = _ITEM_AFTER.match(masked, at, w.line_end)
        if item is None:
            break
        at = item.end()
        hi = max(hi, _clause_end(masked, at, w.line_end))
    return lo, hi


@_detector("code_formatting")
def _code_formatting(w: Window) -> bool:
    return w.formatted


@_detector("code_column")
def _code_column(w: Window) -> bool:
    return w.column == "code"


@_detector("quantity_column")
def _quantity_column(w: Window) -> bool:
    return w.column == "quantity"


@_detector("heading_names_codes")
def _heading_names_codes(w: Window) -> bool:
    """A list under a heading that names codes: "errors last hour: 1027, 1028"."""
    lo = max(w.line_start, w.start - 2 * BEFORE_WINDOW)
    head = w.masked[lo : w.start]
    if ":" not in head and "：" not in head:
        return False  # no heading: most numbers, told before the sentence is cut
    for m in _SENTENCE_END.finditer(head):
        head = head[m.end() :]  # only the sentence the number is in
    # the last prose colon before the number: "Message: ... does not indicate success: 514"
    colon = max(head.rfind(": "), head.rfind(":\t"), head.rfind(":") if head.endswith(":") else -1)
    zh_colon = head.rfind("：")
    if max(colon, zh_colon) == -1:
        return False
    if zh_colon > colon or (colon > 0 and is_cjk(head[colon - 1])):
        # "失败分布: 408 x 1203", "错误码：803、804": the Chinese words right before it
        heading = head[max(0, max(colon, zh_colon) - 8) : max(colon, zh_colon)]
        return any(h in heading for h in vocab.ZH_HEADINGS) and not any(
            q in heading for q in vocab.ZH_QUANTITY_HEADERS
        )
    found = [t.lower() for t in _TOKEN.findall(head, 0, colon) if _is_word(t)]
    return any(x in vocab.HEADER_NOUNS for x in found[-5:])


@_detector("table_row_under_heading")
def _table_row_under_heading(w: Window) -> bool:
    """A number opening a line of a list under a heading line that names codes."""
    heading = w.row_heading
    if heading is None:
        return False
    found = [t.lower() for t in _TOKEN.findall(heading) if _is_word(t)]
    return len(found) <= 6 and any(x in vocab.HEADER_NOUNS for x in found)


@_detector("plural_after")
def _plural_after(w: Window) -> bool:
    """A counted noun after it, maybe past one adjective: "300 ppl", "1028 new signups"."""
    words = w.after_words[:2]
    if not words or not w.after_text[:1].isspace():
        return False
    if _plural(words[0]):
        return True
    return (
        len(words) == 2
        and words[0] not in vocab.CODE_WORDS
        and _plural(words[1])
        and (words[0] in vocab.AFTER_QUANTITY or not _plural(words[0]))
        and words[0] not in ("from", "on", "in", "with", "when", "for", "since", "after", "to")
    )


@_detector("after_quantity")
def _after_quantity(w: Window) -> bool:
    return w.next_word in vocab.AFTER_QUANTITY


@_detector("defines_meaning")
def _defines_meaning(w: Window) -> bool:
    after = w.masked[w.end : w.end + 8].lstrip(" \t\"'`,，")
    if not after.startswith(vocab.ZH_DEFINING_WORDS) and not _quoted_meaning(w):
        return False
    # "803 表示群不存在" explains our code; "804则为用户重复" gives it a meaning of its own
    return not _shares_meaning(w.masked[w.end : min(w.line_end, w.end + 24)], w.meanings_zh)


def _quoted_meaning(w: Window) -> bool:
    """ "13004 means 'points frozen'", "9102 是“渠道维护中”": a quoted meaning right after."""
    after = w.masked[w.end : w.end + 20].lstrip(" \t")
    for word in vocab.QUOTED_DEFINING_WORDS:
        if after.lower().startswith(word):
            rest = after[len(word) :].lstrip(" \t")
            return rest[:1] in vocab.QUOTES and rest[:1] != ""
    return False


# A message key and its text, quoted, or unquoted up to the next space or separator in a
# key=value log ("code=40004 msg=优惠券不可用", "msg=[订单号格式不对]"). An unquoted value
# opens no nested object: one holds keys of its own ('"error":{"message":"...","code":1}').
_MESSAGE_FIELD = re.compile(
    r"""["']?([A-Za-z_]+|[\u4e00-\u9fff]{2,8})["']?\s*(?:=>|[:=：])\s*(?:["'“「]([^"'”」\n]{1,80})|(?![{\[][\s"'{])([^\s"'“「,;}\]，；。][^\s,;}\]，；。]{0,79}))"""
)


_ZH_VALUE_END = re.compile(r"[，,；;。\n]|\Z")
# A constant's name right after a number, as a table row or a log gives it: "4000
# GENERAL_ERROR", "1027 | WRONG_SERVER", "1028: `SERVER_BUSY`".
_NAME_AFTER = re.compile(r"[ \t]*[:|\-–]?[ \t]*[`*'\"(]?([A-Z][A-Z0-9_]*_[A-Z0-9]+)\b")


def _condition(name: str) -> list[str]:
    """The words of a constant's name that name its condition: less those that say it is
    a code ("ERR_SERVER_BUSY" and "SERVER_BUSY_ERROR_CODE" name SERVER BUSY)."""
    return [
        part
        for part in name.lower().split("_")
        if part and part not in vocab.CODE_WORDS and part not in vocab.RESULT_CONSTANT_WORDS
    ]


def _same_condition(words: list[str], ours: list[str]) -> bool:
    """Do two constants' condition words name one condition: a word of one the start of a
    word of the other ("AUTH" of AUTHENTICATION, "BUSSY" a typo of BUSY)?"""
    return any(
        a.startswith(b) or b.startswith(a) or fuzz.ratio(a, b) >= _TYPO_RATIO
        for a in words
        for b in ours
        if min(len(a), len(b)) >= 3
    )


def _one_of_names(name: str, names: tuple[str, ...]) -> bool:
    """Is ``name`` one of ``names``, or a small typo of one (RULES rule 4)?"""
    return name in names or any(fuzz.ratio(name, n) >= _TYPO_RATIO for n in names)


_TYPO_RATIO = 85


# A message quoted right after its code, with words in it: 11001 "join room failed". A
# quoted key is no message: `"code": 414, "msg": …`. Not corner quotes: Chinese writers
# put their own gloss in them ("408「超时」"), which is no message of another system's.
_QUOTED_MESSAGE = re.compile(
    r"""[ \t]*:?[ \t]*["“]([^"”\n]*[A-Za-z\u4e00-\u9fff]{2}[^"”\n]*)["”](?![ \t]*[:=：])"""
)


# A line that is one entry of a record: `"msg" => "Business Failed",`, `  "code": 414,`.
_ENTRY_LINE = re.compile(
    r"""[ \t]*["']?[A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff]*["']?[ \t]*(?:=>|[:=：])"""
)
#: How many lines of a record above and below a number's line are read for its message.
_RECORD_LINES = 6


def _record(w: Window) -> tuple[int, int]:
    """The lines of the record the number's line is an entry of (a pretty-printed JSON
    object, a PHP or Ruby array: one key per line), or just its own line."""
    masked = w.masked
    if not _ENTRY_LINE.match(masked, w.line_start):
        return w.line_start, w.line_end
    lo, hi = w.line_start, w.line_end
    for _ in range(_RECORD_LINES):
        if lo == 0:
            break
        top = masked.rfind("\n", 0, lo - 1) + 1
        if not _ENTRY_LINE.match(masked, top, lo - 1):
            break
        lo = top
    for _ in range(_RECORD_LINES):
        if hi >= len(masked):
            break
        end = masked.find("\n", hi + 1)
        end = len(masked) if end == -1 else end
        if not _ENTRY_LINE.match(masked, hi + 1, end):
            break
        hi = end
    return lo, hi


@_detector("message_field")
def _message_field(w: Window) -> bool:
    heading = w.row_heading
    if heading is not None and _names_description(heading):
        # "code 描述\n1004 验证签名错误": each row of the table describes its own code. Only a
        # Chinese description is compared: English ones say ours in other words too easily
        # ("408 Timeout" is our "request times out").
        row = w.masked[w.end : w.line_end].strip(" \t|`")
        if not row.isascii() and _own_message(row, w):
            return True
    if w.names and (named := _NAME_AFTER.match(w.masked, w.end)) is not None:
        # "4000 GENERAL_ERROR General error": a row of another system's table, which gives
        # the number a name of its own (a typo of ours is still ours: SERVER_BUSSY)
        return not _one_of_names(named.group(1), w.names)
    if (
        w.names
        and w.before.key_kind == "code"
        and _caps_constant(key := w.before.key)
        and not _json_rpc_code(w)
    ):
        # "PUSH_ERR_INVALID_PIN = 10001": a constant of another system's, named for a
        # condition of its own; "ERR_AUTH = 10001", "ERROR_CODE = 1028" are ours, and so
        # is a JSON-RPC code under any name ("INVALID_JSON = -32700": the spec's)
        condition = _condition(key)
        if condition and not any(_same_condition(condition, _condition(n)) for n in w.names):
            return True
    quoted = _QUOTED_MESSAGE.match(w.masked, w.end)
    if quoted is not None:
        # 'Code=11001 "join room failed, roomToken invalid"': the message of an NSError or
        # an exception, quoted right after its code
        return _own_message(quoted.group(1), w)
    top, bottom = _record(w)
    lo, hi = max(top, w.start - 120), min(bottom, w.end + 120)
    if not any(mark in w.masked[lo:hi] for mark in ":=："):
        return False  # no key: value near the number
    if not _may_name_message(w.masked[lo:hi]):
        return False  # "12:44:09,414", "uid=8841": keys, but none of a message
    for m in _MESSAGE_FIELD.finditer(w.masked, lo, hi):
        text, key = m.group(2) or m.group(3), m.group(1)
        zh_key = is_cjk(key[0]) and key.endswith(vocab.ZH_MESSAGE_KEYS)
        if key.lower().replace("_", "") not in vocab.MESSAGE_KEYS and not zh_key:
            continue
        if zh_key and m.group(3):
            # "说明：invalid credential，access_token is invalid": a Chinese key's unquoted
            # value runs to the end of its clause, spaces and all
            stop = _ZH_VALUE_END.search(w.masked, m.start(3), hi + 1)
            text = w.masked[m.start(3) : stop.start() if stop else hi]
        if any(is_cjk(c) for c in text) or (
            (m.group(2) or zh_key) and not w.products and w.meanings  # no bare English word
        ):
            return _own_message(text, w)
    return False


def _own_message(text: str, w: Window) -> bool:
    """Does the message ``text`` given with the number say something other than what our
    code means (RULES rule 11)? {"code":803,"msg":"群不存在"} says ours."""
    if any(is_cjk(c) for c in text):
        return not _shares_meaning(text, w.meanings_zh)
    if not w.products and w.meanings:
        # "ResponseBase(code=803, message=\"order not found\")" with no product of ours
        # named: a message that shares no word with what the code means is its own.
        ours = {stem(word) for meaning in w.meanings for word in _content(meaning)}
        return ours.isdisjoint(stem(word) for word in _content(text))
    return False


def _names_description(heading: str) -> bool:
    """Does a table's heading name a column of descriptions ("code 描述", "code  message")?"""
    if not heading.isascii() and any(key in heading for key in vocab.ZH_MESSAGE_KEYS):
        return True
    return any(w.lower() in vocab.MESSAGE_KEYS for w in _WORDS.findall(heading))


def _may_name_message(text: str) -> bool:
    """Could a key that :data:`_MESSAGE_FIELD` finds in ``text`` be a message key? Only a
    necessary test, made with a few finds, so that the pattern (most of the detector's
    cost in a log) runs only where one may be: an English key is compared in lower case
    without underscores, so that form of it is in the text's; a Chinese one ends in a
    Chinese key, which is in the text as written."""
    folded = text.lower().replace("_", "")
    if any(key in folded for key in vocab.MESSAGE_KEYS):
        return True
    return not text.isascii() and any(key in text for key in vocab.ZH_MESSAGE_KEYS)


@_detector("time_range_after")
def _time_range_after(w: Window) -> bool:
    words = w.after_words
    if w.next_word in ("/min", "/h", "/s", "/sec", "/day"):
        return True
    if not words or words[0] not in vocab.TIME_RANGE_AFTER:
        return False
    if words[0] in ("in", "this", "last", "since", "per"):
        # "in the last hour", "per minute"; not "in the debugger"
        rest = [x for x in words[1:4] if x not in ("the", "last", "past", "a", "an")]
        return bool(rest) and rest[0] in _TIME_NOUNS
    return True


_TIME_NOUNS = words_of(
    "hour hours minute minutes min mins day days week weeks month months today second "
    "seconds sec secs morning night sprint"
)


@_detector("unit_after")
def _unit_after(w: Window) -> bool:
    return w.next_word in vocab.UNITS


@_detector("street_address")
def _street_address(w: Window) -> bool:
    m = _STREET.match(w.masked, w.end, w.line_end)
    if m is None:
        return False
    words = m.group(0).split()
    return len(words) >= 2 and words[-1].rstrip(".").lower() in vocab.STREET_SUFFIXES


@_detector("zh_measure_word")
def _zh_measure_word(w: Window) -> bool:
    if not zh_quantity(w.masked, w.start, w.end):
        return False
    if not w.masked[w.end : w.end + 4].lstrip(" \t").startswith(_ZH_PLACES):
        return True
    # a place yields to a plain report of the number: "报错 1005 机房那边在排查"
    head = w.masked[max(w.line_start, w.start - 6) : w.start].rstrip(" \t")
    return not head.endswith(_zh_reporting())


_ZH_PLACES = tuple(ZH_PLACE_MEASURES)


@cache
def _zh_reporting() -> tuple[str, ...]:
    return tuple(vocab.ZH_CODE_BEFORE | vocab.ZH_REPORTING_VERBS)


@_detector("veto_word_before")
def _veto_word_before(w: Window) -> bool:
    if _os_error(vocab.OS_ERROR_WORDS).search(w.masked, max(w.line_start, w.start - 12), w.start):
        return True  # "[Errno 11001] getaddrinfo failed": the OS's number, as Python prints it
    b = w.before
    if b.first in vocab.VETO_BEFORE and b.key_kind == "":
        return True
    if b.key_kind == "" and b.head in vocab.CODE_WORDS:
        if b.subject in vocab.NOT_CODE_QUALIFIERS:
            return True  # "zip code 10001", "the zip code is 10001"
        if b.fillers == 0 and _QUALIFIED_CODE_WORD.search(
            w.masked, max(w.line_start, w.start - 40), w.start
        ):
            # "area-code 212": the qualifier joined to the code word by a hyphen; not a
            # word ending an identifier further back ("nim_team_invite 回调 code 809")
            return True
    # within its clause only: in "群人数达到上限，801" no word places the number
    head = w.masked[max(w.line_start, w.start - 8 - _ZH_FILLER_MAX) : w.start]
    head = head.rstrip(_ZH_KEY_GAP)
    head, copula = _copula_stripped(head)
    if copula and head.endswith(vocab.ZH_LIMIT_WORDS):
        return True  # "QPS 上限是 500": the value of a limit, not "群人数达到上限 801"
    if not head or (head[-1].isascii() and head[-2:] not in ("ID", "id")):
        return False  # the Chinese words below end in CJK, or in "ID"
    for word in _longest_first(vocab.ZH_NOT_CODE_WORDS):
        # "ID" counts glued to Chinese ("群ID 10404"), not as the end of "said"
        if head.endswith(word) and (is_cjk(word[0]) or is_cjk(head[-len(word) - 1 : -len(word)])):
            # a lone 号 or ID yields to a word naming a code: "错误号 1027"
            if len(word) == 1 or word in ("ID", "id"):
                return not head.endswith(tuple(vocab.ZH_CODE_BEFORE | vocab.ZH_VERBS_BEFORE))
            # and any word yields to the code's own meaning said right after it: in
            # "邀请进房间 10408 邀请已过期" the room is where, 10408 what went wrong
            # (not after a copula: "订单号是 10202" gives the order its number)
            return bool(copula) or not _own_meaning_after(w)
    return False


def _own_meaning_after(w: Window) -> bool:
    """Does the number's own Chinese meaning follow it in its clause?"""
    after = w.masked[w.end : min(w.line_end, w.end + 12)]
    after = _CLAUSE_BREAK.split(after, maxsplit=1)[0]
    return bool(w.meanings_zh) and _shares_meaning(after, w.meanings_zh)


@cache
def _os_error(words: frozenset[str]) -> re.Pattern[str]:
    """Where an OS error number opens in brackets: "[Errno ", "[WinError "."""
    return re.compile(rf"\[(?:{any_of(words)})[ \t]*\Z", re.IGNORECASE)


# A qualifier, a hyphen, and the code word right before the number: "area-code 212".
_QUALIFIED_CODE_WORD = re.compile(
    rf"(?<![A-Za-z0-9_])(?i:{any_of(vocab.NOT_CODE_QUALIFIERS)})[ \t]*-[ \t]*"
    rf"(?i:{any_of(vocab.CODE_WORDS)})[\s`*_\"']*\Z",
    re.ASCII,
)


@cache
def _longest_first(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


@_detector("id_key")
def _id_key(w: Window) -> bool:
    return w.before.key_kind == "id"


@_detector("bracket_index")
def _bracket_index(w: Window) -> bool:
    m, s = w.masked, w.start
    return s >= 2 and m[s - 1] == "[" and m[s - 2].isalnum()


# A SQLSTATE in brackets after the number: letters and digits, five ("HY000", "42S02").
_SQLSTATE = re.compile(r"[ \t]*\((?=[0-9A-Z]*[A-Z])(?=[0-9A-Z]*[0-9])[0-9A-Z]{5}\)")


@_detector("sqlstate_after")
def _sqlstate_after(w: Window) -> bool:
    """ "ERROR 1005 (HY000): Can't create table": a database's error, in MySQL's format."""
    return _SQLSTATE.match(w.masked, w.end) is not None


@_detector("url_part")
def _url_part(w: Window) -> bool:
    lo = max(w.line_start, w.start - 200)
    head = w.masked[lo : w.start]
    cut = max(head.rfind(" "), head.rfind("\t"), head.rfind("`"), head.rfind('"'))
    return _URL_TOKEN.match(head[cut + 1 :]) is not None


@_detector("other_system")
def _other_system(w: Window) -> bool:
    """The sentence gives the number to another system, named nearer to it than any of
    ours: "nginx returned 404", "PlayFab lobby error 13002", "404 from the ingress"."""
    lo = max(w.line_start, w.start - BEFORE_WINDOW)
    hi = min(w.line_end, w.end + AFTER_WINDOW)
    if not _any_other_system(w.masked, lo, hi):
        # most messages name no other system near the number
        return _paste_from_other_system(w)
    ends = [m.end() for m in _SENTENCE_END.finditer(w.masked, lo, w.start)]
    lo = ends[-1] if ends else lo
    tail_m = _SENTENCE_END.search(w.masked, w.end, hi)
    if tail_m:
        hi = tail_m.start()
    named = [(s, e) for s, e, _ in _products_from(w, lo, hi) if not _recipient(w.masked, s)]
    # One of ours named between a system and the number takes the sentence over from it:
    # "抖音小程序里集成云信 SDK，登录报 302" is 云信's 302, though a comma follows 云信
    passed = [e for s, e in named if e <= w.start]
    after = max(passed) if passed else None
    nearest_other = _nearest_other(w.masked, lo, hi, w.start, w.end, after)
    if nearest_other is None or nearest_other >= _FAR:
        return False  # another clause's system: "error 1027 while Slack is slow"
    ours = [_distance(w, s, e) for s, e in named if e <= hi]
    return not ours or min(ours) > nearest_other


def _paste_from_other_system(w: Window) -> bool:
    """Is the number in a paste from another system that names none of ours: a code block
    that system signs ("nginx/1.24.0" under an error page) or that a line naming it
    introduces ("old cpp-ethereum answered eth_call like this:" and its JSON below), or the
    lines after such a line ("using chrome, I get this error:\n\nError 400:
    invalid_request")? The paste is what that system sent."""
    masked = w.masked
    fences = _fences(masked)
    opened = bisect_left(fences, w.start)
    if opened % 2:  # inside a block: the line before its fence says whose it is
        fence = fences[opened - 1]
        if fence in _signed_blocks(masked):
            # an nginx error page, "<center>nginx/1.24.0</center>" below its 404, unless
            # the block names one of ours among its lines
            close = fences[opened] if opened < len(fences) else len(masked)
            if not _products_from(w, fence, close):
                return True
        top = masked.rfind("\n", 0, fence) + 1
        if not masked[top:fence].strip():  # the fence opens its line
            if top == 0:
                return False
            top = masked.rfind("\n", 0, top - 1) + 1
        end = fence
    else:  # the nearest line above with words on it, if it ends with a colon
        end = w.line_start - 1
        while end > 0 and not masked[masked.rfind("\n", 0, end) + 1 : end].strip():
            end = masked.rfind("\n", 0, end)
        if end <= 0:
            return False
        top = masked.rfind("\n", 0, end) + 1
    intro = masked[top:end].rstrip(" \t\n")
    return (
        intro.endswith((":", "："))
        and _any_other_system(masked, top, end)
        and not _products_from(w, top, w.line_end)
    )


@lru_cache(maxsize=8)
def _signed_blocks(text: str) -> frozenset[int]:
    """Where the code blocks a server signs open (their fences): the blocks that hold a
    server's name and version joined by a slash, as it signs its pages and headers
    ("nginx/1.24.0", "Apache/2.4.57"). Found once per message, each block looked up."""
    fences = _fences(text)
    if not fences:
        return frozenset()
    servers = vocab.SERVER_SIGNATURES
    signed = set()
    # Every "/" and digit found in C, the word before it read only there: a pattern that
    # opens on the names would try them at every position of a 20 KB log.
    for m in _SLASH_DIGIT.finditer(text):
        at = bisect_left(fences, m.start())
        if at % 2 and fences[at - 1] not in signed:
            before = text[max(0, m.start() - _SERVER_NAME_MAX) : m.start()]
            name = _TRAILING_NAME.search(before)
            if name is not None and name.group(0).lower() in servers:
                signed.add(fences[at - 1])
    return frozenset(signed)


_SLASH_DIGIT = re.compile(r"/[0-9]")
_TRAILING_NAME = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z][A-Za-z-]*\Z")
_SERVER_NAME_MAX = 24


@lru_cache(maxsize=8)
def _fences(text: str) -> list[int]:
    """Where the code fences of a message are, found once per message (a str caches its
    hash, so its numbers share this): each number only looks its own up."""
    found, at = [], text.find("```")
    while at != -1:
        found.append(at)
        at = text.find("```", at + 3)
    return found


def _recipient(text: str, start: int) -> bool:
    """Is the name at ``start`` the one a reply goes to ("给云信回了 500"), not its source?"""
    head = text[max(0, start - 6) : start].rstrip(" \t/").lower()  # "for /nim-callback"
    for marker in vocab.RECIPIENT_MARKERS:
        if head.endswith(marker):
            before = head[: -len(marker)][-1:]
            return not marker.isascii() or not before.isalnum()  # "to", not "into"
    return False


def _products_from(w: Window, lo: int, hi: int) -> tuple[tuple[int, int, str], ...]:
    """The products named starting in ``[lo, hi)``: found by bisection, as a paste may
    name a product a thousand times."""
    return w.products[bisect_left(w.products, (lo,)) : bisect_left(w.products, (hi,))]


def _distance(w: Window, start: int, end: int) -> int:
    """How far a name at ``start:end`` is from the number; across a clause break, far."""
    lo, hi = (end, w.start) if end <= w.start else (w.end, start)
    return max(hi - lo, 0) + (_FAR if _CLAUSE_BREAK.search(w.masked, lo, hi) else 0)


_FAR = 1000  # what a clause break adds to a distance
_FROM_WORD = re.compile(
    "|".join(
        rf"\b{w}\b" if w.isascii() else re.escape(w) for w in sorted(vocab.SOURCE_PREPOSITIONS)
    ),
    re.I | re.A,
)


def _any_other_system(text: str, lo: int, hi: int) -> bool:
    # Only the lines of [lo, hi) are read: a paste's other lines may never be asked about.
    return bool(systems_named(text, _current_other_system_patterns()).between(lo, hi))


def _current_other_system_patterns() -> SystemPatterns:
    # Read at call time: a word added to the lists (a test's monkeypatch) takes effect.
    return system_patterns(vocab.OTHER_SYSTEMS, vocab.OTHER_SYSTEMS_CASED, vocab.ZH_OTHER_SYSTEMS)


def _nearest_other(
    text: str, lo: int, hi: int, start: int, end: int, ours_before: int | None = None
) -> int | None:
    """How far the nearest other system is from the number (:data:`_FAR` beyond a clause
    break), passing over those named before ``ours_before``, where one of ours ends. A
    system named after it counts only where the sentence gives it the number ("404 from
    the ingress", "是网关返回的"), not where it says where ("error 999 on the Windows
    client", "PARSE_ERROR 出现在网关日志里")."""
    starts, spans = _other_systems_in(text, _current_other_system_patterns())
    best: int | None = None
    for s, e in spans[bisect_left(starts, lo) : bisect_left(starts, hi)]:
        if e > hi or _recipient(text, s):
            continue  # "云信给 nginx 回了 500": what nginx was sent, not what it sent
        if ours_before is not None and e <= ours_before:
            continue  # one of ours, ``ours_before`` its end, is named after it
        if _ITEM_KEY.match(text, e) or (text[s:e].isupper() and _GLUED_KEY.match(text, e)):
            continue  # "JIRA OPS-1027 raised for WRONG_SERVER": it names its ticket, no source
        # A system named before the number claims it across a comma ("PlayFab ticket
        # failed, errorCode 1028"); one named after it only in its own clause, past a
        # word of source ("404 from the ingress", not "error 1027 while Slack is slow").
        a, b = (e, start) if e <= start else (end, s)
        if e > start and _attributed(text, e):
            return 0  # "云信 500 错误，其实是 CDN 返回的": the sentence gives it to the CDN
        if e > start and not _FROM_WORD.search(text, end, s):
            continue
        far = e > start and _CLAUSE_BREAK.search(text, a, b)
        d = max(b - a, 0) + (_FAR if far else 0)
        best = d if best is None else min(best, d)
    return best


# A ticket key or item number right after a system's name, or, after a name in capitals,
# its own key glued to it ("JIRA-1028"; not "nginx-1.24", "mysql-0" or "pod nginx-0"): the
# name says whose item it is.
_ITEM_KEY = re.compile(r"[ \t]*(?:[A-Z][A-Z0-9]*-\d+|#\d+)\b")
_GLUED_KEY = re.compile(r"-\d{2,}\b(?![.-]\d)")


def _attributed(text: str, end: int) -> bool:
    """Does the system named just before ``end`` claim what came earlier ("是 S3 返回的")?"""
    return text[end : end + 6].lstrip(" \t").startswith(vocab.ZH_ATTRIBUTIONS)


@lru_cache(maxsize=8)
def _other_systems_in(
    text: str, patterns: SystemPatterns
) -> tuple[list[int], list[tuple[int, int]]]:
    """Where ``text`` names other systems, found once per message (a str caches its hash,
    so the numbers of one message share this): (starts, spans), in order."""
    spans = systems_named(text, patterns).between(0, len(text))
    return [s for s, _ in spans], spans


@_detector("rival_im")
def _rival_im(w: Window) -> bool:
    return not w.products and about_rival_im(w.masked)


@_detector("other_standard")
def _other_standard(w: Window) -> bool:
    """The paragraph quotes another standard whose codes share this number, nearer to it
    than it names one of our products: it names that kind of code ("close code 1006") or
    gives the standard's reason for it ("Abnormal Closure (code 1006)", "error 1020 ...
    Access denied")."""
    number = w.masked[w.start : w.end]
    standards = [s for s in OTHER_STANDARDS.values() if number in s[1]]
    if not standards:
        return False  # most numbers: no other standard has them
    # Its paragraph, near it: a pasted response may hold its message a few lines below
    # ({ errcode: 40001,\n  errmsg: 'invalid credential, ...' })
    masked = w.masked
    lo = max(0, w.start - _STANDARD_REACH)
    blank = masked.rfind("\n\n", lo, w.start)
    lo = blank + 2 if blank != -1 else lo
    gap = masked.find("\n\n", w.end, w.end + _STANDARD_REACH)
    hi = gap if gap != -1 else min(len(masked), w.end + _STANDARD_REACH)
    around = masked[lo:hi].lower()
    found = [
        lo + at
        for markers, reasons in standards
        for phrase in (*markers, *reasons[number])
        if (at := around.find(phrase)) != -1
    ]
    if not found:
        return False
    nearest = min(abs(at - w.start) for at in found)
    ours = [min(abs(s - w.start), abs(e - w.start)) for s, e, _ in _products_from(w, lo, hi)]
    return not ours or min(ours) > nearest


_STANDARD_REACH = 160


@_detector("json_rpc_peer")
def _json_rpc_peer(w: Window) -> bool:
    return not w.products and _json_rpc_code(w) and about_json_rpc_peer(w.masked)


def _json_rpc_code(w: Window) -> bool:
    """Is the token of ``w`` one of the JSON-RPC 2.0 spec's codes or names?"""
    token = w.masked[w.start : w.end]
    if token.upper() in JSON_RPC_NAMES:
        return True
    low, high = JSON_RPC_RESERVED
    return token.startswith("-") and token[1:].isdigit() and low <= int(token) <= high


# The vetoes in the order they are read, the cheapest first: the first one present
# settles the number, so the order changes no verdict, only what is spent on chatter
# ("500 users" stops at the word after it, before any look-back).
_VETO_NAMES = (
    "bracket_index", "sqlstate_after", "zh_measure_word", "unit_after", "street_address",
    "url_part", "id_key",
    "veto_word_before", "quantity_column", "other_system", "rival_im", "json_rpc_peer",
    "other_standard",
)  # fmt: skip


def detect(w: Window, only: Iterable[str] | None = None) -> frozenset[str]:
    """The names of the features present around the number of ``w`` (of ``only``, if given).

    Vetoes are read first, and the first one present is the answer: the number is
    settled, and nothing else could change the verdict.
    """
    if only is not None:
        return frozenset(name for name in only if DETECTORS[name](w))
    for name in _VETO_NAMES:
        if DETECTORS[name](w):
            return frozenset((name,))
    return frozenset(name for name in _EVIDENCE_NAMES if DETECTORS[name](w))


_EVIDENCE_NAMES = tuple(n for n in DETECTORS if n not in _VETO_NAMES)
