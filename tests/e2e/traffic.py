"""A steady stream of channel messages to several replicas, and what became of each.

What the failover and outage measurements share (``tests/e2e/failover.py``,
``tests/e2e/outage.py``): :func:`plan_stream` draws who gets which delivery from a
seed, each message naming a code (so each owes one thread reply), some redelivered
with ``X-Slack-Retry-Num`` as Slack does when an ack is late; :func:`send_stream`
sends them on time, runs the faults at theirs, and may redeliver what was not acked
with 200, as Slack does; :func:`wait_drained` waits until every replica has finished
every message it acked and the shared outbox is empty; :func:`tally` counts replies.
"""

from __future__ import annotations

import contextlib
import json
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import redis
from e2e.harness import ServeProcess, SlackSender, metric
from fakes import payloads as P
from fakes.fake_slack import FakeSlack

__all__ = [
    "ACK_LIMIT",
    "Delivery",
    "Sent",
    "Tally",
    "answered_on",
    "log_times",
    "plan_stream",
    "send_stream",
    "tally",
    "wait_back",
    "wait_drained",
]

#: Slack's retries of a delivery not acked with 200: at most 3 (X-Slack-Retry-Num 1..3).
SLACK_RETRIES = 3
#: Slack waits this long for an ack before it delivers the event again.
ACK_LIMIT = 3.0

_AUTO_REPLY = 'errcode_handler_seconds_count{handler="auto_reply"}'


@dataclass(frozen=True)
class Delivery:
    """One request Slack makes: ``body`` to replica ``replica`` at ``at`` s into the run."""

    at: float
    body: dict[str, Any]
    replica: int
    retry_num: int | None = None

    @property
    def thread(self) -> str:
        return str(self.body["event"]["ts"])


@dataclass
class Sent:
    delivery: Delivery
    #: The ack's status; 0 when none came within the client's timeout (10 s).
    status: int
    #: Seconds into the run when it was sent.
    at: float
    #: Seconds until the ack.
    ack_seconds: float


@dataclass
class Tally:
    """Replies to a set of messages, each owed exactly one."""

    expected: int
    landed: int
    lost: int
    duplicates: int
    #: Of the duplicates, posts of one outbox job again (the same ``reply_id``); the
    #: others are a message decided twice (its dedupe claim was not seen).
    same_job: int = 0
    #: Lost messages' threads, to say which.
    lost_threads: list[str] = field(default_factory=list)


def plan_stream(
    events: int,
    seconds: float,
    *,
    replicas: int = 2,
    both: bool = False,
    retried: float = 0.2,
    seed: int = 11,
    tag: str = "S",
) -> list[Delivery]:
    """``events`` messages evenly over ``seconds``, each naming a code in a thread of its own.

    :param both: worst-case routing: every delivery goes to every replica at once;
        otherwise each goes to one replica, drawn from the seed.
    :param retried: the share of messages Slack delivers again (``X-Slack-Retry-Num: 1``,
        0.2 to 2 s later, to a replica drawn anew; to every replica with ``both``).
    """
    rng = random.Random(seed)
    plan = []
    for n in range(events):
        at = n * seconds / events
        body = P.message(f"login fails with error 1027 ({tag}{n})", channel=f"C{tag}STREAM")
        targets = range(replicas) if both else [rng.randrange(replicas)]
        plan += [Delivery(at, body, replica) for replica in targets]
        if rng.random() < retried:
            later = at + rng.uniform(0.2, 2.0)
            again = range(replicas) if both else [rng.randrange(replicas)]
            plan += [Delivery(later, body, replica, 1) for replica in again]
    return sorted(plan, key=lambda d: d.at)


def send_stream(
    plan: Sequence[Delivery],
    senders: Sequence[SlackSender],
    *,
    faults: Iterable[tuple[float, Callable[[], object]]] = (),
    redeliver: bool = False,
    seed: int = 12,
    workers: int = 16,
) -> list[Sent]:
    """Send each delivery at its time, and run each fault at its time (in order).

    :param redeliver: as Slack does, send a delivery acked with anything but 200 again,
        with ``X-Slack-Retry-Num`` one higher, to a replica drawn anew, at most
        :data:`SLACK_RETRIES` times. Slack waits about 1 and 5 minutes before its second
        and third retries; here each follows at once.
    """
    rng, rng_lock = random.Random(seed), threading.Lock()
    sent: list[Sent] = []
    sent_lock = threading.Lock()
    started = time.monotonic()

    def deliver(delivery: Delivery) -> None:
        while True:
            at = time.monotonic()
            try:
                ack = senders[delivery.replica].event(delivery.body, retry_num=delivery.retry_num)
                status, seconds = ack.status, ack.seconds
            except OSError:  # no ack (refused, reset, or none in 10 s): Slack would retry
                status, seconds = 0, time.monotonic() - at
            with sent_lock:
                sent.append(Sent(delivery, status, at - started, seconds))
            tries = delivery.retry_num or 0
            if status == 200 or not redeliver or tries >= SLACK_RETRIES:
                return
            with rng_lock:
                replica = rng.randrange(len(senders))
            delivery = Delivery(delivery.at, delivery.body, replica, tries + 1)

    pending_faults = sorted(faults, key=lambda fault: fault[0])
    futures = []
    with ThreadPoolExecutor(workers) as pool:
        for delivery in plan:
            while pending_faults and pending_faults[0][0] <= delivery.at:
                _wait_until(started + pending_faults[0][0])
                pending_faults.pop(0)[1]()
            _wait_until(started + delivery.at)
            futures.append(pool.submit(deliver, delivery))
        for at, fault in pending_faults:
            _wait_until(started + at)
            fault()
    for future in futures:
        future.result()  # a sender's own failure is the run's, not a lost delivery
    return sorted(sent, key=lambda s: s.at)


