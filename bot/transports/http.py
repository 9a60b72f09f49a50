"""Serve a Bolt :class:`AsyncApp` over HTTP with uvicorn (a production ASGI server).

Routes: ``POST /slack/events`` (events, slash commands and interactivity, all
signed by Slack) goes to Bolt's ASGI adapter, which verifies the signature
before any listener runs; ``GET /healthz`` and ``GET /metrics`` are answered
here. Like Bolt's own adapters, this module only translates: it knows nothing
about error codes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from slack_bolt.adapter.asgi.async_handler import AsyncSlackRequestHandler
from slack_bolt.adapter.asgi.http_response import AsgiHttpResponse
from slack_bolt.async_app import AsyncApp, AsyncBoltContext, AsyncBoltRequest
from slack_bolt.request import payload_utils
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.response import BoltResponse

from bot.telemetry.metrics import CONTENT_TYPE, RECEIVED_AT, exposition

__all__ = ["EVENTS_PATH", "MAX_BODY", "MAX_DEPTH", "SlackASGI", "serve_http"]

EVENTS_PATH = "/slack/events"
#: The largest body accepted. Slack's biggest payloads (a 40,000-character message
#: with its blocks, a 50-block message in an action) stay far below it.
MAX_BODY = 1 << 20
#: The deepest nesting of lists and objects accepted; Slack's blocks nest about 10 deep.
MAX_DEPTH = 64
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"

log = logging.getLogger("errcode.http")

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
    signature: bytes = headers.get(b"x-slack-signature", b"")
    return timestamp.isdigit() and signature.startswith(b"v0=")


class _Rejected(Exception):
    """A request that is not one Slack sends: answered with ``status``, never dispatched."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


async def _drain(receive: Receive) -> None:
    while (await receive()).get("more_body"):
        pass


async def _read_body(scope: Scope, receive: Receive) -> bytes:
    """The request body, or :class:`_Rejected` (413) past :data:`MAX_BODY` bytes.

    The rest of an oversized body is read and dropped, not kept: the client gets its
    413 instead of a reset connection, and memory stays bounded.
    """
    declared = dict(scope.get("headers") or []).get(b"content-length", b"")
    if declared.isdigit() and int(declared) > MAX_BODY:
        await _drain(receive)
        raise _Rejected(413, "body too large")
    chunks = bytearray()
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away mid-body
            raise _Rejected(400, "body incomplete")
        chunks += message.get("body", b"")
        if len(chunks) > MAX_BODY:
            if message.get("more_body"):
                await _drain(receive)
            raise _Rejected(413, "body too large")
        if not message.get("more_body"):
            return bytes(chunks)


