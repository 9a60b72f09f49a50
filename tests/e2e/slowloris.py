"""Thousands of slow clients against ``errcode serve``, and Slack's events meanwhile.

Used by ``tests/scripts/reliability.py`` (2,000 connections, the server limited to
1,024 open files as in issue 12); ``tests/e2e/test_slowloris.py`` runs a few. Half the
connections send part of a request's headers, half send nothing; then signed events
are sent one by one and their acks timed, and the time until the server has closed
every slow connection is measured.
"""

from __future__ import annotations

import selectors
import socket
import sys
import time
from dataclasses import dataclass, field

from e2e.harness import ServeProcess, SlackSender
from fakes import payloads as P

__all__ = ["SlowlorisFigures", "limited_serve_command", "run_slowloris"]

PARTIAL = b"POST /slack/events HTTP/1.1\r\nHost: errcode\r\nX-Slow: "


def limited_serve_command(open_files: int) -> list[str]:
    """``python -m bot serve`` with its open-files limit lowered to ``open_files``."""
    code = (
        "import resource, runpy, sys;"
        f"resource.setrlimit(resource.RLIMIT_NOFILE, ({open_files}, {open_files}));"
        "sys.argv = ['bot', 'serve'];"
        "runpy.run_module('bot', run_name='__main__', alter_sys=True)"
    )
    return [sys.executable, "-c", code]


@dataclass
class SlowlorisFigures:
    connections: int
    #: Slow connections the client could open (the rest were refused or reset at once).
    opened: int = 0
    ack_seconds: list[float] = field(default_factory=list)
    ack_statuses: list[int] = field(default_factory=list)
    #: Seconds from the last slow connection opened until the server had closed them all.
    all_closed_after: float | None = None
    log_lines: int = 0
    accept_error_lines: int = 0
    error_lines: int = 0


def run_slowloris(
    server: ServeProcess, connections: int, events: int, wait_closed: float = 30.0
) -> SlowlorisFigures:
    figures = SlowlorisFigures(connections)
    logged_before = len(server.logs().splitlines())
    socks: list[socket.socket] = []
    for n in range(connections):
        try:
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            if n % 2 == 0:
                sock.sendall(PARTIAL)
        except OSError:
            continue
        socks.append(sock)
    figures.opened = len(socks)
    opened_at = time.monotonic()
    sender = SlackSender(server.url)
    for n in range(events):
        reply = sender.event(P.message(f"error 1027 under siege {n}", channel="CSIEGE"))
        figures.ack_seconds.append(reply.seconds)
        figures.ack_statuses.append(reply.status)
    # Wait for the server to close every slow connection: EOF or reset on each.
    selector = selectors.DefaultSelector()
    for sock in socks:
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
    open_ = len(socks)
    deadline = opened_at + wait_closed
    while open_ and time.monotonic() < deadline:
        for key, _ in selector.select(timeout=max(0.0, deadline - time.monotonic())):
            sock = key.fileobj
            assert isinstance(sock, socket.socket)
            try:
                data = sock.recv(4096)
            except OSError:
                data = b""
            if not data:
                selector.unregister(sock)
                sock.close()
                open_ -= 1
    if not open_:
        figures.all_closed_after = time.monotonic() - opened_at
    for key in list(selector.get_map().values()):
        key.fileobj.close()  # type: ignore[union-attr]
    selector.close()
    lines = server.logs().splitlines()[logged_before:]
    figures.log_lines = len(lines)
    figures.accept_error_lines = sum("socket.accept()" in line for line in lines)
    figures.error_lines = sum('"level": "ERROR"' in line for line in lines)
    return figures
