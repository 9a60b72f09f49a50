"""Slow clients are closed, and Slack's requests are still acked while they hang on.

A few slowloris connections (partial headers, or no bytes at all) against ``errcode
serve`` with short limits. Scale figures (2,000 connections) are in
``tests/scripts/reliability.py``, not here.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest
from e2e.harness import ServeProcess, SlackSender
from fakes import payloads as P
from fakes.fake_slack import FakeSlack

pytestmark = pytest.mark.e2e

PARTIAL = b"POST /slack/events HTTP/1.1\r\nHost: errcode\r\nX-Slow: "


def _open(server: ServeProcess, send: bytes = b"") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    if send:
        sock.sendall(send)
    return sock


def _closed_within(sock: socket.socket, seconds: float) -> float:
    """Seconds until the server closed ``sock`` (recv returns EOF or a reset)."""
    started = time.monotonic()
    sock.settimeout(seconds)
    try:
        while sock.recv(4096):
            pass
    except (ConnectionResetError, TimeoutError):
        pass
    finally:
        sock.close()
    took = time.monotonic() - started
    assert took < seconds, "the server left the connection open"
    return took


@pytest.fixture(scope="module")
def strict(fake: FakeSlack) -> Iterator[ServeProcess]:
    env = {"ERRCODE_HEADER_TIMEOUT_SECONDS": "1", "ERRCODE_IDLE_TIMEOUT_SECONDS": "1"}
    with ServeProcess(fake.api_url, **env) as proc:
        yield proc


def test_slow_and_silent_connections_are_closed_and_slack_still_acked(
    strict: ServeProcess, fake: FakeSlack
) -> None:
    fake.reset()
    slow = [_open(strict, PARTIAL), _open(strict, PARTIAL + b"x"), _open(strict), _open(strict)]
    reply = SlackSender(strict.url).event(P.message("error 1027 while they hang on"))
    assert reply.status == 200 and reply.seconds < 1
    fake.wait_for("chat.postMessage")
    # Closed by the 1 s header timeout (the bound leaves room for a loaded CI machine).
    for sock in slow:
        assert _closed_within(sock, 5.0) >= 0.0


def test_an_idle_keep_alive_connection_is_closed(strict: ServeProcess) -> None:
    sock = _open(strict, b"GET /healthz HTTP/1.1\r\nHost: errcode\r\n\r\n")
    head = sock.recv(4096)
    assert head.startswith(b"HTTP/1.1 200")
    _closed_within(sock, 3.0)  # 1 s set; uvicorn's default would be 5 s


def test_past_the_connection_cap_the_slowest_make_room(fake: FakeSlack) -> None:
    """Header timeout far away: only the cap can close them, oldest first."""
    env = {"ERRCODE_HEADER_TIMEOUT_SECONDS": "60", "ERRCODE_MAX_CONNECTIONS": "4"}
    with ServeProcess(fake.api_url, **env) as server:
        slow = [_open(server, PARTIAL) for _ in range(6)]
        body = json.dumps(P.fixture("url_verification.json")).encode()
        reply = SlackSender(server.url).post(body, "application/json")
        assert reply.status == 200
        # The first three made room for the last three and the request (4 at most).
        for sock in slow[:3]:
            _closed_within(sock, 5.0)
        for sock in slow[3:]:
            sock.close()
        assert "HTTP limits: 4 connections" in server.logs()
