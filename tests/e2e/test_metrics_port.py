"""``ERRCODE_METRICS_PORT``: /metrics on a port of its own, gone from the events port."""

from __future__ import annotations

import time

import pytest
from e2e.harness import ServeProcess, SlackSender, free_port, http
from fakes import payloads as P
from fakes.fake_slack import FakeSlack

pytestmark = pytest.mark.e2e


def test_metrics_are_served_on_their_own_port_only(fake: FakeSlack) -> None:
    port = free_port()
    with ServeProcess(fake.api_url, ERRCODE_METRICS_PORT=str(port)) as server:
        assert SlackSender(server.url).event(P.message("error 1027, counted")).status == 200
        # Its thread may bind a moment after the events port answers: wait for it to.
        deadline = time.monotonic() + 5
        while True:
            try:
                metrics = http(f"http://127.0.0.1:{port}/metrics")
                break
            except OSError:
                assert time.monotonic() < deadline, "the metrics port never answered"
                time.sleep(0.05)
        assert metrics.status == 200 and b"errcode_requests_total" in metrics.body
        assert http(f"http://127.0.0.1:{port}/healthz").status == 200
        assert http(server.url + "/metrics").status == 404
        assert http(server.url + "/healthz").status == 200
