"""The outbox contract, run against both engines: memory and a real redis-server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from redis_server import RedisServer

from bot.store.jobs import Job, PostReply
from bot.store.outbox import MemoryOutbox, Outbox
from bot.store.redis_outbox import RedisOutbox
from bot.store.redis_store import RedisStore


def _job(n: int = 0) -> Job:
    return Job(PostReply("C1", {"text": f"t{n}"}, thread_ts=f"1.{n}"))


@pytest.fixture(params=["memory", "redis"])
def outbox(request: pytest.FixtureRequest) -> Iterator[Outbox]:
    if request.param == "memory":
        yield MemoryOutbox(max_attempts=3)
        return
    server: RedisServer = request.getfixturevalue("redis_server")
    client = RedisStore.from_url(server.url, timeout=5.0).client
    client.flushdb()
    yield RedisOutbox(client, claim_seconds=0.05, max_attempts=3)
    client.close()


def test_a_job_put_is_taken_once_and_done(outbox: Outbox) -> None:
    job = _job()
    outbox.put(job)
    [taken] = outbox.take("a", 10, 0.0)
    assert (taken.id, taken.task, taken.attempts) == (job.id, job.task, 0)
    assert outbox.take("b", 10, 0.0) == []
    assert [j.id for j in outbox.pending()] == [job.id]
    outbox.done(taken)
    assert outbox.pending() == []
    assert outbox.take("a", 10, 0.0) == []


def test_a_failed_job_comes_back_then_goes_to_the_dead_letters(outbox: Outbox) -> None:
    outbox.put(_job())
    for attempt in range(3):
        [taken] = outbox.take("a", 10, 0.0)
        assert taken.attempts == attempt
        assert outbox.failed(taken, "503") is (attempt == 2)
    assert outbox.take("a", 10, 0.0) == []
    assert outbox.pending() == []
    [(dead, error)] = outbox.dead()
    assert (dead.attempts, error) == (3, "503")


def test_jobs_come_out_in_order_and_in_batches(outbox: Outbox) -> None:
    jobs = [_job(n) for n in range(5)]
    for job in jobs:
        outbox.put(job)
    first = outbox.take("a", 3, 0.0)
    rest = outbox.take("a", 3, 0.0)
    assert [j.id for j in first + rest] == [j.id for j in jobs]


def test_a_dead_consumers_job_is_claimed_after_the_timeout(redis_server: RedisServer) -> None:
    client = RedisStore.from_url(redis_server.url, timeout=5.0).client
    client.flushdb()
    outbox = RedisOutbox(client, claim_seconds=0.2, max_attempts=3)
    outbox.put(_job())
    [taken] = outbox.take("dead-replica", 10, 0.0)
    assert outbox.take("survivor", 10, 0.0) == []  # not idle long enough yet
    claimed_now: list[Job] = []
    while not claimed_now:  # each take waits up to 0.1 s for new jobs, then looks again
        claimed_now = outbox.take("survivor", 10, 0.1)
    [claimed] = claimed_now
    assert (claimed.id, claimed.attempts) == (taken.id, 1)
    outbox.done(claimed)
    assert outbox.pending() == []


def test_a_job_that_kills_every_consumer_ends_as_a_dead_letter(
    redis_server: RedisServer,
) -> None:
    client = RedisStore.from_url(redis_server.url, timeout=5.0).client
    client.flushdb()
    outbox = RedisOutbox(client, claim_seconds=0.01, max_attempts=3)
    outbox.put(_job())
    attempts = []
    for consumer in ("one", "two", "three", "four"):
        # Each consumer takes the job and dies before done() or failed().
        taken = []
        while not taken and not outbox.dead():
            taken = outbox.take(consumer, 10, 0.02)
        attempts += [job.attempts for job in taken]
    assert attempts == [0, 1, 2]
    [(dead, error)] = outbox.dead()
    assert dead.attempts == 3 and "taken too many times" in error
    assert outbox.pending() == []
