"""The one reader of Slack mrkdwn: where a code may be written, and what a person reads.

Slack delivers a message's ``text`` with ``&lt; &gt; &amp;`` escaped, references in
angle brackets (``<@U024BE7LH>``, ``<#C024BE7LR|support>``, ``<!here>``,
``<https://host/path|label>``), emoji as ``:name:`` and code as ```inline``` or
triple-backtick blocks. :func:`parse` returns a *masked* copy of the text in which
references, URLs and emoji are blanked and escapes are decoded. The copy has the same
length as the text, so every offset found in it is an offset in the original message:
spans need no mapping back.

Every pattern here is linear: character classes under a single quantifier, bounded
repeats, and no nested quantifiers, so no input can make them backtrack
catastrophically. Code spans are found by ``str.find``, not by a lazy ``.*?``.

:func:`plain_text` reads the same references, emoji and escapes with the same patterns,
for a question: what a person reads, link and channel labels kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text.grammar import ZH_CANTONESE
from bot.text.traditional import SIMPLIFIED, TRADITIONAL

__all__ = ["SlackText", "fold", "parse", "plain_text", "unescape"]

# What never holds a code, each pattern opening on a literal character so the engine
# skips ahead to candidates, and each run only when that character occurs at all:
#: Slack references, the whole ``<...>`` (labels repeat the ticket or page a link names).
_REFERENCE = re.compile(r"<[^<>\n]*>")
_ESCAPE = re.compile(r"&(?:lt|gt|amp);")
#: Bare URLs (code blocks keep them unwrapped).
_URL = re.compile(r"(?:https?|ftp|file)://[^\s<>`\"']*", re.ASCII)
#: Emoji names between colons with no word character outside either colon, which keeps
#: times (12:44:09) and ports (host:4000) out.
_EMOJI = re.compile(r":(?<!\w:)[a-z0-9_+'\-]{1,100}:(?!\w)", re.ASCII)

_ESCAPES = {"&lt;": "<", "&gt;": ">", "&amp;": "&"}
#: Fullwidth digits, as a Chinese keyboard types them: read as ASCII digits, one character
#: for one, so offsets stay true (the fullwidth colon and equals sign: _signs_folded).
_FULLWIDTH_DIGITS = "０１２３４５６７８９"
_DIGITS = str.maketrans(_FULLWIDTH_DIGITS, "0123456789")
# One table for every character folded: a text is translated once, whatever it holds.
_FOLD = str.maketrans(
    {
        **dict(zip(_FULLWIDTH_DIGITS + TRADITIONAL, "0123456789" + SIMPLIFIED, strict=True)),
        **ZH_CANTONESE,
    }
)
_OTHER_FORM = re.compile(f"[{re.escape(TRADITIONAL + ''.join(ZH_CANTONESE))}]")
_FORMATTING = re.compile(r"[`*~]")
_QUOTE = re.compile(r"(?m)^(?:&gt;|>)[ \t]?")


@dataclass(frozen=True, slots=True)
class SlackText:
    """A message text and the views of it the scanner works on."""

    #: The text as Slack delivered it.
    text: str
    #: Same length as ``text``: references, URLs and emoji blanked, escapes decoded.
    masked: str
    #: (start, end) of the content of each ```inline code``` span, backticks excluded.
    inline_code: tuple[tuple[int, int], ...]
    #: (start, end) of the content of each triple-backtick block.
    blocks: tuple[tuple[int, int], ...]
    #: Same length as ``text``: escapes decoded, nothing blanked. A link's host and path and
    #: its label name products ("api.netease.im/nimserver/...", "<...|云信状态码文档>")
    #: though they never hold a code.
    readable: str


def _blank(match: re.Match[str]) -> str:
    return " " * (match.end() - match.start())


def _decode(match: re.Match[str]) -> str:
    # Keep the decoded character so "-&gt; 422" still reads as an arrow.
    token = match.group(0)
    return _ESCAPES[token].ljust(len(token))


def _code_spans(text: str) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    """Inline code and block contents, found in one left-to-right pass."""
    inline: list[tuple[int, int]] = []
    blocks: list[tuple[int, int]] = []
    blocks_possible = True  # once a ``` has no closing fence, none later has one either
    i = text.find("`")
    while i != -1:
        if blocks_possible and text.startswith("```", i):
            close = text.find("```", i + 3)
            if close != -1:
                blocks.append((i + 3, close))
                i = text.find("`", close + 3)
                continue
            blocks_possible = False
        if text.startswith("```", i):
            # An unclosed fence is literal text: step over the whole run of backticks.
            while text.startswith("`", i):
                i += 1
            i = text.find("`", i)
            continue
        close = text.find("`", i + 1)
        if close == -1:
            break
        if close > i + 1 and text.find("\n", i + 1, close) == -1:
            inline.append((i + 1, close))
            i = text.find("`", close + 1)
        else:
            # An unmatched backtick on this line: the next one may open a span.
            i = close
    return tuple(inline), tuple(blocks)


def fold(text: str, *, scripts: bool = True, signs: bool = True) -> str:
    """``text`` with the forms that write one thing read as one, every offset kept:
    fullwidth digits as ASCII ("报４０８"); unless ``signs`` is false, the fullwidth colon and
    equals sign too; unless ``scripts`` is false, Traditional characters as Simplified
    ("錯誤碼") and Cantonese words that have a Mandarin one as it ("冇")."""
    # translate() looks every character up in a dict (2 ms over 40,000 CJK characters);
    # a find per fullwidth form runs at memory speed, and most texts hold none, as one
    # search of a character class in C finds that most hold no other form either.
    if text.isascii():
        return text
    if scripts and (_OTHER_FORM.search(text) or _has_fullwidth_digit(text)):
        text = text.translate(_FOLD)
    elif not scripts and _has_fullwidth_digit(text):
        text = text.translate(_DIGITS)
    return _signs_folded(text) if signs else text


def _has_fullwidth_digit(text: str) -> bool:
    return any(digit in text for digit in _FULLWIDTH_DIGITS)


def _signs_folded(text: str) -> str:
    """``text`` with the fullwidth colon and equals sign as ASCII ("错误码：408")."""
    if text.isascii():
        return text
    if "：" in text:
        # Not before a word: "10406：user is not in the room" is prose, where "10406:user"
        # would read as one token (a file's line, a port's protocol).
        text = _FULLWIDTH_COLON.sub(":", text)
    return text.replace("＝", "=")


_FULLWIDTH_COLON = re.compile(r"：(?![A-Za-z_])")


def parse(text: str) -> SlackText:
    """Mask what cannot hold a code and locate the code spans of ``text``."""
    # Characters are folded once; the fullwidth colon and equals sign only after masking,
    # as a fullwidth colon is no emoji's (":408:" of "码：408："). Every offset is kept.
    source = fold(text, signs=False)
    readable = _signs_folded(_ESCAPE.sub(_decode, source) if "&" in source else source)
    masked = source
    if "<" in masked:
        masked = _REFERENCE.sub(_blank, masked)
    if "://" in masked:
        masked = _URL.sub(_blank, masked)
    if ":" in masked:
        masked = _EMOJI.sub(_blank, masked)
    if "&" in masked:  # last: a URL's "&amp;" goes with the URL
        masked = _ESCAPE.sub(_decode, masked)
    masked = _signs_folded(masked)
    inline, blocks = _code_spans(text) if "`" in text else ((), ())
    return SlackText(text=text, masked=masked, inline_code=inline, blocks=blocks, readable=readable)


def unescape(text: str) -> str:
    """Undo Slack's three escapes in one pass, so ``&amp;lt;`` stays ``&lt;``."""
    return _ESCAPE.sub(lambda m: _ESCAPES[m.group(0)], text) if "&" in text else text


def _label(match: re.Match[str]) -> str:
    inner = match.group(0)[1:-1]
    if inner.startswith(("@", "!")) or "|" not in inner:
        return " "  # a person or a broadcast: nobody's words; a bare link: no words at all
    return " " + inner.split("|", 1)[1] + " "


def plain_text(text: str) -> str:
    """What a person reads of ``text``: user and broadcast references dropped, channel and
    link labels kept, emoji and formatting marks removed, escapes undone."""
    text = _QUOTE.sub("", text)
    text = _REFERENCE.sub(_label, text)
    text = _EMOJI.sub(" ", text)
    text = _FORMATTING.sub(" ", text)
    return fold(unescape(text))
