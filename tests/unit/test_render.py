"""Rendering answers: Block Kit within Slack's limits, escaped user text, a text fallback."""

from __future__ import annotations

import json

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.models import Resolution
from bot.resolver import resolve
from bot.scanner import scan
from bot.slack import blocks, notices, render


def _all_text(reply: blocks.Reply) -> str:
    return reply.text + json.dumps(list(reply.blocks), ensure_ascii=False)


def _check_limits(reply: blocks.Reply) -> None:
    assert reply.text and len(reply.text) <= blocks.MAX_FALLBACK
    assert len(reply.blocks) <= blocks.MAX_BLOCKS
    for block in reply.blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= blocks.MAX_HEADER
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= blocks.MAX_SECTION


def test_match_has_every_part(kb: KnowledgeBase) -> None:
    reply = render.answer(resolve("1027", kb), share_value="v")
    kinds = [b["type"] for b in reply.blocks]
    assert kinds[0] == "header" and "context" in kinds and kinds[-1] == "actions"
    text = _all_text(reply)
    for part in (
        "1027 WRONG_SERVER",
        "BlackBerry BEMS-Connect",
        "*Category*",
        "*Severity*",
        "*Retry?*",
        "*Who acts*",
        "*Why*",
        "*What to do*",
        "_server admin:_",  # who takes each step
        "*When to take it to the vendor*",
        "Source:",
        "Sources: <https://",
    ):
        assert part in text, part
    assert reply.blocks[-1]["elements"][0]["action_id"] == render.SHARE_ACTION
    _check_limits(reply)


def test_note_shown_where_the_vendor_table_is_wrong(kb: KnowledgeBase) -> None:
    # bems 10000's row is a copy of 7000's: the note says so, under its own label
    text = _all_text(render.answer(resolve("bems 10000", kb)))
    assert "Beyond the vendor's table" in text and "7000" in text


def test_ambiguous_number_labels_each_product(kb: KnowledgeBase) -> None:
    reply = render.answer(resolve("11001", kb))
    text = _all_text(reply)
    assert "is a code in 2 products" in text
    headers = [b["text"]["text"] for b in reply.blocks if b["type"] == "header"]
    assert (
        len(headers) == 2
        and any("BEMS" in h for h in headers)
        and any("CommsEase" in h for h in headers)
    )


def test_correction_is_stated(kb: KnowledgeBase) -> None:
    assert (
        "No exact `SEVRER_BUSY`; showing `SERVER_BUSY`."
        in render.answer(resolve("SEVRER_BUSY", kb)).text
    )


def test_a_code_the_named_product_lacks_points_elsewhere(kb: KnowledgeBase) -> None:
    said = "CommsEase has no 1027; BEMS 1027 is WRONG_SERVER."
    alone = render.answer(resolve("commsease 1027", kb))
    assert said in json.dumps(alone.blocks, ensure_ascii=False) and "No entry" not in alone.text
    beside = render.answer(resolve("commsease 1027 and 404", kb))
    assert said in json.dumps(beside.blocks, ensure_ascii=False)
    assert said in render.to_text(resolve("NIM 1027", kb))


def test_not_found_with_hint_and_no_share_button(kb: KnowledgeBase) -> None:
    reply = render.answer(Resolution(query="zz 99999"), share_value="v")
    assert "No entry for" in reply.text
    assert all(b["type"] != "actions" for b in reply.blocks)


@pytest.mark.parametrize(
    "ping", ["<!channel>", "<!here>", "<!subteam^S1|@team>", "<@U123>", "<!everyone>"]
)
def test_user_text_is_escaped(ping: str) -> None:
    reply = render.answer(Resolution(query=f"{ping} & 99999"))
    text = _all_text(reply)
    assert ping not in text and "&amp;" in text and "&lt;" in text


def test_shared_answer_credits_a_valid_user_only(kb: KnowledgeBase) -> None:
    resolution = resolve("1027", kb)
    assert "<@U222> asked" in _all_text(render.answer(resolution, asked_by="U222"))
    assert "<!channel>" not in _all_text(render.answer(resolution, asked_by="<!channel>"))


def test_many_codes_stay_within_limits(kb: KnowledgeBase) -> None:
    codes = " ".join(e.code.code for e in kb.entries[:80])
    reply = render.answer(resolve(codes, kb), share_value="v")
    _check_limits(reply)
    assert "more:" in _all_text(reply)
    assert reply.blocks[-1]["type"] == "actions"


def test_long_user_text_is_cut(kb: KnowledgeBase) -> None:
    _check_limits(render.answer(Resolution(query="x" * 40_000)))
    _check_limits(render.answer(resolve("1027", kb), asked_by="U1"))


