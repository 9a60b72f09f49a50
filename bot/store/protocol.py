"""What the bot remembers between messages, behind one small interface.

One primitive, :meth:`StateStore.claim`, serves both event dedupe and reply
cooldowns: it sets a key only if absent, with a time to live, and says whether
this caller was the one that set it (Redis ``SET NX EX``). Mutes, each channel's
product (``/errcode product``) and usage counts complete the interface.
:class:`MemoryStore` is the embedded default; ``store_redis.RedisStore`` shares the
same state between replicas.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Protocol

__all__ = [
    "MAX_COMMENTS",
    "MAX_QUERY_CHARS",
    "UNKNOWN_TOP_K",
    "VOTE_TTL",
    "MemoryStore",
    "StateStore",
    "days_back",
    "stored_query",
    "top_counts",
]

#: How long one person's vote on one answer is remembered (and can be changed).
VOTE_TTL = 30 * 86_400
#: Comments kept per entry and workspace: the newest.
MAX_COMMENTS = 50
#: Unknown codes kept per workspace and day: the K most asked. Anyone can ask for
#: endless distinct codes, so the list is trimmed rather than grown (Redis: a sorted set
#: trimmed to K on each write; memory: trimmed back to K once it reaches 2K).
UNKNOWN_TOP_K = 500

#: An unknown query is stored cut to this many characters: codes are short, and a
#: 40,000-character question must not become a 40,000-character key.
MAX_QUERY_CHARS = 64


class StateStore(Protocol):
    """Shared state: dedupe and cooldown claims, channel mutes, usage counts."""

    def claim(self, key: str, ttl_seconds: int) -> bool:
        """Set ``key`` if absent for ``ttl_seconds``; True if this call set it."""
        ...

    def set_muted(self, channel: str, muted: bool) -> None:
        """Turn channel auto-replies off (``muted=True``) or back on."""
        ...

    def is_muted(self, channel: str) -> bool: ...

    def set_channel_product(self, channel: str, product: str | None) -> None:
        """Set the product a channel is about (``"commsease"``), or clear it (``None``)."""
        ...

    def channel_product(self, channel: str) -> str | None:
        """The product the channel is set to; ``None`` when it is set to none."""
        ...

    def record_lookup(self, team: str, key: str, day: date) -> None:
        """Count one answer for ``key`` (``"bems:1027"``) in ``team`` on ``day``."""
        ...

    def record_unknown(self, team: str, query: str, day: date) -> None:
        """Count one code people asked for that the tables lack."""
        ...

    def top_lookups(self, team: str, days: list[date], limit: int) -> list[tuple[str, int]]:
        """The most answered keys over ``days``, most first."""
        ...

    def top_unknown(self, team: str, days: list[date], limit: int) -> list[tuple[str, int]]: ...

    def teams(self) -> list[str]:
        """The workspaces with usage counts still kept, sorted (``errcode stats``)."""
        ...

    # -- feedback on answers, and the bot's reply to each explained message ----------

    def vote(self, team: str, answer: str, entry: str, user: str, helpful: bool) -> bool:
        """Count ``user``'s vote on ``entry`` in ``answer``; True if the counts changed.

        One vote per person per answer: voting again replaces the vote (moving the
        count from one side to the other) and is never counted twice.
        """
        ...

    def add_comment(self, team: str, entry: str, comment: str) -> None:
        """Keep what someone said was wrong or missing in ``entry`` (the newest few)."""
        ...

    def feedback(self, team: str) -> list[tuple[str, int, int]]:
        """``(entry, helpful, not_helpful)`` for each entry voted on, most votes first."""
        ...

    def comments(self, team: str, entry: str, limit: int) -> list[str]:
        """The newest ``limit`` comments on ``entry``, newest first."""
        ...

    def set_reply(self, channel: str, ts: str, reply: str, ttl_seconds: int) -> None:
        """Remember the bot's reply (``reply``, opaque) to message ``ts`` for ``ttl_seconds``."""
        ...

    def reply_to(self, channel: str, ts: str) -> str | None:
        """The reply remembered for message ``ts``, if any."""
        ...

    def forget_reply(self, channel: str, ts: str) -> None: ...


def days_back(today: date, count: int) -> list[date]:
    """``count`` days ending with ``today``, newest first."""
    return [today - timedelta(days=offset) for offset in range(count)]


def stored_query(query: str) -> str:
    """An unknown query as the stores keep it: at most :data:`MAX_QUERY_CHARS` characters."""
    return query[:MAX_QUERY_CHARS]


