"""ResilientStore: a Redis outage never stops the bot, and Redis is used again after it."""

from __future__ import annotations

import logging
import threading
from datetime import date

import pytest
from redis_server import RedisServer

from bot.store.protocol import MemoryStore
from bot.store.redis_store import RedisStore
from bot.store.resilient import ResilientStore

DAY = date(2024, 5, 20)
LOGGER = "errcode.store"


def _records(caplog: pytest.LogCaptureFixture, level: int) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER and r.levelno == level]


class FlakyStore(MemoryStore):
    """A shared store that can be switched off, and counts the calls it gets."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False
        self.calls = 0

    def claim(self, key: str, ttl_seconds: int) -> bool:
        self.calls += 1
        if self.down:
            raise ConnectionRefusedError("connection refused")
        return super().claim(key, ttl_seconds)

    def is_muted(self, channel: str) -> bool:
        self.calls += 1
        if self.down:
            raise TimeoutError("timed out")
        return super().is_muted(channel)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Counted(RedisStore):
    """A RedisStore that counts the claims sent to Redis."""

    calls = 0

    def claim(self, key: str, ttl_seconds: int) -> bool:
        self.calls += 1
        return super().claim(key, ttl_seconds)


def _redis(server: RedisServer) -> Counted:
    return Counted(RedisStore.from_url(server.url, timeout=0.3).client)


# -- against a fake shared store ------------------------------------------


def test_an_outage_probes_the_shared_store_once_per_interval() -> None:
    clock = FakeClock()
    shared = FlakyStore()
    store = ResilientStore(shared, retry_interval=5.0, clock=clock)
    shared.down = True
    for index in range(100):
        assert store.claim(f"event:{index}", 600)
    assert shared.calls == 1
    clock.now = 5.0
    store.claim("event:probe", 600)
    assert shared.calls == 2


def test_a_bug_is_not_mistaken_for_an_outage() -> None:
    class Broken(MemoryStore):
        def claim(self, key: str, ttl_seconds: int) -> bool:
            raise ValueError("a bug")

    store = ResilientStore(Broken())
    with pytest.raises(ValueError):
        store.claim("k", 60)
    assert store.healthy


def test_concurrent_failures_log_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    shared = FlakyStore()
    store = ResilientStore(shared, retry_interval=60.0)
    shared.down = True
    barrier = threading.Barrier(8)

    def call() -> None:
        barrier.wait()
        for index in range(20):
            store.is_muted(f"C{index}")

    with caplog.at_level(logging.INFO, logger=LOGGER):
        threads = [threading.Thread(target=call) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(_records(caplog, logging.WARNING)) == 1


def test_a_failed_probe_is_not_a_recovery(caplog: pytest.LogCaptureFixture) -> None:
    # Reads journal nothing, so the probe itself must prove the store is back.
    clock = FakeClock()
    shared = FlakyStore()
    store = ResilientStore(shared, retry_interval=1.0, clock=clock)
    shared.down = True
    with caplog.at_level(logging.INFO, logger=LOGGER):
        for second in range(5):
            clock.now = float(second)
            assert not store.is_muted("C1")
        assert _records(caplog, logging.INFO) == []
        shared.down = False
        clock.now = 10.0
        store.is_muted("C1")
    assert len(_records(caplog, logging.WARNING)) == 1
    assert len(_records(caplog, logging.INFO)) == 1
    assert shared.calls == 6


def test_the_last_known_mute_holds_during_an_outage() -> None:
    shared = FlakyStore()
    shared.set_muted("C1", True)  # set through another replica
    store = ResilientStore(shared)
    assert store.is_muted("C1")
    shared.down = True
    assert store.is_muted("C1")


# -- against a real redis-server ------------------------------------------


def test_redis_outage_falls_back_then_returns(
    own_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    redis_store = RedisStore.from_url(own_redis.url, timeout=0.3)
    store = ResilientStore(redis_store, retry_interval=5.0, clock=clock)
    caplog.set_level(logging.INFO, logger=LOGGER)

    assert store.claim("event:before", 600)
    store.set_muted("C1", True)

    own_redis.stop()
    # The bot keeps answering from memory, knowing what it saw before the outage.
    assert not store.claim("event:before", 600)
    assert store.claim("event:during", 600)
    assert not store.claim("event:during", 600)
    assert store.is_muted("C1")
    store.set_muted("C2", True)
    store.set_channel_product("C2", "commsease")
    assert store.channel_product("C2") == "commsease"
    for _ in range(50):
        store.record_lookup("T1", "nim:408", DAY)
    assert store.top_lookups("T1", [DAY], 5) == [("nim:408", 50)]
    assert not store.healthy
    assert len(_records(caplog, logging.WARNING)) == 1
    assert _records(caplog, logging.INFO) == []

    # A fresh, empty Redis on the same port: the journal restores what happened meanwhile.
    own_redis.start()
    clock.now += 5.0  # the next call probes Redis
    assert not store.claim("event:during", 600)
    assert store.healthy
    infos = _records(caplog, logging.INFO)
    assert len(infos) == 1 and "back" in infos[0].getMessage()
    assert len(_records(caplog, logging.WARNING)) == 1

    client = redis_store.client
    assert client.exists("errcode:claim:event:during")
    assert client.sismember("errcode:muted", "C2")
    assert client.hget("errcode:channel_product", "C2") == "commsease"
    assert client.hget("errcode:lookups:T1:2024-05-20", "nim:408") == "50"
    # New writes go to Redis again.
    assert store.claim("event:after", 600)
    assert client.exists("errcode:claim:event:after")


def test_each_outage_logs_its_own_warning(
    own_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    shared = _redis(own_redis)
    store = ResilientStore(shared, retry_interval=5.0, clock=clock)
    caplog.set_level(logging.INFO, logger=LOGGER)
    for outage in range(2):
        own_redis.stop()
        before = shared.calls
        for index in range(20):
            store.claim(f"event:{outage}:{index}", 600)
        assert shared.calls == before + 1  # one failed call; the rest went to memory
        own_redis.start()
        clock.now += 5.0
        store.claim(f"event:{outage}:probe", 600)
        assert store.healthy
    assert len(_records(caplog, logging.WARNING)) == 2
    assert len(_records(caplog, logging.INFO)) == 2


def test_a_hung_redis_does_not_stall_handlers(own_redis: RedisServer) -> None:
    """One call waits out the timeout; the rest go to memory until the interval has passed."""
    clock = FakeClock()
    shared = _redis(own_redis)
    store = ResilientStore(shared, retry_interval=60.0, clock=clock)
    assert store.claim("event:warm", 600)  # open a pooled connection first
    own_redis.pause()
    try:
        assert store.claim("event:hung", 600)
        for index in range(20):
            assert store.claim(f"event:hung:{index}", 600)
        assert shared.calls == 2 and not store.healthy
        clock.now = 59.0
        store.claim("event:still-hung", 600)
        assert shared.calls == 2
    finally:
        own_redis.resume()


def test_a_redis_down_at_start_up_is_used_once_it_starts(own_redis: RedisServer) -> None:
    own_redis.stop()
    clock = FakeClock()
    shared = _redis(own_redis)
    store = ResilientStore(shared, retry_interval=5.0, clock=clock)
    assert store.claim("event:early", 600)
    own_redis.start()
    clock.now = 4.9
    assert store.claim("event:early-too", 600)
    assert shared.calls == 1 and not store.healthy  # within the interval: memory only
    clock.now = 5.0
    assert store.claim("event:late", 600)
    assert store.healthy
    # The two claims made meanwhile are replayed before the probe's own.
    assert shared.calls == 1 + 2 + 1
    for key in ("early", "early-too", "late"):
        assert shared.client.exists(f"errcode:claim:event:{key}")


class Interleaved(FlakyStore):
    """A shared store that runs ``during`` inside its first claim of ``trigger``: another
    handler's call landing while the replay of the journal is under way (no threads, no
    sleeps: the interleaving is fixed)."""

    def __init__(self, trigger: str) -> None:
        super().__init__()
        self.trigger = trigger
        self.during: list[object] = []
        self.hook: object = None

    def claim(self, key: str, ttl_seconds: int) -> bool:
        won = super().claim(key, ttl_seconds)
        if key == self.trigger and callable(self.hook):
            hook, self.hook = self.hook, None
            self.during.append(hook())
        return won


def test_claims_made_while_the_journal_replays_reach_the_shared_store() -> None:
    """Issue 12, break 2: a claim made in memory during the replay was left out of Redis,
    so a redelivery of that event was won again from Redis and answered twice."""
    clock = FakeClock()
    shared = Interleaved(trigger="event:early")
    store = ResilientStore(shared, retry_interval=5.0, clock=clock)
    shared.down = True
    assert store.claim("event:early", 600)  # the outage starts; journaled
    shared.down = False
    clock.now = 5.0  # the next call probes, and replays "event:early" first
    shared.hook = lambda: store.claim("event:during", 600)  # lands mid-replay: from memory
    assert store.claim("event:probe", 600)
    assert shared.during == [True]
    assert store.healthy
    # Slack redelivers "event:during": it was answered once already, so Redis must say no.
    assert not store.claim("event:during", 600)
    assert not shared.claim("event:during", 600)


def test_the_store_says_when_it_came_back() -> None:
    """What OutageShare reads: the grace after a recovery counts from here."""
    clock = FakeClock()
    shared = FlakyStore()
    store = ResilientStore(shared, retry_interval=1.0, clock=clock)
    assert store.recovered_at == float("-inf") and store.retry_interval == 1.0
    shared.down = True
    store.claim("event:a", 600)
    assert not store.healthy
    shared.down = False
    clock.now = 7.0
    store.claim("event:b", 600)
    assert store.healthy and store.recovered_at == 7.0
