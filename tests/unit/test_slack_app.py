"""The Bolt app, dispatched in-process with Socket Mode requests (no signature, no socket).

The app's Web API client points at an in-process :class:`FakeSlack`; the app's
event loop runs in a thread so listeners keep working after the ack, as they do
in production.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fakes import payloads as P
from fakes.fake_slack import BOT_USER, FakeSlack
from fakes.running_app import AppFactory, Running
from fakes.slow_store import SlowStore
from prometheus_client import REGISTRY
from slack_bolt.response import BoltResponse

from bot.knowledge.base import KnowledgeBase
from bot.settings import Settings
from bot.slack import listeners
from bot.slack.app import build_app
from bot.store.protocol import MemoryStore


@pytest.fixture
def make(fake: FakeSlack, kb: KnowledgeBase) -> Iterator[Any]:
    with AppFactory(fake, kb) as factory:
        yield factory


def _quiet(bot: Running, fake: FakeSlack) -> list[Any]:
    """The thread replies posted once the app has finished what it was sent."""
    bot.settle()
    return fake.calls_to("chat.postMessage")


def test_channel_message_gets_a_thread_reply(make: Any, fake: FakeSlack) -> None:
    bot = make()
    body = P.message("error 1027 on login", user="U333")
    assert bot.dispatch(body).status == 200
    (posted,) = fake.wait_for("chat.postMessage")
    assert posted.params["thread_ts"] == body["event"]["ts"]
    assert "WRONG_SERVER" in posted.params["text"]


@pytest.mark.parametrize(
    "overrides, channel",
    [
        ({"auto_reply": False}, "C111"),
        ({"channels": ("CALLOWED",)}, "C111"),
        ({"channels_deny": ("C111",)}, "C111"),
    ],
)
def test_auto_reply_settings(make: Any, fake: FakeSlack, overrides: dict, channel: str) -> None:
    bot = make(**overrides)
    assert bot.dispatch(P.message("error 1027", channel=channel)).status == 200
    assert _quiet(bot, fake) == []


def test_allow_list_lets_listed_channels_through(make: Any, fake: FakeSlack) -> None:
    bot = make(channels=("CALLOWED",))
    bot.dispatch(P.message("error 1027", channel="CALLOWED"))
    assert fake.wait_for("chat.postMessage")


def test_muted_channel_is_quiet(make: Any, fake: FakeSlack) -> None:
    bot = make()
    bot.store.set_muted("C111", True)
    bot.dispatch(P.message("error 1027"))
    assert _quiet(bot, fake) == []


def test_cooldown_zero_explains_every_time(make: Any, fake: FakeSlack) -> None:
    bot = make(cooldown_seconds=0)
    for _ in range(2):
        bot.dispatch(P.message("error 1027", thread_ts="1700000000.000001"))
    assert len(fake.wait_for("chat.postMessage", count=2)) == 2


def test_message_mentioning_the_bot_is_left_to_app_mention(make: Any, fake: FakeSlack) -> None:
    bot = make()
    bot.dispatch(P.message(f"<@{BOT_USER}> error 1027"))
    assert _quiet(bot, fake) == []


def _answer_in(response: BoltResponse) -> dict[str, Any]:
    """The message a slash command's ack carries (Slack shows it as the answer)."""
    assert response.status == 200 and response.body, "the ack carries no answer"
    return json.loads(response.body)


def _posts(fake: FakeSlack) -> list[Any]:
    """Every call that would show a message: Web API posts and response_url posts."""
    return [c for c in fake.calls if c.method.startswith(("chat.", "response_url:"))]


def _replies(kind: str) -> float:
    return REGISTRY.get_sample_value("errcode_replies_total", {"kind": kind}) or 0.0


def test_command_is_answered_in_the_ack_and_nowhere_else(make: Any, fake: FakeSlack) -> None:
    bot = make()
    fields = P.slash_command("bems 1027", response_url=fake.response_url("unit"))
    counted = _replies("answer")
    answer = _answer_in(bot.dispatch(fields))
    assert _replies("answer") == counted + 1  # a reply in the ack counts as one
    assert answer["response_type"] == "ephemeral" and "WRONG_SERVER" in answer["text"]
    assert answer["blocks"][0]["type"] == "header"
    assert any(b["type"] == "actions" for b in answer["blocks"])  # the Share button
    bot.settle()
    assert _posts(fake) == []  # exactly once: nothing on the response_url or the Web API


