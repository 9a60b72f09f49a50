"""Bolt listeners for what people do with an answer: details, feedback, edits, the App Home.

Like :mod:`bot.slack.listeners`, each one acknowledges first, hands plain fields to a
Slack-free decision (:class:`~bot.slack.conversation.Conversation`) in a worker thread,
and sends what it returns. They are registered before the listeners of
:mod:`bot.slack.listeners`, whose catch-alls would otherwise take their requests.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.slack import render
from bot.slack.conversation import Conversation
from bot.slack.listeners import _respond, _str
from bot.telemetry.metrics import timed

__all__ = ["register_interactions"]

log = logging.getLogger("errcode.slack")

#: The Details buttons of a compact reply and the See-also buttons of a card.
_ENTRY_BUTTON = re.compile(rf"^(?:{render.DETAILS_ACTION}|{render.SEE_ALSO_ACTION})_\d+$")


def _team(body: dict[str, Any]) -> str:
    """The workspace of an interaction (``team.id``; ``user.team_id`` as a fallback)."""
    return _str(body, "team", "id") or _str(body, "user", "team_id")


def register_interactions(app: AsyncApp, conversation: Conversation) -> None:
    """Attach the listeners of this module to ``app`` (before :func:`listeners.register`)."""

    @app.action(_ENTRY_BUTTON)
    async def on_entry_button(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        with timed("details"):
            outcome = await asyncio.to_thread(
                conversation.entry, _str(action, "value"), _team(body)
            )
            # Ephemeral: only whoever clicked sees the entry, wherever the button was.
            await _respond(_str(body, "response_url"), outcome, replace_original=False)
