"""``/errcode product`` and ``mute``/``unmute`` over HTTP: stored, announced, used, restricted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from e2e.harness import ServeProcess, SlackSender, finished
from fakes import payloads as P
from fakes.fake_slack import Call, FakeSlack

pytestmark = pytest.mark.e2e

ADMIN = "UADMIN01"


@pytest.fixture(scope="module")
def server(fake: FakeSlack) -> Iterator[ServeProcess]:
    """``errcode serve`` where only ADMIN may change channel settings."""
    with ServeProcess(fake.api_url, ERRCODE_ADMINS=f"{ADMIN},UADMIN02") as proc:
        yield proc


def _command(
    slack: SlackSender, fake: FakeSlack, text: str, *, channel: str, user: str = ADMIN
) -> dict[str, Any]:
    form = P.slash_form(
        P.slash_command(text, response_url=fake.response_url("c"), channel=channel, user=user)
    )
    reply = slack.command(form)
    assert reply.status == 200 and reply.seconds < 3 and reply.body
    return reply.json()


def _top_level(channel: str) -> Any:
    return lambda c: c.params.get("channel") == channel and not c.params.get("thread_ts")


def _in_thread(channel: str) -> Any:
    return lambda c: c.params.get("channel") == channel and bool(c.params.get("thread_ts"))


def test_a_channel_set_to_commsease_answers_its_generic_codes(
    server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    with finished(server, "command"):
        answer = _command(slack, fake, "product commsease", channel="CPROD")
    assert answer["response_type"] == "ephemeral"
    assert "This channel is set to NetEase CommsEase IM" in answer["text"]
    (announced,) = fake.calls_to("chat.postMessage", _top_level("CPROD"))
    assert announced.params["text"] == (
        f"<@{ADMIN}> set this channel to NetEase CommsEase IM; `/errcode product off` to undo."
    )

    body = P.message("login fails with 302", channel="CPROD")
    slack.event(body)
    (reply,) = fake.wait_for("chat.postMessage", where=_in_thread("CPROD"))
    assert reply.params["thread_ts"] == body["event"]["ts"]
    assert "commsease 302" in reply.params["text"]

    help_ = _command(slack, fake, "help", channel="CPROD", user="U222")
    assert "This channel is set to NetEase CommsEase IM" in help_["text"]


def test_a_channel_with_no_product_stays_quiet_on_a_generic_code(
    server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    with finished(server, "auto_reply", count=2):
        slack.event(P.message("nginx returned 404", channel="CNONE"))
        slack.event(P.message("login fails with 302", channel="CNONE"))
    assert fake.calls_to("chat.postMessage") == []


def test_product_off_clears_and_is_announced(
    server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    _command(slack, fake, "product bems", channel="COFF")
    with finished(server, "command"):
        answer = _command(slack, fake, "product off", channel="COFF")
    assert "set to no product" in answer["text"]
    announcements = fake.calls_to("chat.postMessage", _top_level("COFF"))
    assert [c.params["text"] for c in announcements][-1] == (
        f"<@{ADMIN}> cleared this channel's product; `/errcode product bems` to undo."
    )
    with finished(server, "auto_reply"):
        slack.event(P.message("login fails with 302", channel="COFF"))
    assert fake.calls_to("chat.postMessage", _in_thread("COFF")) == []


def test_mute_and_unmute_are_announced(
    server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    with finished(server, "command"):
        assert "off" in _command(slack, fake, "mute", channel="CMUTE2")["text"]
    with finished(server, "auto_reply"):
        slack.event(P.message("got 1027", channel="CMUTE2"))
    (muted,) = fake.calls_to("chat.postMessage")
    assert muted.params["text"] == (
        f"<@{ADMIN}> turned errcode's automatic replies off in this channel; "
        "`/errcode unmute` to undo."
    )
    with finished(server, "command"):
        _command(slack, fake, "unmute", channel="CMUTE2")
    unmuted: Call = fake.calls_to("chat.postMessage")[-1]
    assert "`/errcode mute` to undo" in unmuted.params["text"]


@pytest.mark.parametrize("text", ["product commsease", "mute"])
def test_others_get_a_polite_refusal_and_nothing_changes(
    text: str, server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    with finished(server, "command"):
        answer = _command(slack, fake, text, channel="CREFUSE", user="U222")
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith("Sorry, only errcode's admins")
    with finished(server, "auto_reply"):
        slack.event(P.message("error 1027 and login fails with 302", channel="CREFUSE"))
    (reply,) = fake.wait_for("chat.postMessage")  # not muted: answered; no product: 302 untied
    assert "bems 1027" in reply.params["text"] and "302" not in reply.params["text"]
    assert fake.calls_to("chat.postMessage", _top_level("CREFUSE")) == []
