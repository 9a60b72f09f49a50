"""Feedback decisions: the buttons' value, one vote per person per answer, comments."""

from __future__ import annotations

import json

import pytest

from bot.slack.feedback import MAX_COMMENT, Feedback, decode_feedback, encode_feedback
from bot.store.protocol import MemoryStore


def test_the_value_names_a_fresh_answer_and_its_entries() -> None:
    one = encode_feedback(["bems:1027", "bems:1027", "nim:408"])
    two = encode_feedback(["bems:1027"])
    assert one is not None and two is not None
    answer, entries = decode_feedback(one) or ("", [])
    assert entries == ["bems:1027", "nim:408"]
    assert answer != (decode_feedback(two) or ("", []))[0]
    assert encode_feedback([]) is None
    many = encode_feedback([f"bems:{n}" for n in range(40)])
    assert many is not None and len(many) < 2000 and len(json.loads(many)["e"]) == 10


@pytest.mark.parametrize(
    "value",
    [
        "",
        "{",
        "[]",
        '{"a": "0123456789abcdef"}',
        '{"a": "0123456789abcdef", "e": []}',
        '{"a": "0123456789abcdef", "e": ["<!here>"]}',
        '{"a": "<!here>", "e": ["bems:1027"]}',
        '{"a": "0123456789abcdef", "e": "bems:1027"}',
    ],
)
def test_a_tampered_value_counts_nothing(value: str) -> None:
    store = MemoryStore()
    assert decode_feedback(value) is None
    assert Feedback(store).vote("T1", value, "U1", True) is None
    assert not Feedback(store).comment("T1", value, "text")
    assert store.feedback("T1") == []


def test_votes_thank_once_and_count_once() -> None:
    store = MemoryStore()
    feedback = Feedback(store)
    value = encode_feedback(["bems:1027", "bems:1028"]) or ""
    first = feedback.vote("T1", value, "U1", True)
    again = feedback.vote("T1", value, "U1", True)
    assert first is not None and first.text.startswith("Thanks!")
    assert again is not None and "already counted" in again.text
    assert store.feedback("T1") == [("bems:1027", 1, 0), ("bems:1028", 1, 0)]
    assert feedback.vote("T1", value, "", True) is None  # no clicker, no vote


def test_a_comment_is_kept_with_each_entry_cut_to_its_limit() -> None:
    store = MemoryStore()
    value = encode_feedback(["bems:1027", "nim:408"]) or ""
    assert Feedback(store).comment("T1", value, "  " + "x" * 5000)
    assert store.comments("T1", "bems:1027", 5) == ["x" * MAX_COMMENT]
    assert store.comments("T1", "nim:408", 5) == ["x" * MAX_COMMENT]
    assert not Feedback(store).comment("T1", value, "   ")
