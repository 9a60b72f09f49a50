"""Edits, response_url posts and fresh acks survive SIGTERM and SIGKILL, each landing once.

Issue 12: every call owed after an ack is an outbox job, not only thread replies. An
edited message's reply is updated (chat.update) or deleted (chat.delete), and a
Details click or a Share is answered on its response_url, through the outbox: drained
on SIGTERM without Redis, claimed by the other replica after a SIGKILL with it. And an
event is acked only once its reply is a job, so a SIGKILL right after an ack loses
nothing. Every wait is on an event (a call reaching the fake, a drained stream, the
process's exit), never a sleep.
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
import redis
from e2e.harness import ServeProcess, SlackSender, finished
from fakes import payloads as P
from fakes.fake_slack import Call, FakeSlack
from redis_server import RedisServer

from bot.slack import render
from bot.slack.conversation import encode_share

pytestmark = pytest.mark.e2e

#: Edits (and as many response_url posts) in flight when the signal comes.
N = 6
#: The settings of two replicas on one Redis: a dead one's jobs are claimed after 2 s.
REPLICAS = {"ERRCODE_LOG_LEVEL": "INFO", "ERRCODE_OUTBOX_CLAIM_SECONDS": "2"}


@pytest.fixture
def quiet_fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


def _now_ts(n: int) -> str:
    """A message ts of now (edits of older messages are left alone), distinct per ``n``."""
    return f"{int(time.time())}.{n:06d}"


def _explained(
    sender: SlackSender, tag: str, n: int, text: str = "BEMS returned error 1027"
) -> list[tuple[str, str]]:
    """``n`` channel messages naming a code, each auto-replied: their (channel, ts)."""
    sent = []
    for index in range(n):
        channel, ts = f"C{tag}{index}", _now_ts(index)
        body = P.message(text, channel=channel, ts=ts, user="U333")
        assert sender.event(body).status == 200
        sent.append((channel, ts))
    return sent


def _reply_ts(fake: FakeSlack, messages: list[tuple[str, str]]) -> dict[str, str]:
    """The bot's reply in each message's thread, by channel."""
    wanted = dict(messages)
    return {
        m["channel"]: m["ts"]
        for m in fake.messages
        if m["channel"] in wanted and m["thread_ts"] == wanted[m["channel"]]
    }


def _edit(sender: SlackSender, messages: list[tuple[str, str]], text: str) -> None:
    for channel, ts in messages:
        assert sender.event(P.message_changed(ts, text, channel=channel, user="U333")).status == 200


def _details(sender: SlackSender, fake: FakeSlack, tag: str, n: int) -> list[str]:
    """``n`` Details clicks, each with its own response_url: the urls' names."""
    names = [f"{tag}{index}" for index in range(n)]
    for name in names:
        click = P.block_action(
            f"{render.DETAILS_ACTION}_1",
            "bems:1028",
            user="U444",
            response_url=fake.response_url(name),
        )
        assert sender.action(click).status == 200
    return names


def _share(sender: SlackSender, fake: FakeSlack, tag: str, n: int) -> list[str]:
    """``n`` Share clicks on as many ephemeral answers: the response_urls' names."""
    value = encode_share("1027", "U222")
    assert value is not None
    names = [f"{tag}{index}" for index in range(n)]
    for index, name in enumerate(names):
        click = P.block_action(
            render.SHARE_ACTION, value, user="U222", response_url=fake.response_url(name)
        )
        click["container"]["message_ts"] = f"1700000777.{index:06d}"  # each shared once
        assert sender.action(click).status == 200
    return names


def _to(names: list[str]) -> set[str]:
    return {f"response_url:{name}" for name in names}


def _landed(fake: FakeSlack, method: str) -> Counter[str]:
    """Delivered calls by target: a reply's ts (chat.*) or a response_url's name."""
    calls = fake.delivered(method)
    if method.startswith("response_url"):
        return Counter(c.method for c in calls)
    return Counter(str(c.params.get("ts")) for c in calls)


def test_sigterm_with_edits_and_response_url_posts_in_flight_lands_each_once(
    quiet_fake: FakeSlack,
) -> None:
    fake = quiet_fake
    with ServeProcess(fake.api_url, ERRCODE_LOG_LEVEL="INFO") as server:
        sender = SlackSender(server.url)
        with finished(server, "auto_reply", 2 * N, timeout=20):  # replies posted, remembered
            updated = _explained(sender, "U", N)
            deleted = _explained(sender, "D", N)
        replies = _reply_ts(fake, updated + deleted)
        assert len(replies) == 2 * N
        # Slack answers every first call 503 (retried after a backoff), and slowly: when
        # the signal comes, nothing has landed yet.
        fake.fail("chat.update", 503, times=N)
        fake.fail("chat.delete", 503, times=N)
        fake.delay("chat.update", 0.3)
        fake.delay("chat.delete", 0.3)
        names = [f"T{index}" for index in range(N)]
        for name in names:
            fake.fail(f"response_url:{name}", 503)
            fake.delay(f"response_url:{name}", 0.3)
        _edit(sender, updated, "BEMS returned error 1028")
        _edit(sender, deleted, "the deploy failed, fixed now")  # no code left: deleted
        _details(sender, fake, "T", N)
        assert server.proc is not None
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(timeout=40)
        logs = server.logs()
    assert _landed(fake, "chat.update") == Counter(replies[c] for c, _ in updated), logs[-3000:]
    assert _landed(fake, "chat.delete") == Counter(replies[c] for c, _ in deleted), logs[-3000:]
    assert _landed(fake, "response_url:*") == Counter(_to(names)), logs[-3000:]
    assert "not posted" not in logs


