"""A fake Slack for end-to-end tests: the Web API, response_urls, and request signing.

:class:`FakeSlack` is a stdlib HTTP server on a free loopback port (port 0, never a
fixed one) that records every call, answers as Slack does, and can be told to fail
(429 with Retry-After, 5xx) or to be slow. :func:`signed_headers` signs a request
body exactly as Slack does (v0 HMAC-SHA256 over ``v0:{timestamp}:{body}``).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
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


@dataclass
class _Fault:
    status: int
    times: int
    retry_after: int | None = None


class FakeSlack:
    """The Slack Web API and response_url endpoints, recording, on ``127.0.0.1:<free port>``.

    :param ws_url: what ``apps.connections.open`` answers (a local WebSocket server).
    """

    def __init__(self, ws_url: str | None = None) -> None:
        self.ws_url = ws_url
        self.calls: list[Call] = []
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

    def fail(
        self, method: str, status: int, times: int = 1, retry_after: int | None = None
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with ``status`` (recorded all the same)."""
        with self._lock:
            self._faults.setdefault(method, []).append(_Fault(status, times, retry_after))

    def delay(self, method: str, seconds: float) -> None:
        """Make every call of ``method`` take ``seconds`` before it answers."""
        self._delays[method] = seconds

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
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

    # -- the server ---------------------------------------------------------------

    def _record(self, call: Call) -> tuple[int, dict[str, Any], dict[str, str]]:
        delay = self._delays.get(call.method, 0.0)
        if delay:
            time.sleep(delay)
        with self._lock:
            self.calls.append(call)
            self._lock.notify_all()
            faults = self._faults.get(call.method, [])
            if faults:
                fault = faults[0]
                fault.times -= 1
                if fault.times <= 0:
                    faults.pop(0)
                headers = (
                    {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
                )
                return (
                    fault.status,
                    {"ok": False, "error": "ratelimited" if fault.status == 429 else "fatal_error"},
                    headers,
                )
        return 200, self._answer(call), {}

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
        ts = f"1700000000.{next(self._ts):06d}"
        if call.method == "chat.postMessage":
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
        return {"ok": False, "error": "unknown_method"}

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
                status, body, headers = fake._record(call)
                # response_urls answer plain "ok", as hooks.slack.com does.
                data = (
                    b"ok"
                    if method.startswith("response_url:") and status == 200
                    else json.dumps(body).encode()
                )
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

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
    for key in ("blocks", "attachments"):  # form-encoded calls carry these as JSON strings
        if isinstance(params.get(key), str):
            params[key] = json.loads(params[key])
    return params
