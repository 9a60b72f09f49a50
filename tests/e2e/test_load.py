"""A small load through ``errcode serve`` (the full run is tests/scripts/reliability.py).

400 seeded channel messages (about 10% naming codes, some redelivered) and among them
60 requests of the other handlers (shortcut, buttons, App Home, modals, workflow step;
each kind six times), 250 at a steady 100 per second and then bursts of 50: every ack
of every kind within 3 seconds, every reply once, none lost, and no runaway memory.
A few seconds on two cores.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from e2e.harness import ServeProcess, SlackSender
from e2e.load import KINDS, LoadFigures, LoadShape, plan_messages, run_load
from fakes.fake_slack import FakeSlack

from bot.knowledge.base import KnowledgeBase

pytestmark = pytest.mark.e2e

#: Far above what 400 messages cost (well under 2 MiB measured); only a leak of
#: kilobytes per message gets here.
RSS_GROWTH_LIMIT_KIB = 16 * 1024


@pytest.fixture(scope="module")
def figures(fake: FakeSlack, kb: KnowledgeBase) -> Iterator[LoadFigures]:
    # Its own server: debug logging (the e2e default) would measure the log writer.
    with ServeProcess(fake.api_url, ERRCODE_LOG_LEVEL="WARNING") as server:
        plan = plan_messages(400, seed=7, kb=kb)
        shape = LoadShape(steady=250, rate=100, burst=50, pause=0.5)
        assert server.proc is not None
        yield run_load(fake, SlackSender(server.url), server.proc.pid, plan, shape)


def test_the_mix_is_realistic(figures: LoadFigures) -> None:
    assert 0.05 < figures.coded / figures.messages < 0.15
    assert figures.redeliveries > 0
    assert list(figures.acks) == list(KINDS)


def test_every_ack_within_3_seconds(figures: LoadFigures) -> None:
    assert figures.acked_in_time == figures.requests, f"p99 {figures.percentile(99):.3f}s"


@pytest.mark.parametrize("kind", KINDS)
def test_every_ack_of_each_kind_within_3_seconds(figures: LoadFigures, kind: str) -> None:
    acks = figures.acks[kind]
    assert acks.requests >= 5
    assert acks.late == 0, (
        f"{acks.late} of {acks.requests} {kind} acks late or failed: "
        f"p50 {acks.percentile(50):.3f}s, p99 {acks.percentile(99):.3f}s, "
        f"max {max(acks.latencies):.3f}s"
    )


def test_every_reply_delivered_once(figures: LoadFigures) -> None:
    assert (figures.delivered, figures.duplicates, figures.lost, figures.unexpected) == (
        figures.expected,
        0,
        0,
        0,
    )


def test_memory_stays_bounded(figures: LoadFigures) -> None:
    assert figures.rss_growth_kib < RSS_GROWTH_LIMIT_KIB, figures.rss
