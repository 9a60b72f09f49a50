"""Feedback on answers: what the Helpful / Not helpful buttons carry, votes and comments.

Slack-free, like :class:`~bot.slack.conversation.Conversation`: the listeners hand it the
plain fields of a click or a modal submission. A button's value names the answer (a
fresh id per answer, so that one person's second click on the same answer changes
their vote instead of adding one) and the entries it explained; the Not helpful modal
carries the same value in its ``private_metadata``, so the comment is stored with the
entries' ids.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Sequence

from bot.slack import notices, render
from bot.slack.blocks import Reply
from bot.store.protocol import StateStore

__all__ = ["MAX_COMMENT", "Feedback", "decode_feedback", "encode_feedback"]

#: Entries one answer's votes count for: the codes a compact reply lists.
_MAX_ENTRIES = render.COMPACT_LIMIT
#: The longest comment kept (the modal's input allows as much).
MAX_COMMENT = 1000
_ENTRY = re.compile(r"^[a-z][a-z0-9_]*:[-+]?\w{1,40}$")
_ANSWER = re.compile(r"^[0-9a-f]{12,32}$")


def encode_feedback(entries: Sequence[str], answer: str | None = None) -> str | None:
    """The buttons' value for an answer explaining ``entries``; None when it explains none."""
    if not entries:
        return None
    kept = list(dict.fromkeys(entries))[:_MAX_ENTRIES]
    return json.dumps({"a": answer or uuid.uuid4().hex[:16], "e": kept}, separators=(",", ":"))


def decode_feedback(value: str) -> tuple[str, list[str]] | None:
    """``(answer id, entries)`` from a button's value; None if it was tampered with."""
    try:
        data = json.loads(value)
        answer, entries = data["a"], data["e"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(answer, str) or not _ANSWER.match(answer) or not isinstance(entries, list):
        return None
    if not entries or len(entries) > _MAX_ENTRIES:
        return None
    if not all(isinstance(e, str) and _ENTRY.match(e) for e in entries):
        return None
    return answer, entries


class Feedback:
    """Votes and comments of one workspace's people, kept in ``store``."""

    def __init__(self, store: StateStore) -> None:
        self.store = store

    def vote(self, team: str, value: str, user: str, helpful: bool) -> Reply | None:
        """Count ``user``'s vote on the answer ``value`` names; the ephemeral thanks.

        None when the value was tampered with (nothing is counted, nothing said).
        """
        decoded = decode_feedback(value)
        if decoded is None or not user:
            return None
        answer, entries = decoded
        changed = [self.store.vote(team, answer, entry, user, helpful) for entry in entries]
        if not any(changed):
            return notices.notice("vote_kept")
        return notices.notice("voted_helpful" if helpful else "voted_not_helpful")

    def comment(self, team: str, value: str, text: str) -> bool:
        """Keep ``text`` with each entry of the answer ``value`` names; False if not kept."""
        decoded = decode_feedback(value)
        said = text.strip()[:MAX_COMMENT]
        if decoded is None or not said:
            return False
        for entry in decoded[1]:
            self.store.add_comment(team, entry, said)
        return True

    @staticmethod
    def entries(value: str) -> list[str]:
        """The entries the answer ``value`` names ([] if tampered with)."""
        decoded = decode_feedback(value)
        return decoded[1] if decoded else []
