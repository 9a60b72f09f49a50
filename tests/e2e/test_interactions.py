"""``errcode serve`` as a subprocess: what people do with its answers, through signed requests.

Compact replies and their Details buttons, Share clicked twice, feedback votes and the
Not helpful modal, edits and deletions of the explained message, and the App Home.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from e2e.harness import ServeProcess, SlackSender, http
from fakes import payloads as P
from fakes.fake_slack import FakeSlack

from bot.slack import render

pytestmark = pytest.mark.e2e


def _buttons(blocks: list[dict], prefix: str) -> list[dict]:
    return [
        element
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"].startswith(prefix)
    ]


def _metric(server: ServeProcess, name: str) -> float:
    lines = http(server.url + "/metrics").body.decode().splitlines()
    return sum(
        float(line.rsplit(" ", 1)[1]) for line in lines if line.startswith((name + "{", name + " "))
    )


@contextmanager
def _finished(server: ServeProcess, handler: str, count: int = 1) -> Iterator[None]:
    """Wait, after the block, until ``count`` more ``handler`` listeners have run to their end.

    A listener observes its duration after its last Slack call: once the count moves,
    nothing more will come from it, and a negative assertion can follow.
    """
    name = f'errcode_handler_seconds_count{{handler="{handler}"}}'
    before = _metric(server, name)
    yield
    deadline = time.monotonic() + 5
    while _metric(server, name) < before + count:
        assert time.monotonic() < deadline, f"the {handler} listener never finished"
        time.sleep(0.02)


# -- compact replies -------------------------------------------------------------------


def test_a_three_code_message_gives_one_compact_reply(
    server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    with _finished(server, "auto_reply"):
        slack.event(P.message("BEMS returned error 1027, then 1028, then 4005", user="U333"))
    (posted,) = fake.calls_to("chat.postMessage")
    blocks = posted.params["blocks"]
    lines = blocks[0]["text"]["text"].splitlines()
    assert [line.split("`")[1] for line in lines] == ["1027", "1028", "4005"]
    assert [b["type"] for b in blocks].count("header") == 1
    details = _buttons(blocks, render.DETAILS_ACTION)
    assert [d["value"] for d in details] == ["bems:1028", "bems:4005"]

    url = fake.response_url("details")
    click = P.block_action(
        details[1]["action_id"], details[1]["value"], user="U444", response_url=url
    )
    slack.action(click)
    (answer,) = fake.wait_for("response_url:details")
    assert answer.params["response_type"] == "ephemeral"
    assert answer.params["replace_original"] is False
    assert (
        "4005" in json.dumps(answer.params["blocks"])
        and answer.params["blocks"][0]["type"] == "header"
    )


# -- Share -----------------------------------------------------------------------------


def test_a_double_clicked_share_posts_once(
    server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    url = fake.response_url("ask")
    asked = slack.command(P.slash_form(P.slash_command("1027", response_url=url, user="U222")))
    (share,) = _buttons(asked.json()["blocks"], render.SHARE_ACTION)
    clicks = []
    for n in range(2):  # the same ephemeral message, each click its own response_url
        body = P.block_action(
            render.SHARE_ACTION,
            share["value"],
            user="U222",
            response_url=fake.response_url(f"s{n}"),
        )
        body["container"]["message_ts"] = "1700000555.000100"
        clicks.append(body)
    with _finished(server, "share", count=2):
        for body in clicks:
            slack.action(body)
    public = fake.calls_to(
        "response_url:*", lambda c: c.params.get("response_type") == "in_channel"
    )
    assert len(public) == 1
    refused = fake.calls_to(
        "response_url:*", lambda c: "already shared" in c.params.get("text", "")
    )
    assert len(refused) == 1
