"""The outbox contract, run against both engines: memory and a real redis-server."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
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


def test_behind_a_replica_a_job_put_is_on_the_replica_already(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    """WAIT: put returns once a replica has the job, so a failover right after keeps it."""
    client = RedisStore.from_url(redis_server.url, timeout=5.0).client
    client.flushdb()
    with RedisServer(args=["--replicaof", "127.0.0.1", str(redis_server.port)]) as replica:
        copy = RedisStore.from_url(replica.url, timeout=5.0).client
        while copy.info("replication").get("master_link_status") != "up":
            time.sleep(0.02)  # the first sync takes a moment; start from a synced replica
        outbox = RedisOutbox(client, wait_replicas=1, wait_ms=2000)
        for n in range(20):
            outbox.put(_job(n))
            # No waiting here: when put has returned, the replica has the job.
            assert copy.xlen(outbox.stream) == n + 1
        assert outbox.unconfirmed == 0
    # The replica is gone: a job is still put (on the master), after wait_ms, and said so.
    outbox = RedisOutbox(client, wait_replicas=1, wait_ms=50)
    with caplog.at_level("WARNING", logger="errcode.store"):
        outbox.put(_job(99))
        outbox.put(_job(100))
    assert client.xlen(outbox.stream) == 22 and outbox.unconfirmed == 2
    assert [r.message for r in caplog.records].count(
        "no Redis replica confirmed a reply job within 50 ms; jobs are kept on the master "
        "alone until one does (a failover meanwhile may lose them)"
    ) == 1


def test_while_the_state_store_finds_redis_down_the_outbox_does_not_wait_for_it(
    redis_server: RedisServer,
) -> None:
    """A hanging Redis would hold a thread per reply for the client's timeout."""
    client = RedisStore.from_url(redis_server.url, timeout=5.0).client
    client.flushdb()
    up = [False]
    outbox = RedisOutbox(client, available=lambda: up[0])
    with pytest.raises(RedisConnectionError):
        outbox.put(_job())
    with pytest.raises(RedisConnectionError):
        outbox.take("a", 10, 1.0)
    assert client.exists(outbox.stream) == 0  # nothing reached Redis
    up[0] = True
    outbox.put(_job(1))
    taken = [job.task for job in outbox.take("a", 10, 0.0)]
    assert [t.message["text"] for t in taken if isinstance(t, PostReply)] == ["t1"]
