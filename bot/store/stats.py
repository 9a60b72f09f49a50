"""What people asked for: the most answered codes, and the codes the tables lack.

Shared by ``/errcode stats`` in Slack and ``errcode stats`` on the command line:
:func:`collect_stats` reads a :class:`~bot.store.StateStore`, :func:`stats_text`
renders plain text that reads the same in a terminal and as a Slack fallback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.store.protocol import StateStore, days_back

__all__ = [
    "EntryFeedback",
    "Stats",
    "cli_feedback",
    "cli_stats",
    "collect_feedback",
    "collect_stats",
    "feedback_text",
    "stats_text",
]


@dataclass(frozen=True, slots=True)
class Stats:
    """Usage over ``days`` days ending with ``today`` in one workspace."""

    team: str
    today: date
    days: int
    #: ``("bems:1027", 12)``: answered entries, most first.
    top: list[tuple[str, int]] = field(default_factory=list)
    #: ``("99999", 4)``: codes people asked for that no table has, most first.
    unknown: list[tuple[str, int]] = field(default_factory=list)

    @property
    def since(self) -> date:
        return days_back(self.today, self.days)[-1]


def collect_stats(
    store: StateStore, team: str, today: date, days: int = 7, limit: int = 10
) -> Stats:
    """Read the top ``limit`` lookups and unknown codes of the last ``days`` days."""
    window = days_back(today, days)
    return Stats(
        team=team,
        today=today,
        days=days,
        top=store.top_lookups(team, window, limit),
        unknown=store.top_unknown(team, window, limit),
    )


def _rows(counts: list[tuple[str, int]], width: int) -> list[str]:
    return [f"  {count:>{width}}  {name}" for name, count in counts]


def stats_text(stats: Stats) -> str:
    """Plain text, no markup: readable in a terminal and as a Slack ``text`` fallback."""
    span = "today" if stats.days == 1 else f"the last {stats.days} days"
    window = f"{stats.since.isoformat()} to {stats.today.isoformat()}"
    if not stats.top and not stats.unknown:
        return f"No codes were asked for in {span} ({window})."
    # One column width for both lists, so the counts line up down the whole reply.
    width = max(len(str(count)) for _, count in [*stats.top, *stats.unknown])
    lines = [f"Most asked codes, {span} ({window}):"]
    lines += _rows(stats.top, width) if stats.top else ["  none answered"]
    lines.append("Unknown codes people asked for (candidates for the tables):")
    lines += _rows(stats.unknown, width) if stats.unknown else ["  none"]
    return "\n".join(lines)


def cli_stats(
    store: StateStore,
    team: str | None = None,
    days: int = 7,
    *,
    today: date | None = None,
    limit: int = 10,
) -> str:
    """The text ``errcode stats`` prints.

    :param store: where the counts are; the command line opens it (see
        :func:`bot.store.factory.open_shared_store`).
    :param team: the workspace id (``T0123``); every workspace with counts when None.
    :param days: how many days back, today included.
    :param today: the last day of the window; the local date by default.
    """
    day = today or date.today()
    teams = [team] if team is not None else store.teams()
    if not teams:
        return "No usage has been recorded yet."
    sections = []
    for name in teams:
        text = stats_text(collect_stats(store, name, day, days, limit))
        sections.append(text if len(teams) == 1 else f"Workspace {name}\n{text}")
    return "\n\n".join(sections)


@dataclass(frozen=True, slots=True)
class EntryFeedback:
    """The votes on one entry in one workspace, and the newest comments on it."""

    entry: str
    helpful: int
    not_helpful: int
    comments: list[str] = field(default_factory=list)


def collect_feedback(
    store: StateStore, team: str, limit: int = 20, comments: int = 5
) -> list[EntryFeedback]:
    """The ``limit`` entries with the most votes, each with its newest ``comments``."""
    return [
        EntryFeedback(entry, up, down, store.comments(team, entry, comments))
        for entry, up, down in store.feedback(team)[: max(0, limit)]
    ]


def feedback_text(rows: list[EntryFeedback]) -> str:
    """Plain text, columns aligned: entries by votes, each comment on a line of its own."""
    if not rows:
        return "No feedback yet."
    digits = max(len(str(n)) for row in rows for n in (row.helpful, row.not_helpful))
    up, down = max(digits, len("helpful")), max(digits, len("not helpful"))
    lines = [f"  {'helpful':>{up}}  {'not helpful':>{down}}  entry (most votes first)"]
    for row in rows:
        lines.append(f"  {row.helpful:>{up}}  {row.not_helpful:>{down}}  {row.entry}")
        # One line each: a comment's own line breaks would break the columns.
        lines += [f"      “{' '.join(comment.split())}”" for comment in row.comments]
    return "\n".join(lines)


def cli_feedback(store: StateStore, team: str | None = None, limit: int = 20) -> str:
    """The text ``errcode stats --feedback`` prints: per workspace, entries by votes."""
    teams = [team] if team is not None else store.teams()
    sections = []
    for name in teams:
        rows = collect_feedback(store, name, limit)
        if rows or team is not None:
            text = feedback_text(rows)
            sections.append(text if team is not None else f"Workspace {name}\n{text}")
    return "\n\n".join(sections) or "No feedback yet."
