"""An ack leaves once the request's reply is in the outbox, and never later than the bound.

The app runs in process (:class:`fakes.running_app.Running`) with a shared outbox that
keeps what it is given and hands nothing out: what is in it when ``dispatch`` returns
(the ack) was put before the ack.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fakes import payloads as P
from fakes.fake_slack import BOT_USER, FakeSlack
from fakes.running_app import AppFactory, Running
from prometheus_client import REGISTRY

from bot.knowledge.base import KnowledgeBase
from bot.slack import handoff, render
from bot.slack.outbox import Replies
from bot.store.jobs import Job, Posted, PostReply, Respond, UpdateReply
from bot.store.protocol import MemoryStore, StateStore


class Keeping:
    """An outbox that keeps every job put, and never hands one out (nothing is posted)."""

    blocking = True
    errors: tuple[type[BaseException], ...] = (OSError,)

    def __init__(self) -> None:
        self.jobs: list[Job] = []

    def put(self, job: Job) -> None:
        self.jobs.append(job)

    def take(self, consumer: str, count: int, wait: float) -> list[Job]:
        time.sleep(min(wait, 0.05))
        return []

    def touch(self, job: Job, consumer: str) -> None: ...
    def done(self, job: Job) -> None: ...
    def failed(self, job: Job, error: str) -> bool:
        return False

    def landed(self, key: str) -> None: ...
    def has_landed(self, key: str) -> bool:
        return False

    def pending(self) -> list[Job]:
        return list(self.jobs)

    def dead(self) -> list[tuple[Job, str]]:
        return []


class SlowClaims(MemoryStore):
    """A store whose claims (each message's dedupe) take ``delay`` seconds."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    def claim(self, key: str, ttl_seconds: int) -> bool:
        time.sleep(self.delay)
        return super().claim(key, ttl_seconds)


@pytest.fixture
def make(fake: FakeSlack, kb: KnowledgeBase) -> Iterator[Any]:
    """``make(store=None)``: a running app whose replies go to a :class:`Keeping` outbox."""
    with AppFactory(fake, kb) as factory:

        def start(store: StateStore | None = None) -> tuple[Running, Keeping]:
            outbox = Keeping()
            return factory(store, replies=Replies(shared=outbox)), outbox

        yield start


def _held() -> float:
    return REGISTRY.get_sample_value("errcode_acks_before_handoff_total") or 0.0


def test_an_event_is_acked_once_its_reply_is_in_the_outbox(make: Any) -> None:
    bot, outbox = make()
    body = P.message("error 1027 on login", user="U333")
    assert bot.dispatch(body).status == 200
    (job,) = outbox.jobs  # put before the ack, not after it
    assert isinstance(job.task, PostReply)
    assert job.task.thread_ts == body["event"]["ts"]


def test_a_click_is_acked_once_its_response_url_post_is_in_the_outbox(
    make: Any, fake: FakeSlack
) -> None:
    bot, outbox = make()
    url = fake.response_url("details")
    click = P.block_action(f"{render.DETAILS_ACTION}_1", "bems:1028", user="U4", response_url=url)
    assert bot.dispatch(click).status == 200
    (job,) = outbox.jobs
    assert isinstance(job.task, Respond) and job.task.url == url


def test_an_edit_is_acked_once_its_update_is_in_the_outbox(make: Any) -> None:
    bot, outbox = make()
    ts = f"{time.time():.6f}"
    bot.store.set_reply("C111", ts, "1700000000.000001 bems:1027", 3600)  # its reply
    assert bot.dispatch(P.message_changed(ts, "BEMS returned error 1028")).status == 200
    (job,) = outbox.jobs
    assert job.task == UpdateReply(Posted("C111", "1700000000.000001"), job.task.message)


def test_the_hold_ends_after_its_bound_and_is_counted(
    make: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handoff, "HOLD_SECONDS", 0.1)
    bot, outbox = make(SlowClaims(0.5))
    before = _held()
    start = time.monotonic()
    assert bot.dispatch(P.message("error 1027 on login", user="U333")).status == 200
    assert time.monotonic() - start < 0.4  # acked on time, the decision still running
    assert outbox.jobs == []
    assert _held() == before + 1
    bot.settle()  # the reply is put all the same, after the ack
    assert len(outbox.jobs) == 1


@pytest.mark.parametrize(
    "body",
    [
        P.message("error 1027", user=BOT_USER),  # the bot's own: Bolt's middleware drops it
        P.view_submission("not_errcodes_view", {}),  # no listener takes it
        P.message("the deploy went fine", user="U333"),  # taken, nothing owed: it ends
    ],
    ids=["own message", "unknown view", "nothing to answer"],
)
def test_an_ack_is_held_no_longer_than_its_listener_owes(
    make: Any, monkeypatch: pytest.MonkeyPatch, body: dict[str, Any]
) -> None:
    monkeypatch.setattr(handoff, "HOLD_SECONDS", 30.0)
    bot, _ = make()
    start = time.monotonic()
    bot.dispatch(body)
    assert time.monotonic() - start < 1.0
