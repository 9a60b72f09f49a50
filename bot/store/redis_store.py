"""The :class:`~bot.store.StateStore` on Redis, so that replicas share what they remember.

The only module that imports ``redis``. Keys, all under one prefix so that the
bot can share a Redis with other programs (``errcode:`` by default)::

    errcode:claim:<key>                   string, SET NX EX: dedupe and cooldowns
    errcode:muted                         set of muted channel ids
    errcode:channel_product               hash channel id -> product id
    errcode:lookups:<team>:<YYYY-MM-DD>   hash key -> count, one per team and day
    errcode:unknown-top:<team>:<YYYY-MM-DD>
                                          sorted set query -> count, trimmed to the
                                          UNKNOWN_TOP_K highest on each write
    errcode:votes:<team>:<answer>         hash "<entry>|<user>" -> "1" helpful, "0" not (30 days)
    errcode:feedback:<team>               hash "up|<entry>" / "down|<entry>" -> count
    errcode:comments:<team>:<entry>       list of comments, newest first, the newest 50
    errcode:reply:<channel>:<ts>          string, SET EX: the bot's reply to that message

Usage keys expire ``retention_days`` after their last write, so Redis holds
about a week and a bit of counts and never needs a cleanup job. (Before the
sorted sets, unknown codes were an unbounded hash, ``errcode:unknown:...``: such
keys are no longer read and expire by themselves.)
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from redis.sentinel import Sentinel

from bot.store.protocol import (
    MAX_COMMENTS,
    UNKNOWN_TOP_K,
    VOTE_TTL,
    by_votes,
    stored_query,
    top_counts,
)

__all__ = [
    "DEFAULT_PREFIX",
    "RedisAccess",
    "RedisStore",
    "StoreUnavailable",
    "redis_client",
    "sentinel_client",
]

#: The prefix of every key errcode writes.
DEFAULT_PREFIX = "errcode:"

_UNKNOWN = "unknown-top"

#: What a failing Redis raises through :class:`RedisStore`: connection refused,
#: timeouts, a server that answers with an error (read-only replica, OOM, ...).
StoreUnavailable: tuple[type[BaseException], ...] = (redis.RedisError, OSError)


#: One person's vote on one entry of one answer, atomically: a repeated vote changes
#: nothing, a changed vote moves one count from one side to the other.
#: KEYS: the answer's votes hash, the team's counts hash.
#: ARGV: "<entry>|<user>", "1" or "0", the entry, the votes hash's TTL.
_VOTE = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old == ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
if old then
  redis.call('HINCRBY', KEYS[2], (old == '1' and 'up|' or 'down|') .. ARGV[3], -1)
end
redis.call('HINCRBY', KEYS[2], (ARGV[2] == '1' and 'up|' or 'down|') .. ARGV[3], 1)
return 1
"""


@dataclass(frozen=True)
class RedisAccess:
    """How to get in: passwords and TLS, beyond where Redis is.

    Plain strings, unwrapped from the settings' secrets only here, where the client
    needs them; ``repr`` never shows them.

    :param password: the data nodes' (the master's, with Sentinel); with a URL, used
        when the URL has none.
    :param sentinel_password: the Sentinels' own.
    :param sentinel_tls: TLS to the Sentinels and to the master they name.
    :param ca_file: the CA bundle that signed the certificates (TLS only).
    """

    password: str | None = dataclasses.field(default=None, repr=False)
    sentinel_password: str | None = dataclasses.field(default=None, repr=False)
    sentinel_tls: bool = False
    ca_file: str | None = None

    def tls_kwargs(self) -> dict[str, Any]:
        """redis-py's TLS arguments (hostnames checked, as redis-py does by default)."""
        return {"ssl": True, **({"ssl_ca_certs": self.ca_file} if self.ca_file else {})}


def redis_client(url: str, *, timeout: float, access: RedisAccess | None = None) -> redis.Redis:
    """A client for ``url``: ``timeout`` for connecting and each reply, no client retries."""
    access = access or RedisAccess()
    extra: dict[str, Any] = {}
    if access.password:
        extra["password"] = access.password  # the URL's own, if any, wins (redis-py)
    if access.ca_file and url.startswith("rediss://"):
        extra["ssl_ca_certs"] = access.ca_file
    return redis.Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
        decode_responses=True,
        **extra,
    )