def _buttons(reply: blocks.Reply) -> list[dict]:
    return [e for b in reply.blocks if b["type"] == "actions" for e in b["elements"]]


def test_one_code_is_the_full_card(kb: KnowledgeBase) -> None:
    reply = render.auto_reply(scan("deploy failed with SERVER_BUSY", kb), remove_value="U1")
    assert reply.blocks[0]["type"] == "header"
    assert not any(b["action_id"].startswith(render.DETAILS_ACTION) for b in _buttons(reply))


def test_several_codes_are_compact_lines_then_the_first_in_full(kb: KnowledgeBase) -> None:
    mentions = scan("errors: 1027 1028 1026 in bems", kb)
    reply = render.auto_reply(mentions, remove_value="U333", feedback_value="fb")
    _check_limits(reply)
    lines = reply.blocks[0]["text"]["text"].splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(":red_circle: `1027` WRONG_SERVER · BlackBerry BEMS-Connect · ")
    assert [b["type"] for b in reply.blocks].count("header") == 1
    header = next(b for b in reply.blocks if b["type"] == "header")["text"]["text"]
    assert "1027 WRONG_SERVER" in header
    details = [b for b in _buttons(reply) if b["action_id"].startswith(render.DETAILS_ACTION)]
    assert [b["value"] for b in details] == ["bems:1028", "bems:1026"]
    assert len({b["action_id"] for b in details}) == 2


def test_beyond_ten_codes_the_rest_are_named(kb: KnowledgeBase) -> None:
    codes = " ".join(e.code.code for e in kb.entries if e.product.id == "bems")
    reply = render.answer(resolve(f"bems {codes}", kb), share_value="v")
    _check_limits(reply)
    first = reply.blocks[0]["text"]["text"]
    assert len(first.splitlines()) == render.COMPACT_LIMIT + 1 and "more:" in first


def test_remove_asks_for_confirmation(kb: KnowledgeBase) -> None:
    reply = render.auto_reply(scan("got error 1027", kb), remove_value="U333", feedback_value="f")
    remove = next(b for b in _buttons(reply) if b["action_id"] == render.REMOVE_ACTION)
    assert remove["value"] == "U333" and remove["style"] == "danger"
    assert remove["confirm"]["confirm"]["text"] == "Remove"
    assert {"title", "text", "deny"} <= set(remove["confirm"])
    ids = [b["action_id"] for b in reply.blocks[-1]["elements"]]
    assert ids == [render.HELPFUL_ACTION, render.NOT_HELPFUL_ACTION, render.REMOVE_ACTION]


def test_see_also_codes_are_buttons(kb: KnowledgeBase) -> None:
    reply = render.answer(resolve("bems 1027", kb))
    see = [b for b in _buttons(reply) if b["action_id"].startswith(render.SEE_ALSO_ACTION)]
    entry = resolve("bems 1027", kb).matches[0].entry
    assert [b["value"] for b in see] == [f"bems:{code}" for code in entry.see_also]


@pytest.mark.parametrize(
    ("query", "emoji"),
    [("bems 1027", ":red_circle:"), ("commsease 200", ":large_green_circle:")],
)
def test_severity_has_a_visual_cue(kb: KnowledgeBase, query: str, emoji: str) -> None:
    match = resolve(query, kb).matches[0]
    assert render.SEVERITY_EMOJI[match.entry.severity] == emoji
    header = render.answer(resolve(query, kb)).blocks[0]["text"]["text"]
    assert header.startswith(emoji + " ")


def test_the_source_line_names_the_vendor_once(kb: KnowledgeBase) -> None:
    for query in ("bems 1027", "commsease 408"):
        reply = render.answer(resolve(query, kb))
        source = next(b["elements"][0]["text"] for b in reply.blocks if b["type"] == "context")
        vendor = resolve(query, kb).matches[0].product.vendor
        assert source.startswith("Source: ") and source.count(vendor) == 1


def test_stats_align_in_a_code_block() -> None:
    reply = notices.preformatted("Most asked:\n   12  bems:1027\n    3  <!here>")
    text = reply.blocks[0]["text"]["text"]
    assert text.startswith("```\n") and text.endswith("\n```")
    assert "   12  bems:1027" in text and "<!here>" not in text


def test_usage_and_help() -> None:
    usage = notices.usage("/errcode")
    assert "/errcode bems 1027" in usage.text and "mute" in usage.text and "stats" in usage.text
    assert "I explain error codes" in notices.help_reply().text


def test_to_text_is_plain(kb: KnowledgeBase) -> None:
    text = render.to_text(resolve("11001", kb))
    assert "11001 is a code in 2 products" in text and "&lt;" not in text and "*" not in text
    assert render.to_text(Resolution(query="<!here> 99999")).startswith(
        "No entry for “<!here> 99999”"
    )
