"""While the shared store is down, each replica answers only its share of the events.

With Redis down, replicas cannot see each other's dedupe claims, so an event that
reaches two of them (Slack's redelivery landing on another replica, a load balancer
retrying) is answered by both. Given the number of replicas and this one's index
(``ERRCODE_REPLICAS``, ``ERRCODE_REPLICA_INDEX``), :class:`OutageShare` says which events
to refuse during the outage: those whose id hashes to another replica. The transport
answers them 503, an HTTP error, which Slack redelivers (at once, then after about 1 and
5 minutes), and the load balancer may route the redelivery to the event's own replica.
Slack's last retry (``X-Slack-Retry-Num: 3``) is answered by whichever replica gets it,
so no event is refused for good: an unlucky one is answered late, never lost. While
the store answers (and a short grace after it came back), nothing is refused.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

__all__ = ["LAST_RETRY", "OutageShare", "Shard"]

#: Slack delivers an event at most four times: the first, then retries 1, 2 and 3.
LAST_RETRY = 3


@dataclass(frozen=True)
class Shard:
    """Replica ``index`` of ``count``; every replica computes the same owner for an id."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if not 0 <= self.index < self.count:
            raise ValueError("a replica's index must be in range(count)")

    def owns(self, event_id: str) -> bool:
        """True when ``event_id`` hashes to this replica (a stable hash, not ``hash()``)."""
        digest = hashlib.blake2b(event_id.encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") % self.count == self.index


class _Health(Protocol):
    # What OutageShare reads of the store (a ResilientStore).
    @property
    def healthy(self) -> bool: ...
    @property
    def recovered_at(self) -> float: ...


class OutageShare:
    """Which event deliveries to refuse while the shared store is down, and just after.

    A replica that finds Redis back uses it at once, but the others find out only at
    their next attempt (``retry_seconds`` apart), and until they have replayed their
    outage claims into Redis, an event one of them answered from memory is unknown
    there. So for ``grace`` seconds after this replica's store came back, it still
    leaves other replicas' events to them.

    :param shard: this replica's place among the replicas.
    :param store: the shared store's health (``ResilientStore``).
    :param grace: seconds after a recovery during which the refusals go on.
    :param clock: the store's clock (monotonic seconds).
    """

    def __init__(
        self,
        shard: Shard,
        store: _Health,
        *,
        grace: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.shard = shard
        self.grace = grace
        self._store = store
        self._clock = clock

    def sharing_out(self) -> bool:
        """True while the store is down or came back less than ``grace`` seconds ago."""
        if not self._store.healthy:
            return True
        return self._clock() - self._store.recovered_at < self.grace

    def refuses(self, event_id: str, retry_num: int) -> bool:
        """True: refuse this delivery of ``event_id`` so that Slack delivers it again.

        :param retry_num: Slack's ``X-Slack-Retry-Num`` (0 for a first delivery).
        """
        if not event_id or retry_num >= LAST_RETRY or self.shard.count == 1:
            return False
        return self.sharing_out() and not self.shard.owns(event_id)
