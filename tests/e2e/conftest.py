"""Fixtures of the end-to-end tests: a fake Slack and ``errcode serve`` started against it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from e2e.harness import ServeProcess, SlackSender
from fakes.fake_slack import FakeSlack


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture(scope="module")
def server(fake: FakeSlack) -> Iterator[ServeProcess]:
    """One ``errcode serve`` per test module (starting one takes about a second)."""
    with ServeProcess(fake.api_url, ERRCODE_CHANNELS_DENY="CDENY") as proc:
        yield proc


@pytest.fixture
def slack(server: ServeProcess, fake: FakeSlack) -> SlackSender:
    fake.reset()
    return SlackSender(server.url)
