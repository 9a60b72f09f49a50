"""The ways to run a built Slack app: over HTTP (uvicorn) or over Slack's Socket Mode."""

from __future__ import annotations

from .http import SlackASGI, serve_http
from .socket_mode import serve_socket_mode

__all__ = ["SlackASGI", "serve_http", "serve_socket_mode"]
