"""Serve a Bolt :class:`AsyncApp` over HTTP with uvicorn (a production ASGI server).

Routes: ``POST /slack/events`` (events, slash commands and interactivity, all signed
by Slack) is checked here (signature, replay, size, shape) and dispatched to the app;
``GET /healthz`` and ``GET /metrics`` are answered here (``/metrics`` only when it has
no port of its own, ``ERRCODE_METRICS_PORT``); anything else gets Bolt's 404. Like
Bolt's own adapters, this module only translates: it knows nothing about error codes.
The signature check is :mod:`bot.transports.signature`; the Bolt workarounds are
:mod:`bot.transports.bolt_request`; connection limits are :mod:`bot.transports.limits`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn
from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_bolt.adapter.asgi.http_response import AsgiHttpResponse
from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse

from bot.telemetry.metrics import CONTENT_TYPE, EVENTS_REFUSED, RECEIVED_AT, exposition
from bot.transports.bolt_request import Rejected, bolt_request, parse_body
from bot.transports.limits import (
    BACKLOG,
    ConnectionLimits,
    OncePerSecond,
    connection_cap,
    limited_protocol,
)
from bot.transports.signature import headers_present, is_signed, replay_claim

__all__ = ["EVENTS_PATH", "MAX_BODY", "Claim", "RefuseEvent", "SlackASGI", "serve_http"]

EVENTS_PATH = "/slack/events"
#: The largest body accepted. Slack's biggest payloads (a 40,000-character message
#: with its blocks, a 50-block message in an action) stay far below it.
MAX_BODY = 1 << 20

log = logging.getLogger("errcode.http")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
#: ``StateStore.claim``: set a key if absent for some seconds; True if this call set it.
Claim = Callable[[str, int], bool]
#: ``OutageShare.refuses``: given an event id and Slack's retry number, True to answer
#: that delivery 503 (another replica's event while the shared store is down).
RefuseEvent = Callable[[str, int], bool]

_RETRY_NUM = b"x-slack-retry-num"


def _healthz() -> tuple[bytes, str]:
    # Alive means the event loop answers; Slack's reachability is not ours to judge here.
    return b"ok\n", "text/plain; charset=utf-8"


def _metrics() -> tuple[bytes, str]:
    return exposition(), CONTENT_TYPE


_GET_ROUTES: dict[str, Callable[[], tuple[bytes, str]]] = {
    "/healthz": _healthz,
    "/metrics": _metrics,
}


async def _drain(receive: Receive) -> None:
    while (await receive()).get("more_body"):
        pass


async def _read_body(scope: Scope, receive: Receive) -> bytes:
    """The request body, or :class:`Rejected` (413) past :data:`MAX_BODY` bytes.

    The rest of an oversized body is read and dropped, not kept: the client gets its
    413 instead of a reset connection, and memory stays bounded.
    """
    declared = dict(scope.get("headers") or []).get(b"content-length", b"")
    if declared.isdigit() and int(declared) > MAX_BODY:
        await _drain(receive)
        raise Rejected(413, "body too large")
    chunks = bytearray()
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away mid-body
            raise Rejected(400, "body incomplete")
        chunks += message.get("body", b"")
        if len(chunks) > MAX_BODY:
            if message.get("more_body"):
                await _drain(receive)
            raise Rejected(413, "body too large")
        if not message.get("more_body"):
            return bytes(chunks)


async def _respond(send: Send, response: AsgiHttpResponse) -> None:
    await send(response.get_response_start())
    await send(response.get_response_body())


class SlackASGI:
    """The ASGI application: the app at :data:`EVENTS_PATH`, health and metrics beside it.

    :param signing_secret: the app's signing secret; every POST to ``path`` must carry
        its signature. The app's own verification is off (this is the one check).
    :param metrics: also answer ``GET /metrics`` here; False when the metrics have a
        port of their own (:mod:`bot.transports.metrics_http`).
    :param claim: the state store's claim (``StateStore.claim``): each signed
        (timestamp, signature) pair is claimed once, and a pair already claimed is a
        replay, refused with 401. Through a shared store, replicas refuse each other's.
        None turns replay protection off (unit tests of other checks).
    :param refuse_event: which event deliveries to answer 503, so that Slack delivers
        them again (:class:`~bot.store.shard.OutageShare`); None refuses none.
    :param on_startup: called at the ASGI lifespan's startup, on the serving loop
        (the app starts its workers).
    :param on_shutdown: awaited at the ASGI lifespan's shutdown, once requests in
        flight are answered (the app drains the replies it owes).
    """

    def __init__(
        self,
        app: AsyncApp,
        signing_secret: str,
        path: str = EVENTS_PATH,
        *,
        claim: Claim | None = None,
        refuse_event: RefuseEvent | None = None,
        metrics: bool = True,
        on_startup: Callable[[], None] | None = None,
        on_shutdown: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        if not signing_secret:
            raise ValueError("the HTTP transport needs the app's signing secret")
        self.app = app
        self.path = path
        self.bolt = AsyncSlackRequestHandler(app, path=path)
        self._secret = signing_secret.encode()
        self._claim = claim
        self._refuse_event = refuse_event
        self._routes = dict(_GET_ROUTES)
        if not metrics:
            del self._routes["/metrics"]
        self._on_startup = on_startup
        self._on_shutdown = on_shutdown

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self._on_startup is not None:
                    self._on_startup()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._on_shutdown is not None:
                    try:
                        await self._on_shutdown()
                    except Exception:
                        log.exception("shutting down failed")
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            route = self._routes.get(scope["path"])
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
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == self.path:
            await self._slack_request(scope, receive, send)
            return
        await self.bolt(scope, receive, send)  # anything else: Bolt's 404

    async def _first_seen(self, headers: list[tuple[bytes, bytes]]) -> bool:
        """True unless this (timestamp, signature) pair was claimed before: a replay."""
        if self._claim is None:
            return True
        # In a thread, as listeners call the store: a slow Redis must not block the loop.
        return await asyncio.to_thread(self._claim, *replay_claim(headers))

    def _refused(self, payload: dict[str, Any], headers: list[tuple[bytes, bytes]]) -> bool:
        """True for an event callback that :attr:`_refuse_event` leaves to another replica."""
        if self._refuse_event is None or payload.get("type") != "event_callback":
            return False
        retry = dict(headers).get(_RETRY_NUM, b"0")
        retry_num = int(retry) if retry.isdigit() and len(retry) <= 3 else 0
        return self._refuse_event(str(payload.get("event_id") or ""), retry_num)

    async def _slack_request(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Reject what Slack never sends with a 4xx; dispatch the rest to the app.

        The signature is checked first, on the raw body, so a forged request gets its
        401 whatever it carries. Missing signature headers are refused before reading.
        Only an oversized body is refused (413) before its signature can be read.
        """
        # Slack's 3 s run from here: a slash command's wait for its answer counts from it too.
        received = time.monotonic()
        headers = scope.get("headers") or []
        try:
            if not headers_present(headers):
                await _drain(receive)
                raise Rejected(401, "missing signature")
            body = await _read_body(scope, receive)
            if not is_signed(self._secret, body, headers):
                raise Rejected(401, "invalid signature")
            # After the signature: a forged request never writes to the store.
            if not await self._first_seen(headers):
                raise Rejected(401, "replayed signature")
            content_type = dict(headers).get(b"content-type", b"").decode("latin-1")
            text, payload = parse_body(body, content_type)
            if self._refused(payload, headers):
                EVENTS_REFUSED.inc()
                raise Rejected(503, "another replica's event while the state store is down")
            request = bolt_request(text, payload, headers, scope.get("query_string", b""))
            request.context[RECEIVED_AT] = received
        except Rejected as rejected:
            log.debug("rejected a request to %s: %s", self.path, rejected.reason)
            await _respond(send, AsgiHttpResponse(rejected.status, body=rejected.reason))
            return
        response = await self.app.async_dispatch(request)
        if response.status >= 500:
            # Bolt answers 500 when its own matchers cannot read a payload (a view that
            # is a list, ...): listeners acknowledge first and catch their own failures,
            # so only a body Slack never sends gets here. It is the sender's error; a
            # 500 would also make Slack retry it. The cause is logged by the app.
            log.warning("Bolt could not handle a request to %s: answered 400", self.path)
            response = BoltResponse(status=400, body="not a Slack payload")
        await _respond(send, AsgiHttpResponse(response.status, response.headers, response.body))


