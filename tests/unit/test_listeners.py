"""The Bolt listeners: which requests get a reply, where it goes, and what is left alone.

The decisions themselves are :mod:`test_conversation`'s; here, the thin handlers around
them, dispatched in process against the fake Slack.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fakes import payloads as P
from fakes.fake_slack import BOT_USER, FakeSlack
from fakes.running_app import AppFactory, Running

from bot.knowledge.base import KnowledgeBase
from bot.slack import listeners, notices, render


@pytest.fixture
def bot(fake: FakeSlack, kb: KnowledgeBase) -> Iterator[Running]:
    with AppFactory(fake, kb) as factory:
        yield factory()


def _posted(bot: Running, fake: FakeSlack) -> list[Any]:
    bot.settle()
    return fake.calls_to("chat.postMessage")


# -- the plain helpers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ({"command": "/errcode"}, "command"),
        ({"type": "event_callback"}, "event"),
        ({"type": "block_actions"}, "action"),
        ({"type": "view_submission"}, "other"),
        ({}, "other"),
    ],
)
def test_request_kind(body: dict[str, Any], kind: str) -> None:
    assert listeners._request_kind(body) == kind


@pytest.mark.parametrize(
    ("mapping", "path", "expected"),
    [
        ({"user": {"id": "U1"}}, ("user", "id"), "U1"),
        ({"user": "U1"}, ("user", "id"), ""),
        ({"user": {"id": 5}}, ("user", "id"), ""),
        ([], ("user",), ""),
        ({}, ("user", "id"), ""),
    ],
)
def test_str_reads_a_string_or_gives_empty(
    mapping: Any, path: tuple[str, ...], expected: str
) -> None:
    assert listeners._str(mapping, *path) == expected


def test_message_fields_need_a_channel_and_a_ts() -> None:
    body = {"team_id": "T1", "event_id": "Ev1"}
    fields = listeners._message_fields({"channel": "C1", "ts": "1.1", "text": "hi"}, body)
    assert fields == {"text": "hi", "team": "T1", "channel": "C1", "ts": "1.1", "event_id": "Ev1"}
    assert listeners._message_fields({"channel": "C1"}, body) is None
    assert listeners._message_fields({"ts": "1.1", "channel": 3}, body) is None


# -- events ---------------------------------------------------------------------------------


def test_a_dm_is_answered_in_the_dm_not_in_a_thread(bot: Running, fake: FakeSlack) -> None:
    bot.dispatch(P.message("what is 1027?", channel="D111", channel_type="im"))
    (posted,) = _posted(bot, fake)
    assert posted.params["channel"] == "D111" and "thread_ts" not in posted.params
    assert "WRONG_SERVER" in posted.params["text"]


def test_a_mention_is_answered_in_its_thread(bot: Running, fake: FakeSlack) -> None:
    body = P.mention("1027?", bot_user=BOT_USER)
    bot.dispatch(body)
    (posted,) = _posted(bot, fake)
    assert posted.params["thread_ts"] == body["event"]["ts"]


def test_a_mention_inside_a_thread_answers_in_that_thread(bot: Running, fake: FakeSlack) -> None:
    bot.dispatch(P.mention("1027?", bot_user=BOT_USER, thread_ts="1700000000.000100"))
    (posted,) = _posted(bot, fake)
    assert posted.params["thread_ts"] == "1700000000.000100"


@pytest.mark.parametrize(
    "changes",
    [{"subtype": "message_changed"}, {"bot_id": "B999"}, {"user": None}],
    ids=["an edit", "a bot", "no user"],
)
def test_messages_that_are_not_a_persons_are_ignored(
    bot: Running, fake: FakeSlack, changes: dict[str, Any]
) -> None:
    body = P.message("error 1027 on login")
    body["event"].update(changes)
    assert bot.dispatch(body).status == 200
    assert _posted(bot, fake) == []


def test_a_bot_mentioning_errcode_is_not_answered(bot: Running, fake: FakeSlack) -> None:
    body = P.mention("1027?", bot_user=BOT_USER)
    body["event"]["bot_id"] = "B999"
    assert bot.dispatch(body).status == 200
    assert _posted(bot, fake) == []


def test_a_message_in_an_unknown_kind_of_channel_is_ignored(bot: Running, fake: FakeSlack) -> None:
    bot.dispatch(P.message("error 1027", channel_type="app_home"))
    assert _posted(bot, fake) == []


# -- buttons --------------------------------------------------------------------------------


def test_remove_by_the_author_deletes_the_reply(bot: Running, fake: FakeSlack) -> None:
    click = P.block_action(
        render.REMOVE_ACTION,
        "U222",
        user="U222",
        response_url=fake.response_url("rm"),
        message_ts="1700000000.000200",
    )
    assert bot.dispatch(click).status == 200
    bot.settle()
    (deleted,) = fake.calls_to("chat.delete")
    assert deleted.params["ts"] == "1700000000.000200"


def test_remove_by_anyone_else_is_refused_privately(bot: Running, fake: FakeSlack) -> None:
    click = P.block_action(
        render.REMOVE_ACTION,
        "U222",
        user="U333",
        response_url=fake.response_url("rm2"),
        message_ts="1700000000.000300",
    )
    bot.dispatch(click)
    bot.settle()
    assert fake.calls_to("chat.delete") == []
    (notice,) = fake.calls_to("response_url:rm2")
    assert notice.params["text"] == notices.NOTICES["remove_denied"]


def test_an_unknown_button_is_acknowledged(bot: Running, fake: FakeSlack) -> None:
    click = P.block_action("someone_elses", "x", user="U222", response_url=fake.response_url("o"))
    assert bot.dispatch(click).status == 200
    bot.settle()
    assert fake.calls_to("response_url:o") == []
