"""Connection limits uvicorn lacks: a header-read timeout, a connection cap, quiet accept errors.

uvicorn (0.54, h11) closes an idle keep-alive connection after ``timeout_keep_alive``,
but only once a response has been sent: a connection that sends nothing, or headers
that never end (slowloris), stays open for ever, and enough of them exhaust the open
files, after which every ``accept()`` fails. :class:`LimitedH11Protocol` adds, per
connection:

* a **header timeout**: from the connection's start, and again after each response,
  the complete request headers must arrive within ``header_timeout`` seconds, or the
  connection is closed (nothing is sent: the client may not even speak HTTP);
* a **connection cap** below the open-files limit: past ``max_connections``, the
  connection that has waited longest for its headers is closed to make room (so a
  flood of slow clients cannot lock out Slack, whose headers arrive at once); when
  every connection is busy with a request, the newcomer is closed instead.

:class:`OncePerSecond` keeps asyncio's "socket.accept() out of system resource"
(logged on every failed accept) to one line a second, counting the rest.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

__all__ = [
    "BACKLOG",
    "RESERVED_FILES",
    "ConnectionLimits",
    "LimitedH11Protocol",
    "OncePerSecond",
    "connection_cap",
    "limited_protocol",
]

#: Connections the kernel queues before accept(); asyncio also accepts up to this many
#: at once, before any is closed, so they count against the open-files limit too.
BACKLOG = 128

#: Open files kept for everything but client connections: Redis, the Slack Web API
#: client, log files, the event loop, threads' pipes.
RESERVED_FILES = 64


def connection_cap(requested: int | None = None, open_files: int | None = None) -> int:
    """The most client connections: below the open-files limit by the backlog and a reserve.

    :param requested: ``ERRCODE_MAX_CONNECTIONS``; lowered to the cap when above it.
    :param open_files: the soft ``RLIMIT_NOFILE``; this process's by default.
    """
    if open_files is None:
        open_files = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        if open_files == resource.RLIM_INFINITY:
            open_files = 1 << 20
    cap = max(1, open_files - BACKLOG - RESERVED_FILES)
    return cap if requested is None else max(1, min(requested, cap))


@dataclass
class ConnectionLimits:
    """The limits, and the connections now waiting for request headers (oldest first)."""

    header_timeout: float
    max_connections: int
    #: Insertion-ordered: the first is the one that has waited longest.
    waiting: dict[LimitedH11Protocol, None] = field(default_factory=dict)
    #: Connections closed for being slow, or to make room (for tests and metrics).
    closed_slow: int = 0


class LimitedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with :class:`ConnectionLimits`; see :func:`limited_protocol`."""

    limits: ClassVar[ConnectionLimits]
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            oldest = next(iter(self.limits.waiting), None)
            if oldest is None:  # every connection is busy with a request: refuse this one
                self._close_slow()
                return
            oldest._close_slow()
        self._await_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        self._headers_arrived()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:  # a request line and headers, complete
            self._headers_arrived()

    def on_response_complete(self) -> None:
        # Before uvicorn's own: it may read a pipelined request at once (see handle_events).
        if not self.transport.is_closing():
            self._await_headers()
        super().on_response_complete()

    def _await_headers(self) -> None:
        self._headers_arrived()
        self._header_timer = self.loop.call_later(self.limits.header_timeout, self._close_slow)
        self.limits.waiting[self] = None

    def _headers_arrived(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        self.limits.waiting.pop(self, None)

    def _close_slow(self) -> None:
        self._headers_arrived()
        self.limits.closed_slow += 1
        if not self.transport.is_closing():
            self.transport.close()


def limited_protocol(limits: ConnectionLimits) -> type[LimitedH11Protocol]:
    """A protocol class for ``uvicorn.Config(http=...)`` bound to ``limits``."""
    return type("BoundH11Protocol", (LimitedH11Protocol,), {"limits": limits})


class OncePerSecond(logging.Filter):
    """Lets one record a second through whose message starts with ``prefix``; counts the rest.

    asyncio logs "socket.accept() out of system resource" at each failed accept, with a
    traceback: thousands of lines a second when the open files run out. The record let
    through says how many were dropped since the last one, on one line.

    :param clock: monotonic seconds, replaceable in tests.
    """

    def __init__(
        self,
        prefix: str = "socket.accept() out of system resource",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.prefix = prefix
        self._clock = clock
        self._next = float("-inf")
        self._dropped = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith(self.prefix):
            return True
        now = self._clock()
        if now < self._next:
            self._dropped += 1
            return False
        self._next = now + 1.0
        dropped, self._dropped = self._dropped, 0
        error = record.exc_info[1] if record.exc_info else None
        record.msg = f"{self.prefix} ({error!r}); {dropped} more in the last second not logged"
        record.args = None
        record.exc_info = None
        return True
