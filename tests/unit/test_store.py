"""One contract for every StateStore backend: memory, Redis, and Redis behind failover."""

from __future__ import annotations

import inspect
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.store.protocol import MAX_QUERY_CHARS, UNKNOWN_TOP_K, MemoryStore, StateStore, days_back
from bot.store.redis_store import RedisStore
from bot.store.resilient import ResilientStore

DAY = date(2024, 5, 20)


@dataclass
class Backend:
    store: StateStore
    #: Let ``seconds`` pass for the store's claims (fake clock or real sleep).
    advance: Callable[[float], None]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(params=["memory", "redis", "resilient"])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "memory":
        clock = FakeClock()
        yield Backend(MemoryStore(clock=clock), clock.advance)
        return
    redis_store: RedisStore = request.getfixturevalue("redis_store")
    store: StateStore = redis_store
    if request.param == "resilient":
        store = ResilientStore(redis_store)
    # Redis keeps its own time: let it really pass.
    yield Backend(store, time.sleep)


#: The protocol's methods; the contract below calls each one on every backend.
PROTOCOL = sorted(name for name in vars(StateStore) if not name.startswith("_"))


def test_every_backend_takes_the_protocols_arguments(backend: Backend) -> None:
    # isinstance on a runtime Protocol checks names only; parameter names and order are
    # what keyword callers and the resilient store's replays rely on.
    for name in PROTOCOL:
        expected = list(inspect.signature(getattr(StateStore, name)).parameters)
        assert list(inspect.signature(getattr(type(backend.store), name)).parameters) == expected


def test_the_contract_exercises_the_whole_protocol() -> None:
    called = set(re.findall(r"store\.(\w+)\(", Path(__file__).read_text(encoding="utf-8")))
    assert set(PROTOCOL) - called == set()


def test_claim_is_won_once(backend: Backend) -> None:
    store = backend.store
    assert store.claim("event:Ev1", 600) is True
    assert store.claim("event:Ev1", 600) is False
    assert store.claim("event:Ev2", 600) is True


def test_claim_can_be_won_again_after_its_ttl(backend: Backend) -> None:
    store = backend.store
    assert store.claim("cooldown:C1:1.0:1027", 1)
    backend.advance(1.2)
    assert store.claim("cooldown:C1:1.0:1027", 1)


