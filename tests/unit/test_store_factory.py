"""make_store: memory unless a Redis URL is configured."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from pydantic import SecretStr

from bot.store.factory import make_store
from bot.store.protocol import MemoryStore
from bot.store.redis_store import RedisStore
from bot.store.resilient import ResilientStore


@dataclass
class FakeSettings:
    redis_url: object


@pytest.mark.parametrize("url", [None, "", "   "])
def test_no_url_is_memory(url: str | None) -> None:
    assert isinstance(make_store(FakeSettings(url)), MemoryStore)


def test_a_url_is_redis_behind_failover(redis_url: str) -> None:
    store = make_store(FakeSettings(redis_url))
    assert isinstance(store, ResilientStore) and isinstance(store.primary, RedisStore)
    assert store.claim("event:factory", 60)
    assert store.primary.client.exists("errcode:claim:event:factory")


def test_a_secret_url_is_accepted(redis_url: str) -> None:
    store = make_store(FakeSettings(SecretStr(redis_url)))
    assert isinstance(store, ResilientStore)


def test_an_unreachable_redis_does_not_stop_the_start() -> None:
    store = make_store(FakeSettings("redis://127.0.0.1:1/0"))
    assert store.claim("event:x", 60)
    assert not store.claim("event:x", 60)
