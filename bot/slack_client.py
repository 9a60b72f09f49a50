"""Slack Web API and response_url clients that retry, boundedly, and count their retries.

Retries cover what a later attempt can fix: 429 (after the Retry-After Slack
sends, capped), 5xx, and connections refused or reset. Timeouts are not
retried: Slack may have posted the message already, and a retry would post it
twice. Each retry is counted in :data:`bot.metrics.SLACK_API_RETRIES`.
"""

from __future__ import annotations

import asyncio
import random

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

from .metrics import SLACK_API_RETRIES
from .settings import Settings

__all__ = ["MAX_RETRIES", "make_client", "post_to_response_url", "retry_handlers"]

#: Attempts after the first, per kind of failure.
MAX_RETRIES = 3
#: The longest Retry-After honoured; a longer one is cut so a reply is not hours late.
MAX_RETRY_AFTER = 30.0
#: Seconds before a Web API call gives up.
TIMEOUT = 15


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


class _ConnectionError(AsyncConnectionErrorRetryHandler):
    async def prepare_for_next_attempt_async(self, **kwargs: object) -> None:
        SLACK_API_RETRIES.labels(reason="connection").inc()
        await super().prepare_for_next_attempt_async(**kwargs)  # type: ignore[arg-type]


def retry_handlers() -> list[AsyncRetryHandler]:
    """Fresh handlers (they hold no state between calls, but clients own their list)."""
    return [
        _RateLimited(max_retry_count=MAX_RETRIES),
        _ServerError(max_retry_count=MAX_RETRIES),
        _ConnectionError(max_retry_count=MAX_RETRIES),
    ]


def make_client(settings: Settings) -> AsyncWebClient:
    """The Web API client for ``settings``: its token, its base URL, the retry handlers."""
    return AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        timeout=TIMEOUT,
        retry_handlers=retry_handlers(),
    )


async def post_to_response_url(url: str, payload: dict[str, object]) -> int:
    """POST ``payload`` to a slash command's or an action's response_url; the HTTP status.

    Bolt's ``respond()`` does not retry, so this replaces it with the same handlers.
    """
    client = AsyncWebhookClient(url=url, timeout=TIMEOUT, retry_handlers=retry_handlers())
    response = await client.send_dict(payload)
    return response.status_code
