"""``errcode serve`` in Socket Mode against a local WebSocket server standing in for Slack's."""

from __future__ import annotations

import signal
import time

import pytest
from e2e.harness import ServeProcess, free_port
from fakes import payloads as P
from fakes.fake_slack import FakeSlack
from fakes.fake_socket import FakeSocketMode

pytestmark = pytest.mark.e2e

APP_TOKEN = "xapp-1-A111-222-e2eAppTokenValue"


def test_socket_mode_events_and_commands() -> None:
    with FakeSocketMode() as ws, FakeSlack(ws_url=ws.url) as fake:
        # No signing secret: Socket Mode does not need one.
        proc = ServeProcess(fake.api_url, SLACK_APP_TOKEN=APP_TOKEN, SLACK_SIGNING_SECRET="")
        try:
            proc.start(wait_healthz=False)
            assert ws.wait_connected(), proc.logs()
            (opened,) = fake.wait_for("apps.connections.open")
            assert opened.headers["authorization"] == f"Bearer {APP_TOKEN}"

            body = P.message("we hit error 1027 in prod", channel="C222")
            envelope = ws.send("events_api", body)
            assert ws.wait_ack(envelope) is not None
            (posted,) = fake.wait_for("chat.postMessage")
            assert posted.params["thread_ts"] == body["event"]["ts"]

            command = P.slash_command("SERVER_BUSY", response_url=fake.response_url("sm"))
            envelope = ws.send("slash_commands", command)
            ack = ws.wait_ack(envelope)
            # The answer rides in the ack's payload, as over HTTP in its response body.
            assert ack is not None and "SERVER_BUSY" in ack["payload"]["text"]
            assert ack["payload"]["response_type"] == "ephemeral"
            assert fake.calls_to("response_url:sm") == []
        finally:
            assert proc.stop() == 0  # SIGTERM closes the WebSocket and exits cleanly
        assert APP_TOKEN not in proc.logs()


@pytest.mark.parametrize("why", ["refused", "api_down"])
def test_sigterm_stops_within_2s_while_slack_cannot_be_reached(why: str) -> None:
    # Nothing listens at the WebSocket URL Slack hands out, or apps.connections.open
    # itself keeps failing: the handler retries forever, and SIGTERM must still stop it.
    with FakeSlack(ws_url=f"ws://127.0.0.1:{free_port()}/link") as fake:
        if why == "api_down":
            fake.fail("apps.connections.open", 503, times=1000)
        proc = ServeProcess(fake.api_url, SLACK_APP_TOKEN=APP_TOKEN, SLACK_SIGNING_SECRET="")
        try:
            proc.start(wait_healthz=False)
            assert fake.wait_for("apps.connections.open", timeout=10), proc.logs()
            assert proc.proc is not None
            start = time.monotonic()
            proc.proc.send_signal(signal.SIGTERM)
            code = proc.proc.wait(timeout=10)
            assert time.monotonic() - start < 2.0, proc.logs()
            assert code == 0, proc.logs()
        finally:
            proc.stop()
