"""A :class:`~bot.store.StateStore` that keeps answering when its Redis does not.

:class:`ResilientStore` puts a per-process :class:`~bot.store.MemoryStore` behind
a shared store (a :class:`~bot.store_redis.RedisStore`). While the shared store
answers, every call goes to it, and the memory store mirrors what this process
learns (claims taken, mutes read, counts), so that the first minutes of an outage
still know about recent events. When it fails:

* the call, and every call after it, is served from memory: the bot keeps answering;
* one warning is logged for the whole outage, not one per message;
* at most one call every ``retry_interval`` seconds tries the shared store again,
  so a dead Redis is neither hammered nor allowed to stall every handler;
* writes made meanwhile (claims with their remaining lifetime, mutes, counts) are
  kept in a bounded journal and replayed once it answers, with one info line.

Replicas cannot see each other's memory, so during an outage two replicas may
both answer an event delivered to both; that is the price of not going silent.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import date
from operator import methodcaller
from typing import TypeVar

from bot.store.protocol import MemoryStore, StateStore
from bot.store.redis_store import StoreUnavailable

__all__ = ["ResilientStore"]

T = TypeVar("T")

#: A write to redo on the shared store once it is back.
_Replay = Callable[[StateStore], object]

logger = logging.getLogger("errcode.store")


class ResilientStore:
    """The shared store while it answers, per-process memory while it does not.

    :param primary: the shared store.
    :param fallback: where state goes during an outage; a new MemoryStore if omitted.
    :param retry_interval: seconds between attempts to reach a failed primary.
    :param errors: what counts as the primary being unavailable; anything else is
        a bug and propagates.
    :param max_journal: writes kept for replay; the oldest are dropped beyond it.
    :param clock: monotonic seconds, replaceable in tests.
    """

    def __init__(
        self,
        primary: StateStore,
        fallback: MemoryStore | None = None,
        *,
        retry_interval: float = 5.0,
        errors: tuple[type[BaseException], ...] = StoreUnavailable,
        max_journal: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._primary = primary
        self._memory = fallback if fallback is not None else MemoryStore(clock=clock)
        self._retry_interval = retry_interval
        self._errors = errors
        self._clock = clock
        self._lock = threading.Lock()
        self._healthy = True
        self._recovered_at = float("-inf")
        self._down_since = 0.0
        self._next_probe = 0.0
        self._journal: deque[_Replay] = deque(maxlen=max_journal)
        self._dropped = 0

    @property
    def healthy(self) -> bool:
        """False from the first failed call until the primary answers again."""
        return self._healthy

    @property
    def retry_interval(self) -> float:
        """Seconds between attempts to reach a failed primary."""
        return self._retry_interval

    @property
    def clock(self) -> Callable[[], float]:
        """The monotonic clock the store times its attempts with."""
        return self._clock

    @property
    def recovered_at(self) -> float:
        """When (``clock`` seconds) the primary last came back; -inf if it never failed."""
        return self._recovered_at

    @property
    def primary(self) -> StateStore:
        return self._primary

    @property
    def memory(self) -> MemoryStore:
        return self._memory

    # -- StateStore ---------------------------------------------------------

    def claim(self, key: str, ttl_seconds: int) -> bool:
        def shared(store: StateStore) -> bool:
            won = store.claim(key, ttl_seconds)
            # Taken here or by another replica, the key is taken: remember it, so a
            # redelivery during a coming outage is still recognised. Redis alone
            # decides now: memory's copy may outlive the Redis key a little, and
            # letting it veto a win would stretch cooldowns.
            self._memory.claim(key, ttl_seconds)
            return won

        deadline = self._clock() + ttl_seconds

        def replay(store: StateStore) -> None:
            remaining = int(deadline - self._clock())
            if remaining > 0:
                store.claim(key, remaining)

        return self._run(shared, lambda memory: memory.claim(key, ttl_seconds), replay)

    def set_muted(self, channel: str, muted: bool) -> None:
        self._write(methodcaller("set_muted", channel, muted))

    def is_muted(self, channel: str) -> bool:
        def shared(store: StateStore) -> bool:
            muted = store.is_muted(channel)
            # Keep the last answer: during an outage a channel muted through another
            # replica stays muted here.
            self._memory.set_muted(channel, muted)
            return muted

        return self._run(shared, lambda memory: memory.is_muted(channel))

    def set_channel_product(self, channel: str, product: str | None) -> None:
        self._write(methodcaller("set_channel_product", channel, product))

    def channel_product(self, channel: str) -> str | None:
        def shared(store: StateStore) -> str | None:
            product = store.channel_product(channel)
            # Keep the last answer, as for mutes: an outage does not forget the setting.
            self._memory.set_channel_product(channel, product)
            return product

        return self._run(shared, lambda memory: memory.channel_product(channel))

    def record_lookup(self, team: str, key: str, day: date) -> None:
        self._write(methodcaller("record_lookup", team, key, day))

    def record_unknown(self, team: str, query: str, day: date) -> None:
        self._write(methodcaller("record_unknown", team, query, day))

    def top_lookups(self, team: str, days: list[date], limit: int) -> list[tuple[str, int]]:
        return self._run(
            lambda store: store.top_lookups(team, days, limit),
            lambda memory: memory.top_lookups(team, days, limit),
        )

    def top_unknown(self, team: str, days: list[date], limit: int) -> list[tuple[str, int]]:
        return self._run(
            lambda store: store.top_unknown(team, days, limit),
            lambda memory: memory.top_unknown(team, days, limit),
        )

    def teams(self) -> list[str]:
        """The workspaces with usage counts (for ``errcode stats``)."""
        return self._run(lambda store: store.teams(), lambda memory: memory.teams())

    def vote(self, team: str, answer: str, entry: str, user: str, helpful: bool) -> bool:
        cast = methodcaller("vote", team, answer, entry, user, helpful)

        def shared(store: StateStore) -> bool:
            changed: bool = cast(store)
            cast(self._memory)  # so that a vote repeated during an outage is known
            return changed

        # Replaying a vote is harmless: the same person's same vote counts once.
        return self._run(shared, lambda memory: bool(cast(memory)), cast)

    def add_comment(self, team: str, entry: str, comment: str) -> None:
        self._write(methodcaller("add_comment", team, entry, comment))

    def feedback(self, team: str) -> list[tuple[str, int, int]]:
        return self._run(lambda store: store.feedback(team), lambda memory: memory.feedback(team))

    def comments(self, team: str, entry: str, limit: int) -> list[str]:
        return self._run(
            lambda store: store.comments(team, entry, limit),
            lambda memory: memory.comments(team, entry, limit),
        )

    def set_reply(self, channel: str, ts: str, reply: str, ttl_seconds: int) -> None:
        self._write(methodcaller("set_reply", channel, ts, reply, ttl_seconds))

    def reply_to(self, channel: str, ts: str) -> str | None:
        def shared(store: StateStore) -> str | None:
            found = store.reply_to(channel, ts)
            if found is None:
                self._memory.forget_reply(channel, ts)
            return found

        return self._run(shared, lambda memory: memory.reply_to(channel, ts))

    def forget_reply(self, channel: str, ts: str) -> None:
        self._write(methodcaller("forget_reply", channel, ts))

    # -- failover -----------------------------------------------------------

    def _write(self, write: Callable[[StateStore], object]) -> None:
        """A write to the shared store, mirrored in memory; journaled for replay if it fails."""

        def shared(store: StateStore) -> None:
            write(store)
            # Memory keeps this process's view current for the next outage.
            write(self._memory)

        self._run(shared, write, write)

    def _run(
        self,
        shared: Callable[[StateStore], T],
        local: Callable[[MemoryStore], T],
        replay: _Replay | None = None,
    ) -> T:
        while True:
            if self._may_use_primary():
                probing = not self._healthy
                try:
                    if not probing:
                        return shared(self._primary)
                    # Restore the outage's writes before this call reads or claims, so
                    # an event claimed meanwhile is not won again from Redis; the outage
                    # is over once the journal is empty (see _replay) and this call succeeded.
                    replayed, dropped = self._replay()
                    result = shared(self._primary)
                    self._came_back(replayed, dropped)
                    return result
                except self._errors as exc:
                    self._went_down(exc, probing=probing)
            with self._lock:
                # Decided under the lock that ends a replay: either the journal still
                # takes this write (and the replay will see it), or the outage is over
                # and the write goes to the shared store. Never a write left behind.
                if self._healthy:
                    continue
                if replay is not None:
                    if len(self._journal) == self._journal.maxlen:
                        self._dropped += 1
                    self._journal.append(replay)
                return local(self._memory)

    def _may_use_primary(self) -> bool:
        with self._lock:
            if self._healthy:
                return True
            now = self._clock()
            if now < self._next_probe:
                return False
            # This caller probes; the others stay on memory until the next window,
            # so an outage costs one slow call per interval, not one per message.
            self._next_probe = now + self._retry_interval
            return True

    def _went_down(self, exc: BaseException, *, probing: bool = False) -> None:
        """The primary failed; ``probing``: in a probe, so the outage goes on, unlogged."""
        with self._lock:
            now = self._clock()
            self._next_probe = now + self._retry_interval
            if probing:
                self._healthy = False  # _replay may have declared it back
                return
            if not self._healthy:
                return
            self._healthy = False
            self._down_since = now
        logger.warning(
            "state store unavailable (%s: %s); using per-process memory, retrying every %gs",
            type(exc).__name__,
            exc,
            self._retry_interval,
        )

    def _replay(self) -> tuple[int, int]:
        """Redo the journal on the primary; how many writes were replayed and dropped.

        Writes journaled while the replay runs (other handlers still on memory) are
        replayed too: the journal is drained until it is empty under the lock, and
        only then is the primary declared healthy, in the same critical section.

        Raises what the primary raises, keeping the writes not yet replayed.
        """
        replayed = dropped = 0
        while True:
            with self._lock:
                if not self._journal:
                    # Calls from here on go to the primary: nothing is left behind. Should
                    # the primary fail again at once, that is a new outage, logged as one.
                    self._healthy = True
                    self._recovered_at = self._clock()
                    return replayed, dropped
                pending = list(self._journal)
                self._journal.clear()
                batch_dropped, self._dropped = self._dropped, 0
            dropped += batch_dropped
            for index, op in enumerate(pending):
                try:
                    op(self._primary)
                except self._errors:
                    with self._lock:
                        self._journal.extendleft(reversed(pending[index:]))
                        self._dropped += batch_dropped
                    raise
            replayed += len(pending)

    def _came_back(self, replayed: int, dropped: int) -> None:
        with self._lock:
            if not self._healthy:
                return  # down again already: the recovery did not hold
            outage = self._clock() - self._down_since
        logger.info(
            "state store back after %.1fs; replayed %d writes made meanwhile%s",
            outage,
            replayed,
            f" ({dropped} older ones dropped)" if dropped else "",
        )
