"""make_store: memory unless a Redis URL is configured; open_shared_store: Redis or an error."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from pydantic import SecretStr
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
    redis_password: SecretStr | None = None
    redis_sentinel_password: SecretStr | None = None
    redis_sentinel_tls: bool = False
    redis_tls_ca_file: str | None = None


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


def test_a_password_apart_from_the_url_gets_in() -> None:
    with RedisServer(password="pw-apart-5d1") as guarded:
        bare = f"redis://127.0.0.1:{guarded.port}/0"
        with pytest.raises(ErrcodeError, match="cannot reach Redis"):
            open_shared_store(FakeSettings(bare))
        store = open_shared_store(FakeSettings(bare, redis_password=SecretStr("pw-apart-5d1")))
        assert store.claim("event:guarded", 60)
        # A password in the URL wins over the setting (redis-py's rule).
        inside = open_shared_store(FakeSettings(guarded.url, redis_password=SecretStr("wrong")))
        assert inside.claim("event:guarded-2", 60)


def test_sentinel_access_reaches_the_client() -> None:
    settings = FakeSettings(
        None,
        redis_sentinels=("127.0.0.1:1",),
        redis_master="errcode",
        redis_password=SecretStr("master-pw"),
        redis_sentinel_password=SecretStr("sentinel-pw"),
        redis_sentinel_tls=True,
        redis_tls_ca_file="/etc/ssl/ca.pem",
    )
    store = make_store(settings)
    assert isinstance(store, ResilientStore) and isinstance(store.primary, RedisStore)
    pool = store.primary.client.connection_pool
    assert pool.connection_kwargs["password"] == "master-pw"
    assert pool.connection_kwargs["ssl_ca_certs"] == "/etc/ssl/ca.pem"
    assert "SSL" in pool.connection_class.__name__
    sentinel = pool.sentinel_manager.sentinels[0]  # type: ignore[attr-defined]
    kwargs = sentinel.connection_pool.connection_kwargs
    assert kwargs["password"] == "sentinel-pw" and kwargs["ssl_ca_certs"] == "/etc/ssl/ca.pem"
    assert "master-pw" not in repr(store.primary.client) + repr(pool)