def _wait_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))


def wait_drained(
    servers: Sequence[ServeProcess],
    sent: Sequence[Sent],
    outbox: Callable[[], redis.Redis],
    timeout: float = 60.0,
) -> None:
    """Wait until nothing more can be posted: then no reply, duplicate or not, is to come.

    Each replica has finished every channel message it acked (its ``auto_reply`` listener
    ends after its reply's job is put in the shared outbox, or posted when kept in the
    process), and the shared outbox stream is empty (a job is deleted once posted).

    :param outbox: a client of the Redis that holds the outbox now (after a failover, the
        new master).
    :raises AssertionError: after ``timeout`` seconds.
    """
    acked = Counter(s.delivery.replica for s in sent if s.status == 200)
    deadline = time.monotonic() + timeout

    def listeners_done() -> bool:
        return all(metric(server, _AUTO_REPLY) >= acked[i] for i, server in enumerate(servers))

    def outbox_empty() -> bool:
        try:
            return int(outbox().xlen("errcode:outbox")) == 0
        except redis.RedisError:
            return False

    while not (listeners_done() and outbox_empty()):
        assert time.monotonic() < deadline, "the replicas never drained their replies"
        time.sleep(0.1)


def tally(fake: FakeSlack, threads: Iterable[str]) -> Tally:
    """Replies Slack shows in each of ``threads``: one each is right."""
    wanted = list(dict.fromkeys(threads))
    calls = fake.delivered("chat.postMessage")
    posted = Counter(str(call.params.get("thread_ts")) for call in calls)
    jobs = Counter((str(call.params.get("thread_ts")), _reply_id(call.params)) for call in calls)
    chosen = set(wanted)
    lost = [thread for thread in wanted if posted[thread] == 0]
    return Tally(
        expected=len(wanted),
        landed=sum(1 for thread in wanted if posted[thread]),
        lost=len(lost),
        duplicates=sum(max(0, posted[thread] - 1) for thread in wanted),
        same_job=sum(n - 1 for (thread, _), n in jobs.items() if thread in chosen),
        lost_threads=lost,
    )


def _reply_id(params: dict[str, Any]) -> str:
    """The outbox job's id a post carries in its message metadata."""
    metadata = params.get("metadata") or {}
    if isinstance(metadata, str):
        metadata = json.loads(metadata)
    return str((metadata.get("event_payload") or {}).get("reply_id", ""))


def answered_on(sent: Iterable[Sent]) -> Counter[int]:
    """Messages by the X-Slack-Retry-Num of their first delivery acked with 200 (0: the first).

    Slack sends retry 1 at once, retry 2 about a minute later and retry 3 about five
    minutes later: what a refused delivery costs in time.
    """
    first: dict[str, int] = {}
    for s in sent:
        if s.status == 200:
            retry = s.delivery.retry_num or 0
            first[s.delivery.thread] = min(first.get(s.delivery.thread, retry), retry)
    return Counter(first.values())


def log_times(server: ServeProcess, needle: str) -> list[float]:
    """Wall-clock seconds of the server's JSON log lines whose message holds ``needle``."""
    found = []
    for raw in server.logs().splitlines():
        if needle not in raw:
            continue
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        if needle in str(line.get("msg", "")):
            found.append(datetime.fromisoformat(str(line["ts"])).timestamp())
    return found


def wait_back(
    servers: Sequence[ServeProcess], since: float, limit: float = 30.0
) -> list[float | None]:
    """Per server, seconds from ``since`` to its first "state store back" log line.

    A replica tries Redis again only when a request touches its store after the retry
    interval; the stream may end first, leaving a replica that would come back on its
    next request with nothing to bring it back. So each replica not back yet is sent a
    message without a code (its event id is still claimed in the store) every half
    second until its line is logged, as the next real message in a channel would do. ``None``
    for a replica not back within ``limit`` seconds.
    """
    senders = [SlackSender(s.url) for s in servers]
    deadline = time.monotonic() + limit
    back: list[float | None] = [None] * len(servers)
    while True:
        for i, server in enumerate(servers):
            times = [t for t in log_times(server, "state store back") if t >= since]
            back[i] = min(times) - since if times else None
        waiting = [i for i, b in enumerate(back) if b is None]
        if not waiting or time.monotonic() >= deadline:
            return back
        for i in waiting:
            # a replica not answering yet is tried again next round
            with contextlib.suppress(OSError):
                senders[i].event(P.message("no code here: the channel goes on"))
        _wait_until(time.monotonic() + 0.5)
