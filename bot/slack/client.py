"""Slack Web API and response_url clients that retry, boundedly, and count their retries.

Retries cover what a later attempt can fix: 429 (after the Retry-After Slack
sends, capped), 5xx, and connections that failed. A connection that failed
before the request went out (refused, unreachable) is always retried. One that
dropped or timed out after the request went out is ambiguous: Slack may have
acted on it. Reads and idempotent calls are then simply repeated; a post is not,
since it could appear twice. :func:`post_message_once` instead tags each
chat.postMessage with message metadata and, after an ambiguous failure, looks
for the tag in the thread before posting again, so a reply appears exactly once.
A response_url cannot be searched, so its posts are never repeated after an
ambiguous failure (at most once); that is why slash commands answer in their ack
and use a response_url only when the answer misses it. Each retry is counted in
:data:`bot.metrics.SLACK_API_RETRIES`.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import Callable
from typing import Any

from aiohttp import ClientConnectionError, ClientConnectorError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.settings import Settings
from bot.telemetry.metrics import SLACK_API_RETRIES

__all__ = [
    "MAX_RETRIES",
    "REPLY_EVENT_TYPE",
    "make_client",
    "post_message_once",
    "post_to_response_url",
    "retry_handlers",
]

log = logging.getLogger("errcode.slack")

#: Attempts after the first, per kind of failure.
MAX_RETRIES = 3
#: The longest Retry-After honoured; a longer one is cut so a reply is not hours late.
MAX_RETRY_AFTER = 30.0
#: Seconds before a Web API call gives up.
TIMEOUT = 15
#: The metadata event type of errcode's posts, whose payload carries a ``reply_id``.
REPLY_EVENT_TYPE = "errcode_reply"
#: Web API methods that create something: repeating one after an ambiguous failure
#: could create it twice.
_NOT_REPLAYABLE = frozenset(
    {"chat.postMessage", "chat.postEphemeral", "chat.meMessage", "chat.scheduleMessage"}
)
#: How far back (seconds) to look for a post whose answer was lost: Slack's clock and
#: ours may differ, and the post may have taken up to TIMEOUT.
_LOOKBACK = 120.0


class _RateLimited(AsyncRateLimitErrorRetryHandler):
    """429: wait as long as Slack's Retry-After says, capped, then retry (and count it)."""

    async def prepare_for_next_attempt_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        SLACK_API_RETRIES.labels(reason="rate_limited").inc()
        headers = {k.lower(): v for k, v in (response.headers if response else {}).items()}
        try:
            wait = float(headers.get("retry-after", ["1"])[0])
        except (TypeError, ValueError):
            wait = 1.0
        state.next_attempt_requested = True
        await asyncio.sleep(min(max(wait, 0.0), MAX_RETRY_AFTER) + random.random() * 0.1)
        state.increment_current_attempt()


class _ServerError(AsyncServerErrorRetryHandler):
    """Any 5xx (slack_sdk's own handler only knows 500 and 503), counted."""

    async def _can_retry_async(self, *, response: HttpResponse | None = None, **_: object) -> bool:
        return response is not None and 500 <= response.status_code < 600

    async def prepare_for_next_attempt_async(self, **kwargs: object) -> None:
        SLACK_API_RETRIES.labels(reason="server_error").inc()
        await super().prepare_for_next_attempt_async(**kwargs)  # type: ignore[arg-type]


def _replayable_api_call(request: HttpRequest) -> bool:
    """A Web API call that may be repeated after an ambiguous failure: not a post."""
    return request.url.rstrip("/").rsplit("/", 1)[-1] not in _NOT_REPLAYABLE


def _never(request: HttpRequest) -> bool:
    return False


class _ConnectionError(AsyncConnectionErrorRetryHandler):
    """Connection failures: retried when the request never left, or when repeating is harmless.

    :param replayable: whether a request may be repeated when its connection dropped
        after it was sent (Slack may have acted on it already).
    """

    def __init__(self, max_retry_count: int, replayable: Callable[[HttpRequest], bool]) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._replayable = replayable

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not await super()._can_retry_async(
            state=state, request=request, response=response, error=error
        ):
            return False
        # A failed connect sent nothing; anything later may have reached Slack.
        return isinstance(error, ClientConnectorError) or self._replayable(request)

    async def prepare_for_next_attempt_async(self, **kwargs: object) -> None:
        SLACK_API_RETRIES.labels(reason="connection").inc()
        await super().prepare_for_next_attempt_async(**kwargs)  # type: ignore[arg-type]


def retry_handlers(
    replayable: Callable[[HttpRequest], bool] = _replayable_api_call,
) -> list[AsyncRetryHandler]:
    """Fresh handlers (they hold no state between calls, but clients own their list).

    :param replayable: which requests may be repeated after an ambiguous connection
        failure; by default every Web API call but the posting ones.
    """
    return [
        _RateLimited(max_retry_count=MAX_RETRIES),
        _ServerError(max_retry_count=MAX_RETRIES),
        _ConnectionError(MAX_RETRIES, replayable),
    ]


