"""Block Kit's building blocks and limits: the one place a block is shaped.

Whatever goes in, a block stays inside Slack's limits (:data:`MAX_BLOCKS` blocks,
:data:`MAX_SECTION` characters per section, :data:`MAX_HEADER` per header): :func:`cut`
shortens with an ellipsis. :func:`escape` makes user text inert in mrkdwn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MAX_BLOCKS",
    "MAX_BUTTON",
    "MAX_FALLBACK",
    "MAX_FIELD",
    "MAX_HEADER",
    "MAX_SECTION",
    "MAX_VALUE",
    "Block",
    "Reply",
    "actions",
    "button",
    "confirm",
    "context",
    "cut",
    "escape",
    "header",
    "mention",
    "section",
]

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_FIELD = 2000
#: A button's label (Slack allows 75 characters of plain text) and its value.
MAX_BUTTON = 75
MAX_VALUE = 2000
#: Slack truncates nothing itself: a longer fallback is rejected (msg_too_long).
MAX_FALLBACK = 3000

Block = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Reply:
    """One Slack message: the blocks, and the text notifications and old clients show."""

    text: str
    blocks: tuple[Block, ...] = ()

    def as_kwargs(self) -> dict[str, Any]:
        """``text=`` and ``blocks=`` for chat.postMessage, ack() and response_url posts."""
        return (
            {"text": self.text, "blocks": list(self.blocks)} if self.blocks else {"text": self.text}
        )


def escape(text: str) -> str:
    """Make user text inert in mrkdwn: the three characters Slack asks apps to escape."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cut(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def section(text: str) -> Block:
    """A mrkdwn section block, cut to Slack's limit."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(text, MAX_SECTION)}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": cut(text, MAX_SECTION)}]}


def header(text: str) -> Block:
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": cut(text, MAX_HEADER), "emoji": True},
    }


def button(
    label: str,
    action_id: str,
    value: str = "",
    style: str | None = None,
    confirm: Block | None = None,
) -> Block:
    """A button element; ``label`` (plain text) and ``value`` are cut to Slack's limits."""
    element: Block = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": cut(label, MAX_BUTTON), "emoji": True},
    }
    if value:
        element["value"] = value[:MAX_VALUE]
    if style:
        element["style"] = style
    if confirm:
        element["confirm"] = confirm
    return element


def actions(*elements: Block) -> Block:
    return {"type": "actions", "elements": list(elements[:25])}


def confirm(title: str, text: str, yes: str, no: str = "Cancel") -> Block:
    """A confirmation dialog object (title 100, text 300, buttons 30 characters)."""
    return {
        "title": {"type": "plain_text", "text": cut(title, 100)},
        "text": {"type": "plain_text", "text": cut(text, 300)},
        "confirm": {"type": "plain_text", "text": cut(yes, 30)},
        "deny": {"type": "plain_text", "text": cut(no, 30)},
        "style": "danger",
    }


_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")


def mention(user: str | None) -> str | None:
    """``<@U…>`` for a well-formed user id; None for anything else, which is never put
    in mrkdwn."""
    return f"<@{user}>" if user and _USER_ID.match(user) else None
