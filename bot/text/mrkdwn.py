"""Slack mrkdwn to plain text: references, links and escapes as a person reads them."""

from __future__ import annotations

import re

__all__ = ["plain_text", "unescape"]

# <@U123>, <!here>, <!subteam^S1|@team>, <#C1|name>, <https://x|label>, <mailto:..>
_REFERENCE = re.compile(r"<([^<>\n]{1,500})>")
_EMOJI = re.compile(r":[a-z0-9_+\-']{1,60}:")


def unescape(text: str) -> str:
    """Undo Slack's three escapes; ``&amp;`` last so ``&amp;lt;`` stays ``&lt;``."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def plain_text(text: str) -> str:
    """What a person reads: user/broadcast references dropped, channel and link labels kept,
    emoji and formatting marks removed, escapes undone."""

    def reference(m: re.Match[str]) -> str:
        inner = m.group(1)
        if inner.startswith(("@", "!")):
            return " "
        if inner.startswith("#"):
            return " " + inner.split("|", 1)[1] + " " if "|" in inner else " "
        return " " + inner.split("|", 1)[1] + " " if "|" in inner else " "

    text = _REFERENCE.sub(reference, text)
    text = _EMOJI.sub(" ", text)
    text = re.sub(r"[`*~]", " ", text)
    text = re.sub(r"(?m)^&gt;\s?|^>\s?", "", text)
    return unescape(text)