def make_client(settings: Settings) -> AsyncWebClient:
    """The Web API client for ``settings``: its token, its base URL, the retry handlers."""
    return AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        timeout=TIMEOUT,
        retry_handlers=retry_handlers(),
    )


async def post_message_once(
    client: AsyncWebClient,
    *,
    channel: str,
    thread_ts: str | None = None,
    reply_id: str | None = None,
    since: float | None = None,
    look_first: bool = False,
    **kwargs: Any,
) -> str | None:
    """chat.postMessage that posts exactly once, even when a connection drops mid-call.

    Returns the posted message's ts (None if Slack's answer did not say).

    The message carries metadata with ``reply_id`` (a fresh one if omitted; an outbox
    job passes its own, with ``since``, when it was made, and ``look_first`` when it
    is taken again, so that a post an earlier attempt made is found, not repeated).
    When the call fails in a way that leaves open whether Slack posted it
    (connection dropped or timed out after the request went out), the thread (or,
    without one, the channel's recent history) is searched for that id: found, the
    reply is there and nothing more is sent; not found, it is posted
    again, at most :data:`MAX_RETRIES` more times.

    :raises SlackApiError: Slack refused the post (after the 429/5xx retries).
    :raises aiohttp.ClientError, TimeoutError: retries spent, or the search failed, so
        whether the reply is there is unknown and posting again could double it.
    """
    reply_id = reply_id or uuid.uuid4().hex
    metadata = {"event_type": REPLY_EVENT_TYPE, "event_payload": {"reply_id": reply_id}}
    oldest = f"{(time.time() if since is None else since) - _LOOKBACK:.6f}"
    if look_first:
        # An outbox job taken again: an earlier attempt (here, or on a replica that
        # died) may have posted it.
        found = await _find_reply(client, channel, thread_ts, reply_id, oldest)
        if found is not None:
            log.info("reply %s was posted by an earlier attempt", reply_id)
            return found or None
    for attempt in range(MAX_RETRIES + 1):
        try:
            posted = await client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, metadata=metadata, **kwargs
            )
            ts = posted.get("ts")
            return ts if isinstance(ts, str) else None
        except ClientConnectorError:
            raise  # nothing was sent, and the retry handler already tried again
        except (ClientConnectionError, TimeoutError) as exc:
            if attempt == MAX_RETRIES:
                raise
            # Give Slack a moment to make a post that did land visible in the thread.
            await asyncio.sleep(0.2 * 2**attempt + random.random() * 0.1)
            try:
                found = await _find_reply(client, channel, thread_ts, reply_id, oldest)
            except Exception:
                log.error("chat.postMessage failed (%r) and the check for it too", exc)
                raise exc from None
            if found is not None:
                log.info("chat.postMessage answer lost (%r), but the reply is posted", exc)
                return found or None
            SLACK_API_RETRIES.labels(reason="connection").inc()
            log.warning("chat.postMessage failed (%r) before posting; posting again", exc)
    return None  # not reached: the last attempt returns or raises


async def _find_reply(
    client: AsyncWebClient, channel: str, thread_ts: str | None, reply_id: str, since: str
) -> str | None:
    """The ts of the message tagged ``reply_id`` in the thread (or the channel) since
    ``since`` ("" if it has none); None when there is no such message."""
    if thread_ts:
        found = await client.conversations_replies(
            channel=channel, ts=thread_ts, oldest=since, include_all_metadata=True, limit=200
        )
    else:
        found = await client.conversations_history(
            channel=channel, oldest=since, include_all_metadata=True, limit=200
        )
    for message in found.get("messages") or []:
        payload = (message.get("metadata") or {}).get("event_payload") or {}
        if payload.get("reply_id") == reply_id:
            ts = message.get("ts")
            return ts if isinstance(ts, str) else ""
    return None


async def post_to_response_url(url: str, payload: dict[str, object]) -> int:
    """POST ``payload`` to a slash command's or an action's response_url; the HTTP status.

    Bolt's ``respond()`` does not retry, so this replaces it with the same handlers,
    except that a dropped connection is not retried: a response_url cannot be searched
    for a post that did land, and a second one would show the answer twice.
    slack_sdk's webhook client consults its handlers only on 429, so 5xx answers are
    retried here, with the same backoff and bound as Web API calls.
    """
    client = AsyncWebhookClient(url=url, timeout=TIMEOUT, retry_handlers=retry_handlers(_never))
    for attempt in range(MAX_RETRIES + 1):
        try:
            response = await client.send_dict(payload)
        except (ClientConnectionError, TimeoutError) as exc:
            if not isinstance(exc, ClientConnectorError):
                log.error("response_url post failed (%r); not repeated: it may have landed", exc)
            raise
        if response.status_code < 500 or attempt == MAX_RETRIES:
            break
        SLACK_API_RETRIES.labels(reason="server_error").inc()
        await asyncio.sleep(0.5 * 2**attempt + random.random() * 0.1)
    return response.status_code
