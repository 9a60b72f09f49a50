"""Edit-aware replies: the thread reply follows the message it explains.

Slack-free decisions, like :class:`~bot.slack.conversation.Conversation`'s. When a
channel message gets an auto-reply, the store remembers which reply (its ts) explains
which codes, for as long as events are deduplicated. When the author edits the message:

* the codes it mentions changed: the reply is updated in place (``chat.update``);
* no codes are left: the reply is deleted (``chat.delete``), and a tombstone kept;
* codes and no reply yet: one is posted, at most once (a claim in the store).

When the message is deleted, so is the reply. An edit changes only errcode's own
reply, rendered from the codes (never from the edited text), so it pings nobody.
Messages older than the mapping's lifetime are left alone: their reply, if any, can
no longer be found, and posting one would post twice.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.scanner import scan
from bot.slack import render
from bot.slack.blocks import Reply
from bot.slack.card import choose_language
from bot.slack.feedback import encode_feedback

if TYPE_CHECKING:
    from bot.slack.conversation import Conversation

__all__ = ["Edit", "Edits"]

#: A remembered reply that was deleted because its message no longer names a code.
_GONE = "-"


@dataclass(frozen=True, slots=True)
class Edit:
    """What to do to the reply: ``post`` (in ``thread``), ``update`` or ``delete`` ``reply_ts``."""

    kind: str
    thread: str
    reply_ts: str = ""
    reply: Reply | None = None
    #: The entries the reply explains now (remembered once it is posted).
    entries: tuple[str, ...] = ()


def _encode(reply_ts: str, entries: tuple[str, ...]) -> str:
    return f"{reply_ts} {','.join(entries)}"


def _decode(value: str) -> tuple[str, tuple[str, ...]]:
    reply_ts, _, entries = value.partition(" ")
    return reply_ts, tuple(e for e in entries.split(",") if e)


class Edits:
    """Decisions on edited and deleted channel messages, with the state in the store."""

    def __init__(self, conversation: Conversation, ttl_seconds: int) -> None:
        self.conversation = conversation
        self.store = conversation.store
        self.ttl = ttl_seconds

    def remember(self, channel: str, ts: str, reply_ts: str, entries: tuple[str, ...]) -> None:
        """The auto-reply ``reply_ts`` explains ``entries`` of message ``ts``."""
        self.store.set_reply(channel, ts, _encode(reply_ts, entries), self.ttl)

    def edited(
        self,
        *,
        text: str,
        channel: str,
        ts: str,
        thread_ts: str | None,
        author: str,
        editor: str,
        event_id: str | None,
        now: float | None = None,
    ) -> Edit | None:
        """What an edit of message ``ts`` does to its reply; None when nothing changes."""
        if not author or editor != author or not self.conversation.auto_reply_allowed(channel):
            return None
        age = (time.time() if now is None else now) - _seconds(ts)
        if not 0 <= age < self.ttl - 60:
            return None  # its reply, if any, is no longer remembered
        if event_id and not self.store.claim(f"event:{event_id}", self.ttl):
            return None  # a redelivery
        mentions = scan(text, self.conversation.kb)
        entries = tuple(m.key for mention in mentions for m in mention.matches)
        thread = thread_ts or ts
        remembered = self.store.reply_to(channel, ts)
        reply_ts, before = _decode(remembered) if remembered else ("", ())
        if entries == before:
            return None
        if not entries:
            if reply_ts and reply_ts != _GONE:
                self.store.set_reply(channel, ts, _GONE, self.ttl)
                return Edit("delete", thread, reply_ts)
            return None
        reply = render.auto_reply(
            mentions,
            remove_value=author,
            feedback_value=encode_feedback(list(entries)),
            language=choose_language(self.conversation.settings.language, text),
        )
        if reply_ts and reply_ts != _GONE:
            self.store.set_reply(channel, ts, _encode(reply_ts, entries), self.ttl)
            return Edit("update", thread, reply_ts, reply, entries)
        # No reply now: post one, once. The first reply to a message claims its dedupe
        # key; a message whose reply was deleted claims this edit's.
        key = f"msg:{channel}:{ts}" if not reply_ts else f"reply:{channel}:{ts}:{','.join(entries)}"
        if not self.store.claim(key, self.ttl):
            return None
        return Edit("post", thread, "", reply, entries)

    def deleted(self, channel: str, ts: str) -> str | None:
        """The reply to delete along with message ``ts``, if it has one."""
        remembered = self.store.reply_to(channel, ts)
        if remembered is None:
            return None
        self.store.forget_reply(channel, ts)
        reply_ts, _ = _decode(remembered)
        return reply_ts if reply_ts != _GONE else None


def _seconds(ts: str) -> float:
    try:
        return float(ts)
    except ValueError:
        return 0.0
