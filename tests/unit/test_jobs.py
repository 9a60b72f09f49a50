"""Outbox jobs: their kinds through JSON, and each call made at most once when carried out."""

from __future__ import annotations

import asyncio
import json
import logging
import time

import pytest
from fakes.fake_slack import FakeSlack
from redis_server import RedisServer
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.jobs import Failure, carry_out
from bot.slack.outbox import Replies
from bot.store.jobs import DeleteReply, Explains, Job, Posted, PostReply, Respond, Task, UpdateReply
from bot.store.outbox import MemoryOutbox
from bot.store.redis_outbox import RedisOutbox
from bot.store.redis_store import RedisStore

MESSAGE = {"text": "Explained: bems 1027", "blocks": [{"type": "section"}]}


@pytest.fixture
def slack(fake: FakeSlack) -> FakeSlack:
    fake.reset()
    return fake


def _client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-unit", base_url=fake.api_url)


@pytest.mark.parametrize(
    "task",
    [
        PostReply("C1", MESSAGE, "1.2", "auto_reply", Explains("1.2", ("bems:1027",))),
        PostReply("D1", MESSAGE),
        UpdateReply(Posted("C1", "1.3"), MESSAGE),
        DeleteReply(Posted("C1", "1.3")),
        Respond("https://hooks.example/r", (MESSAGE, {"delete_original": True}), "share"),
    ],
    ids=lambda task: task.method,
)
def test_every_kind_goes_through_json_unchanged(task: Task) -> None:
    job = Job(task, attempts=2)
    again = Job.from_dict(json.loads(json.dumps(job.as_dict())))
    assert again == job


def test_a_job_written_before_the_kinds_is_read_as_a_post() -> None:
    legacy = {
        "method": "chat.postMessage",
        "args": {"channel": "C1", "thread_ts": "1.2", "unfurl_links": False, **MESSAGE},
        "id": "abc",
        "created": 1.0,
        "attempts": 1,
        "after": {"kind": "auto_reply", "remember": {"ts": "1.2", "entries": ["bems:1027"]}},
    }
    job = Job.from_dict(legacy)
    assert job.task == PostReply(
        "C1", MESSAGE, "1.2", "auto_reply", Explains("1.2", ("bems:1027",))
    )
    assert (job.id, job.attempts) == ("abc", 1)


def test_the_log_line_of_a_response_url_job_never_shows_the_url() -> None:
    job = Job(Respond("https://hooks.slack.com/actions/T1/secret", (MESSAGE,), "details"))
    assert "secret" not in job.describe() and "details" in job.describe()


def test_an_unreadable_job_is_a_dead_letter_not_a_crash(redis_server: RedisServer) -> None:
    client = RedisStore.from_url(redis_server.url, timeout=5.0).client
    client.flushdb()
    outbox = RedisOutbox(client, claim_seconds=60)
    good = Job(DeleteReply(Posted("C1", "1.3")))
    outbox.put(Job(DeleteReply(Posted("C1", "1.1"))))  # makes the stream and the group
    client.xadd(
        outbox.stream, {"job": json.dumps({"task": {"method": "chat.teleport"}, "id": "x"})}
    )
    outbox.put(good)
    taken = outbox.take("a", 10, 0.0)
    assert [job.task for job in taken] == [DeleteReply(Posted("C1", "1.1")), good.task]
    assert client.xlen(outbox.dead_stream) == 1


def test_a_response_url_post_that_landed_is_not_posted_again(slack: FakeSlack) -> None:
    # Share: the answer landed on the first take, deleting the original did not.
    url = slack.response_url("share")
    job = Job(Respond(url, (MESSAGE, {"delete_original": True}), "share"), attempts=1)
    outbox = MemoryOutbox()
    outbox.landed(f"{job.id}:0")
    assert asyncio.run(carry_out(_client(slack), outbox, job)) is None
    (call,) = slack.calls_to("response_url:share")
    assert call.params == {"delete_original": True}
    assert outbox.has_landed(f"{job.id}:1")


