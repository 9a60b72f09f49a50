"""A fake Slack for end-to-end tests: the Web API, response_urls, and request signing.

:class:`FakeSlack` is a stdlib HTTP server on a free loopback port (port 0, never a
fixed one) that records every call, answers as Slack does, and can be scripted to
misbehave per method: fail (429 with Retry-After, 5xx), drop the connection without
an answer (before or after carrying the call out), or answer slowly. It keeps the
messages it posted, so ``conversations.replies`` and ``conversations.history``
answer from them, metadata included. :func:`signed_headers` signs a request body
exactly as Slack does (v0 HMAC-SHA256 over ``v0:{timestamp}:{body}``).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import socket
import struct
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["BOT_ID", "BOT_USER", "TEAM", "Call", "FakeSlack", "signed_headers"]

TEAM = "T111"
BOT_USER = "UBOT"
BOT_ID = "BBOT"


def signed_headers(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends with ``body``: X-Slack-Request-Timestamp and X-Slack-Signature."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + ts.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The fault matrix and the load test open dozens of connections at once. With the
    # default backlog (5) the kernel drops the surplus SYNs and clients retry a second
    # later: a delay of the fake's making that would show up as the bot's.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients (aiohttp) drop keep-alive connections when their loop closes: not a failure.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class Call:
    """One request the fake received."""

    #: ``chat.postMessage`` for Web API methods, ``response_url:<name>`` for response_urls.
    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    #: When the fake answered it (or dropped it): later than ``at`` when it was slow.
    answered: float = 0.0
    #: The HTTP status answered; ``None`` when the connection was dropped instead.
    status: int | None = 200
    #: Whether the fake carried the call out (posted the message): what a user would see.
    delivered: bool = True


@dataclass
class _Fault:
    """One scripted misbehaviour, for the next ``times`` calls of a method."""

    #: ``status`` (answer ``status``), ``drop`` (close without answering) or ``slow``.
    kind: str
    times: int
    status: int = 200
    retry_after: int | None = None
    #: ``status`` only: the Web API error named in the answer (default: from the status).
    error: str | None = None
    #: ``drop`` only: carry the call out before dropping (the client cannot know it did).
    after_posting: bool = False
    #: ``drop`` only: abort with a TCP reset rather than close.
    reset: bool = False
    #: ``slow`` only: how long to wait before answering.
    seconds: float = 0.0
    #: Only calls this accepts (one thread's posts, say); ``None``: every call.
    where: Callable[[Call], bool] | None = None


@dataclass
class _Answer:
    status: int | None  # None: drop the connection
    body: dict[str, Any]
    headers: dict[str, str]
    reset: bool = False


class FakeSlack:
    """The Slack Web API and response_url endpoints, recording, on ``127.0.0.1:<free port>``.

    :param ws_url: what ``apps.connections.open`` answers (a local WebSocket server).
    """

    def __init__(self, ws_url: str | None = None) -> None:
        self.ws_url = ws_url
        self.calls: list[Call] = []
        #: What chat.postMessage posted (channel, ts, thread_ts, text, metadata), oldest first.
        self.messages: list[dict[str, Any]] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._delays: dict[str, float] = {}
        self._lock = threading.Condition()
        self._ts = itertools.count(1)
        self._server = _Server(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- life cycle ---------------------------------------------------------------

    def __enter__(self) -> FakeSlack:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        """The value for SLACK_API_URL."""
        return self.url + "/api/"

    def response_url(self, name: str) -> str:
        """A response_url for a command or an action; recorded as ``response_url:<name>``."""
        return f"{self.url}/response/{name}"

    # -- steering -----------------------------------------------------------------

    # Each of fail, drop and slow queues a fault for ``method``; with ``where``, it
    # applies only to the calls ``where`` accepts, so that tests running at the same
    # time (one thread each) do not take each other's faults.

    def fail(
        self,
        method: str,
        status: int,
        times: int = 1,
        retry_after: int | None = None,
        *,
        error: str | None = None,
        where: Callable[[Call], bool] | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with ``status`` (recorded all the same).

        :param error: the answer's ``error`` (``message_not_found`` with status 200, say);
            by default ``ratelimited`` for 429 and ``fatal_error`` otherwise.
        """
        fault = _Fault(
            "status", times, status=status, retry_after=retry_after, error=error, where=where
        )
        self._script(method, fault)

    def drop(
        self,
        method: str,
        times: int = 1,
        *,
        after_posting: bool,
        reset: bool = False,
        where: Callable[[Call], bool] | None = None,
    ) -> None:
        """Close the connection of the next ``times`` calls of ``method`` without an answer.

        :param after_posting: carry the call out first (the message is posted, only the
            answer is lost), or drop it before anything happened. The client sees the same
            disconnect either way, which is the point: it cannot tell which one it was.
        :param reset: close with a TCP reset instead of an orderly close.
        """
        fault = _Fault("drop", times, after_posting=after_posting, reset=reset, where=where)
        self._script(method, fault)

    def slow(
        self,
        method: str,
        seconds: float,
        times: int = 1,
        *,
        where: Callable[[Call], bool] | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` after ``seconds`` (then normally)."""
        self._script(method, _Fault("slow", times, seconds=seconds, where=where))

    def _script(self, method: str, fault: _Fault) -> None:
        with self._lock:
            self._faults.setdefault(method, []).append(fault)

    def delay(self, method: str, seconds: float) -> None:
        """Make every call of ``method`` take ``seconds`` before it answers."""
        self._delays[method] = seconds

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self.messages.clear()
            self._faults.clear()
            self._delays.clear()

    # -- inspection ---------------------------------------------------------------

    def calls_to(self, method: str, where: Callable[[Call], bool] | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if _named(c, method) and (where is None or where(c))]

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Block until ``count`` calls of ``method`` (matching ``where``) arrived; return them.

        ``method`` may end in ``*`` to match a prefix (``response_url:*``).
        """
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [c for c in self.calls if _named(c, method) and (where is None or where(c))]
                if len(found) >= count or time.monotonic() >= deadline:
                    return found
                self._lock.wait(timeout=max(0.0, min(0.05, deadline - time.monotonic())))

    def delivered(self, method: str, where: Callable[[Call], bool] | None = None) -> list[Call]:
        """The calls of ``method`` the fake carried out (what users saw), not failed attempts."""
        return self.calls_to(method, lambda c: c.delivered and (where is None or where(c)))

    # -- the server ---------------------------------------------------------------

    def _next_fault(self, call: Call) -> _Fault | None:
        """The first fault scripted for this call, used up once per call."""
        with self._lock:
            faults = self._faults.get(call.method, [])
            for n, fault in enumerate(faults):
                if fault.where is None or fault.where(call):
                    fault.times -= 1
                    if fault.times <= 0:
                        del faults[n]
                    return fault
            return None

    def _record(self, call: Call) -> _Answer:
        delay = self._delays.get(call.method, 0.0)
        fault = self._next_fault(call)
        if fault is not None and fault.kind == "slow":
            delay += fault.seconds
        if delay:
            time.sleep(delay)
        with self._lock:
            call.answered = time.monotonic()
            answer = _Answer(200, {}, {})
            if fault is not None and fault.kind == "status":
                call.status, call.delivered = fault.status, False
                error = fault.error or ("ratelimited" if fault.status == 429 else "fatal_error")
                retry = (
                    {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
                )
                answer = _Answer(fault.status, {"ok": False, "error": error}, retry)
            elif fault is not None and fault.kind == "drop":
                call.status, call.delivered = None, fault.after_posting
                answer = _Answer(None, {}, {}, reset=fault.reset)
            # The call is carried out (a message posted) before it is visible in ``calls``,
            # so a test that sees a delivered call also sees its message.
            if call.delivered:
                answer.body = self._answer(call)
            self.calls.append(call)
            self._lock.notify_all()
            return answer

    def _answer(self, call: Call) -> dict[str, Any]:
        p = call.params
        if call.method == "auth.test":
            return {
                "ok": True,
                "url": "https://fake.slack.com/",
                "team": "Fake",
                "user": "errcode",
                "team_id": TEAM,
                "user_id": BOT_USER,
                "bot_id": BOT_ID,
                "is_enterprise_install": False,
            }
        if call.method == "apps.connections.open":
            return {"ok": True, "url": self.ws_url}
        if call.method in ("conversations.replies", "conversations.history"):
            return self._conversation(call.method, p)
        ts = f"1700000000.{next(self._ts):06d}"
        if call.method == "chat.postMessage":
            self.messages.append(
                {
                    "type": "message",
                    "channel": p.get("channel"),
                    "ts": ts,
                    "thread_ts": p.get("thread_ts"),
                    "text": p.get("text"),
                    "bot_id": BOT_ID,
                    "user": BOT_USER,
                    "metadata": p.get("metadata"),
                }
            )
            return {
                "ok": True,
                "channel": p.get("channel"),
                "ts": ts,
                "message": {
                    "type": "message",
                    "text": p.get("text"),
                    "bot_id": BOT_ID,
                    "user": BOT_USER,
                    "ts": ts,
                },
            }
        if call.method == "chat.postEphemeral":
            return {"ok": True, "message_ts": ts}
        if call.method in ("chat.update", "chat.delete"):
            return {"ok": True, "channel": p.get("channel"), "ts": p.get("ts")}
        if call.method.startswith("response_url:"):
            return {"ok": True}
        if call.method in ("functions.completeSuccess", "functions.completeError"):
            return {"ok": True}
        if call.method in ("views.open", "views.update", "views.publish"):
            view = p.get("view")
            view = json.loads(view) if isinstance(view, str) else view
            return {"ok": True, "view": {**(view or {}), "id": f"V{next(self._ts):08d}"}}
        return {"ok": False, "error": "unknown_method"}

    def _conversation(self, method: str, p: dict[str, Any]) -> dict[str, Any]:
        """A thread (``replies``: the parent ts and its replies) or a channel, newest first.

        Only the bot's own posts exist here; ``oldest``/``latest`` are not applied, as
        the fake's timestamps are not wall-clock times.
        """
        channel = p.get("channel")
        if method == "conversations.replies":
            thread = p.get("ts")
            found = [
                m
                for m in self.messages
                if m["channel"] == channel and thread in (m["ts"], m["thread_ts"])
            ]
        else:
            found = [m for m in reversed(self.messages) if m["channel"] == channel]
        with_metadata = str(p.get("include_all_metadata", "")).lower() in ("1", "true")
        hidden = {"channel"} if with_metadata else {"channel", "metadata"}
        messages = [
            {k: v for k, v in m.items() if k not in hidden and v is not None} for m in found
        ]
        return {"ok": True, "messages": messages, "has_more": False}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                path, _, query = self.path.partition("?")
                # slack_sdk sends some methods' arguments in the query string (chat.delete).
                params = {
                    **dict(parse_qsl(query)),
                    **_parse(raw, self.headers.get("Content-Type", "")),
                }
                if path.startswith("/api/"):
                    method = path[len("/api/") :]
                elif path.startswith("/response/"):
                    method = "response_url:" + path[len("/response/") :]
                else:
                    method = path
                call = Call(method, params, {k.lower(): v for k, v in self.headers.items()})
                answer = fake._record(call)
                if answer.status is None:
                    self._drop(answer.reset)
                    return
                # response_urls answer plain "ok", as hooks.slack.com does.
                data = (
                    b"ok"
                    if method.startswith("response_url:") and answer.status == 200
                    else json.dumps(answer.body).encode()
                )
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _drop(self, reset: bool) -> None:
                """Close without a byte of answer (a reset sends RST instead of FIN)."""
                self.close_connection = True
                if reset:  # SO_LINGER 0: close() aborts the connection with a reset
                    linger = struct.pack("ii", 1, 0)
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)

            do_GET = do_POST

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                return

        return Handler


def _named(call: Call, method: str) -> bool:
    if method.endswith("*"):
        return call.method.startswith(method[:-1])
    return call.method == method


def _parse(raw: str, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        return json.loads(raw)
    params: dict[str, Any] = dict(parse_qsl(raw, keep_blank_values=True))
    # Form-encoded calls carry these as JSON strings.
    for key in ("blocks", "attachments", "metadata"):
        if isinstance(params.get(key), str):
            params[key] = json.loads(params[key])
    return params
