"""The Bolt app, dispatched in-process with Socket Mode requests (no signature, no socket).

The app's Web API client points at an in-process :class:`FakeSlack`; the app's
event loop runs in a thread so listeners keep working after the ack, as they do
in production.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from e2e import payloads as P
from e2e.fake_slack import BOT_USER, FakeSlack
from slack_bolt.async_app import AsyncApp, AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.knowledge_base import KnowledgeBase
from bot.settings import Settings
from bot.slack_app import build_app
from bot.store import MemoryStore


class Running:
    """A built app and the event loop it runs on."""

    def __init__(self, app: AsyncApp, store: MemoryStore) -> None:
        self.app, self.store = app, store
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def dispatch(self, body: dict[str, Any]) -> BoltResponse:
        request = AsyncBoltRequest(body=body, mode="socket_mode")
        return asyncio.run_coroutine_threadsafe(self.app.async_dispatch(request), self.loop).result(
            5
        )

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def make(fake: FakeSlack, kb: KnowledgeBase) -> Iterator[Any]:
    started: list[Running] = []

    def factory(**overrides: Any) -> Running:
        settings = Settings(
            slack_bot_token="xoxb-unit",
            slack_signing_secret="unit-secret",
            slack_api_url=fake.api_url,
            _env_file=None,
            **overrides,
        )
        store = MemoryStore()
        client = AsyncWebClient(token="xoxb-unit", base_url=fake.api_url)
        running = Running(build_app(settings, kb, store, client=client), store)
        started.append(running)
        return running

    fake.reset()
    yield factory
    for running in started:
        running.close()


def _quiet(fake: FakeSlack, seconds: float = 0.3) -> list[Any]:
    time.sleep(seconds)
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
    assert _quiet(fake) == []


def test_allow_list_lets_listed_channels_through(make: Any, fake: FakeSlack) -> None:
    bot = make(channels=("CALLOWED",))
    bot.dispatch(P.message("error 1027", channel="CALLOWED"))
    assert fake.wait_for("chat.postMessage")


def test_muted_channel_is_quiet(make: Any, fake: FakeSlack) -> None:
    bot = make()
    bot.store.set_muted("C111", True)
    bot.dispatch(P.message("error 1027"))
    assert _quiet(fake) == []


def test_cooldown_zero_explains_every_time(make: Any, fake: FakeSlack) -> None:
    bot = make(cooldown_seconds=0)
    for _ in range(2):
        bot.dispatch(P.message("error 1027", thread_ts="1700000000.000001"))
    assert len(fake.wait_for("chat.postMessage", count=2)) == 2


def test_message_mentioning_the_bot_is_left_to_app_mention(make: Any, fake: FakeSlack) -> None:
    bot = make()
    bot.dispatch(P.message(f"<@{BOT_USER}> error 1027"))
    assert _quiet(fake) == []


def test_command_acks_empty_then_answers_on_the_response_url(make: Any, fake: FakeSlack) -> None:
    bot = make()
    fields = P.slash_command("bems 1027", response_url=fake.response_url("unit"))
    response = bot.dispatch(fields)
    assert response.status == 200 and response.body == ""
    (posted,) = fake.wait_for("response_url:unit")
    assert posted.params["response_type"] == "ephemeral" and "WRONG_SERVER" in posted.params["text"]


def test_usage_is_recorded_for_stats(make: Any, fake: FakeSlack) -> None:
    bot = make()
    bot.dispatch(P.slash_command("1027 99999", response_url=fake.response_url("rec")))
    fake.wait_for("response_url:rec")
    today = __import__("datetime").datetime.now(__import__("datetime").UTC).date()
    assert bot.store.top_lookups("T111", [today], 5) == [("bems:1027", 1)]
    assert bot.store.top_unknown("T111", [today], 5) == [("99999", 1)]


def test_command_under_another_name_still_answers(make: Any, fake: FakeSlack) -> None:
    bot = make()
    bot.dispatch(P.slash_command("", command="/errcode-dev", response_url=fake.response_url("n")))
    assert "/errcode-dev bems 1027" in fake.wait_for("response_url:n")[0].params["text"]


def test_unknown_event_and_payload_types_are_acked(make: Any) -> None:
    bot = make()
    reaction = P.fixture("event_callback_message_channels.json")
    reaction["event"] = {"type": "reaction_added", "user": "U1", "event_ts": "1.1"}
    assert bot.dispatch(reaction).status == 200
    assert bot.dispatch(P.event("event_callback_message_deleted.json")).status == 200
