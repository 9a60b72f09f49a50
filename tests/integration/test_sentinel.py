"""Redis through Sentinel: a master killed mid-run is replaced, and the store keeps working.

Real processes on loopback (``tests/redis_sentinel.py``): a master, a replica and one
Sentinel (quorum 1), started by the test on free ports; failover is tuned to take about
a second. The same group runs with passwords (the data nodes' ``requirepass``, the
Sentinel's ``requirepass`` and ``sentinel sentinel-pass``) and with TLS only.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from redis_fixtures import require_redis_server
from redis_sentinel import SentinelGroup, wait_until
from redis_server import TlsFiles

from bot.errors import ErrcodeError
from bot.store.factory import make_store, open_shared_store
from bot.store.redis_store import RedisStore
from bot.store.resilient import ResilientStore

pytestmark = pytest.mark.e2e

PASSWORD = "master-pass-7c1e"
SENTINEL_PASSWORD = "sentinel-pass-49ab"


def _group(**options: object) -> Iterator[SentinelGroup]:
    require_redis_server()
    with SentinelGroup(**options) as group:  # type: ignore[arg-type]
        yield group


@pytest.fixture
def sentinel_group() -> Iterator[SentinelGroup]:
    yield from _group()


@pytest.fixture
def guarded_group() -> Iterator[SentinelGroup]:
    """Every process asks for a password: the master's differs from the Sentinel's."""
    yield from _group(password=PASSWORD, sentinel_password=SENTINEL_PASSWORD)


@pytest.fixture
def tls_group(tmp_path: Path) -> Iterator[SentinelGroup]:
    """TLS only, certificates from a CA of the test's own, and passwords as well."""
    tls = TlsFiles.make(tmp_path)
    yield from _group(password=PASSWORD, sentinel_password=SENTINEL_PASSWORD, tls=tls)


def _fails_over(group: SentinelGroup) -> None:
    """Claims before and after a SIGKILL of the master: the store answers throughout."""
    store = make_store(group.settings(), retry_interval=0.2)
    assert isinstance(store, ResilientStore)
    assert store.claim("event:before", 600)
    assert not store.claim("event:before", 600)
    group.kill_master()
    new_master = group.wait_failover()
    # The store answers all along (memory during the gap), and goes back to Redis: the
    # promoted replica, which has the claim made before the failover.
    wait_until(
        lambda: store.claim(f"event:probe:{time.monotonic()}", 600) and store.healthy,
        15,
        "the store never reached the new master",
    )
    assert not store.claim("event:before", 600)
    assert store.claim("event:after", 600)
    assert group.client(new_master).exists("errcode:claim:event:after")


def test_a_sentinel_failover_keeps_the_store_working(sentinel_group: SentinelGroup) -> None:
    _fails_over(sentinel_group)


def test_passwords_reach_the_sentinel_and_the_master(guarded_group: SentinelGroup) -> None:
    # Each password is really asked for: without it, the process refuses.
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(port=guarded_group.sentinel_port).ping()
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(port=guarded_group.master.port).ping()
    _fails_over(guarded_group)


@pytest.mark.parametrize(
    "wrong",
    [
        {"ERRCODE_REDIS_SENTINEL_PASSWORD": "not-it"},
        {"ERRCODE_REDIS_PASSWORD": "not-it"},
        {"ERRCODE_REDIS_SENTINEL_PASSWORD": ""},
    ],
    ids=["wrong sentinel password", "wrong master password", "no sentinel password"],
)
def test_a_wrong_password_is_an_error_that_shows_no_password(
    guarded_group: SentinelGroup, wrong: dict[str, str]
) -> None:
    from bot.settings import load_store_settings

    env = guarded_group.env() | wrong
    settings = load_store_settings(
        **{name.removeprefix("ERRCODE_").lower(): value for name, value in env.items()}
    )
    with pytest.raises(ErrcodeError) as caught:
        open_shared_store(settings, timeout=2)
    for secret in (PASSWORD, SENTINEL_PASSWORD, "not-it"):
        assert secret not in str(caught.value)


def test_tls_through_the_sentinel_to_the_master(tls_group: SentinelGroup) -> None:
    # Plain TCP gets nowhere: every process speaks TLS only.
    with pytest.raises(redis.ConnectionError):
        redis.Redis(port=tls_group.sentinel_port, socket_timeout=2).ping()
    store = open_shared_store(tls_group.settings(), timeout=2)
    assert isinstance(store, RedisStore)
    assert store.claim("event:tls", 60)
    _fails_over(tls_group)
