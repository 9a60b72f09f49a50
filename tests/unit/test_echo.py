"""Echoed user text never becomes a link, a ping or a broken code span (issue 12, break 8)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.resolver.resolution import resolve
from bot.slack import render
from bot.slack.blocks import Reply
from bot.slack.echo import mrkdwn, plain
from bot.text import unescape

JOINER = "\u2060"

#: Queries as Slack sends them (``&``, ``<``, ``>`` escaped; a typed @channel as <!channel>),
#: and what of each must never reach Slack live: the shape a link or a ping is read from.
ECHOES = {
    "bare URL": ("https://evil.example/login 1027", ["https://evil", "evil.example"]),
    "mailto": ("mailto:boss@example.com 1027", ["mailto:", "boss@example", "example.com"]),
    "plain @here": ("@here 1027", ["@here"]),
    "plain @channel": ("@channel 1027", ["@channel"]),
    "broadcast markup": ("<!channel> 1027", ["<!channel>", "!channel"]),
    "escaped broadcast": ("&lt;!channel&gt; 1027", ["<!channel>", "!channel"]),
    "backtick": ("1027` *bold* `", ["`"]),
    "user mention": ("<@U0BADBAD1> 1027", ["<@U0BADBAD1>", "@U0BADBAD1"]),
    "www": ("www.evil.example 1027", ["www.evil", "evil.example"]),
}


def _texts(blocks: list[dict[str, Any]], kind: str) -> list[str]:
    """Every text of type ``kind`` in ``blocks``, at any depth."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == kind and isinstance(node.get("text"), str):
                out.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return out


def _assert_inert(reply: Reply, live: list[str]) -> None:
    # Neither mrkdwn nor plain_text (nor the notification text) holds the user's link or
    # ping shapes; the only backticks are ours, in pairs.
    blocks = list(reply.blocks)
    for text in [*_texts(blocks, "mrkdwn"), *_texts(blocks, "plain_text"), reply.text]:
        for shape in live:
            if shape == "`":
                assert text.count("`") % 2 == 0, text
            else:
                assert shape not in text, (shape, text)


CASES = [pytest.param(q, live, id=name) for name, (q, live) in ECHOES.items()]


@pytest.mark.parametrize(("query", "live"), CASES)
def test_shared_answer_echoes_the_query_inert(
    query: str, live: list[str], kb: KnowledgeBase
) -> None:
    reply = render.answer(resolve(query, kb), asked_by="U0ASKER01")
    assert reply.blocks[0]["elements"][0]["text"] == "<@U0ASKER01> asked"  # ours: live
    _assert_inert(reply, live)
    (asked,) = [t for t in _texts(list(reply.blocks), "plain_text") if t.startswith("/errcode")]
    assert asked.replace(JOINER, "") == "/errcode " + unescape(query)
    assert "`" not in _texts(list(reply.blocks), "mrkdwn")[0]  # no code span to close


@pytest.mark.parametrize(("query", "live"), CASES)
def test_no_entry_echoes_the_query_inert(query: str, live: list[str], kb: KnowledgeBase) -> None:
    query = query.replace("1027", "zzqq")
    resolution = resolve(query, kb)
    assert not resolution.found
    reply = render.answer(resolution)
    _assert_inert(reply, live)
    (said,) = [t for t in _texts(list(reply.blocks), "plain_text") if t.startswith("No entry")]
    assert said.replace(JOINER, "") == f"No entry for “{unescape(query)}”."


def test_slack_escapes_are_undone_once_never_doubled(kb: KnowledgeBase) -> None:
    reply = render.answer(resolve("&lt;script&gt; &amp;lt;", kb))
    (said,) = [t for t in _texts(list(reply.blocks), "plain_text") if t.startswith("No entry")]
    assert said == "No entry for “<script> &lt;”."  # the user typed "&lt;" as the second word
    assert "No entry for “&lt;script&gt; &amp;lt;”." in reply.text
    assert "&amp;lt;script" not in reply.text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("https://a.example", f"https:{JOINER}//a.{JOINER}example"),
        ("@here", f"@{JOINER}here"),
        ("&lt;!channel&gt;", f"<!{JOINER}channel>"),
        ("error 4.0.1 1027", "error 4.0.1 1027"),  # numbers are left alone
    ],
)
def test_plain_breaks_link_shapes(typed: str, expected: str) -> None:
    assert plain(typed) == expected


def test_mrkdwn_escapes_once_and_keeps_no_backtick() -> None:
    assert mrkdwn("a`b &lt;c&gt; & d") == "aˋb &lt;c&gt; &amp; d"
