"""make_store: memory unless a Redis URL is configured; open_shared_store: Redis or an error."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from redis_server import RedisServer

from bot.errors import ErrcodeError
from bot.store.factory import make_store, open_shared_store
from bot.store.protocol import MemoryStore
from bot.store.redis_store import RedisStore
from bot.store.resilient import ResilientStore


@dataclass
class FakeSettings:
    redis_url: str | None
    redis_sentinels: tuple[str, ...] = ()
    redis_master: str | None = None


@pytest.mark.parametrize("url", [None, "", "   "])
def test_no_url_is_memory(url: str | None) -> None:
    assert isinstance(make_store(FakeSettings(url)), MemoryStore)


def test_a_url_is_redis_behind_failover(redis_url: str) -> None:
    store = make_store(FakeSettings(redis_url))
    assert isinstance(store, ResilientStore) and isinstance(store.primary, RedisStore)
    assert store.claim("event:factory", 60)
    assert store.primary.client.exists("errcode:claim:event:factory")


def test_an_unreachable_redis_does_not_stop_the_start() -> None:
    store = make_store(FakeSettings("redis://127.0.0.1:1/0"))
    assert store.claim("event:x", 60)
    assert not store.claim("event:x", 60)


def test_the_shared_store_is_redis_itself(redis_url: str) -> None:
    store = open_shared_store(FakeSettings(f" {redis_url} "))
    assert isinstance(store, RedisStore)
    assert store.claim("event:shared", 60)


@pytest.mark.parametrize("url", [None, "", "   "])
def test_no_shared_store_without_a_url_says_why(url: str | None) -> None:
    with pytest.raises(ErrcodeError, match="ERRCODE_REDIS_URL is not set"):
        open_shared_store(FakeSettings(url))


def test_a_shared_store_that_is_down_fails_rather_than_showing_nothing(
    own_redis: RedisServer,
) -> None:
    own_redis.stop()
    with pytest.raises(ErrcodeError, match="cannot reach Redis"):
        open_shared_store(FakeSettings(own_redis.url))
