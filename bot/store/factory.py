"""Build the state store from the settings: memory by default, Redis when configured."""

from __future__ import annotations

from typing import Protocol

from bot.errors import ErrcodeError
from bot.store.protocol import MemoryStore, StateStore

__all__ = ["make_store", "open_shared_store"]


class _HasRedisUrl(Protocol):
    # Only the one attribute is needed, so tests and the CLI can pass any object
    # carrying it rather than a full Settings.
    @property
    def redis_url(self) -> str | None: ...


def make_store(settings: _HasRedisUrl, *, retry_interval: float = 5.0) -> StateStore:
    """A :class:`MemoryStore` when ``settings.redis_url`` is unset or blank, else a
    :class:`ResilientStore` over a :class:`RedisStore` at that URL.

    Connecting is lazy: a Redis that is down at start-up does not stop the bot,
    which starts on memory and moves to Redis once it answers.

    :param retry_interval: seconds between attempts to reach a Redis that failed.
    """
    url = (settings.redis_url or "").strip()
    if not url:
        return MemoryStore()
    # Imported here so that a deployment without Redis never loads the client.
    from bot.store.redis_store import RedisStore
    from bot.store.resilient import ResilientStore

    return ResilientStore(RedisStore.from_url(url), retry_interval=retry_interval)


def open_shared_store(settings: _HasRedisUrl, *, timeout: float = 3.0) -> StateStore:
    """The shared store alone, checked to answer now: what ``errcode stats`` reads.

    :param timeout: seconds for connecting and for each reply.
    :raises ErrcodeError: when no Redis is configured or it cannot be reached.
    """
    url = (settings.redis_url or "").strip()
    if not url:
        raise ErrcodeError(
            "ERRCODE_REDIS_URL is not set: usage counts live in each bot process's "
            "memory, out of reach of the command line; use /errcode stats in Slack"
        )
    from bot.store.redis_store import RedisStore, StoreUnavailable

    # Straight to Redis, no fallback: an empty answer from a memory fallback would
    # look like "nobody asked anything" when the truth is "Redis is unreachable".
    store = RedisStore.from_url(url, timeout=timeout)
    try:
        store.ping()
    except StoreUnavailable as exc:
        raise ErrcodeError(f"cannot reach Redis ({type(exc).__name__})") from None
    return store
