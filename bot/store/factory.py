"""Build the state store from the settings: memory by default, Redis when configured."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from bot.errors import ErrcodeError
from bot.store.outbox import Outbox
from bot.store.protocol import MemoryStore, StateStore
from bot.store.shard import OutageShare, Shard

if TYPE_CHECKING:
    from bot.store.redis_store import RedisAccess, RedisStore

__all__ = ["make_outage_share", "make_outbox", "make_store", "open_shared_store"]


class _Secret(Protocol):
    # pydantic's SecretStr, unwrapped only when a client is built.
    def get_secret_value(self) -> str: ...


class _RedisLocation(Protocol):
    # Where Redis is and how to get in, and nothing else: bot.settings.RedisSettings, or
    # any object carrying these (the store may not import the settings).
    @property
    def redis_url(self) -> str | None: ...
    @property
    def redis_sentinels(self) -> tuple[str, ...]: ...
    @property
    def redis_master(self) -> str | None: ...
    @property
    def redis_password(self) -> _Secret | None: ...
    @property
    def redis_sentinel_password(self) -> _Secret | None: ...
    @property
    def redis_sentinel_tls(self) -> bool: ...
    @property
    def redis_tls_ca_file(self) -> str | None: ...


def _access(settings: _RedisLocation) -> RedisAccess:
    from bot.store.redis_store import RedisAccess

    def unwrap(secret: _Secret | None) -> str | None:
        return None if secret is None else secret.get_secret_value()

    return RedisAccess(
        password=unwrap(settings.redis_password),
        sentinel_password=unwrap(settings.redis_sentinel_password),
        sentinel_tls=settings.redis_sentinel_tls,
        ca_file=settings.redis_tls_ca_file,
    )


def _redis(settings: _RedisLocation, timeout: float) -> RedisStore | None:
    """The RedisStore the settings name (a URL, or Sentinels), or None for memory."""
    from bot.store.redis_store import RedisStore

    access = _access(settings)
    if settings.redis_sentinels:
        master = settings.redis_master or ""
        return RedisStore.from_sentinels(
            settings.redis_sentinels, master, timeout=timeout, access=access
        )
    url = (settings.redis_url or "").strip()
    return RedisStore.from_url(url, timeout=timeout, access=access) if url else None


def make_outbox(
    settings: _RedisLocation, *, claim_seconds: float = 60.0, store: StateStore | None = None
) -> Outbox | None:
    """The replicas' shared outbox on the settings' Redis, or None without one.

    Its client waits longer than the store's: a worker's XREADGROUP blocks for a second.
    Behind Sentinel there is a replica to fail over to, so a job is put only once the
    replica has it too (``WAIT``): a failover then never loses a reply already acked.

    :param store: the bot's state store on the same Redis: while it finds Redis down,
        the outbox fails at once instead of waiting out its timeout, and replies stay
        in the process (a hanging Redis must not hold a thread per reply for seconds).
    """
    shared = _redis(settings, timeout=5.0)
    if shared is None:
        return None
    from bot.store.redis_outbox import RedisOutbox
    from bot.store.resilient import ResilientStore

    available = (lambda: store.healthy) if isinstance(store, ResilientStore) else None
    return RedisOutbox(
        shared.client,
        claim_seconds=claim_seconds,
        wait_replicas=1 if settings.redis_sentinels else 0,
        available=available,
    )


def make_store(settings: _RedisLocation, *, retry_interval: float = 2.0) -> StateStore:
    """A :class:`MemoryStore` when no Redis is configured, else a :class:`ResilientStore`
    over a :class:`RedisStore` at the URL or behind the Sentinels.

    Connecting is lazy: a Redis that is down at start-up does not stop the bot,
    which starts on memory and moves to Redis once it answers.

    :param retry_interval: seconds between attempts to reach a Redis that failed
        (``ERRCODE_REDIS_RETRY_SECONDS``).
    """
    # Imported in _redis so that a deployment without Redis never loads the client.
    shared = _redis(settings, timeout=0.5)
    if shared is None:
        return MemoryStore()
    from bot.store.resilient import ResilientStore

    return ResilientStore(shared, retry_interval=retry_interval)


def make_outage_share(
    store: StateStore, replicas: int | None, index: int | None
) -> OutageShare | None:
    """What to refuse during an outage of ``store``'s Redis when there are ``replicas``
    replicas and this is number ``index``; None when not set up (or nothing is shared).

    The refusals go on for one retry interval (and a second) after this replica finds
    Redis back: by then every replica with traffic has tried it again and replayed.
    """
    from bot.store.resilient import ResilientStore

    if replicas is None or index is None or not isinstance(store, ResilientStore):
        return None
    grace = store.retry_interval + 1.0
    return OutageShare(Shard(index, replicas), store, grace=grace, clock=store.clock)


def open_shared_store(settings: _RedisLocation, *, timeout: float = 3.0) -> StateStore:
    """The shared store alone, checked to answer now: what ``errcode stats`` reads.

    :param timeout: seconds for connecting and for each reply.
    :raises ErrcodeError: when no Redis is configured or it cannot be reached.
    """
    url = (settings.redis_url or "").strip()
    if not url and not settings.redis_sentinels:
        raise ErrcodeError(
            "ERRCODE_REDIS_URL is not set: usage counts live in each bot process's "
            "memory, out of reach of the command line; use /errcode stats in Slack"
        )
    from bot.store.redis_store import StoreUnavailable

    # Straight to Redis, no fallback: an empty answer from a memory fallback would
    # look like "nobody asked anything" when the truth is "Redis is unreachable".
    store = _redis(settings, timeout)
    assert store is not None
    try:
        store.ping()
    except StoreUnavailable as exc:
        raise ErrcodeError(f"cannot reach Redis ({type(exc).__name__})") from None
    return store
