"""The :class:`~bot.store.StateStore` on Redis, so that replicas share what they remember.

The only module that imports ``redis``. Keys, all under one prefix so that the
bot can share a Redis with other programs (``errcode:`` by default)::

    errcode:claim:<key>                   string, SET NX EX: dedupe and cooldowns
    errcode:muted                         set of muted channel ids
    errcode:lookups:<team>:<YYYY-MM-DD>   hash key -> count, one per team and day
    errcode:unknown-top:<team>:<YYYY-MM-DD>
                                          sorted set query -> count, trimmed to the
                                          UNKNOWN_TOP_K highest on each write

Usage keys expire ``retention_days`` after their last write, so Redis holds
about a week and a bit of counts and never needs a cleanup job. (Before the
sorted sets, unknown codes were an unbounded hash, ``errcode:unknown:...``: such
keys are no longer read and expire by themselves.)
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from bot.store.protocol import UNKNOWN_TOP_K, stored_query, top_counts

__all__ = ["DEFAULT_PREFIX", "RedisStore", "StoreUnavailable"]

#: The prefix of every key errcode writes.
DEFAULT_PREFIX = "errcode:"

_UNKNOWN = "unknown-top"

#: What a failing Redis raises through :class:`RedisStore`: connection refused,
#: timeouts, a server that answers with an error (read-only replica, OOM, ...).
StoreUnavailable: tuple[type[BaseException], ...] = (redis.RedisError, OSError)


class RedisStore:
    """Shared state on one Redis (or a managed Redis-compatible service).

    :param client: a ready ``redis.Redis``; see :meth:`from_url` to build one.
    :param prefix: prepended to every key.
    :param retention_days: how long a day's usage counts live after their last
        write; above 7 so that ``/errcode stats`` over a week always has them.
    """

    def __init__(
        self, client: redis.Redis, prefix: str = DEFAULT_PREFIX, retention_days: int = 9
    ) -> None:
        self._redis = client
        self._prefix = prefix
        self._retention_seconds = retention_days * 86_400

    @classmethod
    def from_url(
        cls, url: str, *, timeout: float = 0.5, prefix: str = DEFAULT_PREFIX
    ) -> RedisStore:
        """Connect lazily to ``url`` (``redis://host:6379/0``, ``rediss://`` for TLS).

        :param timeout: seconds for connecting and for each reply. Short, and with
            no client-side retries, because a handler waiting on a dead Redis is
            a reply Slack sees as late; the caller falls back instead of waiting.
        """
        client = redis.Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
            decode_responses=True,
        )
        return cls(client, prefix=prefix)

    @property
    def client(self) -> redis.Redis:
        """The underlying client (tests and health checks)."""
        return self._redis

    def ping(self) -> bool:
        """True when Redis answers; raises one of :data:`StoreUnavailable` when not."""
        return bool(self._redis.ping())

    def close(self) -> None:
        self._redis.close()

    def _key(self, *parts: str) -> str:
        return self._prefix + ":".join(parts)

    def claim(self, key: str, ttl_seconds: int) -> bool:
        # Redis refuses EX 0; a claim shorter than a second is a one-second claim.
        return bool(self._redis.set(self._key("claim", key), "1", nx=True, ex=max(1, ttl_seconds)))

    def set_muted(self, channel: str, muted: bool) -> None:
        if muted:
            self._redis.sadd(self._key("muted"), channel)
        else:
            self._redis.srem(self._key("muted"), channel)

    def is_muted(self, channel: str) -> bool:
        return bool(self._redis.sismember(self._key("muted"), channel))

    def record_lookup(self, team: str, key: str, day: date) -> None:
        self._count("lookups", team, key, day)

    def record_unknown(self, team: str, query: str, day: date) -> None:
        key = self._key(_UNKNOWN, team, day.isoformat())
        pipe = self._redis.pipeline(transaction=True)
        pipe.zincrby(key, 1, stored_query(query))
        # Keep the K highest: ranks 0 .. -(K+1) are the lowest scores beyond them.
        pipe.zremrangebyrank(key, 0, -(UNKNOWN_TOP_K + 1))
        pipe.expire(key, self._retention_seconds)
        pipe.execute()

    def top_lookups(self, team: str, days: list[date], limit: int) -> list[tuple[str, int]]:
        return self._top("lookups", team, days, limit)

    def top_unknown(self, team: str, days: list[date], limit: int) -> list[tuple[str, int]]:
        pipe = self._redis.pipeline(transaction=False)
        for day in days:
            pipe.zrange(self._key(_UNKNOWN, team, day.isoformat()), 0, -1, withscores=True)
        total: Counter[str] = Counter()
        for pairs in pipe.execute():
            total.update({str(query): int(score) for query, score in pairs})
        return top_counts(total, limit)

    def teams(self) -> list[str]:
        """The workspaces with usage counts still stored, sorted (for ``errcode stats``)."""
        found: set[str] = set()
        for kind in ("lookups", _UNKNOWN):
            head = self._key(kind, "")
            # SCAN, not KEYS: never block a Redis shared with the live bot.
            for key in self._redis.scan_iter(match=head + "*", count=500):
                found.add(str(key)[len(head) :].rpartition(":")[0])
        return sorted(found)

    def _count(self, kind: str, team: str, field: str, day: date) -> None:
        key = self._key(kind, team, day.isoformat())
        # One round trip, atomic: a count never lands without its expiry.
        pipe = self._redis.pipeline(transaction=True)
        pipe.hincrby(key, field, 1)
        pipe.expire(key, self._retention_seconds)
        pipe.execute()

    def _top(self, kind: str, team: str, days: list[date], limit: int) -> list[tuple[str, int]]:
        pipe = self._redis.pipeline(transaction=False)
        for day in days:
            pipe.hgetall(self._key(kind, team, day.isoformat()))
        total: Counter[str] = Counter()
        hashes: list[dict[Any, Any]] = pipe.execute()
        for counts in hashes:
            total.update({str(field): int(value) for field, value in counts.items()})
        return top_counts(total, limit)
