"""A Redis outage under two replicas, measured: duplicates before, during and after it.

Two ``errcode serve`` replicas share one Redis and get a steady stream of channel
messages (``tests/e2e/traffic.py``). Partway through, Redis is frozen (SIGSTOP, then
SIGCONT) or killed (SIGKILL, then started again, empty). Routing is the worst case
unless told otherwise: every delivery reaches both replicas. Measured with and
without ``ERRCODE_REPLICAS`` (each replica then answers only its share of the events
while Redis is down; ``bot/store/shard.py``). ``tests/e2e/test_outage.py`` runs it
small in CI; the reliability script in full.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

import redis
from e2e.harness import ServeProcess, SlackSender, metric
from e2e.traffic import (
    ACK_LIMIT,
    Delivery,
    Tally,
    answered_on,
    plan_stream,
    send_stream,
    tally,
    wait_back,
    wait_drained,
)
from fakes.fake_slack import FakeSlack
from redis_server import RedisServer

__all__ = ["Fault", "OutageFigures", "replicas_outage"]

Fault = Literal["pause", "kill"]

#: What each fault does to Redis, and how it ends.
FAULTS: dict[str, str] = {
    "pause": "SIGSTOP, then SIGCONT",
    "kill": "SIGKILL, then started again (empty: no persistence)",
}


@dataclass
class OutageFigures:
    fault: Fault
    shared_out: bool
    both: bool
    events: int
    requests: int
    #: Deliveries answered 503 (another replica's event during the outage).
    refused: int
    #: Deliveries answered neither 200 nor 503 (must be 0), and their statuses (0: no ack).
    failed: int
    failed_statuses: dict[int, int]
    #: Acks later than Slack's 3 s (Slack would deliver the event again), and the slowest.
    late_acks: int
    slowest_ack: float
    replies: Tally
    #: Seconds into the run the outage began and ended (the signal, the restart).
    outage: tuple[float, float]
    #: Per replica, seconds from the end of the outage to its store being back on Redis.
    back_seconds: list[float | None] = field(default_factory=list)
    #: Duplicated replies by when the message was first sent: before the outage, during
    #: it (until both replicas were back on Redis), after.
    duplicates_by_phase: dict[str, int] = field(default_factory=dict)
    #: Messages by Slack's retry number of the delivery first acked with 200.
    answered_on: dict[int, int] = field(default_factory=dict)


def replicas_outage(
    fault: Fault,
    *,
    shared_out: bool,
    both: bool = True,
    events: int = 300,
    seconds: float = 15.0,
    outage: tuple[float, float] = (0.3, 0.7),
    retried: float = 0.2,
    seed: int = 21,
) -> OutageFigures:
    """Send ``events`` messages over ``seconds``; Redis is out from ``outage[0]`` to
    ``outage[1]`` of the run.

    :param shared_out: set ``ERRCODE_REPLICAS=2`` and each replica's index.
    :param both: every delivery to both replicas; else each to one, and what is not acked
        with 200 is delivered again, as Slack does (see :func:`~e2e.traffic.send_stream`).
    """
    plan = plan_stream(events, seconds, both=both, retried=retried, seed=seed, tag="O")
    env = {"ERRCODE_LOG_LEVEL": "INFO", "ERRCODE_OUTBOX_CLAIM_SECONDS": "5"}
    with RedisServer() as store, FakeSlack() as fake:
        env["ERRCODE_REDIS_URL"] = store.url
        share = [{"ERRCODE_REPLICAS": "2", "ERRCODE_REPLICA_INDEX": str(i)} for i in (0, 1)]
        with (
            ServeProcess(fake.api_url, **env, **(share[0] if shared_out else {})) as one,
            ServeProcess(fake.api_url, **env, **(share[1] if shared_out else {})) as two,
        ):
            servers = [one, two]
            marks: list[float] = []  # wall-clock: outage start, outage end

            def begin() -> None:
                marks.append(time.time())
                store.pause() if fault == "pause" else store.kill()

            def end() -> None:
                store.resume() if fault == "pause" else store.start()
                marks.append(time.time())

            started = time.time()
            sent = send_stream(
                plan,
                [SlackSender(s.url) for s in servers],
                faults=[(outage[0] * seconds, begin), (outage[1] * seconds, end)],
                redeliver=not both,
            )
            wait_drained(servers, sent, lambda: redis.Redis.from_url(store.url))
            # read before wait_back, whose own messages may be refused too
            refused = sum(metric(s, "errcode_events_refused_total") for s in servers)
            back = wait_back(servers, marks[1])
            replies = tally(fake, (d.thread for d in plan))
            # Both replicas back on Redis: from then on dedupe is shared again.
            both_back = marks[1] + max((b for b in back if b is not None), default=0.0)
            phases = _by_phase(fake, plan, marks[0] - started, both_back - started)
    return OutageFigures(
        fault=fault,
        shared_out=shared_out,
        both=both,
        events=events,
        requests=len(sent),
        refused=int(refused),
        failed=sum(s.status not in (200, 503) for s in sent),
        failed_statuses=dict(Counter(s.status for s in sent if s.status not in (200, 503))),
        late_acks=sum(s.ack_seconds > ACK_LIMIT for s in sent),
        slowest_ack=max(s.ack_seconds for s in sent),
        replies=replies,
        outage=(marks[0] - started, marks[1] - started),
        back_seconds=back,
        duplicates_by_phase=phases,
        answered_on=dict(answered_on(sent)),
    )


def _by_phase(fake: FakeSlack, plan: list[Delivery], began: float, over: float) -> dict[str, int]:
    first: dict[str, float] = {}
    for delivery in plan:
        first.setdefault(delivery.thread, delivery.at)
    phases = {
        "before": [t for t, at in first.items() if at < began],
        "during": [t for t, at in first.items() if began <= at < over],
        "after": [t for t, at in first.items() if at >= over],
    }
    return {name: tally(fake, threads).duplicates for name, threads in phases.items()}
