"""The HTTP transport in process: routes, body limits, the one signature check, dispatch."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from fakes.fake_slack import FakeSlack, signed_headers
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.knowledge.base import KnowledgeBase
from bot.settings import Settings
from bot.slack.app import build_app
from bot.store.protocol import MemoryStore, StateStore
from bot.store.redis_store import RedisStore
from bot.transports.http import EVENTS_PATH, MAX_BODY, SlackASGI
from bot.transports.metrics_http import MetricsASGI

SECRET = "unit-secret"


def call(
    asgi: SlackASGI,
    method: str,
    path: str,
    body: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    chunk: int = 1 << 16,
) -> tuple[int, bytes]:
    """One request through the ASGI app; its status and body."""
    parts = [body[i : i + chunk] for i in range(0, len(body), chunk)] or [b""]
    incoming = [
        {"type": "http.request", "body": part, "more_body": i < len(parts) - 1}
        for i, part in enumerate(parts)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": b"",
        "headers": headers or [],
    }
    asyncio.run(asgi(scope, receive, send))
    # A POST is read to its end, even when refused, so the client gets its answer.
    assert method != "POST" or not incoming, "the transport left part of the body unread"
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


class Recorder:
    """A Bolt app whose one command listener records what reached it."""

    def __init__(self, api_url: str) -> None:
        client = AsyncWebClient(token="xoxb-unit", base_url=api_url)
        self.app = AsyncApp(client=client, signing_secret="", request_verification_enabled=False)
        self.commands: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []

        @self.app.command("/errcode")
        async def on_command(ack: AsyncAck, command: dict[str, Any]) -> None:
            self.commands.append(command)
            await ack(text="ok")

        @self.app.event("message")
        async def on_message(event: dict[str, Any]) -> None:
            self.events.append(event)


def post(body: bytes, content_type: str = "application/x-www-form-urlencoded") -> dict[str, Any]:
    """A correctly signed POST's arguments for :func:`call`."""
    signed = [(k.encode(), v.encode()) for k, v in signed_headers(SECRET, body).items()]
    headers = [(b"content-type", content_type.encode()), *signed]
    return {"method": "POST", "path": EVENTS_PATH, "body": body, "headers": headers}


@pytest.fixture
def recorder(fake: FakeSlack) -> Recorder:
    return Recorder(fake.api_url)


@pytest.fixture
def asgi(recorder: Recorder) -> SlackASGI:
    return SlackASGI(recorder.app, SECRET)


def test_health_and_metrics_are_answered_here(asgi: SlackASGI) -> None:
    assert call(asgi, "GET", "/healthz") == (200, b"ok\n")
    status, body = call(asgi, "GET", "/metrics")
    assert status == 200 and b"errcode_requests_total" in body


def test_other_paths_are_bolts_404(asgi: SlackASGI) -> None:
    assert call(asgi, "GET", "/nope")[0] == 404


def test_a_signed_command_reaches_its_listener(asgi: SlackASGI, recorder: Recorder) -> None:
    status, body = call(asgi, **post(b"command=%2Ferrcode&text=bad+payload"))
    assert (status, body) == (200, b"ok")
    assert [c["text"] for c in recorder.commands] == ["bad payload"]


_FORGED = b"v0=" + b"0" * 64


@pytest.mark.parametrize(
    "headers",
    [
        [],
        [(b"x-slack-request-timestamp", b"1"), (b"x-slack-signature", _FORGED)],
        [(b"x-slack-request-timestamp", b"9" * 309), (b"x-slack-signature", _FORGED)],
        [(b"x-slack-request-timestamp", b"9" * 5000), (b"x-slack-signature", _FORGED)],
    ],
    ids=["unsigned", "forged", "309-digit timestamp", "5000-digit timestamp"],
)
def test_unsigned_and_forged_requests_are_401_and_reach_no_listener(
    asgi: SlackASGI, recorder: Recorder, headers: list[tuple[bytes, bytes]]
) -> None:
    request = post(b"command=%2Ferrcode&text=1027")
    request["headers"] = [(b"content-type", b"application/x-www-form-urlencoded"), *headers]
    assert call(asgi, **request)[0] == 401
    assert recorder.commands == []


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "streamed"])
def test_an_oversized_body_is_413_and_read_to_its_end(asgi: SlackASGI, declared: bool) -> None:
    request = post(b"x" * (MAX_BODY + 1))
    if declared:
        request["headers"].append((b"content-length", str(MAX_BODY + 1).encode()))
    assert call(asgi, **request)[0] == 413


def test_what_bolt_cannot_read_is_400_not_500(asgi: SlackASGI) -> None:
    body = json.dumps({"type": "view_submission", "view": []}).encode()
    assert call(asgi, **post(body, "application/json"))[0] == 400


