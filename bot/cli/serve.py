"""``errcode serve``: settings, logging, state and the app, then Socket Mode or HTTP."""

from __future__ import annotations

import asyncio
import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import ConfigError
from bot.knowledge.base import KnowledgeBase
from bot.settings import Settings, load_settings
from bot.slack.app import build_app
from bot.slack.outbox import Replies
from bot.store.factory import make_outage_share, make_outbox, make_store
from bot.telemetry.logs import configure_logging

__all__ = ["main"]

log = logging.getLogger("errcode.serve")

#: auth.test errors that no retry fixes: the token is wrong, so stop with a clear message.
_BAD_TOKEN = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}


async def _check_token(client: AsyncWebClient) -> None:
    """Fail fast on a rejected bot token; only warn when Slack cannot be reached."""
    try:
        auth = await client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error in _BAD_TOKEN:
            raise ConfigError(f"SLACK_BOT_TOKEN was refused by Slack ({error})") from None
        log.warning("auth.test failed (%s); starting anyway", error)
    except Exception as exc:  # network down at start: Bolt retries auth on the first request
        log.warning("cannot reach the Slack Web API yet (%s); starting anyway", type(exc).__name__)
    else:
        log.info("authenticated as %s in team %s", auth.get("user_id"), auth.get("team_id"))


def main(kb: KnowledgeBase) -> None:
    """Run the bot until stopped: Socket Mode when SLACK_APP_TOKEN is set, else HTTP.

    :raises ConfigError: a setting is missing or malformed, or Slack refuses the token.
    """
    settings: Settings = load_settings()
    configure_logging(settings.log_level, settings.log_format, secrets=settings.secrets())
    store = make_store(settings, retry_interval=settings.redis_retry_seconds)
    share = make_outage_share(store, settings.replicas, settings.replica_index)
    if share is not None:
        log.info(
            "replica %d of %d: while Redis is down, other replicas' events are refused (503)",
            share.shard.index,
            share.shard.count,
        )
    outbox = make_outbox(settings, claim_seconds=settings.outbox_claim_seconds, store=store)
    replies = Replies(outbox)
    app = build_app(settings, kb, store, replies=replies)

    async def drain() -> None:
        await replies.drain(settings.drain_seconds)

    asyncio.run(_check_token(app.client))
    if settings.metrics_port is not None:
        from bot.transports.metrics_http import start_metrics_server

        start_metrics_server(settings.host, settings.metrics_port)
    if settings.slack_app_token is not None:
        from bot.transports.socket_mode import serve_socket_mode

        log.info("starting in Socket Mode with %d knowledge entries", len(kb))
        serve_socket_mode(
            app,
            settings.slack_app_token.get_secret_value(),
            on_shutdown=drain,
            on_startup=replies.start,
        )
    else:
        from bot.transports.http import serve_http

        log.info(
            "serving HTTP on %s:%d with %d knowledge entries", settings.host, settings.port, len(kb)
        )
        secret = settings.slack_signing_secret
        if secret is None:  # load_settings refuses HTTP mode without one; never serve unchecked
            raise ConfigError("bad setting: SLACK_SIGNING_SECRET is missing")
        serve_http(
            app,
            settings.host,
            settings.port,
            secret.get_secret_value(),
            claim=store.claim,
            refuse_event=share.refuses if share is not None else None,
            header_timeout=settings.header_timeout_seconds,
            idle_timeout=settings.idle_timeout_seconds,
            max_connections=settings.max_connections,
            metrics=settings.metrics_port is None,
            on_startup=replies.start,
            on_shutdown=drain,
        )
