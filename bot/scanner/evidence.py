"""Whether a number in a channel message is used as an error code: the words around it.

People write codes in many forms ("error 1027", "returned 808", ``"code": -32601``,
``errorCode=1027``, "`1025`", "what's 1026?", "1028 errors") and write numbers that are
not codes in many more ("500 users", "port 4000", "build 1028", "x 412", ``uid=8841``).
:func:`assess` reads a bounded window before and after one number, as a person would,
and says which it is. The window is a fixed size, so a number costs the same whatever
the length of the message.

Strong evidence (a code word, a ``key=value`` structure, code formatting) survives a
following word that merely looks plural ("error 1027 happens"); weak evidence (a verb
such as "got" or "seeing", a heading such as "errors last hour:") does not ("got 300
ppl"). Units and counted nouns veto every kind ("error 500 users" is a count).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from bot.scanner import words as vocab
from bot.scanner.tables import column_of
from bot.text.grammar import is_cjk, words_of, zh_quantity

__all__ = ["Evidence", "Verdict", "assess"]


class Verdict(Enum):
    """What the words around a number make of it."""

    VETO = "veto"  # a quantity, id, port, time...: never a code, whatever else is said
    NONE = "none"  # nothing says it is a code
    WEAK = "weak"
    STRONG = "strong"


@dataclass(frozen=True, slots=True)
class Evidence:
    verdict: Verdict
    #: Why it was taken, in :class:`bot.models.Mention` vocabulary.
    reason: str = ""
    #: The number opens its sentence, which lets "403 from NIM" count.
    at_start: bool = False

    @property
    def taken(self) -> bool:
        return self.verdict in (Verdict.WEAK, Verdict.STRONG)


_VETO = Evidence(Verdict.VETO)
_NONE = Evidence(Verdict.NONE)

#: How far back and ahead of a number the words are read (characters).
BEFORE_WINDOW = 72
AFTER_WINDOW = 48
#: Function words allowed between a context word and its number ("got a 40117",
#: "error was 1027", "fails with 302", "came back 810").
MAX_FILLERS = 3

_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_'’]*|\d+|===|==|=>|->|[^\sA-Za-z0-9]", re.ASCII)
_KEY_PARTS = re.compile(r"[a-z]+|[A-Z][a-z]*", re.ASCII)
_AFTER_WORD = re.compile(r"[ \t]*([A-Za-z%][A-Za-z]*)", re.ASCII)
_HTTP_REASON = re.compile(
    r"[ \t]+(?:ok|created|accepted|no content|moved|found|not modified|bad request|"
    r"unauthori[sz]ed|forbidden|not found|method not allowed|request timeout|conflict|gone|"
    r"payload too large|too many requests|internal server error|not implemented|bad gateway|"
    r"service unavailable|gateway timeout)\b",
    re.IGNORECASE | re.ASCII,
)
# An access-log or response line: `"GET /x HTTP/1.1" 404 512`, `HTTP/1.1 200 OK`.
_HTTP_STATUS_BEFORE = re.compile(r"HTTP/\d(?:\.\d)?\"?[ \t]+$", re.ASCII)
# A "?" later in the same sentence ("." inside "3.4" does not end it).
_QUESTION_AHEAD = re.compile(r"(?:[^\n.!?]|\.(?=\S)){0,160}\?")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")

#: How many list rows above a number are read to find the heading of the list.
MAX_TABLE_ROWS = 20
_ROW_START = re.compile(r"[ \t\-*•`>]*-?\d", re.ASCII)
_TRANSPARENT = words_of("( ) [ ] { } ` * _ ~ \" ' -> => > - | ==")
_FORMAT = words_of("` * _ ~ \" ' ( [ {")
_SEPARATORS = frozenset(("=", "==", "===", ":"))
#: Words that ask about the number right after them even without a "?" ("whats 416").
_ASKING = words_of("what's whats what’s explain")


def _is_word(token: str) -> bool:
    return token[:1].isascii() and token[:1].isalpha()  # a CJK character is no English word


def _code_key(key: str) -> bool:
    """``code``, ``errorCode``, ``ErrorCode``, ``error_code``, ``statusCode``, ``rc``..."""
    parts = _KEY_PARTS.findall(key)
    return bool(parts) and (
        parts[-1].lower() in vocab.CODE_WORDS
        or key.lower() in vocab.CODE_WORDS
        or key.lower() in vocab.CODE_KEYS
    )


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


def _walk_back(masked: str, start: int, line_start: int, product_words: frozenset[str]) -> Evidence:
    """The evidence in the words before a number, read right to left."""
    lo = max(line_start, start - BEFORE_WINDOW)
    toks = _TOKEN.findall(masked, lo, start)
    for k in range(len(toks) - 1, 0, -1):  # "w/ 422" is "with 422"
        if toks[k] == "/" and toks[k - 1] in ("w", "W"):
            toks[k - 1 : k + 1] = ["with"]
    if _HTTP_STATUS_BEFORE.search(masked, max(lo, start - 16), start):
        return Evidence(Verdict.STRONG, "structure")
    i = len(toks) - 1
    while i >= 0 and toks[i] in _FORMAT:
        i -= 1
    if i >= 0 and toks[i] in _SEPARATORS:
        # key=value, "key": value, key: value
        sep = toks[i]
        tail = masked[lo:start]
        spaced = any(c.isspace() for c in tail[tail.rfind(sep[-1]) + 1 :])
        i -= 1
        quoted = False
        while i >= 0 and toks[i] in ('"', "'"):
            quoted, i = True, i - 1
        if i < 0 or not _is_word(toks[i]):
            return _NONE
        key = toks[i]
        if _code_key(key) or _callback(key.lower()):  # code === 803, onFailed: 802
            return Evidence(Verdict.STRONG, "structure")
        if sep == ":" and key.lower() in product_words:
            return Evidence(Verdict.STRONG, "context word")  # "bems:1027", as entries are named
        if sep != ":" or quoted or not spaced or _looks_like_key(key):
            return _VETO  # uid=8841, "id":1027, maxMembers: 500, host:4000, Foo.java:404
        return _NONE  # prose colon ("after the failover: 40110"): see _heading
    fillers = 0
    first = True
    articles_only = True  # only "a"/"an" between the sentence start and the number
    question = False
    while i >= 0:
        tok = toks[i]
        i -= 1
        if tok in _TRANSPARENT:
            continue
        if not _is_word(tok):
            return Evidence(Verdict.NONE, at_start=tok in ".!?;" and articles_only)
        word = tok.lower()
        if first and word in vocab.VETO_BEFORE:
            return _VETO
        articles_only = articles_only and word in ("a", "an")
        if word in vocab.CODE_WORDS or _code_key(tok) or _callback(word):
            return Evidence(Verdict.STRONG, "context word")
        if word in vocab.VERBS:
            return Evidence(Verdict.WEAK, "context word")
        if word in vocab.SAYS and i >= 0:
            subject = toks[i].lower()
            if subject in product_words or subject in vocab.SPEAKERS:
                return Evidence(Verdict.WEAK, "context word")
        if word in vocab.QUESTION_WORDS or (word in ("is", "does", "do") and first):
            question = True
        if word in vocab.FILLERS and fillers < MAX_FILLERS:
            fillers += 1
            first = False
            continue
        if question:
            return Evidence(Verdict.WEAK, "question")
        return _NONE
    if question:
        return Evidence(Verdict.WEAK, "question")
    return Evidence(Verdict.NONE, at_start=articles_only and lo == line_start)


def _callback(word: str) -> bool:
    """``onFailed(404)``, ``onError(code=...)``, ``onException``: SDK failure callbacks."""
    return word.startswith("on") and ("fail" in word or "error" in word or "exception" in word)


def _heading(masked: str, start: int, line_start: int) -> bool:
    """A list under a heading that names codes: "errors last hour: 1027, 1028"."""
    lo = max(line_start, start - 2 * BEFORE_WINDOW)
    head = masked[lo:start]
    for m in _SENTENCE_END.finditer(head):
        head = head[m.end() :]  # only the sentence the number is in
    colon = head.find(":")
    while colon != -1 and colon + 1 < len(head) and not head[colon + 1].isspace():
        colon = head.find(":", colon + 1)
    if colon == -1:
        return False
    words = [t.lower() for t in _TOKEN.findall(head, 0, colon) if _is_word(t)]
    return any(w in vocab.HEADER_NOUNS for w in words[-5:])


def _from_source(after_text: str, product_words: frozenset[str]) -> bool:
    """'403 from NIM', '500 from the server': a status a product or server sent back."""
    words = [t.lower() for t in _TOKEN.findall(after_text) if _is_word(t) or t in product_words]
    words = [w for w in words[1:4] if w not in ("the", "our", "their", "a")]
    return bool(words) and (words[0] in product_words or words[0] in vocab.SOURCES)


def _table_row(masked: str, start: int, line_start: int) -> bool:
    """A number opening a line of a list under a heading line that names codes::

    errors since the deploy:
    - 1027 x 12
    - 1028 x 3
    """
    if masked[line_start:start].strip(" \t-*•`>") or line_start == 0:
        return False
    lo = line_start - 1
    for _ in range(MAX_TABLE_ROWS):
        top = masked.rfind("\n", max(0, lo - 2 * BEFORE_WINDOW), lo) + 1
        line = masked[top:lo]
        if not line.strip():
            return False  # a blank line ends the list
        words = [t.lower() for t in _TOKEN.findall(line) if _is_word(t)]
        if line.strip(" \t`") and not _ROW_START.match(line):  # not a row, not a fence
            return len(words) <= 6 and any(w in vocab.HEADER_NOUNS for w in words)
        if top == 0:
            return False
        lo = top - 1
    return False


_ZH_GAP = " \t:：=＝\"'“”`（("
_ZH_BEFORE_MAX = max(len(w) for w in vocab.ZH_CODE_BEFORE)
_ZH_AFTER_MAX = max(len(w) for w in vocab.ZH_CODE_AFTER)


def _zh_context(masked: str, start: int, end: int, line_start: int) -> bool:
    """A Chinese word that names or reports a code, glued to the number or a space away:
    "返回302", "报 408", "错误码：811", "416错误", "1019是什么", "请求超时(408)"."""
    lo = max(line_start, start - _ZH_BEFORE_MAX - 4)
    before = masked[lo:start].rstrip(_ZH_GAP)
    if before and is_cjk(before[-1]) and any(before.endswith(w) for w in vocab.ZH_CODE_BEFORE):
        return True
    after = masked[end : end + _ZH_AFTER_MAX + 3].lstrip(" \t)）")
    if any(after.startswith(w) for w in vocab.ZH_CODE_AFTER):
        return True
    # A reason phrase in Chinese with the code in brackets after it: "请求超时(408)".
    opener = masked[start - 1 : start]
    closer = masked[end : end + 1]
    return (
        opener in ("(", "（") and closer in (")", "）") and start >= 2 and is_cjk(masked[start - 2])
    )


def assess(
    masked: str,
    start: int,
    end: int,
    line_start: int,
    formatted: bool,
    product_words: frozenset[str] = frozenset(),
) -> Evidence:
    """What the context of the number at ``masked[start:end]`` says it is.

    :param masked: the message with references, URLs and emoji blanked (same offsets).
    :param start: where the number (its sign included) begins.
    :param end: where its digits end.
    :param line_start: where its line begins; context never crosses a line.
    :param formatted: the number is alone in ```inline code```.
    :param product_words: the first words of the product names, lower case ("nim").
    """
    if zh_quantity(masked, start, end):
        return _VETO  # "500人", "3次", "第2次": rule 9
    before = _walk_back(masked, start, line_start, product_words)
    if before.verdict is Verdict.VETO:
        return _VETO
    if _zh_context(masked, start, end, line_start):
        return Evidence(Verdict.STRONG, "context word")
    column = column_of(masked, start, line_start)
    if column == "quantity":
        return _VETO  # under "count", "ms", "id": a measurement, whatever is near it
    if column == "code":
        return Evidence(Verdict.STRONG, "structure")
    after_text = masked[end : end + AFTER_WINDOW]
    if after_text[:1] == "s":  # "getting 500s", "the 1028s"
        after_text = after_text[1:]
    next_word = ""
    m = _AFTER_WORD.match(after_text)
    if m:
        next_word = m.group(1).lower()
        if next_word in vocab.UNITS:
            return _VETO
    if formatted:
        return Evidence(Verdict.STRONG, "code formatting")
    evidence = before
    if not before.taken:
        if next_word in ("error", "errors", "err", "failure") or _HTTP_REASON.match(after_text):
            return Evidence(Verdict.STRONG, "context word")
        sent_back = next_word == "from" and before.at_start  # "403 from NIM when ..."
        if before.at_start and _QUESTION_AHEAD.match(masked, end):
            # A sentence that opens with the number and ends in "?" asks about it:
            # "1027?", "1019 — lync or us?". Counts after it ("500 users?") are vetoed below.
            evidence = Evidence(Verdict.WEAK, "question")
            return _VETO if _plural(next_word) else evidence
        if not (
            (sent_back and _from_source(after_text, product_words))
            or _heading(masked, start, line_start)
            or _table_row(masked, start, line_start)
        ):
            return _NONE
        evidence = Evidence(Verdict.WEAK, "context word")
    if evidence.verdict is Verdict.WEAK and _plural(next_word):
        return _VETO  # "got 300 ppl", "returned 200 rows"
    if evidence.reason == "question":
        toks = [t.lower() for t in _TOKEN.findall(masked, max(line_start, start - 12), start)]
        opener = toks[-2] if len(toks) >= 2 else ""
        if not _QUESTION_AHEAD.match(masked, end):
            # Chat questions often drop the "?": "what is 1027", "whats 416", "what does
            # 1019 mean". Only a question word right before the number (or "is"/"does"
            # after one) counts then.
            asked = toks[-1:] and (
                toks[-1] in _ASKING
                or (toks[-1] in ("is", "does") and opener.startswith(("what", "wtf", "wth")))
                or (toks[-1] == "of" and opener == "meaning")
            )
            if not asked or (toks[-1] == "does" and next_word not in ("mean", "means")):
                return _NONE
            return evidence
        if (
            toks[-1:] == ["is"]
            and opener not in vocab.QUESTION_WORDS
            and next_word not in vocab.ARTICLES
        ):
            return _NONE  # "is 1019 a lync thing?" asks; "is 500 enough?" does not
        if toks[-1:] in (["does"], ["do"]) and next_word not in ("mean", "means"):
            return _NONE
    return evidence
