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


# -- feedback and the App Home ---------------------------------------------------------


def _home(slack: SlackSender, fake: FakeSlack, server: ServeProcess, user: str = "U222") -> dict:
    """Open the App Home as ``user``; the view errcode published."""
    with _finished(server, "home"):
        slack.event(P.app_home_opened(user=user))
    (published,) = fake.calls_to("views.publish", lambda c: c.params["user_id"] == user)
    view = published.params["view"]
    assert view["type"] == "home"
    return view


def test_votes_are_counted_once_per_person(
    server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    url = fake.response_url("fb-ask")
    asked = slack.command(P.slash_form(P.slash_command("4006", response_url=url)))
    (helpful,) = _buttons(asked.json()["blocks"], render.HELPFUL_ACTION)
    (not_helpful,) = _buttons(asked.json()["blocks"], render.NOT_HELPFUL_ACTION)

    def click(button: dict, user: str) -> None:
        with _finished(server, "feedback"):
            slack.action(
                P.block_action(
                    button["action_id"],
                    button["value"],
                    user=user,
                    response_url=fake.response_url(user),
                )
            )

    click(helpful, "U1")
    click(helpful, "U1")  # the same person again: not counted again
    click(helpful, "U2")
    click(helpful, "U3")
    click(not_helpful, "U3")  # a change of mind moves U3's vote
    thanks = [c.params["text"] for c in fake.calls_to("response_url:U1")]
    assert thanks[0].startswith("Thanks!") and "already counted" in thanks[1]

    (opened,) = fake.calls_to("views.open")
    modal = opened.params["view"]
    assert opened.params["trigger_id"] and modal["callback_id"] == "errcode_feedback"
    with _finished(server, "feedback"):
        slack.action(
            P.view_submission(
                "errcode_feedback",
                {"comment": {"text": "No word on which log shows it <!here>"}},
                user="U3",
                private_metadata=modal["private_metadata"],
            )
        )

    view = _home(slack, fake, server)
    text = json.dumps(view["blocks"], ensure_ascii=False)
    assert "`bems:4006`  :thumbsup: 2  :thumbsdown: 1" in text
    assert "No word on which log shows it &lt;!here&gt;" in text


def test_the_app_home_is_published_and_looks_codes_up(
    server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    slack.command(P.slash_form(P.slash_command("1026", response_url=fake.response_url("h"))))
    view = _home(slack, fake, server, user="U555")
    text = json.dumps(view["blocks"], ensure_ascii=False)
    assert "errcode explains error codes" in text and "/errcode mute" in text
    assert "bems:1026" in text  # the week's most asked
    (lookup,) = _buttons(view["blocks"], "errcode_home_lookup")

    with _finished(server, "home"):
        slack.action(P.block_action(lookup["action_id"], "", user="U555", response_url=""))
    (opened,) = fake.calls_to("views.open")
    modal = opened.params["view"]
    assert modal["callback_id"] == "errcode_lookup"
    (field,) = [b for b in modal["blocks"] if b["type"] == "input"]

    submitted = P.view_submission(
        "errcode_lookup", {field["block_id"]: {field["element"]["action_id"]: "SERVER_BUSY"}}
    )
    reply = slack.action(submitted)
    assert reply.status == 200 and reply.seconds < 3
    answer = reply.json()
    assert answer["response_action"] == "update"
    shown = json.dumps(answer["view"]["blocks"])
    assert answer["view"]["blocks"][0]["block_id"] == field["block_id"]  # the input stays
    assert "SERVER_BUSY" in shown and "Source:" in shown


def test_the_messages_tab_publishes_nothing(
    server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    with _finished(server, "home"):
        slack.event(P.app_home_opened(tab="messages"))
    assert fake.calls_to("views.publish") == []


# -- edits and deletions ---------------------------------------------------------------


def _now_ts() -> str:
    """A message ts of now: edits of messages older than the dedupe TTL are left alone."""
    return f"{time.time():.6f}"


def test_an_edit_updates_the_reply_and_a_deletion_removes_it(
    server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    ts = _now_ts()
    slack.event(P.message("BEMS returned error 1027", ts=ts, user="U333"))
    (posted,) = fake.wait_for("chat.postMessage")
    reply_ts = fake.messages[0]["ts"]
    assert posted.params["thread_ts"] == ts

    with _finished(server, "edit"):
        slack.event(P.message_changed(ts, "BEMS returned error 1028", before="…1027", user="U333"))
    (updated,) = fake.calls_to("chat.update")
    assert (updated.params["channel"], updated.params["ts"]) == ("C111", reply_ts)
    header = next(b for b in updated.params["blocks"] if b["type"] == "header")
    assert "1028" in header["text"]["text"]
    assert updated.params["text"] == "Explained: bems 1028 SERVER_BUSY"

    # The same codes in other words, an unfurl, someone else's edit, a redelivery: nothing.
    same = P.message_changed(ts, "BEMS said error 1028 again", user="U333")
    with _finished(server, "edit", count=4):
        slack.event(same)
        slack.event(same, retry_num=1)
        slack.event(P.message_changed(ts, "error 4005", user="U333", editor="UADMIN"))
        slack.event(P.message_changed(ts, "BEMS returned error 1028", user="U333"))
    assert len(fake.calls_to("chat.update")) == 1
    assert len(fake.calls_to("chat.postMessage")) == 1  # an edit never posts twice

    with _finished(server, "edit"):
        slack.event(P.message_deleted(ts))
    (deleted,) = fake.calls_to("chat.delete")
    assert (deleted.params["channel"], deleted.params["ts"]) == ("C111", reply_ts)
    assert len(fake.calls_to("chat.postMessage")) == 1


def test_an_edit_posts_a_reply_once_and_deletes_it_when_no_code_is_left(
    server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    ts = _now_ts()
    with _finished(server, "auto_reply"):
        slack.event(P.message("the deploy failed", ts=ts))
    assert fake.calls_to("chat.postMessage") == []

    edit = P.message_changed(ts, "the deploy failed with SERVER_BUSY")
    again = P.message_changed(ts, "the deploy failed with SERVER_BUSY again")
    with _finished(server, "edit", count=2):
        slack.event(edit)
        slack.event(again)
    (posted,) = fake.calls_to("chat.postMessage")
    assert posted.params["thread_ts"] == ts and "SERVER_BUSY" in posted.params["text"]
    reply_ts = fake.messages[0]["ts"]

    with _finished(server, "edit"):
        slack.event(P.message_changed(ts, "the deploy failed, fixed now"))
    (deleted,) = fake.calls_to("chat.delete")
    assert deleted.params["ts"] == reply_ts
    with _finished(server, "edit"):
        slack.event(P.message_deleted(ts))
    assert len(fake.calls_to("chat.delete")) == 1  # the reply was already gone
