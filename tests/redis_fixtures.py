"""Pytest fixtures for a real Redis, registered from ``tests/conftest.py``.

``redis_server`` is one server for the whole session; ``redis_store`` gives each
test an empty database on it. ``own_redis`` is a server of the test's own, which
the test may stop and start to simulate an outage without disturbing others;
``module_redis`` is the same for a test module (slow fixtures built on it, like
``errcode serve`` processes, then start once per module).

When ``redis-server`` is missing, the tests that need it are skipped on a
developer's machine but fail in CI (``CI=true``), where a silent skip would hide
a broken install step.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from redis_server import RedisServer, RedisServerMissing

from bot.store.redis_store import RedisStore

__all__ = [
    "module_redis",
    "own_redis",
    "redis_server",
    "redis_store",
    "redis_url",
    "require_redis_server",
]


def require_redis_server() -> None:
    """Skip the test when ``redis-server`` is missing; fail it in CI (``CI=true``)."""
    try:
        RedisServer()
    except RedisServerMissing as exc:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"{exc} (CI=true: Redis tests must not be skipped)", pytrace=False)
        pytest.skip(str(exc))


def _new_server() -> RedisServer:
    require_redis_server()
    return RedisServer()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One running redis-server for the session; do not stop it in a test."""
    server = _new_server()
    with server:
        yield server


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The session server's URL."""
    return redis_server.url


@pytest.fixture
def redis_store(redis_server: RedisServer) -> Iterator[RedisStore]:
    """A RedisStore on an emptied database of the session server."""
    store = RedisStore.from_url(redis_server.url)
    store.client.flushdb()
    yield store
    store.close()


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A running redis-server of this test's own: ``stop()`` and ``start()`` it freely."""
    server = _new_server()
    with server:
        yield server


@pytest.fixture(scope="module")
def module_redis() -> Iterator[RedisServer]:
    """A redis-server for one test module; a test that stops it must start it again."""
    server = _new_server()
    with server:
        yield server
