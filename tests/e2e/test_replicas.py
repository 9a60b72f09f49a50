"""Two ``errcode serve`` replicas sharing one Redis, driven as Slack drives them.

Slack may deliver an event to either replica behind a load balancer, and
redeliver it; what one replica learns (a claim, a cooldown, a mute) must hold on
the other, and a Redis outage must cost no answer.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from e2e.harness import ServeProcess, SlackSender, fresh_timestamp
from fakes import payloads as P
from fakes.fake_slack import FakeSlack
from redis_server import RedisServer

pytestmark = pytest.mark.e2e

#: What ResilientStore waits before trying a failed Redis again (ERRCODE_REDIS_RETRY_SECONDS).
RETRY_SECONDS = 2.0


@pytest.fixture(scope="module")
def replicas(fake: FakeSlack, module_redis: RedisServer) -> Iterator[list[ServeProcess]]:
    env = {"ERRCODE_REDIS_URL": module_redis.url, "ERRCODE_LOG_LEVEL": "INFO"}
    with ServeProcess(fake.api_url, **env) as one, ServeProcess(fake.api_url, **env) as two:
        yield [one, two]


@pytest.fixture
def senders(replicas: list[ServeProcess], fake: FakeSlack) -> list[SlackSender]:
    fake.reset()
    return [SlackSender(replica.url) for replica in replicas]


def _together(deliveries: list[tuple[SlackSender, dict[str, Any], int | None]]) -> None:
    """Send (sender, event, retry number) at one moment, as a load balancer spreads them.

    Each delivery is its own request, signed with its own timestamp as Slack signs each
    one: the same (timestamp, signature) twice would be a replay, refused with 401.
    """
    barrier = threading.Barrier(len(deliveries))

    def run(sender: SlackSender, body: dict[str, Any], retry_num: int | None, ts: int) -> None:
        barrier.wait()
        assert sender.event(body, retry_num=retry_num, timestamp=ts).status == 200

    threads = [
        threading.Thread(target=run, args=(*delivery, fresh_timestamp())) for delivery in deliveries
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _replies(fake: FakeSlack, ts: str, settle: float = 0.6) -> int:
    time.sleep(settle)  # a duplicate, if any, would arrive within this
    return len(fake.calls_to("chat.postMessage", lambda c: c.params.get("thread_ts") == ts))


def _log_lines(replica: ServeProcess, needle: str) -> list[dict[str, object]]:
    lines = []
    for raw in replica.logs().splitlines():
        if needle in raw:
            lines.append(json.loads(raw))
    return lines


def test_an_event_delivered_to_both_and_retried_is_answered_once(
    senders: list[SlackSender], fake: FakeSlack
) -> None:
    for _ in range(5):
        body = P.message("login fails with 1027")
        ts = body["event"]["ts"]
        _together([(sender, body, None) for sender in senders])
        _together([(sender, body, n) for sender in senders for n in (1, 2)])
        fake.wait_for("chat.postMessage", where=lambda c, ts=ts: c.params.get("thread_ts") == ts)
        assert _replies(fake, ts) == 1


def test_a_mention_that_also_arrives_as_a_message_is_answered_once(
    senders: list[SlackSender], fake: FakeSlack
) -> None:
    mention = P.mention("what is 1027")
    ts = mention["event"]["ts"]
    message = P.message("<@UBOT> what is 1027", ts=ts)
    _together([(senders[0], mention, None), (senders[1], message, None)])
    fake.wait_for("chat.postMessage", where=lambda c: c.params.get("thread_ts") == ts)
    assert _replies(fake, ts) == 1


def test_a_cooldown_set_through_one_replica_holds_on_the_other(
    senders: list[SlackSender], fake: FakeSlack
) -> None:
    thread = "1700009000.000100"
    # The first reply proves the message is one the scanner answers.
    senders[0].event(P.message("error 1027 again", thread_ts=thread))
    fake.wait_for("chat.postMessage", where=lambda c: c.params.get("thread_ts") == thread)
    senders[1].event(P.message("still getting error 1027", thread_ts=thread))
    assert _replies(fake, thread) == 1


def test_a_mute_set_through_one_replica_holds_on_the_other(
    senders: list[SlackSender], fake: FakeSlack
) -> None:
    channel = "CREPLMUTE"
    muting = senders[0].command(
        P.slash_form(P.slash_command("mute", channel=channel, response_url=fake.response_url("m")))
    )
    assert "off" in muting.json()["text"]  # answered in the ack, once the mute is stored
    muted = P.message("error 1027 here", channel=channel)
    senders[1].event(muted)
    assert _replies(fake, muted["event"]["ts"]) == 0

    unmuting = senders[1].command(
        P.slash_form(
            P.slash_command("unmute", channel=channel, response_url=fake.response_url("u"))
        )
    )
    assert "on" in unmuting.json()["text"]
    unmuted = P.message("error 1027 again", channel=channel)
    senders[0].event(unmuted)
    ts = unmuted["event"]["ts"]
    fake.wait_for("chat.postMessage", where=lambda c: c.params.get("thread_ts") == ts)
    assert _replies(fake, ts) == 1


def test_a_redis_outage_loses_no_answer_and_redis_is_used_again(
    replicas: list[ServeProcess],
    senders: list[SlackSender],
    fake: FakeSlack,
    module_redis: RedisServer,
) -> None:
    import redis

    client = redis.Redis.from_url(module_redis.url, decode_responses=True)
    module_redis.stop()
    try:
        during = [P.message(f"outage {n}: error 1027") for n in range(10)]
        for n, body in enumerate(during):
            # Each event to one replica, retried there: per-process memory dedupes it.
            sender = senders[n % 2]
            assert sender.event(body).status == 200
            assert sender.event(body, retry_num=1).status == 200
        for body in during:
            ts = body["event"]["ts"]
            fake.wait_for("chat.postMessage", where=lambda c, ts=ts: c.params["thread_ts"] == ts)
        time.sleep(0.6)
        for body in during:
            assert _replies(fake, body["event"]["ts"], settle=0) == 1, "lost or doubled"
        for replica in replicas:
            warnings = _log_lines(replica, "state store unavailable")
            assert len(warnings) == 1 and warnings[0]["level"] == "WARNING"
    finally:
        module_redis.start()

    # Back: after the retry interval, each replica replays its outage writes and
    # uses Redis again; an event claimed on one is then refused on the other.
    time.sleep(RETRY_SECONDS + 0.5)
    for sender in senders:
        sender.event(P.message("no code here, just waking the store up"))
    deadline = time.monotonic() + 5
    while not all(_log_lines(r, "state store back") for r in replicas):
        assert time.monotonic() < deadline, "a replica did not return to Redis"
        time.sleep(0.1)
    replayed = during[0]["event_id"]
    assert client.exists(f"errcode:claim:event:{replayed}")

    after = P.message("after the outage: error 1027")
    ts = after["event"]["ts"]
    _together([(sender, after, None) for sender in senders])
    fake.wait_for("chat.postMessage", where=lambda c: c.params.get("thread_ts") == ts)
    assert _replies(fake, ts) == 1
    assert client.exists(f"errcode:claim:event:{after['event_id']}")
    for replica in replicas:
        assert len(_log_lines(replica, "state store unavailable")) == 1


def test_a_request_replayed_on_the_other_replica_is_401(
    senders: list[SlackSender], fake: FakeSlack
) -> None:
    """The (timestamp, signature) pair is claimed in Redis, so every replica knows it."""
    form = P.slash_form(P.slash_command("1027", response_url=fake.response_url("rr")))
    timestamp = fresh_timestamp()
    assert senders[0].command(form, timestamp=timestamp).status == 200
    replay = senders[1].command(form, timestamp=timestamp)
    assert (replay.status, replay.body) == (401, b"replayed signature")
