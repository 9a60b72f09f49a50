"""``errcode serve`` in HTTP mode, as a subprocess, driven as Slack drives it."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from e2e.harness import BOT_TOKEN, SIGNING_SECRET, ServeProcess, SlackSender, http
from fakes import payloads as P
from fakes.fake_slack import BOT_USER, Call, FakeSlack
from fakes.slow_store import DELAY_ENV, serve_command

from bot.slack.listeners import ANSWER_IN_ACK_SECONDS

pytestmark = pytest.mark.e2e


def _texts(blocks: list[dict]) -> str:
    """All the text of some blocks, for asserting on what a user would read."""
    return json.dumps(blocks, ensure_ascii=False)


def _button(blocks: list[dict], action_id: str) -> dict:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return element
    raise AssertionError(f"no {action_id} button")


# -- the server -----------------------------------------------------------------------


def test_healthz_and_metrics(server: ServeProcess, slack: SlackSender, fake: FakeSlack) -> None:
    assert http(server.url + "/healthz").status == 200
    slack.event(P.message("error 1027 again"))
    fake.wait_for("chat.postMessage")
    deadline = time.monotonic() + 3
    text = ""
    while "errcode_handler_seconds_bucket" not in text and time.monotonic() < deadline:
        metrics = http(server.url + "/metrics")  # the listener observes after its last call
        assert metrics.status == 200
        text = metrics.body.decode()
    for name in (
        "errcode_requests_total",
        "errcode_replies_total",
        "errcode_lookups_total",
        "errcode_scanner_hits_total",
        "errcode_handler_seconds_bucket",
    ):
        assert name in text


def test_url_verification(slack: SlackSender) -> None:
    body = P.fixture("url_verification.json")
    reply = slack.event(body)
    assert reply.status == 200 and body["challenge"] in reply.body.decode()


def _metric(server: ServeProcess, name: str) -> float:
    """The sum of a metric's samples on the server's /metrics (0 while it has none)."""
    lines = http(server.url + "/metrics").body.decode().splitlines()
    return sum(
        float(line.rsplit(" ", 1)[1]) for line in lines if line.startswith((name + "{", name + " "))
    )


@contextmanager
def _finished(server: ServeProcess, handler: str, timeout: float = 5.0) -> Iterator[None]:
    """Wait, after the block, until one more ``handler`` listener has run to its end.

    The listener observes ``errcode_handler_seconds`` after its last Slack call, so once
    the count moves, nothing more will come from it: a negative assertion can follow.
    """
    name = f'errcode_handler_seconds_count{{handler="{handler}"}}'
    before = _metric(server, name)
    yield
    deadline = time.monotonic() + timeout
    while _metric(server, name) <= before:
        assert time.monotonic() < deadline, f"the {handler} listener never finished"
        time.sleep(0.02)


def _errors_logged(server: ServeProcess) -> int:
    return server.logs().count('"level": "ERROR"')


@pytest.mark.parametrize(
    "how", ["invalid", "missing", "empty", "stale", "309 digits", "5000 digits"]
)
def test_bad_signatures_get_401_and_reach_no_handler(
    how: str, server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    body = json.dumps(P.message("1027 in bems")).encode()
    dispatched = _metric(server, "errcode_requests_total")
    errors = _errors_logged(server)
    if how == "invalid":
        reply = SlackSender(slack.endpoint.removesuffix("/slack/events"), "wrong-secret").post(
            body, "application/json"
        )
    elif how == "missing":
        reply = http(slack.endpoint, body, {"Content-Type": "application/json"})
    elif how == "empty":
        reply = slack.post(
            body,
            "application/json",
            headers={"X-Slack-Signature": "", "X-Slack-Request-Timestamp": ""},
        )
    elif how == "stale":
        reply = slack.post(body, "application/json", timestamp=int(time.time()) - 6 * 60)
    else:  # 309 digits overflowed a float comparison; 5,000 reached int()'s digit limit
        digits = int(how.split()[0])
        reply = slack.post(
            body, "application/json", headers={"X-Slack-Request-Timestamp": "9" * digits}
        )
    assert reply.status == 401
    # The response is sent after anything the request logs: no ERROR record came of it.
    assert _errors_logged(server) == errors
    # Requests are counted as Bolt dispatches them, before the response is sent: an
    # unchanged count means no listener ever saw this one.
    assert _metric(server, "errcode_requests_total") == dispatched
    assert fake.calls_to("chat.postMessage") == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b"{not json", "application/json"), (b"\xff\xfe", "application/json"), (b"x", "text/plain")],
)
def test_a_forged_request_is_401_whatever_its_body(
    body: bytes, content_type: str, slack: SlackSender
) -> None:
    forger = SlackSender(slack.endpoint.removesuffix("/slack/events"), "wrong-secret")
    assert forger.post(body, content_type).status == 401
    # The same bodies, correctly signed, are the sender's error instead.
    assert 400 <= slack.post(body, content_type).status < 500


# -- /errcode -------------------------------------------------------------------------


def _command(slack: SlackSender, fake: FakeSlack, text: str, name: str, **fields: str) -> dict:
    """Send ``/errcode text`` (its response_url named ``name``); the answer its ack carries."""
    url = fake.response_url(name)
    reply = slack.command(P.slash_form(P.slash_command(text, response_url=url, **fields)))
    assert reply.status == 200 and reply.seconds < 3
    assert reply.body, "the ack carries no answer"
    return reply.json()


def _nothing_posted(fake: FakeSlack) -> bool:
    """True if nothing went to a response_url or chat.* (the ack was the only answer)."""
    return [c for c in fake.calls if c.method.startswith(("response_url:", "chat."))] == []


def test_slash_command_answers_in_the_ack_with_share_button(
    server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    with _finished(server, "command"):
        answer = _command(slack, fake, "1027", "q1")
    assert answer["response_type"] == "ephemeral"
    assert "WRONG_SERVER" in answer["text"]
    assert answer["blocks"][0]["type"] == "header"
    assert _button(answer["blocks"], "errcode_share")
    assert _nothing_posted(fake)  # exactly once: no response_url post, no Web API call


@pytest.mark.parametrize("text", ["", "help"])
def test_slash_command_usage(text: str, slack: SlackSender, fake: FakeSlack) -> None:
    assert "/errcode bems 1027" in _command(slack, fake, text, "u")["text"]


def test_share_posts_publicly_for_the_asker_only(slack: SlackSender, fake: FakeSlack) -> None:
    asked = _command(slack, fake, "SERVER_BUSY", "ask", user="U222")
    value = _button(asked["blocks"], "errcode_share")["value"]

    slack.action(
        P.block_action(
            "errcode_share", value, user="U999", response_url=fake.response_url("intruder")
        )
    )
    (denied,) = fake.wait_for("response_url:intruder")
    assert denied.params["response_type"] == "ephemeral"
    assert "Only the person who asked" in denied.params["text"]

    slack.action(
        P.block_action("errcode_share", value, user="U222", response_url=fake.response_url("share"))
    )
    shared, deleted = fake.wait_for("response_url:share", count=2)
    assert shared.params["response_type"] == "in_channel"
    assert "<@U222>" in _texts(shared.params["blocks"])
    assert "SERVER_BUSY" in shared.params["text"]
    assert deleted.params == {"delete_original": True}


def test_mute_and_unmute_the_channel(
    server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    def in_thread(call: Call) -> bool:  # a reply, not the announcement of the change
        return bool(call.params.get("thread_ts"))

    assert "off" in _command(slack, fake, "mute", "m", channel="CMUTE")["text"]
    with _finished(server, "auto_reply"):
        slack.event(P.message("got 1027", channel="CMUTE"))
    assert fake.calls_to("chat.postMessage", in_thread) == []
    assert "on" in _command(slack, fake, "unmute", "um", channel="CMUTE")["text"]
    slack.event(P.message("got 1027", channel="CMUTE"))
    assert fake.wait_for("chat.postMessage", where=in_thread)


def test_stats_subcommand(slack: SlackSender, fake: FakeSlack) -> None:
    _command(slack, fake, "1028", "s0")
    answer = _command(slack, fake, "stats", "s")
    assert answer["response_type"] == "ephemeral" and answer["text"]


def test_hostile_query_pings_nobody(slack: SlackSender, fake: FakeSlack) -> None:
    query = "<!channel> <!here> <!subteam^S123|@oncall> <@U777> 99999"
    answer = _command(slack, fake, query, "h")
    everything = answer["text"] + _texts(answer["blocks"])
    for ping in ("<!channel>", "<!here>", "<!subteam", "<@U777>"):
        assert ping not in everything
    # Shown, never parsed: escaped in mrkdwn, its "!channel" broken by a word joiner
    # (bot/slack/echo.py), as typed in plain_text.
    assert "&lt;!\u2060channel&gt;" in everything


def test_answer_in_the_ack_while_the_web_api_is_slow(
    server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    fake.delay("response_url:slow", 2.0)
    fake.delay("chat.postMessage", 2.0)
    start = time.perf_counter()
    with _finished(server, "command"):
        answer = _command(slack, fake, "1027", "slow")
    assert time.perf_counter() - start < 1.0 and "WRONG_SERVER" in answer["text"]
    assert _nothing_posted(fake)


# -- /errcode when the state store is slow: ack empty, answer on the response_url ------


#: Each usage-count or mute write of the slow server takes this long: past the bot's
#: wait for an answer to put in the ack (ANSWER_IN_ACK_SECONDS, 2 s).
STORE_DELAY = 2.5


@pytest.fixture(scope="module")
def slow_store(fake: FakeSlack) -> Iterator[SlackSender]:
    """``errcode serve`` on a store whose writes take STORE_DELAY (a hanging Redis)."""
    with ServeProcess(
        fake.api_url, command=serve_command(), **{DELAY_ENV: str(STORE_DELAY)}
    ) as proc:
        yield SlackSender(proc.url)


def test_slow_store_acks_in_time_then_answers_on_the_response_url(
    slow_store: SlackSender, fake: FakeSlack
) -> None:
    fake.reset()
    fake.fail("response_url:late", 503, times=1)  # the fallback keeps its 5xx retries
    form = P.slash_form(P.slash_command("1027", response_url=fake.response_url("late")))
    start = time.monotonic()
    reply = slow_store.command(form)
    assert reply.status == 200 and reply.body == b""
    assert ANSWER_IN_ACK_SECONDS - 0.1 < reply.seconds < 3.0
    failed, posted = fake.wait_for("response_url:late", count=2, timeout=8)
    assert failed.status == 503 and posted.delivered
    assert posted.answered - start >= STORE_DELAY
    assert posted.params["response_type"] == "ephemeral"
    assert "WRONG_SERVER" in posted.params["text"]
    assert _button(posted.params["blocks"], "errcode_share")
    time.sleep(0.5)
    assert len(fake.calls_to("response_url:late")) == 2  # one failure, one answer
    assert fake.calls_to("chat.postMessage") == []


# -- channel auto-replies --------------------------------------------------------------


def test_auto_reply_in_the_thread_with_remove_button(slack: SlackSender, fake: FakeSlack) -> None:
    body = P.message("deploy failed with SERVER_BUSY again", user="U333")
    slack.event(body)
    (posted,) = fake.wait_for("chat.postMessage")
    assert posted.params["channel"] == "C111"
    assert posted.params["thread_ts"] == body["event"]["ts"]
    assert posted.headers["authorization"] == f"Bearer {BOT_TOKEN}"
    remove = _button(posted.params["blocks"], "errcode_remove")
    assert remove["value"] == "U333"

    reply_ts = "1700000000.999999"

    def click(clicker: str, name: str) -> None:
        url = fake.response_url(name)
        slack.action(
            P.block_action(
                remove["action_id"],
                remove["value"],
                user=clicker,
                message_ts=reply_ts,
                response_url=url,
            )
        )

    click("U444", "rm-denied")
    assert "Only the author" in fake.wait_for("response_url:rm-denied")[0].params["text"]
    click("U333", "rm")
    (deleted,) = fake.wait_for("chat.delete")
    assert (deleted.params["channel"], deleted.params["ts"]) == ("C111", reply_ts)


def test_reply_to_a_thread_message_stays_in_that_thread(
    slack: SlackSender, fake: FakeSlack
) -> None:
    slack.event(P.message("still error 1027 here", thread_ts="1700000000.000100"))
    (posted,) = fake.wait_for("chat.postMessage")
    assert posted.params["thread_ts"] == "1700000000.000100"


def test_cooldown_per_thread_and_code(slack: SlackSender, fake: FakeSlack) -> None:
    thread = "1700000000.000200"
    slack.event(P.message("error 1027 broke", thread_ts=thread))
    fake.wait_for("chat.postMessage")
    slack.event(P.message("error 1027 broke again", thread_ts=thread))
    time.sleep(0.5)
    assert len(fake.calls_to("chat.postMessage")) == 1
    slack.event(P.message("error 1027 broke elsewhere", thread_ts="1700000000.000300"))
    assert len(fake.wait_for("chat.postMessage", count=2)) == 2


def test_retried_event_is_answered_once(slack: SlackSender, fake: FakeSlack) -> None:
    body = P.message("we got error 1026")
    now = int(time.time())
    for retry in (None, 1, 2):  # each delivery signed anew, as Slack does
        assert slack.event(body, retry_num=retry, timestamp=now - (retry or 0)).status == 200
    time.sleep(0.5)
    assert len(fake.calls_to("chat.postMessage")) == 1


def test_denied_channel_gets_no_auto_reply(slack: SlackSender, fake: FakeSlack) -> None:
    slack.event(P.message("error 1027", channel="CDENY"))
    time.sleep(0.4)
    assert fake.calls_to("chat.postMessage") == []


@pytest.mark.parametrize(
    "name, changes",
    [
        ("event_callback_bot_message.json", {"text": "1027 from a classic bot"}),
        ("event_callback_message_from_app_bot.json", {"text": "1027 from another app"}),
        (
            "event_callback_message_from_app_bot.json",
            {"text": "1027 from ourselves", "bot_id": "BBOT", "user": BOT_USER},
        ),
        ("event_callback_message_changed.json", {}),
        ("event_callback_message_deleted.json", {}),
        ("event_callback_file_share.json", {"text": "1027 in a file"}),
        ("event_callback_message_replied.json", {}),
    ],
)
def test_ignored_messages_are_acked_and_not_answered(
    name: str, changes: dict, slack: SlackSender, fake: FakeSlack
) -> None:
    assert slack.event(P.event(name, **changes)).status == 200
    time.sleep(0.3)
    assert fake.calls_to("chat.postMessage") == []


def test_join_and_unknown_events_are_acked(slack: SlackSender, fake: FakeSlack) -> None:
    join = P.event(
        "event_callback_message_channels.json",
        subtype="channel_join",
        text="<@U9> has joined the channel 1027",
    )
    other = P.fixture("event_callback_message_channels.json")
    other["event"] = {
        "type": "reaction_added",
        "user": "U1",
        "reaction": "eyes",
        "item": {"type": "message", "channel": "C1", "ts": "1.2"},
        "event_ts": "1.3",
    }
    assert slack.event(join).status == 200
    assert slack.event(other).status == 200
    unknown_action = P.block_action(
        "somebody_elses_button", "x", user="U1", response_url=fake.response_url("x")
    )
    assert slack.action(unknown_action).status == 200


# -- DMs and mentions ------------------------------------------------------------------


def test_dm_is_a_query(slack: SlackSender, fake: FakeSlack) -> None:
    slack.event(P.message("what does 11001 mean?", channel="D024BE91L", channel_type="im"))
    (posted,) = fake.wait_for("chat.postMessage")
    assert posted.params["channel"] == "D024BE91L" and "thread_ts" not in posted.params
    blocks = _texts(posted.params["blocks"])
    assert "is a code in 2 products" in blocks  # ambiguous number: each product labelled


def test_dm_without_a_code_gets_help(slack: SlackSender, fake: FakeSlack) -> None:
    slack.event(P.message("hello there", channel="D024BE91L", channel_type="im"))
    (posted,) = fake.wait_for("chat.postMessage")
    assert "I explain error codes" in posted.params["text"]


def test_dm_typo_is_corrected_openly(slack: SlackSender, fake: FakeSlack) -> None:
    slack.event(P.message("SEVRER_BUSY", channel="D024BE91L", channel_type="im"))
    (posted,) = fake.wait_for("chat.postMessage")
    assert "No exact `SEVRER_BUSY`; showing `SERVER_BUSY`" in posted.params["text"]


def test_mention_answers_once_in_its_thread(slack: SlackSender, fake: FakeSlack) -> None:
    body = P.mention("why do I get 1027?")
    ts = body["event"]["ts"]
    as_message = P.message(f"<@{BOT_USER}> why do I get 1027?", ts=ts)
    slack.event(as_message)
    slack.event(body)
    slack.event(body, retry_num=1)
    (posted,) = fake.wait_for("chat.postMessage")
    time.sleep(0.4)
    assert len(fake.calls_to("chat.postMessage")) == 1
    assert posted.params["thread_ts"] == ts
    assert "WRONG_SERVER" in posted.params["text"]


def test_no_secret_in_the_logs(server: ServeProcess, slack: SlackSender, fake: FakeSlack) -> None:
    slack.event(P.message("error 1027 for the log"))
    fake.wait_for("chat.postMessage")
    logs = server.logs()
    assert "chat.postMessage" in logs  # debug logging was on
    assert BOT_TOKEN not in logs and SIGNING_SECRET not in logs


# -- Web API faults --------------------------------------------------------------------


def test_rate_limited_post_is_retried_after_retry_after(
    slack: SlackSender, fake: FakeSlack
) -> None:
    fake.fail("chat.postMessage", 429, times=1, retry_after=1)
    slack.event(P.message("error 4005 under load"))
    first, second = fake.wait_for("chat.postMessage", count=2, timeout=6)
    assert second.at - first.at >= 1.0  # Retry-After honoured
    time.sleep(0.3)
    assert len(fake.calls_to("chat.postMessage")) == 2  # one failure, one delivery


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_retried(status: int, slack: SlackSender, fake: FakeSlack) -> None:
    fake.fail("chat.postMessage", status, times=2)
    slack.event(P.message(f"error 4006 while Slack says {status}"))
    assert len(fake.wait_for("chat.postMessage", count=3, timeout=6)) == 3


def test_retries_are_bounded(server: ServeProcess, slack: SlackSender, fake: FakeSlack) -> None:
    fake.fail("chat.postMessage", 500, times=100)
    slack.event(P.message("error 40129 during an outage"))
    gave_up = 'errcode_slack_api_errors_total{method="chat.postMessage"}'
    deadline = time.monotonic() + 8
    while gave_up not in http(server.url + "/metrics").body.decode():
        assert time.monotonic() < deadline, "the bot never gave up"
        time.sleep(0.1)
    assert len(fake.calls_to("chat.postMessage")) == 4  # the first attempt and 3 retries
