"""Choose the state store from the settings: memory by default, Redis when configured."""

from __future__ import annotations

from typing import Protocol

from bot.store.protocol import MemoryStore, StateStore

__all__ = ["make_store"]


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
    raw: object = getattr(settings, "redis_url", None)
    # Accept a SecretStr too: a Redis URL may carry a password.
    reveal = getattr(raw, "get_secret_value", None)
    url = str(reveal() if callable(reveal) else raw or "").strip()
    if not url:
        return MemoryStore()
    # Imported here so that a deployment without Redis never loads the client.
    from bot.store.redis_store import RedisStore
    from bot.store.resilient import ResilientStore

    return ResilientStore(RedisStore.from_url(url), retry_interval=retry_interval)