def test_claim_has_exactly_one_winner_under_concurrency(backend: Backend) -> None:
    winners: list[bool] = []
    barrier = threading.Barrier(16)

    def contend() -> None:
        barrier.wait()
        winners.append(backend.store.claim("event:race", 600))

    threads = [threading.Thread(target=contend) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(winners) == [False] * 15 + [True]


def test_mute_and_unmute(backend: Backend) -> None:
    store = backend.store
    assert not store.is_muted("C1")
    store.set_muted("C1", True)
    store.set_muted("C1", True)
    assert store.is_muted("C1")
    assert not store.is_muted("C2")
    store.set_muted("C1", False)
    store.set_muted("C1", False)
    assert not store.is_muted("C1")


def test_channel_product_set_changed_and_cleared(backend: Backend) -> None:
    store = backend.store
    assert store.channel_product("C1") is None
    store.set_channel_product("C1", "commsease")
    assert store.channel_product("C1") == "commsease"
    assert store.channel_product("C2") is None
    store.set_channel_product("C1", "bems")
    assert store.channel_product("C1") == "bems"
    store.set_channel_product("C1", None)
    store.set_channel_product("C1", None)  # clearing twice is no error
    assert store.channel_product("C1") is None


def test_top_lookups_merges_days_most_first(backend: Backend) -> None:
    store = backend.store
    for _ in range(3):
        store.record_lookup("T1", "bems:1027", DAY)
    store.record_lookup("T1", "nim:408", DAY)
    store.record_lookup("T1", "nim:408", DAY - timedelta(days=1))
    store.record_lookup("T1", "nim:408", DAY - timedelta(days=6))
    store.record_lookup("T1", "nim:414", DAY - timedelta(days=2))
    top = store.top_lookups("T1", days_back(DAY, 7), 10)
    # Ties are broken by name so that every backend gives the same answer.
    assert top == [("bems:1027", 3), ("nim:408", 3), ("nim:414", 1)]


def test_top_lookups_only_counts_the_given_days(backend: Backend) -> None:
    store = backend.store
    store.record_lookup("T1", "bems:1027", DAY - timedelta(days=7))
    store.record_lookup("T1", "nim:408", DAY)
    assert store.top_lookups("T1", days_back(DAY, 7), 10) == [("nim:408", 1)]
    assert store.top_lookups("T1", [], 10) == []


def test_top_respects_the_limit(backend: Backend) -> None:
    store = backend.store
    for index in range(5):
        for _ in range(index + 1):
            store.record_lookup("T1", f"nim:{400 + index}", DAY)
    assert store.top_lookups("T1", [DAY], 2) == [("nim:404", 5), ("nim:403", 4)]
    assert store.top_lookups("T1", [DAY], 0) == []


def test_teams_and_kinds_are_kept_apart(backend: Backend) -> None:
    store = backend.store
    store.record_lookup("T1", "bems:1027", DAY)
    store.record_unknown("T1", "nim:99999", DAY)
    store.record_unknown("T1", "nim:99999", DAY)
    store.record_lookup("T2", "nim:408", DAY)
    assert store.top_lookups("T1", [DAY], 10) == [("bems:1027", 1)]
    assert store.top_unknown("T1", [DAY], 10) == [("nim:99999", 2)]
    assert store.top_lookups("T2", [DAY], 10) == [("nim:408", 1)]
    assert store.top_unknown("T2", [DAY], 10) == []


def test_keys_with_separators_survive(backend: Backend) -> None:
    store = backend.store
    store.record_unknown("T1", "weird: key:with:colons ", DAY)
    assert store.top_unknown("T1", [DAY], 10) == [("weird: key:with:colons ", 1)]


# -- Redis specifics -------------------------------------------------------


def test_redis_keys_are_prefixed_and_expire(redis_store: RedisStore) -> None:
    redis_store.claim("event:Ev1", 600)
    redis_store.set_muted("C1", True)
    redis_store.set_channel_product("C1", "bems")
    redis_store.record_lookup("T1", "bems:1027", DAY)
    redis_store.record_unknown("T1", "nim:1", DAY)
    redis_store.vote("T1", "a1", "bems:1027", "U1", True)
    redis_store.add_comment("T1", "bems:1027", "too vague")
    redis_store.set_reply("C1", "1.1", "9.9 bems:1027", 3600)
    client = redis_store.client
    keys = sorted(str(key) for key in client.keys("*"))
    assert keys == [
        "errcode:channel_product",
        "errcode:claim:event:Ev1",
        "errcode:comments:T1:bems:1027",
        "errcode:feedback:T1",
        "errcode:lookups:T1:2024-05-20",
        "errcode:muted",
        "errcode:reply:C1:1.1",
        "errcode:unknown-top:T1:2024-05-20",
        "errcode:votes:T1:a1",
    ]
    assert 3590 <= int(client.ttl("errcode:reply:C1:1.1")) <= 3600
    assert 29 * 86_400 <= int(client.ttl("errcode:votes:T1:a1")) <= 30 * 86_400
    assert 590 <= int(client.ttl("errcode:claim:event:Ev1")) <= 600
    # Usage counts outlive the 7-day stats window, then go by themselves.
    assert 8 * 86_400 <= int(client.ttl("errcode:lookups:T1:2024-05-20")) <= 9 * 86_400
    assert int(client.ttl("errcode:muted")) == -1
    assert int(client.ttl("errcode:channel_product")) == -1  # a setting, kept until changed


def test_redis_claim_under_one_second_is_still_a_claim(redis_store: RedisStore) -> None:
    assert redis_store.claim("event:short", 0)
    assert not redis_store.claim("event:short", 0)


def test_redis_prefix_is_configurable(redis_url: str) -> None:
    store = RedisStore.from_url(redis_url, prefix="other:")
    store.client.flushdb()
    store.claim("k", 60)
    assert [str(key) for key in store.client.keys("*")] == ["other:claim:k"]


def test_redis_two_clients_share_state(redis_store: RedisStore, redis_url: str) -> None:
    # Two replicas are two clients on one server.
    other = RedisStore.from_url(redis_url)
    assert redis_store.claim("event:Ev9", 600)
    assert not other.claim("event:Ev9", 600)
    other.set_muted("C9", True)
    assert redis_store.is_muted("C9")
    other.set_channel_product("C9", "commsease")
    assert redis_store.channel_product("C9") == "commsease"


# -- MemoryStore internals -------------------------------------------------


def test_memory_claims_stay_bounded() -> None:
    store = MemoryStore(max_claims=3)
    for index in range(10):
        assert store.claim(f"k{index}", 600)
    assert len(store._claims) == 3


def test_memory_forgets_usage_older_than_retention() -> None:
    store = MemoryStore(retention_days=9)
    store.record_lookup("T1", "bems:1027", DAY - timedelta(days=30))
    store.record_lookup("T1", "bems:1027", DAY)
    assert list(store._lookups) == [("T1", DAY)]


def test_teams_lists_workspaces_with_counts(backend: Backend) -> None:
    store = backend.store
    store.record_lookup("T2", "nim:408", DAY)
    store.record_unknown("T1", "nim:1", DAY - timedelta(days=3))
    store.claim("event:Ev1", 600)
    assert store.teams() == ["T1", "T2"]


# -- feedback --------------------------------------------------------------------


def test_a_vote_counts_once_per_person_per_answer(backend: Backend) -> None:
    store = backend.store
    assert store.vote("T1", "a1", "bems:1027", "U1", True)
    assert not store.vote("T1", "a1", "bems:1027", "U1", True)  # the same click again
    assert store.vote("T1", "a1", "bems:1027", "U2", True)
    assert store.vote("T1", "a2", "bems:1027", "U1", False)  # another answer: another vote
    assert store.feedback("T1") == [("bems:1027", 2, 1)]
    assert store.feedback("T2") == []


def test_a_second_vote_changes_the_first(backend: Backend) -> None:
    store = backend.store
    store.vote("T1", "a1", "nim:408", "U1", True)
    assert store.vote("T1", "a1", "nim:408", "U1", False)
    assert store.feedback("T1") == [("nim:408", 0, 1)]
    assert store.vote("T1", "a1", "nim:408", "U1", True)
    assert store.feedback("T1") == [("nim:408", 1, 0)]


def test_feedback_is_by_votes_then_by_not_helpful(backend: Backend) -> None:
    store = backend.store
    for user in ("U1", "U2", "U3"):
        store.vote("T1", "a1", "bems:1027", user, True)
    store.vote("T1", "a1", "nim:408", "U1", False)
    store.vote("T1", "a2", "bems:4005", "U1", True)
    assert store.feedback("T1") == [("bems:1027", 3, 0), ("nim:408", 0, 1), ("bems:4005", 1, 0)]


def test_comments_newest_first_and_bounded(backend: Backend) -> None:
    store = backend.store
    for n in range(60):
        store.add_comment("T1", "bems:1027", f"comment {n}: <b>&")
    assert store.comments("T1", "bems:1027", 2) == ["comment 59: <b>&", "comment 58: <b>&"]
    assert len(store.comments("T1", "bems:1027", 100)) == 50
    assert store.comments("T1", "bems:1027", 0) == []
    assert store.comments("T1", "nim:408", 5) == []


def test_teams_include_workspaces_with_feedback(backend: Backend) -> None:
    backend.store.vote("T7", "a1", "bems:1027", "U1", True)
    assert "T7" in backend.store.teams()


# -- the bot's reply to each explained message ---------------------------------------


def test_a_reply_is_remembered_forgotten_and_expires(backend: Backend) -> None:
    store = backend.store
    assert store.reply_to("C1", "1.1") is None
    store.set_reply("C1", "1.1", "9.9 bems:1027", 600)
    store.set_reply("C1", "1.1", "9.9 bems:1027,bems:1028", 600)
    store.set_reply("C2", "2.2", "8.8 nim:408", 1)
    assert store.reply_to("C1", "1.1") == "9.9 bems:1027,bems:1028"
    store.forget_reply("C1", "1.1")
    store.forget_reply("C1", "1.1")
    assert store.reply_to("C1", "1.1") is None
    backend.advance(1.2)
    assert store.reply_to("C2", "2.2") is None


# -- unknown codes stay bounded ----------------------------------------------


def test_unknown_codes_keep_the_top_k(backend: Backend) -> None:
    """A flood of distinct codes never pushes out the ones people keep asking for."""
    store = backend.store
    for _ in range(3):
        store.record_unknown("T1", "nim:asked-often", DAY)
    for index in range(2 * UNKNOWN_TOP_K + 10):
        store.record_unknown("T1", f"flood:{index:05d}", DAY)
    top = store.top_unknown("T1", [DAY], 10 * UNKNOWN_TOP_K)
    assert top[0] == ("nim:asked-often", 3)
    assert len(top) <= 2 * UNKNOWN_TOP_K


def test_a_long_unknown_query_is_stored_cut(backend: Backend) -> None:
    backend.store.record_unknown("T1", "x" * 40_000, DAY)
    assert backend.store.top_unknown("T1", [DAY], 5) == [("x" * MAX_QUERY_CHARS, 1)]


def test_redis_keeps_exactly_k_unknown_codes(redis_store: RedisStore) -> None:
    for index in range(UNKNOWN_TOP_K + 50):
        redis_store.record_unknown("T1", f"flood:{index:05d}", DAY)
    assert redis_store.client.zcard("errcode:unknown-top:T1:2024-05-20") == UNKNOWN_TOP_K


def test_memory_keeps_at_most_2k_unknown_codes_a_day() -> None:
    store = MemoryStore()
    for index in range(20 * UNKNOWN_TOP_K):
        store.record_unknown("T1", f"flood:{index:06d}", DAY)
    assert len(store._unknown[("T1", DAY)]) < 2 * UNKNOWN_TOP_K