def test_usage_is_recorded_for_stats(make: Any, fake: FakeSlack) -> None:
    bot = make()
    _answer_in(bot.dispatch(P.slash_command("1027 99999", response_url=fake.response_url("rec"))))
    today = __import__("datetime").datetime.now(__import__("datetime").UTC).date()
    assert bot.store.top_lookups("T111", [today], 5) == [("bems:1027", 1)]
    assert bot.store.top_unknown("T111", [today], 5) == [("99999", 1)]


def test_command_under_another_name_still_answers(make: Any, fake: FakeSlack) -> None:
    bot = make()
    fields = P.slash_command("", command="/errcode-dev", response_url=fake.response_url("n"))
    assert "/errcode-dev bems 1027" in _answer_in(bot.dispatch(fields))["text"]


def test_slow_store_acks_empty_then_answers_on_the_response_url(
    make: Any, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listeners, "ANSWER_IN_ACK_SECONDS", 0.2)
    bot = make(store=SlowStore(delay=0.6))
    start = time.perf_counter()
    response = bot.dispatch(P.slash_command("bems 1027", response_url=fake.response_url("slow")))
    assert response.status == 200 and response.body == ""
    assert time.perf_counter() - start < 0.5  # acked at the wait's end, not the store's
    (posted,) = fake.wait_for("response_url:slow", timeout=3)
    assert posted.params["response_type"] == "ephemeral" and "WRONG_SERVER" in posted.params["text"]
    bot.settle()
    assert len(_posts(fake)) == 1


def test_the_wait_for_the_answer_counts_from_the_requests_arrival(
    make: Any, fake: FakeSlack
) -> None:
    # Received 1.8 s ago (say, the first request waiting for auth.test): 0.2 s are left
    # of the 2 s, so a 1 s store write cannot make it into the ack.
    bot = make(store=SlowStore(delay=1.0))
    fields = P.slash_command("bems 1027", response_url=fake.response_url("late"))
    start = time.perf_counter()
    response = bot.dispatch(fields, received=time.monotonic() - 1.8)
    assert response.body == "" and time.perf_counter() - start < 0.6
    (posted,) = fake.wait_for("response_url:late", timeout=3)
    assert "WRONG_SERVER" in posted.params["text"]


def test_slow_mute_still_mutes_and_says_so_on_the_response_url(
    make: Any, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listeners, "ANSWER_IN_ACK_SECONDS", 0.2)
    bot = make(store=SlowStore(delay=0.5))
    fields = P.slash_command("mute", channel="CM", response_url=fake.response_url("mute"))
    assert bot.dispatch(fields).body == ""
    (posted,) = fake.wait_for("response_url:mute", timeout=3)
    assert "off" in posted.params["text"] and bot.store.is_muted("CM")


def test_a_failing_store_gets_the_failure_notice_in_the_ack(make: Any, fake: FakeSlack) -> None:
    bot = make(store=SlowStore(error=RuntimeError("store broke")))
    answer = _answer_in(bot.dispatch(P.slash_command("1027", response_url=fake.response_url("e"))))
    assert "something went wrong" in answer["text"]
    bot.settle()
    assert _posts(fake) == []


def test_a_slow_failing_store_gets_the_failure_notice_on_the_response_url(
    make: Any, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listeners, "ANSWER_IN_ACK_SECONDS", 0.2)
    bot = make(store=SlowStore(delay=0.4, error=RuntimeError("store broke late")))
    response = bot.dispatch(P.slash_command("1027", response_url=fake.response_url("late")))
    assert response.body == ""
    (posted,) = fake.wait_for("response_url:late", timeout=3)
    assert "something went wrong" in posted.params["text"]


def test_unknown_event_and_payload_types_are_acked(make: Any) -> None:
    bot = make()
    reaction = P.fixture("event_callback_message_channels.json")
    reaction["event"] = {"type": "reaction_added", "user": "U1", "event_ts": "1.1"}
    assert bot.dispatch(reaction).status == 200
    assert bot.dispatch(P.event("event_callback_message_deleted.json")).status == 200


def test_no_token_warning_on_start(
    fake: FakeSlack, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    # Bolt reads SLACK_BOT_TOKEN itself, and warns when a client is given as well.
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-the-environment")
    settings = Settings(slack_bot_token="xoxb-unit", slack_api_url=fake.api_url, _env_file=None)
    with caplog.at_level(logging.DEBUG):
        build_app(settings, kb, MemoryStore())
    assert "will be unused" not in caplog.text
    assert caplog.records == [] or all(r.levelno < logging.WARNING for r in caplog.records)