def test_a_dropped_response_url_post_is_not_repeated(slack: FakeSlack) -> None:
    slack.drop("response_url:drop", after_posting=True)
    job = Job(Respond(slack.response_url("drop"), (MESSAGE,), "details"))
    failure = asyncio.run(carry_out(_client(slack), MemoryOutbox(), job))
    assert failure is not None and failure.permanent and "may have landed" in failure.reason
    assert len(slack.calls_to("response_url:drop")) == 1


@pytest.mark.parametrize(
    "task",
    [UpdateReply(Posted("C1", "1.3"), MESSAGE), DeleteReply(Posted("C1", "1.3"))],
    ids=["update", "delete"],
)
def test_a_reply_that_is_gone_needs_no_update_or_delete(slack: FakeSlack, task: Task) -> None:
    slack.fail(task.method, 200, error="message_not_found")
    assert asyncio.run(carry_out(_client(slack), MemoryOutbox(), Job(task))) is None


def test_slack_refusing_an_update_is_a_permanent_failure(slack: FakeSlack) -> None:
    slack.fail("chat.update", 200, error="msg_too_long")
    failure = asyncio.run(
        carry_out(_client(slack), MemoryOutbox(), Job(UpdateReply(Posted("C1", "1"), MESSAGE)))
    )
    assert failure == Failure("msg_too_long", permanent=True)


async def _send(fake: FakeSlack, job: Job) -> Replies:
    """Send ``job`` through an in-process outbox; back once it is carried out or given up."""
    replies = Replies()
    replies.bind(_client(fake))
    replies.start()
    await replies.send(job)
    await replies.drain(1.0)
    return replies


def test_a_response_url_job_older_than_its_life_is_a_dead_letter(
    slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    made = time.time() - 31 * 60  # Slack takes posts to a response_url for 30 minutes
    job = Job(Respond(slack.response_url("old"), (MESSAGE,), "details"), created=made)
    with caplog.at_level(logging.ERROR, logger="errcode.outbox"):
        replies = asyncio.run(_send(slack, job))
    [(dead, error)] = replies.local.dead()
    assert dead.id == job.id and "response_url expired" in error
    assert slack.calls_to("response_url:old") == []  # Slack would refuse it: not tried
    assert any("dead letter" in r.message and "expired" in r.message for r in caplog.records)


def test_a_response_url_slack_refuses_is_a_dead_letter(slack: FakeSlack) -> None:
    slack.fail("response_url:used", 404)  # expired or used 5 times
    job = Job(Respond(slack.response_url("used"), (MESSAGE,), "details"))
    replies = asyncio.run(_send(slack, job))
    [(dead, error)] = replies.local.dead()
    assert dead.id == job.id and "404" in error


class _DownOutbox(MemoryOutbox):
    """A shared outbox that cannot be reached (a write may still land later)."""

    errors = (ConnectionError,)

    def put(self, job: Job) -> None:
        raise ConnectionError("redis timed out")


def test_with_the_shared_outbox_down_replies_look_first_and_it_is_said_once(
    slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    async def run() -> None:
        replies = Replies(shared=_DownOutbox())
        replies.bind(_client(slack))
        replies.start()
        for n in range(3):
            await replies.send(Job(PostReply("C1", MESSAGE, thread_ts=f"1.{n}")))
        await replies.drain(1.0)

    with caplog.at_level(logging.INFO, logger="errcode.outbox"):
        asyncio.run(run())
    assert len(slack.calls_to("chat.postMessage")) == 3
    # A timed-out write may reach Redis later and be posted by a replica: each local copy
    # looked for its reply in the thread before posting it.
    assert len(slack.calls_to("conversations.replies")) == 3
    assert sum("outbox unavailable" in r.message for r in caplog.records) == 1
