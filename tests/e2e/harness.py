"""Run ``errcode serve`` as a subprocess and talk to it as Slack does.

:class:`ServeProcess` starts the real command on a free loopback port with
SLACK_API_URL pointing at a :class:`~fakes.fake_slack.FakeSlack`, waits for
/healthz, and stops it with SIGTERM. :class:`SlackSender` posts Events API
callbacks, slash commands and block actions to it over HTTP, signed with the
signing secret exactly as Slack signs them.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fakes.fake_slack import signed_headers

__all__ = [
    "BOT_TOKEN",
    "SIGNING_SECRET",
    "Response",
    "ServeProcess",
    "SlackSender",
    "finished",
    "free_port",
    "fresh_timestamp",
    "metric",
]

BOT_TOKEN = "xoxb-111-222-e2eTestTokenValue"
SIGNING_SECRET = "e2e-signing-secret-0123456789abcdef"
REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve_command() -> list[str]:
    return [sys.executable, "-m", "bot", "serve"]


@dataclass
class Response:
    status: int
    body: bytes
    seconds: float

    def json(self) -> Any:
        return json.loads(self.body)


def http(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> Response:
    request = urllib.request.Request(
        url, data=data, headers=headers or {}, method="POST" if data is not None else "GET"
    )
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return Response(reply.status, reply.read(), time.perf_counter() - start)
    except urllib.error.HTTPError as exc:
        return Response(exc.code, exc.read(), time.perf_counter() - start)


class ServeProcess:
    """``errcode serve`` in HTTP mode, its stderr kept in a file for log assertions."""

    def __init__(self, api_url: str, *, command: list[str] | None = None, **env: str) -> None:
        """:param command: what to run instead of ``python -m bot serve`` (a test launcher)."""
        self.command = command or _serve_command()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ERRCODE_"))},
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": api_url,
            "ERRCODE_HOST": "127.0.0.1",
            "ERRCODE_PORT": str(self.port),
            "ERRCODE_LOG_FORMAT": "json",
            "ERRCODE_LOG_LEVEL": "DEBUG",
            **env,
        }
        # Kept open for the process's lifetime (its stdout and stderr); removed in __exit__.
        self.log = tempfile.NamedTemporaryFile(  # noqa: SIM115
            prefix="errcode-serve-", suffix=".log", delete=False
        )
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 20.0, *, wait_healthz: bool = True) -> ServeProcess:
        """Start; unless told otherwise, wait until /healthz answers (Socket Mode has no HTTP)."""
        self.proc = subprocess.Popen(
            self.command, cwd=REPO, env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        if not wait_healthz:
            return self
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"errcode serve exited {self.proc.returncode}:\n{self.logs()}")
            try:
                if http(self.url + "/healthz").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"errcode serve did not answer /healthz:\n{self.logs()}")

    def stop(self) -> int | None:
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    def logs(self) -> str:
        return Path(self.log.name).read_text(encoding="utf-8", errors="replace")

    def __enter__(self) -> ServeProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        Path(self.log.name).unlink(missing_ok=True)


#: Counts deliveries, so that each is signed with its own timestamp (see SlackSender.post).
_deliveries = itertools.count()


def fresh_timestamp() -> int:
    """A timestamp no recent delivery of this process used (up to 240 in a row).

    Slack signs every delivery anew, a retry included; the same body sent twice in one
    second with the same timestamp would be a byte-for-byte replay, refused with 401.
    The offset moves with the clock as well as with the count: ``now - n % 240`` gave
    two deliveries in a row the same timestamp whenever the second crossed into the
    next second (n and now both one higher), and the same body sent so was a replay.
    """
    now = int(time.time())
    return now - (next(_deliveries) + now) % 240


class SlackSender:
    """Sends what Slack sends to ``{url}/slack/events``, signed with ``secret``."""

    def __init__(self, url: str, secret: str = SIGNING_SECRET) -> None:
        self.endpoint = url + "/slack/events"
        self.secret = secret

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        retry_num: int | None = None,
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        if timestamp is None:
            timestamp = fresh_timestamp()
        sent = {"Content-Type": content_type, **signed_headers(self.secret, body, timestamp)}
        if retry_num is not None:  # what Slack adds when it redelivers an event
            sent |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        if headers is not None:
            sent = {**sent, **headers}
        return http(self.endpoint, body, sent)

    def event(self, body: dict[str, Any], **options: Any) -> Response:
        return self.post(json.dumps(body).encode(), "application/json", **options)

    def command(self, form: bytes, **options: Any) -> Response:
        return self.post(form, "application/x-www-form-urlencoded", **options)

    def action(self, payload: dict[str, Any], **options: Any) -> Response:
        form = ("payload=" + quote(json.dumps(payload))).encode()
        return self.post(form, "application/x-www-form-urlencoded", **options)


def metric(server: ServeProcess, name: str) -> float:
    """The sum of a metric's samples on the server's /metrics (0 while it has none)."""
    lines = http(server.url + "/metrics").body.decode().splitlines()
    return sum(
        float(line.rsplit(" ", 1)[1]) for line in lines if line.startswith((name + "{", name + " "))
    )


@contextmanager
def finished(
    server: ServeProcess, handler: str, count: int = 1, timeout: float = 5.0
) -> Iterator[None]:
    """Wait, after the block, until ``count`` more ``handler`` listeners have run to their end.

    Listeners observe ``errcode_handler_seconds`` after their last Slack call, so once the
    count moves nothing more will come from them: a negative assertion can follow.
    """
    name = f'errcode_handler_seconds_count{{handler="{handler}"}}'
    before = metric(server, name)
    yield
    deadline = time.monotonic() + timeout
    while metric(server, name) < before + count:
        assert time.monotonic() < deadline, f"the {handler} listener never finished"
        time.sleep(0.02)
