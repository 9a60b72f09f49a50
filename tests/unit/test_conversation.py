"""Conversation: the bot's decisions on plain fields, with no Slack in sight."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.settings import Settings
from bot.slack.conversation import Conversation, decode_share, encode_share, strip_mentions
from bot.store.protocol import MemoryStore

TEAM = "T1"


def make(kb: KnowledgeBase, store: MemoryStore | None = None, **overrides: Any) -> Conversation:
    settings = Settings(
        slack_bot_token="xoxb-unit", slack_signing_secret="s", _env_file=None, **overrides
    )
    return Conversation(settings, kb, store if store is not None else MemoryStore())


def _today() -> Any:
    return datetime.now(UTC).date()


def _channel(talk: Conversation, text: str, ts: str = "1.1", **fields: Any) -> Any:
    values = {"team": TEAM, "channel": "C1", "thread_ts": None, "user": "U1", "event_id": None}
    return talk.channel_message(text=text, ts=ts, **{**values, **fields})


# -- /errcode -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "  ", "help", "HELP"])
def test_empty_or_help_is_usage_under_the_commands_own_name(kb: KnowledgeBase, text: str) -> None:
    outcome = make(kb).command(text=text, command="/ec", team=TEAM, channel="C1", user="U1")
    assert outcome.kind == "help" and "/ec bems 1027" in outcome.reply.text


def test_mute_and_unmute_set_the_channel(kb: KnowledgeBase) -> None:
    store = MemoryStore()
    talk = make(kb, store)
    muted = talk.command(text="mute", command="/errcode", team=TEAM, channel="C9", user="U1")
    assert muted.kind == "notice" and store.is_muted("C9")
    talk.command(text="Unmute", command="/errcode", team=TEAM, channel="C9", user="U1")
    assert not store.is_muted("C9")


def _cmd(talk: Conversation, text: str, user: str = "U1", channel: str = "C9") -> Any:
    return talk.command(text=text, command="/errcode", team=TEAM, channel=channel, user=user)


def test_mute_is_announced_once_in_the_channel(kb: KnowledgeBase) -> None:
    talk = make(kb)
    muted = _cmd(talk, "mute", user="U777")
    assert muted.announce is not None
    assert muted.announce.text.startswith("<@U777> turned errcode's automatic replies off")
    assert "`/errcode unmute` to undo" in muted.announce.text
    assert _cmd(talk, "mute").announce is None  # already muted: nothing to tell
    unmuted = _cmd(talk, "unmute", user="U777")
    assert unmuted.announce is not None and "`/errcode mute` to undo" in unmuted.announce.text


def test_product_sets_announces_and_clears(kb: KnowledgeBase) -> None:
    store = MemoryStore()
    talk = make(kb, store)
    set_ = _cmd(talk, "product CommsEase", user="U777")
    assert store.channel_product("C9") == "commsease"
    assert set_.kind == "notice" and "set to NetEase CommsEase IM" in set_.reply.text
    assert set_.announce is not None
    assert set_.announce.text == (
        "<@U777> set this channel to NetEase CommsEase IM; `/errcode product off` to undo."
    )
    assert _cmd(talk, "product commsease").announce is None  # no change, no announcement
    assert "NetEase CommsEase IM" in _cmd(talk, "help").reply.text  # help shows it here
    assert "no product" in _cmd(talk, "help", channel="C8").reply.text  # and not elsewhere
    cleared = _cmd(talk, "product off", user="U777")
    assert store.channel_product("C9") is None
    assert cleared.announce is not None
    assert cleared.announce.text == (
        "<@U777> cleared this channel's product; `/errcode product commsease` to undo."
    )


@pytest.mark.parametrize("text", ["product", "product <!channel>"])
def test_product_without_a_known_product_lists_the_choices(kb: KnowledgeBase, text: str) -> None:
    store = MemoryStore()
    outcome = _cmd(make(kb, store), text)
    assert "product bems|commsease|off" in outcome.reply.text and outcome.announce is None
    assert "<!channel>" not in outcome.reply.text  # what was typed stays inert
    assert store.channel_product("C9") is None


def test_product_with_more_words_is_a_lookup(kb: KnowledgeBase) -> None:
    assert _cmd(make(kb), "product 1027 bems").kind == "answer"


@pytest.mark.parametrize("text", ["product bems", "product off", "mute", "unmute"])
def test_only_admins_change_channel_settings(kb: KnowledgeBase, text: str) -> None:
    store = MemoryStore()
    talk = make(kb, store, admins=("UADMIN",))
    refused = _cmd(talk, text, user="U1")
    assert "Sorry, only errcode's admins" in refused.reply.text and refused.announce is None
    assert store.channel_product("C9") is None and not store.is_muted("C9")
    allowed = _cmd(talk, text, user="UADMIN")
    assert "Sorry" not in allowed.reply.text


def test_a_lookup_is_answered_counted_and_shareable_by_its_asker(kb: KnowledgeBase) -> None:
    store = MemoryStore()
    outcome = make(kb, store).command(
        text="bems 1027 99999", command="/errcode", team=TEAM, channel="C1", user="U777"
    )
    assert outcome.kind == "answer" and "WRONG_SERVER" in outcome.reply.text
    assert store.top_lookups(TEAM, [_today()], 5) == [("bems:1027", 1)]
    assert store.top_unknown(TEAM, [_today()], 5) == [("99999", 1)]
    values = [e.get("value") for b in outcome.reply.blocks for e in b.get("elements", [])]
    assert encode_share("bems 1027 99999", "U777") in values


def test_a_code_no_table_has_is_not_found(kb: KnowledgeBase) -> None:
    outcome = make(kb).command(text="99999", command="/errcode", team=TEAM, channel="C", user="U")
    assert outcome.kind == "not_found"


def test_stats_reads_the_store(kb: KnowledgeBase) -> None:
    store = MemoryStore()
    store.record_lookup(TEAM, "bems:1027", _today())
    outcome = make(kb, store).command(
        text="stats", command="/errcode", team=TEAM, channel="C1", user="U1"
    )
    assert outcome.kind == "stats" and "bems:1027" in outcome.reply.text


# -- DMs and mentions ---------------------------------------------------------------------


def test_a_question_is_answered_once_per_event_and_per_message(kb: KnowledgeBase) -> None:
    talk = make(kb)
    ask = {"text": "<@UBOT> 1027?", "team": TEAM, "channel": "D1"}
    first = talk.question(**ask, ts="5.5", event_id="Ev1")
    assert first is not None and first.kind == "answer" and first.resolution is not None
    assert talk.question(**ask, ts="5.5", event_id="Ev1") is None  # Slack's redelivery
    assert talk.question(**ask, ts="5.5", event_id="Ev2") is None  # the mention's message event
    assert talk.question(**ask, ts="6.6", event_id="Ev3") is not None


@pytest.mark.parametrize("text", ["<@UBOT>", "<@UBOT|errcode> hello there"])
def test_a_question_with_no_code_gets_help(kb: KnowledgeBase, text: str) -> None:
    outcome = make(kb).question(text=text, team=TEAM, channel="D1", ts="1.1", event_id=None)
    assert outcome is not None and outcome.kind == "help"


# -- Share --------------------------------------------------------------------------------


def test_share_round_trips_and_only_the_asker_may_share(kb: KnowledgeBase) -> None:
    value = encode_share("bems 1027", "U777")
    assert value is not None and decode_share(value) == ("bems 1027", "U777")
    talk = make(kb)
    shared = talk.shared(value, clicker="U777")
    assert shared.kind == "share" and "<@U777>" in json.dumps(shared.reply.blocks)
    assert talk.shared(value, clicker="U888").kind == "notice"


@pytest.mark.parametrize(
    "value", ["not json", "[]", json.dumps({"q": "1027"}), json.dumps({"q": 1, "u": "U777"})]
)
def test_a_tampered_share_value_is_refused(kb: KnowledgeBase, value: str) -> None:
    assert decode_share(value) is None
    assert make(kb).shared(value, clicker="U777").kind == "notice"


def test_a_share_value_fits_slacks_limit_or_is_left_out() -> None:
    value = encode_share("1027 " * 1000, "U777")
    assert value is not None and len(value) <= 2000
    assert encode_share("1027", "U" * 2000) is None


def test_strip_mentions_keeps_the_question() -> None:
    assert strip_mentions("<@U123> what is <@W9|bob> 1027") == "what is   1027"


# -- channel auto-replies -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "channel", "allowed"),
    [
        ({}, "C1", True),
        ({"auto_reply": False}, "C1", False),
        ({"channels": ("C2",)}, "C1", False),
        ({"channels": ("C1",)}, "C1", True),
        ({"channels_deny": ("C1",)}, "C1", False),
    ],
)
def test_auto_reply_allowed_follows_the_settings(
    kb: KnowledgeBase, overrides: dict[str, Any], channel: str, allowed: bool
) -> None:
    assert make(kb, **overrides).auto_reply_allowed(channel) is allowed


def test_a_muted_channel_gets_no_auto_reply(kb: KnowledgeBase) -> None:
    store = MemoryStore()
    store.set_muted("C1", True)
    assert make(kb, store).auto_reply_allowed("C1") is False
    assert _channel(make(kb, store), "error 1027 on login") is None


def test_a_code_in_a_channel_is_explained_once_per_thread(kb: KnowledgeBase) -> None:
    store = MemoryStore()
    talk = make(kb, store)
    first = _channel(talk, "error 1027 on login", ts="1.1")
    assert first is not None and first.kind == "auto_reply" and "WRONG_SERVER" in first.reply.text
    assert store.top_lookups(TEAM, [_today()], 5) == [("bems:1027", 1)]
    # The same code in the same thread, within the cooldown: quiet.
    assert _channel(talk, "1027 again", ts="1.2", thread_ts="1.1") is None
    # Another thread is another conversation.
    assert _channel(talk, "error 1027 on login", ts="2.1") is not None


def test_without_a_cooldown_every_message_is_explained(kb: KnowledgeBase) -> None:
    talk = make(kb, cooldown_seconds=0)
    assert _channel(talk, "error 1027", ts="1.1") is not None
    assert _channel(talk, "error 1027 still", ts="1.2", thread_ts="1.1") is not None


def test_the_channel_product_ties_generic_codes(kb: KnowledgeBase) -> None:
    store = MemoryStore()
    talk = make(kb, store)
    assert _channel(talk, "login fails with 302", ts="1.1") is None  # untied: quiet
    store.set_channel_product("C1", "commsease")
    tied = _channel(talk, "login fails with 302", ts="1.2")
    assert tied is not None and "commsease 302" in tied.reply.text


def test_a_message_without_codes_writes_nothing(kb: KnowledgeBase) -> None:
    store = MemoryStore()
    assert _channel(make(kb, store), "lunch at 12?", event_id="Ev1") is None
    assert store.claim("event:Ev1", 60)  # the event was not even claimed


# -- Details and See-also buttons ----------------------------------------------------------


@pytest.mark.parametrize("key", ["bems:1027", "commsease:408"])
def test_a_button_entry_is_answered_in_full(kb: KnowledgeBase, key: str) -> None:
    outcome = make(kb).entry(key, TEAM)
    assert outcome.kind == "details"
    assert outcome.reply.blocks[0]["type"] == "header"
    assert key.split(":")[1] in outcome.reply.blocks[0]["text"]["text"]


@pytest.mark.parametrize("key", ["", "bems", "<!here>:1", "bems:1 2", "x" * 3000])
def test_a_tampered_entry_key_gets_the_failure_notice(kb: KnowledgeBase, key: str) -> None:
    assert make(kb).entry(key, TEAM).kind == "error"


def test_a_double_clicked_share_is_shared_once(kb: KnowledgeBase) -> None:
    talk = make(kb)
    value = encode_share("1027", "U1")
    assert value is not None
    assert talk.shared(value, "U2", "C1:1.1").kind == "notice"  # refused: no claim taken
    assert talk.shared(value, "U1", "C1:1.1").kind == "share"
    again = talk.shared(value, "U1", "C1:1.1")
    assert again.kind == "notice" and "already shared" in again.reply.text
    assert talk.shared(value, "U1", "C1:2.2").kind == "share"  # another answer message


# -- language ------------------------------------------------------------------------------


def _said(outcome: Any) -> str:
    return json.dumps(list(outcome.reply.blocks), ensure_ascii=False)


def test_the_language_setting_reaches_every_answer(kb: KnowledgeBase) -> None:
    asked = {"command": "/errcode", "team": TEAM, "channel": "C1", "user": "U1"}
    auto = make(kb).command(text="云信 408 是什么意思", **asked)
    assert "处理步骤" in _said(auto)
    english = make(kb, language="en").command(text="云信 408 是什么意思", **asked)
    assert "处理步骤" not in _said(english) and "What to do" in _said(english)
    chinese = make(kb, language="zh").command(text="408", **asked)
    assert "处理步骤" in _said(chinese)
    # A channel message in Chinese is answered in Chinese, an English one in English.
    zh_reply = _channel(make(kb), "云信登录一直返回 408", ts="2.1")
    en_reply = _channel(make(kb), "NIM login keeps failing with 408", ts="2.2")
    assert "处理步骤" in _said(zh_reply) and "处理步骤" not in _said(en_reply)
