"""Every kind of reply, at its largest, stays inside Slack's Block Kit limits.

Slack rejects a whole message (``invalid_blocks``, ``msg_too_long``) for one field over
its limit, so each surface is rendered at its worst here: each of the bundled entries
alone, all of them at once, a ten-code channel message, the longest query, share and
feedback values over 2,000 characters, stats full of long unknown codes.
"""

from __future__ import annotations

from datetime import date

import pytest
from fakes.slack_checks import block_kit_problems, pings_in

from bot.knowledge.base import KnowledgeBase
from bot.models import Resolution
from bot.resolver import resolve
from bot.scanner import scan
from bot.slack import blocks, notices, render, views
from bot.slack.feedback import decode_feedback, encode_feedback
from bot.store.stats import EntryFeedback, Stats

LONG_VALUE = "v" * 2500
#: Ten codes in one channel message.
TEN_CODES = "errors today: -32700 -32600 -32601 -32602 1004 1005 1006 1007 1008 1009 in bems"


def _problems(reply: blocks.Reply) -> list[str]:
    problems = block_kit_problems(reply.blocks)
    if not 0 < len(reply.text) <= blocks.MAX_FALLBACK:
        problems.append(f"fallback text of {len(reply.text)} characters")
    return problems


def test_every_entry_alone_as_each_reply_kind(kb: KnowledgeBase) -> None:
    assert len(kb.entries) == 169
    for entry in kb.entries:
        query = f"{entry.product.id} {entry.code.code}"
        resolution = resolve(query, kb)
        assert resolution.found, query
        kinds = {
            "slash": render.answer(resolution, share_value=LONG_VALUE, feedback_value=LONG_VALUE),
            "shared": render.answer(resolution, asked_by="U222", feedback_value=LONG_VALUE),
            "dm": render.answer(resolution, feedback_value=LONG_VALUE),
        }
        mentions = scan(f"we got error {entry.code.code} from {entry.product.name}", kb)
        if mentions:
            kinds["auto"] = render.auto_reply(
                mentions, remove_value="U333", feedback_value=LONG_VALUE
            )
        for kind, reply in kinds.items():
            assert _problems(reply) == [], (query, kind)


def test_all_entries_at_once(kb: KnowledgeBase) -> None:
    resolution = Resolution.model_validate(
        {
            "query": "x" * 40_000,
            "matches": [
                {"product": e.product, "entry": e.code, "kind": "exact", "score": 100}
                for e in kb.entries
            ],
        }
    )
    reply = render.answer(
        resolution, share_value=LONG_VALUE, asked_by="U222", feedback_value=LONG_VALUE
    )
    assert _problems(reply) == []
    assert "more:" in reply.blocks[1]["text"]["text"]


def test_a_ten_code_message(kb: KnowledgeBase) -> None:
    mentions = scan(TEN_CODES, kb)
    assert len(mentions) == 10
    reply = render.auto_reply(mentions, remove_value="U333", feedback_value=LONG_VALUE)
    assert _problems(reply) == []
    assert pings_in(reply.as_kwargs()) == []
    direct = render.answer(resolve(TEN_CODES, kb), share_value=LONG_VALUE, feedback_value="f")
    assert _problems(direct) == []


@pytest.mark.parametrize("reply", [notices.usage("/" + "e" * 3000), notices.help_reply()])
def test_fixed_replies(reply: blocks.Reply) -> None:
    assert _problems(reply) == []


def test_stats_at_their_largest() -> None:
    rows = "\n".join(f"  {n:>6}  {'<!here>' * 40}" for n in range(200))
    assert _problems(notices.preformatted(rows)) == []


# -- views: the App Home and the modals ---------------------------------------------------


def _view_problems(view: dict) -> list[str]:
    problems = block_kit_problems(view["blocks"][:50]) + block_kit_problems(view["blocks"][50:])
    if len(view["blocks"]) > views.MAX_VIEW_BLOCKS:
        problems.append(f"{len(view['blocks'])} blocks in a view")
    for part in ("title", "submit", "close"):
        if part in view and len(view[part]["text"]) > views.MAX_TITLE:
            problems.append(f"{part} over {views.MAX_TITLE} characters")
    if len(view.get("private_metadata", "")) > views.MAX_METADATA:
        problems.append("private_metadata over 3000 characters")
    return problems


def test_the_app_home_at_its_largest() -> None:
    names = [(f"{'<!here>' * 30}:{n}", 10_000 + n) for n in range(10)]
    stats = Stats("T1", date(2024, 5, 20), 7, top=names, unknown=names)
    feedback = [
        EntryFeedback(f"bems:{n}", 10_000, 9_999, ["<!channel> " + "x" * 1000] * 5)
        for n in range(50)
    ]
    view = views.home_view(stats, feedback)
    assert _view_problems(view) == []
    assert pings_in({"blocks": view["blocks"]}) == []


def test_the_modals_at_their_largest(kb: KnowledgeBase) -> None:
    value = encode_feedback([f"bems:{n}" for n in range(50)]) or ""
    entries = decode_feedback(value)
    assert entries is not None
    assert _view_problems(views.feedback_modal(value, entries[1])) == []
    everything = resolve(" ".join(f"{e.product.id} {e.code.code}" for e in kb.entries), kb)
    assert _view_problems(views.lookup_modal(render.to_blocks(everything))) == []
