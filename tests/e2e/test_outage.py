"""Redis down under two replicas with ERRCODE_REPLICAS: each answers only its share.

Issue 12: with Redis down, replicas cannot see each other's dedupe claims, so an event
that reaches both is answered twice. With ``ERRCODE_REPLICAS`` and each replica's
``ERRCODE_REPLICA_INDEX``, the replica an event's id does not hash to refuses it with
503, which Slack delivers again; Slack's last retry (``X-Slack-Retry-Num: 3``) is
answered wherever it lands, so no event is refused for good. The reliability script
measures it under load (``tests/e2e/outage.py``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from e2e.harness import ServeProcess, SlackSender, finished, metric
from fakes import payloads as P
from fakes.fake_slack import FakeSlack
from redis_server import RedisServer

from bot.store.shard import Shard

pytestmark = pytest.mark.e2e

_AUTO_REPLY = 'errcode_handler_seconds_count{handler="auto_reply"}'


@pytest.fixture
def sharing(fake: FakeSlack, own_redis: RedisServer) -> Iterator[list[ServeProcess]]:
    env = {"ERRCODE_REDIS_URL": own_redis.url, "ERRCODE_REPLICAS": "2", "ERRCODE_LOG_LEVEL": "INFO"}
    with (
        ServeProcess(fake.api_url, ERRCODE_REPLICA_INDEX="0", **env) as zero,
        ServeProcess(fake.api_url, ERRCODE_REPLICA_INDEX="1", **env) as one,
    ):
        fake.reset()
        yield [zero, one]


def _owner(body: dict[str, object]) -> int:
    return 0 if Shard(0, 2).owns(str(body["event_id"])) else 1


def _replies(fake: FakeSlack, ts: str) -> int:
    return len(fake.delivered("chat.postMessage", lambda c: c.params.get("thread_ts") == ts))


def test_with_redis_down_each_event_is_answered_by_its_replica_alone(
    sharing: list[ServeProcess], fake: FakeSlack, own_redis: RedisServer
) -> None:
    senders = [SlackSender(replica.url) for replica in sharing]
    own_redis.kill()
    # Each replica finds Redis down on its next request (its replay check uses the store);
    # Slack's last retry, so that neither refuses it.
    for replica, sender in zip(sharing, senders, strict=True):
        assert sender.event(P.message("no code here"), retry_num=3).status == 200
        deadline = time.monotonic() + 10
        while "state store unavailable" not in replica.logs():
            assert time.monotonic() < deadline, "a replica never noticed Redis was down"
            time.sleep(0.05)
    listened = [metric(replica, _AUTO_REPLY) for replica in sharing]

    bodies = [P.message(f"error 1027 during the outage ({n})") for n in range(20)]
    for body in bodies:
        statuses = [sender.event(body).status for sender in senders]
        owner = _owner(body)
        assert statuses[owner] == 200 and statuses[1 - owner] == 503, statuses
    owned = [sum(_owner(body) == i for body in bodies) for i in (0, 1)]
    # Every accepted event's listener has ended, so its reply (kept in the process while
    # Redis is down) is posted: nothing more is to come.
    for replica, before, count in zip(sharing, listened, owned, strict=True):
        deadline = time.monotonic() + 15
        while metric(replica, _AUTO_REPLY) < before + count:
            assert time.monotonic() < deadline, "a listener never finished"
            time.sleep(0.05)
    assert [_replies(fake, body["event"]["ts"]) for body in bodies] == [1] * len(bodies)
    assert sum(metric(r, "errcode_events_refused_total") for r in sharing) == len(bodies)

    # Refused on the first delivery and Slack's retries 1 and 2, the last retry is
    # answered wherever it lands: refused for a while, never lost.
    body = P.message("error 1027, only ever sent to the wrong replica")
    other = senders[1 - _owner(body)]
    assert [other.event(body, retry_num=n).status for n in (None, 1, 2)] == [503] * 3
    with finished(sharing[1 - _owner(body)], "auto_reply"):
        assert other.event(body, retry_num=3).status == 200
    assert _replies(fake, body["event"]["ts"]) == 1
