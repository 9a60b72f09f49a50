"""Stats: the most asked codes and the unknown ones, for Slack and the command line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from redis_server import RedisServer

from bot.errors import ErrcodeError
from bot.store.protocol import MemoryStore
from bot.store.redis_store import RedisStore
from bot.store.stats import Stats, cli_stats, collect_stats, stats_text

TODAY = date(2024, 5, 20)


@dataclass
class FakeSettings:
    redis_url: str | None


def _seed(store: MemoryStore | RedisStore) -> None:
    for _ in range(12):
        store.record_lookup("T1", "bems:1027", TODAY)
    for offset in range(3):
        store.record_lookup("T1", "nim:408", TODAY - timedelta(days=offset))
    store.record_lookup("T1", "nim:414", TODAY - timedelta(days=7))  # outside the week
    store.record_unknown("T1", "99999", TODAY - timedelta(days=1))
    store.record_lookup("T2", "nim:200", TODAY)


def test_collect_stats_reads_the_last_seven_days() -> None:
    store = MemoryStore()
    _seed(store)
    stats = collect_stats(store, "T1", TODAY)
    assert stats == Stats(
        team="T1",
        today=TODAY,
        days=7,
        top=[("bems:1027", 12), ("nim:408", 3)],
        unknown=[("99999", 1)],
    )
    assert stats.since == date(2024, 5, 14)
    assert collect_stats(store, "T1", TODAY, days=8).top[-1] == ("nim:414", 1)
    assert collect_stats(store, "T1", TODAY, limit=1).top == [("bems:1027", 12)]


def test_stats_text_is_aligned_plain_text() -> None:
    stats = Stats("T1", TODAY, 7, top=[("bems:1027", 12), ("nim:408", 3)], unknown=[("99999", 1)])
    assert stats_text(stats) == (
        "Most asked codes, the last 7 days (2024-05-14 to 2024-05-20):\n"
        "  12  bems:1027\n"
        "   3  nim:408\n"
        "Unknown codes people asked for (candidates for the tables):\n"
        "   1  99999"
    )


@pytest.mark.parametrize(
    ("stats", "expected"),
    [
        (Stats("T1", TODAY, 7), "No codes were asked for in the last 7 days"),
        (Stats("T1", TODAY, 1), "No codes were asked for in today"),
        (Stats("T1", TODAY, 7, unknown=[("1", 1)]), "  none answered"),
        (Stats("T1", TODAY, 7, top=[("nim:1", 1)]), "\n  none"),
    ],
)
def test_stats_text_says_when_there_is_nothing(stats: Stats, expected: str) -> None:
    assert expected in stats_text(stats)


def test_cli_stats_from_a_store() -> None:
    store = MemoryStore()
    _seed(store)
    one = cli_stats("T1", 7, source=store, today=TODAY)
    assert one == stats_text(collect_stats(store, "T1", TODAY))
    every = cli_stats(None, 7, source=store, today=TODAY)
    assert every.startswith("Workspace T1\n") and "\n\nWorkspace T2\n" in every
    assert cli_stats(None, 7, source=MemoryStore()) == "No usage has been recorded yet."


def test_cli_stats_reads_redis_from_the_settings(redis_store: RedisStore, redis_url: str) -> None:
    _seed(redis_store)
    text = cli_stats(None, 7, source=FakeSettings(redis_url), today=TODAY)
    assert "Workspace T1" in text and "  12  bems:1027" in text and "Workspace T2" in text


def test_cli_stats_reads_the_environment(
    redis_store: RedisStore, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(redis_store)
    monkeypatch.setenv("ERRCODE_REDIS_URL", redis_url)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)  # not needed to read stats
    assert "  12  bems:1027" in cli_stats("T1", 7, today=TODAY)


def test_cli_stats_without_redis_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ERRCODE_REDIS_URL", raising=False)
    with pytest.raises(ErrcodeError, match="ERRCODE_REDIS_URL is not set"):
        cli_stats("T1", 7, source=FakeSettings(None))


def test_cli_stats_with_redis_down_fails_rather_than_showing_nothing(
    own_redis: RedisServer,
) -> None:
    own_redis.stop()
    with pytest.raises(ErrcodeError, match="cannot reach Redis"):
        cli_stats("T1", 7, source=FakeSettings(own_redis.url))
