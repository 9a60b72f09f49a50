"""Bolt listeners: acknowledge, hand the plain fields to :class:`Conversation`, send the reply.

Listeners stay thin. Each acknowledges first (events are acknowledged by Bolt
itself), so Slack gets its answer within 3 seconds however slow the Web API
is; the decision runs in a worker thread (the store may be Redis) and the reply
goes out afterwards. Every request gets a listener, so none ends in Bolt's
"unhandled request" 404, which Slack would retry.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from . import render
from .conversation import Conversation, Outcome
from .logs import event_context
from .metrics import REPLIES, REQUESTS, SLACK_API_ERRORS, timed
from .slack_client import post_to_response_url

__all__ = ["register"]

log = logging.getLogger("errcode.slack")

_ANY = re.compile(".*")
#: Subtypes are edits, deletions, joins, bot posts, ...: never a question to answer.
_CHANNEL_TYPES = ("channel", "group", "mpim")


def _request_kind(body: dict[str, Any]) -> str:
    if "command" in body:
        return "command"
    kind = body.get("type")
    return {"event_callback": "event", "block_actions": "action"}.get(str(kind), "other")


def _message_fields(event: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """What :class:`Conversation` needs to know of a message event."""
    return {
        "text": event.get("text", ""),
        "team": body.get("team_id", ""),
        "channel": event["channel"],
        "ts": event["ts"],
        "event_id": body.get("event_id"),
    }


async def _post(client: AsyncWebClient, outcome: Outcome, channel: str, thread: str | None) -> None:
    """chat.postMessage, counting the reply, or the error once retries are spent."""
    try:
        await client.chat_postMessage(
            channel=channel, thread_ts=thread, unfurl_links=False, **outcome.reply.as_kwargs()
        )
    except SlackApiError as exc:
        SLACK_API_ERRORS.labels(method="chat.postMessage").inc()
        log.error("chat.postMessage failed: %s", exc.response.get("error"))
        return
    except Exception as exc:  # connection errors and timeouts, once retries are spent
        SLACK_API_ERRORS.labels(method="chat.postMessage").inc()
        log.error("chat.postMessage failed: %r", exc)
        return
    REPLIES.labels(kind=outcome.kind).inc()


async def _respond(url: str | None, outcome: Outcome, **options: Any) -> None:
    """Post to a response_url (ephemeral unless ``response_type`` says otherwise)."""
    if not url:
        return
    payload = {"response_type": "ephemeral", **options, **outcome.reply.as_kwargs()}
    status = await post_to_response_url(url, payload)
    if status >= 400:
        SLACK_API_ERRORS.labels(method="response_url").inc()
        log.error("response_url post failed with HTTP %s", status)
        return
    REPLIES.labels(kind=outcome.kind).inc()


_FAILURE = Outcome(render.notice("failure"), "error")


def register(app: AsyncApp, conversation: Conversation) -> None:
    """Attach every listener to ``app``."""

    @app.middleware
    async def count_requests(body: dict[str, Any], next: Any) -> Any:
        REQUESTS.labels(kind=_request_kind(body)).inc()
        # Listener tasks and worker threads copy this context: their logs carry the event id.
        with event_context(body.get("event_id")):
            return await next()

    @app.command(re.compile(r"^/"))  # the app's one command, whatever name it was installed as
    async def on_command(ack: AsyncAck, command: dict[str, Any]) -> None:
        await ack()
        with timed("command"):
            try:
                outcome = await asyncio.to_thread(
                    conversation.command,
                    text=command.get("text", ""),
                    command=command.get("command", "/errcode"),
                    team=command.get("team_id", ""),
                    channel=command.get("channel_id", ""),
                    user=command.get("user_id", ""),
                )
            except Exception:
                log.exception("slash command failed")
                outcome = _FAILURE
            await _respond(command.get("response_url"), outcome)

    @app.action(render.SHARE_ACTION)
    async def on_share(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        with timed("share"):
            outcome = await asyncio.to_thread(
                conversation.shared, action.get("value", ""), body["user"]["id"]
            )
            url = body.get("response_url")
            if outcome.kind != "share":
                await _respond(url, outcome, replace_original=False)
                return
            await _respond(url, outcome, response_type="in_channel", replace_original=False)
            if url:  # the ephemeral original has done its job once the answer is public
                await post_to_response_url(url, {"delete_original": True})

    @app.action(render.REMOVE_ACTION)
    async def on_remove(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        with timed("remove"):
            # Only the author of the message the bot explained may remove the explanation.
            if body["user"]["id"] != action.get("value"):
                denied = Outcome(render.notice("remove_denied"), "notice")
                await _respond(body.get("response_url"), denied, replace_original=False)
                return
            try:
                await client.chat_delete(channel=body["channel"]["id"], ts=body["message"]["ts"])
            except SlackApiError as exc:
                SLACK_API_ERRORS.labels(method="chat.delete").inc()
                log.error("chat.delete failed: %s", exc.response.get("error"))

    @app.event("app_mention")
    async def on_mention(
        event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        with timed("mention"):
            await _answer_question(event, body, client, event.get("thread_ts") or event["ts"])

    @app.event("message")
    async def on_message(
        event: dict[str, Any],
        body: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> None:
        if event.get("subtype") or event.get("bot_id") or not event.get("user"):
            return  # edits, deletions, joins, bots (ours or others): acknowledged, ignored
        if event.get("channel_type") == "im":
            with timed("dm"):
                await _answer_question(event, body, client, event.get("thread_ts"))
            return
        if event.get("channel_type") not in _CHANNEL_TYPES:
            return
        if context.bot_user_id and f"<@{context.bot_user_id}>" in event.get("text", ""):
            return  # the app_mention event for this message answers it
        with timed("auto_reply"):
            outcome = await asyncio.to_thread(
                conversation.channel_message,
                **_message_fields(event, body),
                thread_ts=event.get("thread_ts"),
                user=event["user"],
            )
            if outcome is not None:  # always in the thread, never at the channel's top level
                await _post(
                    client, outcome, event["channel"], event.get("thread_ts") or event["ts"]
                )

    async def _answer_question(
        event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient, thread: str | None
    ) -> None:
        try:
            outcome = await asyncio.to_thread(conversation.question, **_message_fields(event, body))
        except Exception:
            log.exception("answering a question failed")
            outcome = _FAILURE
        if outcome is not None:
            await _post(client, outcome, event["channel"], thread)

    # Everything else Slack may send is acknowledged and dropped, never a 404.
    @app.event(_ANY)
    async def on_other_event() -> None:
        return None

    @app.action(_ANY)
    async def on_other_action(ack: AsyncAck) -> None:
        await ack()

    @app.error
    async def on_error(error: Exception, body: dict[str, Any]) -> None:
        log.error("listener failed on a %s request: %r", _request_kind(body), error)
