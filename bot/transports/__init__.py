"""The ways to run a built Slack app: over HTTP (uvicorn) or over Slack's Socket Mode.

Transports only translate: they receive a built Bolt ``App`` and know nothing of codes. May
import: :mod:`bot.errors`, :mod:`bot.settings`, :mod:`bot.telemetry`, ``slack_bolt`` adapters.
"""

from __future__ import annotations

from bot.transports.http import SlackASGI, serve_http
from bot.transports.socket_mode import serve_socket_mode

__all__ = ["SlackASGI", "serve_http", "serve_socket_mode"]
