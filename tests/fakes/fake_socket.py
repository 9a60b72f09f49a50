"""A local WebSocket server standing in for Slack's Socket Mode endpoint.

It greets each connection with Slack's ``hello``, sends envelopes the test gives
it, and collects the acknowledgements the app sends back (``{"envelope_id": …}``,
with a ``payload`` for slash commands answered in the ack).
"""

from __future__ import annotations

import json
import queue
import threading
import time
import uuid
from typing import Any

from websockets.sync.server import ServerConnection, serve

__all__ = ["FakeSocketMode"]


class FakeSocketMode:
    """``ws://127.0.0.1:<free port>/link``, one app connection at a time."""

    def __init__(self) -> None:
        self.acks: dict[str, dict[str, Any]] = {}
        self._outbox: queue.Queue[str] = queue.Queue()
        self._connected = threading.Event()
        self._ack_arrived = threading.Condition()
        self._server = serve(self._session, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeSocketMode:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()

    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]
        return f"ws://{host}:{port}/link"

    def wait_connected(self, timeout: float = 10.0) -> bool:
        return self._connected.wait(timeout)

    def send(self, kind: str, payload: dict[str, Any]) -> str:
        """Send ``payload`` in an envelope of ``kind`` (events_api, slash_commands, interactive)."""
        envelope_id = str(uuid.uuid4())
        self._outbox.put(
            json.dumps(
                {
                    "envelope_id": envelope_id,
                    "type": kind,
                    "payload": payload,
                    "accepts_response_payload": kind != "events_api",
                    "retry_attempt": 0,
                    "retry_reason": "",
                }
            )
        )
        return envelope_id

    def wait_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any] | None:
        deadline = time.monotonic() + timeout
        with self._ack_arrived:
            while envelope_id not in self.acks and time.monotonic() < deadline:
                self._ack_arrived.wait(0.05)
            return self.acks.get(envelope_id)

    def _session(self, ws: ServerConnection) -> None:
        ws.send(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": 1,
                    "debug_info": {"host": "fake", "approximate_connection_time": 3600},
                    "connection_info": {"app_id": "A111"},
                }
            )
        )
        self._connected.set()
        while True:
            try:
                while not self._outbox.empty():
                    ws.send(self._outbox.get_nowait())
                message = ws.recv(timeout=0.02)
            except TimeoutError:
                continue
            except Exception:  # the app closed the connection
                return
            data = json.loads(message)
            if "envelope_id" in data:
                with self._ack_arrived:
                    self.acks[data["envelope_id"]] = data
                    self._ack_arrived.notify_all()
