"""``/metrics`` on a port of its own (``ERRCODE_METRICS_PORT``), apart from Slack's events.

The events port is the one exposed to the internet (through an Ingress); Prometheus
scrapes from inside the cluster. Serving the metrics on their own port keeps them off
the public Service, and gives Socket Mode (which has no HTTP server) metrics and a
health check too. uvicorn runs it in a daemon thread: off the main thread it installs
no signal handlers, so the bot's own shutdown is unchanged.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import uvicorn

from bot.telemetry.metrics import CONTENT_TYPE, exposition
from bot.transports.limits import ConnectionLimits, limited_protocol

__all__ = ["MetricsASGI", "start_metrics_server"]

log = logging.getLogger("errcode.metrics")

Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

#: A scraper or a probe needs few connections; a slow one is closed after this many seconds.
_LIMITS = ConnectionLimits(header_timeout=10.0, max_connections=32)


class MetricsASGI:
    """``GET /metrics`` (Prometheus text) and ``GET /healthz``; 404 for anything else."""

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["method"] in ("GET", "HEAD") and scope["path"] == "/metrics":
            status, body, content_type = 200, exposition(), CONTENT_TYPE
        elif scope["method"] in ("GET", "HEAD") and scope["path"] == "/healthz":
            status, body, content_type = 200, b"ok\n", "text/plain; charset=utf-8"
        else:
            status, body, content_type = 404, b"not found\n", "text/plain; charset=utf-8"
        headers = [(b"content-type", content_type.encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def start_metrics_server(host: str, port: int) -> threading.Thread:
    """Serve :class:`MetricsASGI` on ``host:port`` in a daemon thread; returns the thread."""
    config = uvicorn.Config(
        MetricsASGI(),
        host=host,
        port=port,
        loop="asyncio",
        http=limited_protocol(_LIMITS),
        lifespan="off",
        log_config=None,
        access_log=False,
        server_header=False,
    )
    thread = threading.Thread(
        target=uvicorn.Server(config).run, name="errcode-metrics", daemon=True
    )
    thread.start()
    log.info("serving /metrics on %s:%d", host, port)
    return thread
