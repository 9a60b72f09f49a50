"""The ways to run a built Slack app: over HTTP (uvicorn) or over Slack's Socket Mode.

Transports only translate: they receive a built Bolt ``App`` and know nothing of codes.
``http`` routes, limits bodies and serves health and metrics; ``signature`` is the one
check of Slack's request signature; ``bolt_request`` isolates the Bolt workarounds (its
form parsing, its internal context builder); ``socket_mode`` runs the WebSocket. May
import: :mod:`bot.errors`, :mod:`bot.settings`, :mod:`bot.telemetry`, ``slack_bolt``.
"""

from __future__ import annotations

from bot.transports.http import SlackASGI, serve_http
from bot.transports.socket_mode import serve_socket_mode

__all__ = ["SlackASGI", "serve_http", "serve_socket_mode"]
