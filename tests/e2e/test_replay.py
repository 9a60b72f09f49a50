"""A signed request sent twice, byte for byte, runs once: the copy gets 401.

Slack's signature stays valid for five minutes, so whoever sees a request (a proxy's
log, a captured packet) could send the same bytes again. ``errcode serve`` claims each
(timestamp, signature) pair in its state store and refuses a pair it has seen; with
Redis, replicas refuse each other's (``test_replicas.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from e2e.harness import Response, ServeProcess, SlackSender, http
from fakes import payloads as P
from fakes.fake_slack import FakeSlack, signed_headers

pytestmark = pytest.mark.e2e

FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Captured:
    """One signed request exactly as it went over the wire: it can be sent again."""

    endpoint: str
    body: bytes
    headers: dict[str, str]

    def send(self) -> Response:
        return http(self.endpoint, self.body, self.headers)


def capture(slack: SlackSender, body: bytes, content_type: str = FORM) -> Captured:
    headers = {"Content-Type": content_type, **signed_headers(slack.secret, body)}
    return Captured(slack.endpoint, body, headers)


def _requests_dispatched(server: ServeProcess) -> float:
    """``errcode_requests_total``: counted as Bolt dispatches, before the response is sent."""
    lines = http(server.url + "/metrics").body.decode().splitlines()
    name = "errcode_requests_total"
    return sum(float(x.rsplit(" ", 1)[1]) for x in lines if x.startswith((name + "{", name + " ")))


def _command(slack: SlackSender, fake: FakeSlack, text: str, name: str, **fields: str) -> Captured:
    form = P.slash_form(P.slash_command(text, response_url=fake.response_url(name), **fields))
    return capture(slack, form)


def _refused(server: ServeProcess, request: Captured) -> None:
    """The copy is a 401, and Bolt never saw it: no listener can have run."""
    dispatched = _requests_dispatched(server)
    reply = request.send()
    assert (reply.status, reply.body) == (401, b"replayed signature")
    assert _requests_dispatched(server) == dispatched


def test_a_replayed_slash_command_is_401(
    server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    asked = _command(slack, fake, "1027", "replay-ask")
    first = asked.send()
    assert first.status == 200 and "WRONG_SERVER" in first.json()["text"]
    _refused(server, asked)


def test_a_replayed_mute_after_unmute_leaves_the_channel_unmuted(
    server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    mute = _command(slack, fake, "mute", "replay-mute", channel="CREPLAY")
    assert "off" in mute.send().json()["text"]
    unmute = _command(slack, fake, "unmute", "replay-unmute", channel="CREPLAY")
    assert "on" in unmute.send().json()["text"]
    _refused(server, mute)
    # Still unmuted: a code in the channel is explained.
    slack.event(P.message("got 1027 here", channel="CREPLAY"))
    # mute and unmute are announced in the channel too: the reply is the thread reply
    (posted,) = fake.wait_for(
        "chat.postMessage",
        where=lambda c: c.params.get("channel") == "CREPLAY" and bool(c.params.get("thread_ts")),
    )
    assert "1027" in json.dumps(posted.params)


def test_a_replayed_share_click_posts_once(
    server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    asked = _command(slack, fake, "SERVER_BUSY", "replay-share-ask", user="U222").send().json()
    button = next(
        element
        for block in asked["blocks"]
        for element in block.get("elements", [])
        if element.get("action_id") == "errcode_share"
    )
    click = P.block_action(
        "errcode_share",
        button["value"],
        user="U222",
        response_url=fake.response_url("replay-share"),
    )
    captured = capture(slack, ("payload=" + quote(json.dumps(click))).encode())
    assert captured.send().status == 200
    shared, _deleted = fake.wait_for("response_url:replay-share", count=2)
    assert shared.params["response_type"] == "in_channel"
    _refused(server, captured)
    # Bolt never dispatched the copy, so the two calls of the first click are all there are.
    assert len(fake.calls_to("response_url:replay-share")) == 2
