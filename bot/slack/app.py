"""Build the Bolt app: settings, knowledge and state in, an :class:`AsyncApp` out.

The app is transport-free: :mod:`bot.transports.http` serves it over HTTP and
:mod:`bot.transports.socket_mode` over Slack's WebSocket, and tests dispatch
requests to it directly. The app itself never checks signatures: the HTTP transport does.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from slack_bolt.async_app import AsyncApp
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk.web.async_client import AsyncWebClient

from bot.knowledge.base import KnowledgeBase
from bot.settings import Settings
from bot.slack.client import make_client
from bot.slack.conversation import Conversation
from bot.slack.handoff import HandoffApp
from bot.slack.interactions import register_interactions
from bot.slack.listeners import register, remembering
from bot.slack.outbox import Replies
from bot.store.protocol import StateStore

__all__ = ["build_app"]


@contextmanager
def _without(logger: logging.Logger, message: str) -> Iterator[None]:
    """Drop exactly ``message`` from ``logger`` while the block runs.

    Bolt reads SLACK_BOT_TOKEN from the environment even when it is given a client, and
    then warns on every start that the token "will be unused": errcode's client already
    carries that very token, so the warning says nothing and is dropped.
    """

    class Drop(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            return record.getMessage() != message

    drop = Drop()
    logger.addFilter(drop)
    try:
        yield
    finally:
        logger.removeFilter(drop)


def build_app(
    settings: Settings,
    kb: KnowledgeBase,
    store: StateStore,
    client: AsyncWebClient | None = None,
    replies: Replies | None = None,
) -> AsyncApp:
    """The errcode Slack app.

    :param client: the Web API client; by default one for ``settings`` (its token,
        ``SLACK_API_URL`` and the retry handlers of :mod:`bot.slack_client`).
    :param replies: the outbox replies after an ack go through; by default one in
        this process's memory (see :mod:`bot.slack.outbox`).
    """
    bolt_log = logging.getLogger("errcode.bolt")
    with _without(bolt_log, warning_client_prioritized_and_token_skipped()):
        app = _app(settings, bolt_log, client)
    conversation = Conversation(settings, kb, store)
    replies = replies if replies is not None else Replies()
    replies.bind(app.client, remembering(conversation))
    register_interactions(app, conversation, replies)  # first: register() ends with catch-alls
    register(app, conversation, replies)
    return app


def _app(settings: Settings, bolt_log: logging.Logger, client: AsyncWebClient | None) -> AsyncApp:
    return HandoffApp(
        name="errcode",
        logger=bolt_log,
        client=client if client is not None else make_client(settings),
        # Checked once, not twice: the HTTP transport verifies every request on its raw
        # bytes before dispatching it (bot.transports.signature; it answers 401 where
        # slack_sdk's verifier would raise on a body that is not UTF-8), and Socket Mode
        # requests come over Slack's authenticated WebSocket, unsigned.
        signing_secret="",
        request_verification_enabled=False,
        # Slack's response goes out once a listener acks (a slash command's with its
        # answer, within listeners.ANSWER_IN_ACK_SECONDS) and has put its reply in the
        # outbox (bot.slack.handoff, at most handoff.HOLD_SECONDS); posting it never
        # holds the ack.
        process_before_response=False,
    )
