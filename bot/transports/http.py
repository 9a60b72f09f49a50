"""Serve a Bolt :class:`AsyncApp` over HTTP with uvicorn (a production ASGI server).

Routes: ``POST /slack/events`` (events, slash commands and interactivity, all
signed by Slack) goes to Bolt's ASGI adapter, which verifies the signature
before any listener runs; ``GET /healthz`` and ``GET /metrics`` are answered
here. Like Bolt's own adapters, this module only translates: it knows nothing
about error codes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn
from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp

from ..metrics import CONTENT_TYPE, exposition

__all__ = ["EVENTS_PATH", "SlackASGI", "serve_http"]

EVENTS_PATH = "/slack/events"

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def _healthz() -> tuple[bytes, str]:
    # Alive means the event loop answers; Slack's reachability is not ours to judge here.
    return b"ok\n", "text/plain; charset=utf-8"


def _metrics() -> tuple[bytes, str]:
    return exposition(), CONTENT_TYPE


_GET_ROUTES: dict[str, Callable[[], tuple[bytes, str]]] = {
    "/healthz": _healthz,
    "/metrics": _metrics,
}


def _signature_headers_present(scope: Scope) -> bool:
    headers = dict(scope.get("headers") or [])
    timestamp = headers.get(b"x-slack-request-timestamp", b"")
    return timestamp.isdigit() and headers.get(b"x-slack-signature", b"").startswith(b"v0=")


async def _drain(receive: Receive) -> None:
    while (await receive()).get("more_body"):
        pass


class SlackASGI:
    """The ASGI application: Bolt at :data:`EVENTS_PATH`, health and metrics beside it."""

    def __init__(self, app: AsyncApp, path: str = EVENTS_PATH) -> None:
        self.bolt = AsyncSlackRequestHandler(app, path=path)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            route = _GET_ROUTES.get(scope["path"])
            if route is not None:
                body, content_type = route()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 200,
                        "headers": [(b"content-type", content_type.encode())],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        if scope["type"] == "http" and not _signature_headers_present(scope):
            # Bolt answers an empty or non-numeric timestamp with a 500; it is a bad
            # request from someone who is not Slack, so it gets the same 401 as a bad signature.
            await _drain(receive)
            await send({"type": "http.response.start", "status": 401, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        await self.bolt(scope, receive, send)


def serve_http(app: AsyncApp, host: str, port: int) -> None:
    """Serve ``app`` until SIGINT or SIGTERM (uvicorn finishes requests in flight)."""
    config = uvicorn.Config(
        SlackASGI(app),
        host=host,
        port=port,
        loop="asyncio",
        http="h11",
        lifespan="off",
        log_config=None,  # keep errcode's logging (JSON lines, redaction) for uvicorn too
        access_log=False,  # one line per Slack request is noise; /metrics counts them
        timeout_graceful_shutdown=10,
        server_header=False,
    )
    uvicorn.Server(config).run()
