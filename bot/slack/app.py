"""Build the Bolt app: settings, knowledge and state in, an :class:`AsyncApp` out.

The app is transport-free: :mod:`bot.transports.http` serves it over HTTP and
:mod:`bot.transports.socket_mode` over Slack's WebSocket, and tests dispatch
requests to it directly. The app itself never checks signatures: the HTTP transport does.
"""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.knowledge.base import KnowledgeBase
from bot.settings import Settings
from bot.slack.client import make_client
from bot.slack.conversation import Conversation
from bot.slack.interactions import register_interactions
from bot.slack.listeners import register
from bot.store.protocol import StateStore

__all__ = ["build_app"]


def build_app(
    settings: Settings,
    kb: KnowledgeBase,
    store: StateStore,
    client: AsyncWebClient | None = None,
) -> AsyncApp:
    """The errcode Slack app.

    :param client: the Web API client; by default one for ``settings`` (its token,
        ``SLACK_API_URL`` and the retry handlers of :mod:`bot.slack_client`).
    """
    app = AsyncApp(
        name="errcode",
        logger=logging.getLogger("errcode.bolt"),
        client=client if client is not None else make_client(settings),
        # Checked once, not twice: the HTTP transport verifies every request on its raw
        # bytes before dispatching it (bot.transports.signature; it answers 401 where
        # slack_sdk's verifier would raise on a body that is not UTF-8), and Socket Mode
        # requests come over Slack's authenticated WebSocket, unsigned.
        signing_secret="",
        request_verification_enabled=False,
        # Slack's response goes out as soon as a listener acks (a slash command's
        # with its answer, within listeners.ANSWER_IN_ACK_SECONDS); work after the
        # ack (posting replies) never holds it.
        process_before_response=False,
    )
    conversation = Conversation(settings, kb, store)
    register_interactions(app, conversation)  # first: register() ends with catch-alls
    register(app, conversation)
    return app