def _depth(value: object) -> int:
    """How deeply ``value`` nests lists and objects (iterative: no recursion to exhaust)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nesting past the C parser's stack
        raise _Rejected(400, "malformed JSON") from None
    if not isinstance(value, dict):
        raise _Rejected(400, "JSON body is not an object")
    if _depth(value) > MAX_DEPTH:
        raise _Rejected(400, "JSON nested too deeply")
    return value


def _check_envelope(payload: dict[str, Any]) -> dict[str, Any]:
    """The parts of Slack's envelope that Bolt's middleware reads without checking.

    Bolt fails with a 500 on an event that is not an object or a click without
    actions; neither comes from Slack, so they are bad requests.
    """
    kind = payload.get("type")
    if "command" in payload and not isinstance(payload["command"], str):
        raise _Rejected(400, "command is not a string")  # Bolt matches it as a string
    if kind == "event_callback":
        event = payload.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            raise _Rejected(400, "event_callback without an event object")
    elif kind == "block_actions":
        actions = payload.get("actions")
        if not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions):
            raise _Rejected(400, "block_actions without a list of actions")
    return payload


def _payload(body: bytes, content_type: str) -> tuple[str, dict[str, Any]]:
    """The body as text and as the dict Bolt dispatches on, or :class:`_Rejected`.

    Slack sends events as JSON objects, and slash commands and interactivity as
    forms (interactivity as one ``payload`` field holding a JSON object).
    """
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in (JSON, FORM):
        raise _Rejected(415, "unsupported content type")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _Rejected(400, "body is not UTF-8") from None
    if not text.strip():
        raise _Rejected(400, "empty body")
    if media == JSON:
        return text, _check_envelope(_json_object(text))
    fields = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" in fields:
        return text, _check_envelope(_json_object(fields["payload"]))
    return text, fields


#: What Bolt's listener arguments and matchers read of every request.
_BOLT_READERS: tuple[Callable[[dict[str, Any]], object], ...] = (
    payload_utils.to_options,
    payload_utils.to_shortcut,
    payload_utils.to_action,
    payload_utils.to_view,
    payload_utils.to_command,
    payload_utils.to_event,
    payload_utils.to_message,
    payload_utils.to_step,
    payload_utils.is_function,
    payload_utils.is_assistant_event,
    payload_utils.is_any_im_message_event,
)


def _bolt_request(scope: Scope, text: str, payload: dict[str, Any]) -> AsyncBoltRequest:
    """What Bolt's ASGI adapter builds, but from the body as parsed here.

    Bolt's own parser reads any form holding the letters "payload" as an
    interactivity payload, so ``/errcode bad payload`` would reach no listener;
    and it raises (a 500) on bodies that are not what they claim to be. The raw
    text stays the request's ``raw_body``, so the signature is checked on the bytes
    Slack signed.
    """
    headers = {
        name.decode("latin-1"): value.decode("latin-1")
        for name, value in scope.get("headers") or []
    }
    request = AsyncBoltRequest(
        body="", query=scope.get("query_string", b"").decode("latin-1"), headers=headers
    )
    request.raw_body = text
    request.body = payload
    try:
        # Bolt reads ids and payload parts assuming Slack's types, and fails with a 500
        # (or an exception past its error handler) on anything else. Reading them here
        # first, with Bolt's own readers, turns a body Bolt cannot read into a 400.
        request.context = build_async_context(AsyncBoltContext(), payload)
        for read in _BOLT_READERS:
            read(payload)
    except (AttributeError, TypeError, KeyError, IndexError, ValueError):
        raise _Rejected(400, "not a Slack payload") from None
    return request


async def _respond(send: Send, response: AsgiHttpResponse) -> None:
    await send(response.get_response_start())
    await send(response.get_response_body())


class SlackASGI:
    """The ASGI application: Bolt at :data:`EVENTS_PATH`, health and metrics beside it."""

    def __init__(
        self, app: AsyncApp, path: str = EVENTS_PATH, signing_secret: str | None = None
    ) -> None:
        self.app = app
        self.path = path
        self.bolt = AsyncSlackRequestHandler(app, path=path)
        self._secret = signing_secret.encode() if signing_secret else None

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
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == self.path:
            await self._slack_request(scope, receive, send)
            return
        await self.bolt(scope, receive, send)  # anything else: Bolt's 404

    async def _slack_request(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Reject what Slack never sends with a 4xx; hand the rest to Bolt.

        The signature is checked first, on the raw body, so a forged request gets its
        401 whatever it carries (Bolt checks it again before any listener runs). Missing
        signature headers are refused before reading: Bolt answers an empty or
        non-numeric timestamp with a 500, though it is a bad request from someone who is
        not Slack. Only an oversized body is refused (413) before its signature can be read.
        """
        # Slack's 3 s run from here: a slash command's wait for its answer counts from it too.
        received = time.monotonic()
        try:
            if not _signature_headers_present(scope):
                await _drain(receive)
                raise _Rejected(401, "missing signature")
            body = await _read_body(scope, receive)
            if self._secret is not None and not _signed(self._secret, body, _headers(scope)):
                raise _Rejected(401, "invalid signature")
            content_type = dict(scope.get("headers") or []).get(b"content-type", b"")
            text, payload = _payload(body, content_type.decode("latin-1"))
            request = _bolt_request(scope, text, payload)
            request.context[RECEIVED_AT] = received
        except _Rejected as rejected:
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


def _signed(secret: bytes, body: bytes, headers: dict[str, str], now: float | None = None) -> bool:
    """Slack's v0 signature over the raw bytes, and a timestamp within five minutes.

    slack_sdk's verifier decodes the body as UTF-8 first and raises on bytes that are
    not, so the bytes are signed here exactly as Slack signs them.
    """
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not timestamp.isdigit() or abs((now or time.time()) - int(timestamp)) > 300:
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret, base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}


def serve_http(app: AsyncApp, host: str, port: int, signing_secret: str | None = None) -> None:
    """Serve ``app`` until SIGINT or SIGTERM (uvicorn finishes requests in flight).

    :param signing_secret: verify Slack's signature in the transport, before the body is read
        as JSON or form, so a forged request is always a 401.
    """
    config = uvicorn.Config(
        SlackASGI(app, signing_secret=signing_secret),
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
