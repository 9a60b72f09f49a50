"""Stats: the most asked codes and the unknown ones, for Slack and the command line."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from typer.testing import CliRunner

from bot.cli.commands import app
from bot.store.protocol import MemoryStore
from bot.store.redis_store import RedisStore
from bot.store.stats import Stats, cli_feedback, cli_stats, collect_stats, stats_text

TODAY = date(2024, 5, 20)


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
    one = cli_stats(store, "T1", 7, today=TODAY)
    assert one == stats_text(collect_stats(store, "T1", TODAY))
    every = cli_stats(store, None, 7, today=TODAY)
    assert every.startswith("Workspace T1\n") and "\n\nWorkspace T2\n" in every
    assert cli_stats(MemoryStore(), None, 7) == "No usage has been recorded yet."


def test_cli_stats_reads_redis(redis_store: RedisStore) -> None:
    _seed(redis_store)
    text = cli_stats(redis_store, None, 7, today=TODAY)
    assert "Workspace T1" in text and "  12  bems:1027" in text and "Workspace T2" in text


def test_errcode_stats_reads_redis_from_the_environment(
    redis_store: RedisStore, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command composes its store from ERRCODE_REDIS_URL alone: no Slack token needed."""
    redis_store.record_lookup("T1", "bems:1027", date.today())
    monkeypatch.setenv("ERRCODE_REDIS_URL", redis_url)
    result = CliRunner().invoke(app, ["stats", "--team", "T1"])
    assert result.exit_code == 0, result.output
    assert "\n  1  bems:1027\n" in result.output


# -- errcode stats --feedback ------------------------------------------------------------


def test_feedback_text_aligns_entries_by_votes_with_their_comments() -> None:
    store = MemoryStore()
    for n in range(12):
        store.vote("T1", "a1", "nim:408", f"U{n}", n % 3 == 0)
    store.vote("T1", "a2", "bems:1027", "U1", False)
    store.add_comment("T1", "bems:1027", "which log?\nsay where")
    assert cli_feedback(store, "T1") == (
        "  helpful  not helpful  entry (most votes first)\n"
        "        4            8  nim:408\n"
        "        0            1  bems:1027\n"
        "      “which log? say where”"
    )
    assert cli_feedback(MemoryStore()) == "No feedback yet."


def test_errcode_stats_feedback_reads_redis(
    redis_store: RedisStore, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    redis_store.vote("T1", "a1", "bems:1027", "U1", True)
    redis_store.vote("T1", "a1", "bems:1027", "U1", True)
    redis_store.vote("T1", "a1", "bems:1027", "U2", False)
    redis_store.add_comment("T1", "bems:1027", "too vague")
    monkeypatch.setenv("ERRCODE_REDIS_URL", redis_url)
    result = CliRunner().invoke(app, ["stats", "--feedback"])
    assert result.exit_code == 0, result.output
    assert "Workspace T1\n" in result.output
    assert "        1            1  bems:1027\n      “too vague”" in result.output
