"""OutageShare: while the shared store is down, each replica answers only its share of events."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest

from bot.store.factory import make_outage_share
from bot.store.protocol import MemoryStore
from bot.store.resilient import ResilientStore
from bot.store.shard import LAST_RETRY, OutageShare, Shard

IDS = [f"Ev{n:08d}" for n in range(2000)]


@dataclass
class Health:
    """What the share reads of a ResilientStore."""

    healthy: bool = True
    recovered_at: float = float("-inf")


def _share(index: int, count: int, health: Health, now: float = 100.0) -> OutageShare:
    return OutageShare(Shard(index, count), health, grace=3.0, clock=lambda: now)


@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_every_event_has_exactly_one_owner_and_the_shares_are_even(count: int) -> None:
    owners = [[i for i in range(count) if Shard(i, count).owns(event)] for event in IDS]
    assert all(len(found) == 1 for found in owners)
    shares = Counter(found[0] for found in owners)
    assert min(shares.values()) > 0.8 * len(IDS) / count


def test_the_owner_is_the_same_in_every_process() -> None:
    # A stable hash (blake2b of the id, not Python's per-process hash()): every replica,
    # started at any time, computes the same owners. Pinned values.
    owners = {
        event: next(i for i in range(3) if Shard(i, 3).owns(event))
        for event in ("Ev00000001", "Ev00000002", "Ev0ABC", "Ev08MFNZ3E")
    }
    assert owners == {"Ev00000001": 2, "Ev00000002": 0, "Ev0ABC": 1, "Ev08MFNZ3E": 1}


@pytest.mark.parametrize("index", [-1, 2])
def test_an_index_outside_the_count_is_refused(index: int) -> None:
    with pytest.raises(ValueError):
        Shard(index, 2)


def test_nothing_is_refused_while_the_store_answers() -> None:
    health = Health()
    share = _share(0, 2, health)
    assert not any(share.refuses(event, 0) for event in IDS)
    health.healthy = False
    refused = [event for event in IDS if share.refuses(event, 0)]
    assert refused and all(not Shard(0, 2).owns(event) for event in refused)
    assert all(Shard(1, 2).owns(event) for event in refused)


def test_refusals_go_on_for_the_grace_after_the_store_came_back() -> None:
    other = next(event for event in IDS if not Shard(0, 2).owns(event))
    health = Health(healthy=True, recovered_at=98.0)
    assert _share(0, 2, health, now=100.9).refuses(other, 0)  # 2.9 s after: the others may
    assert not _share(0, 2, health, now=101.0).refuses(other, 0)  # still be on memory


def test_slacks_last_retry_is_never_refused() -> None:
    share = _share(0, 2, Health(healthy=False))
    other = next(event for event in IDS if not Shard(0, 2).owns(event))
    assert [share.refuses(other, n) for n in range(LAST_RETRY + 1)] == [True, True, True, False]


def test_an_event_without_an_id_and_a_lone_replica_refuse_nothing() -> None:
    assert not _share(0, 2, Health(healthy=False)).refuses("", 0)
    assert not any(_share(0, 1, Health(healthy=False)).refuses(e, 0) for e in IDS)


def test_the_factory_shares_only_a_resilient_store_and_only_when_set() -> None:
    now = [0.0]
    resilient = ResilientStore(MemoryStore(), retry_interval=2.0, clock=lambda: now[0])
    assert make_outage_share(MemoryStore(), 2, 0) is None
    assert make_outage_share(resilient, None, None) is None
    share = make_outage_share(resilient, 2, 1)
    assert share is not None and share.shard == Shard(1, 2) and share.grace == 3.0
    other = next(event for event in IDS if not Shard(1, 2).owns(event))
    assert not share.refuses(other, 0)  # healthy, and never down
    resilient._healthy = False  # what a failed call sets (the resilient store's own tests)
    assert share.refuses(other, 0)