def sentinel_client(
    sentinels: tuple[str, ...],
    master: str,
    *,
    timeout: float,
    access: RedisAccess | None = None,
) -> redis.Redis:
    """A client for the master that ``sentinels`` (``host:port``) watch under ``master``.

    The Sentinels are asked with ``access.sentinel_password`` (redis-py's
    ``sentinel_kwargs``), the master with ``access.password``; both over TLS when
    ``access.sentinel_tls``.
    """
    access = access or RedisAccess()
    hosts = [(host, int(port)) for host, _, port in (s.rpartition(":") for s in sentinels)]
    tls = access.tls_kwargs() if access.sentinel_tls else {}
    sentinel = Sentinel(  # type: ignore[no-untyped-call]
        hosts,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        sentinel_kwargs={
            "socket_timeout": timeout,
            "socket_connect_timeout": timeout,
            "password": access.sentinel_password,
            **tls,
        },
    )
    client: redis.Redis = sentinel.master_for(  # type: ignore[no-untyped-call]
        master,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
        decode_responses=True,
        password=access.password,
        **tls,
    )
    return client


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
        self._vote = client.register_script(_VOTE)

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        timeout: float = 0.5,
        prefix: str = DEFAULT_PREFIX,
        access: RedisAccess | None = None,
    ) -> RedisStore:
        """Connect lazily to ``url`` (``redis://host:6379/0``, ``rediss://`` for TLS).

        :param timeout: seconds for connecting and for each reply. Short, and with
            no client-side retries, because a handler waiting on a dead Redis is
            a reply Slack sees as late; the caller falls back instead of waiting.
        :param access: a password apart from the URL, a CA for ``rediss://``.
        """
        client = redis_client(url, timeout=timeout, access=access)
        return cls(client, prefix=prefix)

    @classmethod
    def from_sentinels(
        cls,
        sentinels: tuple[str, ...],
        master: str,
        *,
        timeout: float = 0.5,
        prefix: str = DEFAULT_PREFIX,
        access: RedisAccess | None = None,
    ) -> RedisStore:
        """Connect lazily to the master that ``sentinels`` (``host:port``) name ``master``.

        redis-py asks a Sentinel for the master's address on each new connection, and
        drops its connections when the master it reaches says it is a replica, so after
        a failover the next call (after the resilient store's retry) finds the new one.

        :param access: passwords (the master's, the Sentinels') and TLS.
        """
        client = sentinel_client(sentinels, master, timeout=timeout, access=access)
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

    def set_channel_product(self, channel: str, product: str | None) -> None:
        if product is None:
            self._redis.hdel(self._key("channel_product"), channel)
        else:
            self._redis.hset(self._key("channel_product"), channel, product)

    def channel_product(self, channel: str) -> str | None:
        product = self._redis.hget(self._key("channel_product"), channel)
        return str(product) if product is not None else None

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
        for kind in ("lookups", _UNKNOWN, "feedback"):
            head = self._key(kind, "")
            # SCAN, not KEYS: never block a Redis shared with the live bot.
            for key in self._redis.scan_iter(match=head + "*", count=500):
                rest = str(key)[len(head) :]
                found.add(rest if kind == "feedback" else rest.rpartition(":")[0])
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

    # -- feedback and replies ------------------------------------------------------

    def vote(self, team: str, answer: str, entry: str, user: str, helpful: bool) -> bool:
        keys = [self._key("votes", team, answer), self._key("feedback", team)]
        args = [f"{entry}|{user}", "1" if helpful else "0", entry, VOTE_TTL]
        return bool(self._vote(keys=keys, args=args))

    def add_comment(self, team: str, entry: str, comment: str) -> None:
        key = self._key("comments", team, entry)
        pipe = self._redis.pipeline(transaction=True)
        pipe.lpush(key, comment)
        pipe.ltrim(key, 0, MAX_COMMENTS - 1)
        pipe.execute()

    def feedback(self, team: str) -> list[tuple[str, int, int]]:
        counts: dict[str, tuple[int, int]] = {}
        stored: dict[Any, Any] = self._redis.hgetall(self._key("feedback", team))
        for field, value in stored.items():
            side, _, entry = str(field).partition("|")
            up, down = counts.get(entry, (0, 0))
            counts[entry] = (up + int(value), down) if side == "up" else (up, down + int(value))
        return by_votes(counts)

    def comments(self, team: str, entry: str, limit: int) -> list[str]:
        if limit <= 0:
            return []
        found: list[Any] = self._redis.lrange(self._key("comments", team, entry), 0, limit - 1)
        return [str(comment) for comment in found]

    def set_reply(self, channel: str, ts: str, reply: str, ttl_seconds: int) -> None:
        self._redis.set(self._key("reply", channel, ts), reply, ex=max(1, ttl_seconds))

    def reply_to(self, channel: str, ts: str) -> str | None:
        found = self._redis.get(self._key("reply", channel, ts))
        return None if found is None else str(found)

    def forget_reply(self, channel: str, ts: str) -> None:
        self._redis.delete(self._key("reply", channel, ts))
