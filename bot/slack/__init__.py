"""The Slack app: Bolt listeners, the Slack-free decisions (``Conversation``, edits,
feedback, the workflow step), what an answer says (``card``) and its Block Kit, the
worker pool, replies through the outbox (acks held until a reply is in it), and the Web
API client.

Data flows one way: listener (ack, plain fields) → :class:`Conversation` → scanner or
resolver → :mod:`render` (answers; :mod:`notices` for the rest, both on :mod:`blocks`) →
client. May import: :mod:`bot.scanner`, :mod:`bot.resolver`,
:mod:`bot.store`, :mod:`bot.knowledge`, :mod:`bot.telemetry`, :mod:`bot.settings`,
``slack_bolt`` and ``slack_sdk``.
"""

from bot.slack.app import build_app
from bot.slack.conversation import Conversation, Outcome

__all__ = ["Conversation", "Outcome", "build_app"]