def serve_http(
    app: AsyncApp,
    host: str,
    port: int,
    signing_secret: str,
    *,
    claim: Claim,
    refuse_event: RefuseEvent | None = None,
    header_timeout: float = 10.0,
    idle_timeout: float = 5.0,
    max_connections: int | None = None,
    metrics: bool = True,
    on_startup: Callable[[], None] | None = None,
    on_shutdown: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Serve ``app`` until SIGINT or SIGTERM (uvicorn finishes requests in flight,
    then ``on_shutdown`` runs: the replies owed are drained).

    :param signing_secret: verified by the transport before the body is read as JSON or
        form, so a forged request is always a 401.
    :param claim: the state store's claim, for replay protection (see :class:`SlackASGI`).
    :param refuse_event: event deliveries to answer 503 (see :class:`SlackASGI`).
    :param header_timeout: seconds for a connection's request headers to arrive complete.
    :param idle_timeout: seconds an idle keep-alive connection stays open.
    :param metrics: also answer ``GET /metrics`` on this port (see :class:`SlackASGI`).
    :param max_connections: the most client connections; never above
        :func:`~bot.transports.limits.connection_cap` (below the open-files limit).
    """
    limits = ConnectionLimits(header_timeout, connection_cap(max_connections))
    logging.getLogger("asyncio").addFilter(OncePerSecond())
    log.info(
        "HTTP limits: %d connections, %.0f s for headers, %.0f s idle",
        limits.max_connections,
        header_timeout,
        idle_timeout,
    )
    config = uvicorn.Config(
        SlackASGI(
            app,
            signing_secret,
            claim=claim,
            refuse_event=refuse_event,
            metrics=metrics,
            on_startup=on_startup,
            on_shutdown=on_shutdown,
        ),
        host=host,
        port=port,
        loop="asyncio",
        http=limited_protocol(limits),
        backlog=BACKLOG,
        timeout_keep_alive=max(1, round(idle_timeout)),
        lifespan="on",
        log_config=None,  # keep errcode's logging (JSON lines, redaction) for uvicorn too
        access_log=False,  # one line per Slack request is noise; /metrics counts them
        timeout_graceful_shutdown=10,
        server_header=False,
    )
    uvicorn.Server(config).run()