def top_counts(counts: Counter[str], limit: int) -> list[tuple[str, int]]:
    """The ``limit`` largest counts, most first; ties by name so every backend agrees."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: max(0, limit)]


def by_votes(counts: dict[str, tuple[int, int]]) -> list[tuple[str, int, int]]:
    """``(entry, helpful, not_helpful)``, most votes first, then most not helpful, then name."""
    rows = [(entry, up, down) for entry, (up, down) in counts.items() if up or down]
    return sorted(rows, key=lambda r: (-(r[1] + r[2]), -r[2], r[0]))


class MemoryStore:
    """Per-process state; expired claims are dropped, so memory stays bounded.

    :param max_claims: the most live claims kept; the oldest go first beyond it.
    :param clock: monotonic seconds, replaceable in tests.
    :param retention_days: usage counts older than this many days before the
        newest day recorded are dropped, as Redis expires them.
    """

    def __init__(
        self,
        max_claims: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
        retention_days: int = 9,
    ) -> None:
        self._lock = threading.Lock()
        self._claims: OrderedDict[str, float] = OrderedDict()
        self._max_claims = max_claims
        self._clock = clock
        self._muted: set[str] = set()
        self._products: dict[str, str] = {}
        self._lookups: dict[tuple[str, date], Counter[str]] = {}
        self._unknown: dict[tuple[str, date], Counter[str]] = {}
        self._retention = timedelta(days=retention_days)
        self._votes: OrderedDict[tuple[str, str, str, str], tuple[bool, float]] = OrderedDict()
        self._feedback: dict[str, dict[str, tuple[int, int]]] = {}
        self._comments: dict[tuple[str, str], list[str]] = {}
        self._replies: OrderedDict[tuple[str, str], tuple[str, float]] = OrderedDict()

    def claim(self, key: str, ttl_seconds: int) -> bool:
        now = self._clock()
        with self._lock:
            self._expire(now)
            expires = self._claims.get(key)
            if expires is not None and expires > now:
                return False
            self._claims[key] = now + ttl_seconds
            self._claims.move_to_end(key)
            while len(self._claims) > self._max_claims:
                self._claims.popitem(last=False)
            return True

    def _expire(self, now: float) -> None:
        # Claims are appended in time order per TTL; drop expired ones from the front.
        # With mixed TTLs an expired claim can wait behind a longer one: harmless,
        # since claim() compares the key's own expiry, and max_claims bounds it.
        while self._claims:
            key, expires = next(iter(self._claims.items()))
            if expires > now:
                break
            del self._claims[key]

    def set_muted(self, channel: str, muted: bool) -> None:
        with self._lock:
            (self._muted.add if muted else self._muted.discard)(channel)

    def is_muted(self, channel: str) -> bool:
        with self._lock:
            return channel in self._muted

    def set_channel_product(self, channel: str, product: str | None) -> None:
        with self._lock:
            if product is None:
                self._products.pop(channel, None)
            else:
                self._products[channel] = product

    def channel_product(self, channel: str) -> str | None:
        with self._lock:
            return self._products.get(channel)

    def record_lookup(self, team: str, key: str, day: date) -> None:
        self._count(self._lookups, team, key, day)

    def record_unknown(self, team: str, query: str, day: date) -> None:
        counts = self._count(self._unknown, team, stored_query(query), day)
        if len(counts) >= 2 * UNKNOWN_TOP_K:
            # Trimmed in batches, so a flood of distinct codes costs O(log K) a write.
            with self._lock:
                kept = top_counts(counts, UNKNOWN_TOP_K)
                counts.clear()
                counts.update(dict(kept))

    def _count(
        self, table: dict[tuple[str, date], Counter[str]], team: str, name: str, day: date
    ) -> Counter[str]:
        with self._lock:
            counts = table.get((team, day))
            if counts is None:
                # A new day is rare: the moment to forget days Redis would have expired,
                # so a long-running process does not grow a counter per day forever.
                cutoff = day - self._retention
                for stale in [k for k in table if k[1] < cutoff]:
                    del table[stale]
                counts = table[(team, day)] = Counter()
            counts[name] += 1
            return counts

    def teams(self) -> list[str]:
        """The workspaces with usage counts, sorted (for ``errcode stats``)."""
        with self._lock:
            counted = {team for team, _ in [*self._lookups, *self._unknown]}
            return sorted(counted | {team for team, votes in self._feedback.items() if votes})

    def top_lookups(self, team: str, days: list[date], limit: int) -> list[tuple[str, int]]:
        return self._top(self._lookups, team, days, limit)

    def top_unknown(self, team: str, days: list[date], limit: int) -> list[tuple[str, int]]:
        return self._top(self._unknown, team, days, limit)

    def _top(
        self, table: dict[tuple[str, date], Counter[str]], team: str, days: list[date], limit: int
    ) -> list[tuple[str, int]]:
        total: Counter[str] = Counter()
        with self._lock:
            for day in days:
                total.update(table.get((team, day), Counter()))
        return top_counts(total, limit)

    # -- feedback and replies ----------------------------------------------------------

    def vote(self, team: str, answer: str, entry: str, user: str, helpful: bool) -> bool:
        now = self._clock()
        with self._lock:
            key = (team, answer, entry, user)
            old = self._votes.get(key)
            if old is not None and old[1] > now and old[0] == helpful:
                return False
            self._votes[key] = (helpful, now + VOTE_TTL)
            self._votes.move_to_end(key)
            while len(self._votes) > self._max_claims:
                self._votes.popitem(last=False)
            counts = self._feedback.setdefault(team, {})
            up, down = counts.get(entry, (0, 0))
            if old is not None and old[1] > now:  # a change of mind moves the vote
                up, down = (up - 1, down) if old[0] else (up, down - 1)
            counts[entry] = (up + 1, down) if helpful else (up, down + 1)
            return True

    def add_comment(self, team: str, entry: str, comment: str) -> None:
        with self._lock:
            kept = self._comments.setdefault((team, entry), [])
            kept.insert(0, comment)
            del kept[MAX_COMMENTS:]

    def feedback(self, team: str) -> list[tuple[str, int, int]]:
        with self._lock:
            return by_votes(dict(self._feedback.get(team, {})))

    def comments(self, team: str, entry: str, limit: int) -> list[str]:
        with self._lock:
            return self._comments.get((team, entry), [])[: max(0, limit)]

    def set_reply(self, channel: str, ts: str, reply: str, ttl_seconds: int) -> None:
        with self._lock:
            self._replies[(channel, ts)] = (reply, self._clock() + ttl_seconds)
            self._replies.move_to_end((channel, ts))
            while len(self._replies) > self._max_claims:
                self._replies.popitem(last=False)

    def reply_to(self, channel: str, ts: str) -> str | None:
        with self._lock:
            found = self._replies.get((channel, ts))
            return found[0] if found is not None and found[1] > self._clock() else None

    def forget_reply(self, channel: str, ts: str) -> None:
        with self._lock:
            self._replies.pop((channel, ts), None)
