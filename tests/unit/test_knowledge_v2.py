"""The bundled tables hold knowledge v2 in full, and its parts agree with each other.

``retry`` has one meaning (README: Knowledge v2): a ``now`` entry never tells the reader
not to resend, and a ``never`` entry never tells them to retry. The v1 fields are derived:
``remediation`` is the action texts, ``audience`` the first action's ``who``,
``retryable`` is ``retry == now``.
"""

from __future__ import annotations

import re

import pytest

from bot.knowledge.base import Entry, KnowledgeBase
from bot.models import Confidence, Retry

_DONT_RESEND = re.compile(
    r"\b(?:do not|don't|never|stop)\b[^.]{0,40}\b(?:resend|re-send|retry|retrying|resending)",
    re.IGNORECASE,
)
_RESEND = re.compile(
    r"\b(?:retry|retrying|resend|resending|re-send|try again|send it again)\b", re.IGNORECASE
)


def _entries(kb: KnowledgeBase) -> list[Entry]:
    return list(kb.entries)


def test_every_entry_has_every_v2_field(kb: KnowledgeBase) -> None:
    for item in _entries(kb):
        e = item.code
        assert e.cause and e.actions and e.retry and e.escalate, item.key
        assert e.applies_to and e.sources and e.confidence and e.reviewed, item.key


def test_retry_agrees_with_the_actions(kb: KnowledgeBase) -> None:
    for item in _entries(kb):
        steps = " ".join(a.text for a in item.code.actions)
        if item.code.retry is Retry.NOW:
            assert not _DONT_RESEND.search(steps), item.key
        if item.code.retry is Retry.NEVER:
            assert not _RESEND.search(steps), item.key


@pytest.mark.parametrize(
    ("retry", "steps", "consistent"),
    [
        (Retry.NOW, "Back off and send the same request again after a second.", True),
        (Retry.NOW, "Do not resend the message; it was already stored.", False),
        (Retry.NEVER, "The invitation is final; tell the user it was declined.", True),
        (Retry.NEVER, "Wait a minute and retry the call.", False),
    ],
)
def test_the_consistency_check_itself(retry: Retry, steps: str, consistent: bool) -> None:
    bad = _DONT_RESEND if retry is Retry.NOW else _RESEND
    assert (bad.search(steps) is None) == consistent


def test_v1_fields_are_derived_from_v2(kb: KnowledgeBase) -> None:
    for item in _entries(kb):
        e = item.code
        assert list(e.remediation) == [a.text for a in e.actions], item.key
        assert e.audience is e.actions[0].who, item.key
        assert e.retryable == (e.retry is Retry.NOW), item.key


def test_inferred_entries_say_so_in_their_cause(kb: KnowledgeBase) -> None:
    for item in _entries(kb):
        if item.code.confidence is Confidence.INFERRED:
            assert "nferred" in (item.code.cause or ""), item.key


def test_bems_entries_say_how_cisco_differs(kb: KnowledgeBase) -> None:
    for item in _entries(kb):
        if item.product.id == "bems":
            said = " ".join(item.code.applies_to).lower()
            assert "cisco" in said or "all im platforms" in said, item.key


def test_commsease_entries_have_chinese_causes_steps_and_escalation(kb: KnowledgeBase) -> None:
    for item in _entries(kb):
        if item.product.id == "commsease":
            assert item.code.cause_zh, item.key
            assert len(item.code.actions_zh) == len(item.code.actions), item.key
            assert item.code.escalate_zh, item.key


def test_no_step_is_shared_between_entries(kb: KnowledgeBase) -> None:
    seen: dict[str, str] = {}
    for item in _entries(kb):
        for action in item.code.actions:
            assert seen.setdefault(action.text, item.key) == item.key, action.text
