"""Serve a Bolt :class:`AsyncApp` over Socket Mode: a WebSocket to Slack, no public URL.

Slack hands out the WebSocket URL through ``apps.connections.open`` (called with
the app-level token on the app's own Web API client, so ``SLACK_API_URL``
applies). The handler reconnects on its own when Slack rotates the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp

__all__ = ["run_socket_mode", "serve_socket_mode"]

log = logging.getLogger("errcode.socket_mode")

#: A signal stops the bot within this many seconds, connected or not.
STOP_SECONDS = 2.0


async def run_socket_mode(
    app: AsyncApp,
    app_token: str,
    on_shutdown: Callable[[], Awaitable[None]] | None = None,
    on_startup: Callable[[], None] | None = None,
) -> None:
    """Connect and serve until SIGINT or SIGTERM, then close the WebSocket.

    A signal stops it within :data:`STOP_SECONDS` whatever the connection is doing:
    while Slack cannot be reached the handler retries forever, so the first
    connection is a task that a signal cancels, and closing is bounded as well.
    """
    handler = AsyncSocketModeHandler(app, app_token)
    if on_startup is not None:
        on_startup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows
            loop.add_signal_handler(sig, stop.set)
    connecting = asyncio.ensure_future(handler.connect_async())
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({connecting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if connecting.done() and not stop.is_set():
            connecting.result()  # a failure to connect that is no retry: raise it
            log.info("connected to Slack over Socket Mode")
            await stopping
    finally:
        connecting.cancel()
        stopping.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(handler.close_async(), timeout=STOP_SECONDS / 2)
        log.info("Socket Mode connection closed")
        if on_shutdown is not None:
            await on_shutdown()  # the replies owed to events acked before the signal


def serve_socket_mode(
    app: AsyncApp,
    app_token: str,
    on_shutdown: Callable[[], Awaitable[None]] | None = None,
    on_startup: Callable[[], None] | None = None,
) -> None:
    """Blocking form of :func:`run_socket_mode`."""
    asyncio.run(run_socket_mode(app, app_token, on_shutdown, on_startup))