def test_the_transport_is_the_only_signature_check(kb: KnowledgeBase, fake: FakeSlack) -> None:
    """errcode's app leaves verification to the transport: a signed request is answered."""
    settings = Settings(
        slack_bot_token="xoxb-unit",
        slack_signing_secret=SECRET,
        slack_api_url=fake.api_url,
        _env_file=None,
    )
    asgi = SlackASGI(build_app(settings, kb, MemoryStore()), SECRET)
    status, body = call(asgi, **post(b"command=%2Ferrcode&text=help&team_id=T1&user_id=U1"))
    assert status == 200 and b"/errcode bems 1027" in body


def test_the_transport_needs_a_secret(recorder: Recorder) -> None:
    with pytest.raises(ValueError, match="signing secret"):
        SlackASGI(recorder.app, "")


# -- replays ------------------------------------------------------------------------------


@pytest.fixture(params=["memory", "redis"])
def shared_store(request: pytest.FixtureRequest) -> StateStore:
    """The state store two replicas share: memory (one process) or a real Redis."""
    if request.param == "memory":
        return MemoryStore()
    store: RedisStore = request.getfixturevalue("redis_store")
    return store


def test_a_replayed_request_is_401_on_any_replica(
    recorder: Recorder, shared_store: StateStore
) -> None:
    one = SlackASGI(recorder.app, SECRET, claim=shared_store.claim)
    two = SlackASGI(recorder.app, SECRET, claim=shared_store.claim)
    request = post(b"command=%2Ferrcode&text=1027")
    assert call(one, **request)[0] == 200
    assert call(one, **request) == (401, b"replayed signature")
    assert call(two, **request) == (401, b"replayed signature")
    assert [c["text"] for c in recorder.commands] == ["1027"]
    # Another request (here: another body in the same second) is not a replay.
    assert call(two, **post(b"command=%2Ferrcode&text=1028"))[0] == 200


def test_a_forged_request_claims_nothing(recorder: Recorder) -> None:
    claimed: list[str] = []

    def claim(key: str, ttl: int) -> bool:
        claimed.append(key)
        return True

    asgi = SlackASGI(recorder.app, SECRET, claim=claim)
    request = post(b"command=%2Ferrcode&text=1027")
    request["headers"][-1] = (b"x-slack-signature", b"v0=" + b"0" * 64)
    assert call(asgi, **request)[0] == 401
    assert claimed == []


# -- events left to another replica during a store outage -----------------------------------


def test_an_event_left_to_another_replica_is_503_and_reaches_no_listener(
    recorder: Recorder,
) -> None:
    asked: list[tuple[str, int]] = []

    def refuse(event_id: str, retry_num: int) -> bool:
        asked.append((event_id, retry_num))
        return event_id == "EvOTHER"

    asgi = SlackASGI(recorder.app, SECRET, refuse_event=refuse)
    for event_id, retry in (("EvOTHER", None), ("EvOTHER", "2"), ("EvMINE", None)):
        body = json.dumps(
            {"type": "event_callback", "event_id": event_id, "team_id": "T1",
             "event": {"type": "message", "text": "x", "user": "U1", "channel": "C1",
                       "ts": "1.1"}}
        ).encode()  # fmt: skip
        request = post(body, "application/json")
        if retry is not None:
            request["headers"].append((b"x-slack-retry-num", retry.encode()))
        status, answer = call(asgi, **request)
        expected = 200 if event_id == "EvMINE" else 503
        assert status == expected, (event_id, status, answer)
    assert asked == [("EvOTHER", 0), ("EvOTHER", 2), ("EvMINE", 0)]
    # A command (or any interaction) is never refused: Slack would not deliver it again.
    assert call(asgi, **post(b"command=%2Ferrcode&text=1027"))[0] == 200
    assert len(asked) == 3 and [c["text"] for c in recorder.commands] == ["1027"]


# -- /metrics on its own port -----------------------------------------------------------------


def test_with_a_metrics_port_the_events_port_has_no_metrics(recorder: Recorder) -> None:
    asgi = SlackASGI(recorder.app, SECRET, metrics=False)
    assert call(asgi, "GET", "/metrics")[0] == 404
    assert call(asgi, "GET", "/healthz") == (200, b"ok\n")


def test_the_metrics_port_serves_metrics_and_health_only() -> None:
    metrics = MetricsASGI()
    status, body = call(metrics, "GET", "/metrics")  # type: ignore[arg-type]
    assert status == 200 and b"errcode_requests_total" in body
    assert call(metrics, "GET", "/healthz") == (200, b"ok\n")  # type: ignore[arg-type]
    assert call(metrics, "GET", EVENTS_PATH)[0] == 404  # type: ignore[arg-type]
