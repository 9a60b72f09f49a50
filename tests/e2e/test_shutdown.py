"""Replies owed to acked events survive a SIGTERM (drained) and a SIGKILL (claimed).

Issue 12, break 3: Slack never redelivers an acked event, so a reply still being
posted when the process stops must land all the same. Without Redis, the process
drains its queue on SIGTERM for ``ERRCODE_DRAIN_SECONDS``; with Redis, a replica
killed mid-post leaves its jobs pending in the stream, and the other claims them
after ``ERRCODE_OUTBOX_CLAIM_SECONDS``, looking each one up before posting it again.
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from collections.abc import Iterator

import pytest
import redis
from e2e.harness import ServeProcess, SlackSender
from fakes import payloads as P
from fakes.fake_slack import Call, FakeSlack
from redis_server import RedisServer

pytestmark = pytest.mark.e2e

#: Replies in flight when the signal arrives (the reliability script uses 50).
N = 10


def _threads(fake: FakeSlack) -> Counter[str]:
    """Delivered chat.postMessage calls, by the thread they answer."""
    return Counter(str(c.params.get("thread_ts")) for c in fake.delivered("chat.postMessage"))


def _send(sender: SlackSender, n: int, tag: str) -> list[str]:
    threads = []
    for index in range(n):
        body = P.message("login fails with 1027", channel=f"C{tag}{index}")
        assert sender.event(body).status == 200
        threads.append(body["event"]["ts"])
    return threads


@pytest.fixture
def quiet_fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


def test_sigterm_with_replies_in_flight_posts_them_all(quiet_fake: FakeSlack) -> None:
    fake = quiet_fake
    with ServeProcess(fake.api_url, ERRCODE_LOG_LEVEL="INFO") as server:
        # Every post first gets a 503 (retried after a backoff), and each answer is slow:
        # when the signal comes, none has landed yet.
        fake.fail("chat.postMessage", 503, times=N)
        fake.delay("chat.postMessage", 0.3)
        threads = _send(SlackSender(server.url), N, "T")
        assert server.proc is not None
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(timeout=30)  # uvicorn re-raises SIGTERM once shut down: -15
        logs = server.logs()
    landed = _threads(fake)
    assert sorted(landed) == sorted(threads), logs[-3000:]
    assert set(landed.values()) == {1}  # none twice
    assert "shutting down with a reply not posted" not in logs


def test_sigterm_logs_each_reply_it_could_not_post(quiet_fake: FakeSlack) -> None:
    fake = quiet_fake
    env = {"ERRCODE_LOG_LEVEL": "INFO", "ERRCODE_DRAIN_SECONDS": "0.5"}
    with ServeProcess(fake.api_url, **env) as server:
        fake.delay("chat.postMessage", 5.0)  # no post can finish within the drain
        threads = _send(SlackSender(server.url), 3, "L")
        assert server.proc is not None
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(timeout=30)
        logs = server.logs()
    unfinished = [line for line in logs.splitlines() if "reply not posted" in line]
    assert len(unfinished) == 3, logs[-3000:]
    for thread in threads:
        assert any(thread in line for line in unfinished)


def _landed_in(call: Call, threads: list[str]) -> bool:
    return call.delivered and call.params.get("thread_ts") in threads


def _claimed_by(fake: FakeSlack, threads: list[str]) -> list[Call]:
    wanted = set(threads)
    return fake.delivered("chat.postMessage", lambda c: c.params.get("thread_ts") in wanted)


def test_sigkill_of_one_replica_the_other_claims_and_posts_once(
    quiet_fake: FakeSlack, own_redis: RedisServer
) -> None:
    fake = quiet_fake
    env = {
        "ERRCODE_REDIS_URL": own_redis.url,
        "ERRCODE_LOG_LEVEL": "INFO",
        "ERRCODE_OUTBOX_CLAIM_SECONDS": "2",
    }
    with ServeProcess(fake.api_url, **env) as victim, ServeProcess(fake.api_url, **env) as other:
        # Every first post gets a 503: the victim dies in its retry backoff, holding
        # every job it took, none posted.
        fake.fail("chat.postMessage", 503, times=N)
        threads = _send(SlackSender(victim.url), N, "K")
        fake.wait_for("chat.postMessage", N, timeout=10)
        client = redis.Redis.from_url(own_redis.url, decode_responses=True)
        assert victim.proc is not None
        victim.proc.kill()
        victim.proc.wait(timeout=10)
        # Waits on events, never a sleep: every thread answered, then the outbox empty
        # (nothing left that could still post a duplicate).
        fake.wait_for("chat.postMessage", N, timeout=20, where=lambda c: _landed_in(c, threads))
        deadline = time.monotonic() + 10
        while client.xlen("errcode:outbox") and time.monotonic() < deadline:
            fake.wait_for("chat.postMessage", 10 * N, timeout=0.1)  # a bounded poll
        assert client.xlen("errcode:outbox") == 0
        assert other.proc is not None and other.proc.poll() is None
        landed = Counter(str(c.params.get("thread_ts")) for c in _claimed_by(fake, threads))
        assert sorted(landed) == sorted(threads), other.logs()[-3000:]
        assert set(landed.values()) == {1}
