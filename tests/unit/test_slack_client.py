"""bot.slack.client: a post whose connection drops is checked for, never blindly repeated."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import aiohttp
import pytest
from fakes.fake_slack import FakeSlack
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.client import post_message_once, retry_handlers


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


def _post(fake: FakeSlack, thread_ts: str | None = "1700000000.000001") -> None:
    client = AsyncWebClient(
        token="xoxb-unit", base_url=fake.api_url, retry_handlers=retry_handlers()
    )
    asyncio.run(post_message_once(client, channel="C1", thread_ts=thread_ts, text="hi"))


@pytest.mark.parametrize("thread_ts", ["1700000000.000001", None])
@pytest.mark.parametrize("after_posting", [False, True])
def test_a_dropped_post_lands_exactly_once(
    fake: FakeSlack, after_posting: bool, thread_ts: str | None
) -> None:
    fake.drop("chat.postMessage", after_posting=after_posting)
    _post(fake, thread_ts)
    assert len(fake.delivered("chat.postMessage")) == 1
    assert len(fake.calls_to("chat.postMessage")) == (1 if after_posting else 2)
    assert len(fake.calls_to("conversations.*")) == 1


def test_when_the_check_fails_too_it_does_not_post_again(fake: FakeSlack) -> None:
    # Whether the reply is there is unknown: a second post could double it.
    fake.drop("chat.postMessage", after_posting=True)
    fake.fail("conversations.replies", 400)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        _post(fake)
    assert len(fake.calls_to("chat.postMessage")) == 1