def test_sigkill_of_a_replica_with_edits_and_response_url_posts_in_flight(
    quiet_fake: FakeSlack, own_redis: RedisServer
) -> None:
    fake = quiet_fake
    env = {"ERRCODE_REDIS_URL": own_redis.url, **REPLICAS}
    client = redis.Redis.from_url(own_redis.url, decode_responses=True)
    with ServeProcess(fake.api_url, **env) as victim, ServeProcess(fake.api_url, **env) as other:
        sender = SlackSender(victim.url)
        messages = _explained(sender, "K", N)
        fake.wait_for("chat.postMessage", N, timeout=10)
        _drained(client, fake)  # posted and remembered: each job is done once its reply is
        replies = _reply_ts(fake, messages)
        assert len(replies) == N
        # Every first call gets a 503: the victim dies in its retry backoff, holding the
        # jobs it took. A Share's public answer lands, its deletion of the ephemeral
        # original does not: the survivor must not post that answer twice.
        fake.fail("chat.update", 503, times=N)
        details = [f"KD{index}" for index in range(N)]
        shares = [f"KS{index}" for index in range(N)]
        for name in details:
            fake.fail(f"response_url:{name}", 503)
        for name in shares:
            fake.fail(f"response_url:{name}", 503, where=_deleting_original)
        _edit(sender, messages, "BEMS returned error 1028")
        _details(sender, fake, "KD", N)
        _share(sender, fake, "KS", N)
        fake.wait_for("chat.update", N, timeout=10)
        fake.wait_for(
            "response_url:*", 3 * N, timeout=10, where=lambda c: c.method in _to(details + shares)
        )
        assert victim.proc is not None
        victim.proc.kill()
        victim.proc.wait(timeout=10)
        killed = time.monotonic()

        fake.wait_for("chat.update", N, timeout=20, where=lambda c: c.delivered)
        fake.wait_for("response_url:*", 3 * N, timeout=20, where=_delivered_to(details + shares))
        took = time.monotonic() - killed
        _drained(client, fake)  # nothing left that could still post a duplicate
        assert other.proc is not None and other.proc.poll() is None
        logs = other.logs()
    assert took < 2 + 10, took  # the claim timeout, then the survivor's calls
    assert _landed(fake, "chat.update") == Counter(replies.values()), logs[-3000:]
    landed = _landed(fake, "response_url:*")
    assert landed == Counter(_to(details)) + Counter(_to(shares)) + Counter(_to(shares)), logs[
        -3000:
    ]
    public = fake.delivered(
        "response_url:*", lambda c: c.params.get("response_type") == "in_channel"
    )
    assert Counter(c.method for c in public) == Counter(_to(shares))


def test_a_sigkill_right_after_the_acks_loses_no_reply(
    quiet_fake: FakeSlack, own_redis: RedisServer
) -> None:
    """Each event is acked once its reply is a job in Redis: killed the moment the last
    ack arrives, the victim leaves every reply to the survivor."""
    fake = quiet_fake
    env = {"ERRCODE_REDIS_URL": own_redis.url, **REPLICAS}
    client = redis.Redis.from_url(own_redis.url, decode_responses=True)
    with ServeProcess(fake.api_url, **env) as victim, ServeProcess(fake.api_url, **env) as other:
        fake.delay("chat.postMessage", 0.2)  # the victim is still posting when it dies
        # Long messages, so that each takes the worker a while (its 200 candidates): an
        # ack sent before its reply is a job would leave the last reply nowhere.
        text = "BEMS returned error 1027: " + "1027, " * 6000
        messages = _explained(SlackSender(victim.url), "A", 3 * N, text)
        assert victim.proc is not None
        victim.proc.kill()
        victim.proc.wait(timeout=10)
        threads = {ts for _, ts in messages}
        fake.wait_for(
            "chat.postMessage",
            3 * N,
            timeout=20,
            where=lambda c: c.delivered and c.params.get("thread_ts") in threads,
        )
        _drained(client, fake)
        assert other.proc is not None and other.proc.poll() is None
    landed = Counter(
        str(c.params.get("thread_ts"))
        for c in fake.delivered("chat.postMessage", lambda c: c.params.get("thread_ts") in threads)
    )
    assert landed == Counter(threads)


def _deleting_original(call: Call) -> bool:
    return bool(call.params.get("delete_original"))


def _delivered_to(names: list[str]) -> Callable[[Call], bool]:
    targets = _to(names)
    return lambda c: c.delivered and c.method in targets


def _drained(client: redis.Redis, fake: FakeSlack, timeout: float = 20.0) -> None:
    """Wait until the shared outbox is empty (a bounded poll on Redis, between waits on
    the fake)."""
    deadline = time.monotonic() + timeout
    while client.xlen("errcode:outbox"):
        assert time.monotonic() < deadline, "the outbox never drained"
        fake.wait_for("never-called", 1, timeout=0.05)
