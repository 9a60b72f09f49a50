"""The per-message cap (issue 12, break 5): counted in candidates weighed, never in time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.knowledge.base import KnowledgeBase
from bot.resolver import resolution
from bot.scanner import candidates
from bot.text import budget
from bot.text.budget import MAX_CANDIDATES, Budget

SLACK_MAX = 40_000
WORST = {
    "PC ": "PC ",
    "1027, ": "1027, ",
    "1027 newline": "1027\n",
    "typo identifiers": "PC_ROOM_NOT_EXISTS ",
    "products": "401 in bems, 416 in nim; ",
}


def _fill(unit: str, size: int = SLACK_MAX) -> str:
    return (unit * (size // len(unit) + 1))[:size]


class Counter:
    """Wraps a function and counts the calls that ``counts(*args, **kwargs)`` accepts."""

    def __init__(self, fn: Callable[..., Any], counts: Callable[..., bool] = lambda *a, **k: True):
        self.fn, self.counts, self.calls = fn, counts, 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.counts(*args, **kwargs):
            self.calls += 1
        return self.fn(*args, **kwargs)


def _count_scanner(monkeypatch: pytest.MonkeyPatch) -> tuple[Counter, Counter]:
    # A candidate is weighed when its evidence is read at depth 0 (list items it reads back
    # through are part of its cost), or when an identifier is looked up.
    numbers = Counter(candidates._evidence, lambda *a: a[-1] == 0)
    identifiers = Counter(candidates._text_code_matches)
    monkeypatch.setattr(candidates, "_evidence", numbers)
    monkeypatch.setattr(candidates, "_text_code_matches", identifiers)
    return numbers, identifiers


def test_budget_grants_its_limit_then_says_so() -> None:
    b = Budget(3)
    assert [b.take() for _ in range(5)] == [True, True, True, False, False]
    assert (b.spent, b.exhausted) == (3, True)
    assert Budget().limit == MAX_CANDIDATES


@pytest.mark.parametrize("unit", WORST.values(), ids=list(WORST))
def test_scanner_weighs_at_most_the_cap(
    unit: str, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    numbers, identifiers = _count_scanner(monkeypatch)
    candidates.scan(_fill(unit), kb)
    assert numbers.calls + identifiers.calls <= MAX_CANDIDATES


@pytest.mark.parametrize("unit", WORST.values(), ids=list(WORST))
def test_resolver_looks_up_at_most_the_cap(
    unit: str, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    numbers = Counter(kb.by_number)
    windows = Counter(kb.by_text_code)
    monkeypatch.setattr(kb, "by_number", numbers)
    monkeypatch.setattr(kb, "by_text_code", windows)
    found = resolution.resolve(_fill(unit), kb)
    assert found.truncated
    # A number is looked up once, and once more in the other products when the product
    # named lacks it; a word where a text code may start tries nine windows at most.
    assert numbers.calls <= 2 * MAX_CANDIDATES
    assert windows.calls <= MAX_CANDIDATES * resolution._MAX_WORDS


def test_an_ordinary_question_is_read_whole(kb: KnowledgeBase) -> None:
    found = resolution.resolve("bems 1027 and nim 416, then WRONG_SERVER", kb)
    assert not found.truncated
    assert {m.key for m in found.matches} >= {"bems:1027", "commsease:416"}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    parts=st.lists(
        st.sampled_from(
            ["1027", "404", ", ", " ", "\n", "PC", "PC_ROOM", "A_B", "error", "bems", "nim", "`"]
        ),
        min_size=1,
        max_size=60,
    ),
    cap=st.integers(min_value=1, max_value=8),
)
def test_the_cap_holds_for_any_mix(
    parts: list[str], cap: int, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(budget, "MAX_CANDIDATES", cap)
    numbers, identifiers = _count_scanner(monkeypatch)
    text = "".join(parts) * 5
    candidates.scan(text, kb)
    assert numbers.calls + identifiers.calls <= cap
    looked_up = Counter(kb.by_number)
    monkeypatch.setattr(kb, "by_number", looked_up)
    resolution.resolve(text, kb)
    # Per number: its look-up, one in the other products, and when nothing is found, its
    # neighbours one typo away (ten per digit, at most as many digits as the longest code).
    longest = max(map(len, kb.code_digits))
    assert looked_up.calls <= cap * (2 + 10 * longest)
