"""User text echoed back in a reply, made inert: never a link, a ping or a broken code span.

Public replies repeat what was asked ("<@U…> asked /errcode …", "No entry for “…”").
That text came from a user, so nothing in it may become markup.

Where the echo has a block of its own, it goes in a **plain_text** text object
(:func:`plain`). Slack's text-object reference
(docs.slack.dev/reference/block-kit/composition-objects/text-object) gives formatting,
link-ifying and mention parsing to ``mrkdwn`` only; plain_text carries no markup, so a
``<!channel>``, ``<@U…>`` or backtick in it is shown as typed and pings nobody. We do not
rely on ``"verbatim": true`` on mrkdwn: by the same reference it still processes "manual
parsing strings" (``<!here>``, ``<url>``), and clients still auto-link bare URLs under it.
Nothing is escaped in plain_text, so Slack's own escaping (``&lt;``) is undone once
(:func:`bot.text.unescape`) and never doubled.

Slack's clients may still draw URL-shaped text as a link when they display it, so in
both forms the shapes a link or a ping is read from (``://``, ``mailto:``, ``www.``, a
dotted domain, ``@here``, ``@user``, ``#channel``) are broken with U+2060 WORD JOINER,
which is invisible. The notification ``text`` and lines that share a mrkdwn section with
our own formatting get :func:`mrkdwn` instead: the same, plus the three escapes Slack asks
apps to make (``&``, ``<``, ``>``), and backticks turned into a look-alike (U+02CB) that
cannot open or close a code span.
"""

from __future__ import annotations

import re

from bot.text import unescape

__all__ = ["mrkdwn", "plain"]

_JOINER = "\u2060"
# Where to put the joiner: after the character a link or a mention is recognised by.
_LINK_SHAPES = re.compile(
    r"(?<=:)(?=//)"  # scheme://
    r"|(?i:(?<=mailto)(?=:))"  # mailto:
    r"|(?i:(?<=\bwww)(?=\.))"  # www.example
    r"|(?<=\w\.)(?=[^\W\d_])"  # a dotted name: example.com, bob@example.org
    r"|(?<=[@#!])(?=\w)",  # @here, @channel, @bob, #general, !channel
)
_BACKTICK_LOOKALIKE = "\u02cb"


def plain(text: str) -> str:
    """``text`` (as Slack sent it: escaped) for a plain_text object: unescaped once, defused."""
    return _LINK_SHAPES.sub(_JOINER, unescape(text))


def mrkdwn(text: str) -> str:
    """``text`` (as Slack sent it) for mrkdwn: defused, escaped once, no backtick left."""
    defused = plain(text).replace("`", _BACKTICK_LOOKALIKE)
    return defused.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
