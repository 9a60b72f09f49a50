"""Fixtures of the in-process tests: a fake Slack Web API for each test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakes.fake_slack import FakeSlack


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSlack]:
    """The Slack Web API and response_urls on a free loopback port, recording calls."""
    with FakeSlack() as server:
        yield server
