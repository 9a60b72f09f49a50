"""A Redis master SIGKILLed under load, with Sentinel: replies expected, landed, lost, doubled.

Two ``errcode serve`` replicas reach Redis through a Sentinel (``tests/redis_sentinel.py``)
and get a steady stream of channel messages (``tests/e2e/traffic.py``), each delivered
to one replica, some redelivered by "Slack". Partway through, the master is SIGKILLed;
the Sentinel promotes the replica. Measured: what landed, what was lost or doubled, how
long the Sentinel took, and how long until each replica's store was back on the new
master. ``tests/e2e/test_failover.py`` runs it small in CI; the reliability script full.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

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
from redis_sentinel import SentinelGroup

__all__ = ["FailoverFigures", "sentinel_failover"]


@dataclass
class FailoverFigures:
    events: int
    seconds: float
    redeliveries: int
    #: Deliveries acked with neither 200 nor 503 (must be 0), and their statuses (0: no ack).
    not_acked: int
    failed_statuses: dict[int, int]
    #: Acks later than Slack's 3 s (Slack would deliver the event again), and the slowest.
    late_acks: int
    slowest_ack: float
    replies: Tally
    #: Seconds into the run the master was killed.
    killed_at: float
    #: From the kill to the Sentinel naming the new master.
    failover_seconds: float | None
    #: Per replica, from the kill to its store being back on Redis (the new master).
    back_seconds: list[float | None] = field(default_factory=list)
    #: Replies kept in a replica's own queue while the outbox could not take them.
    kept_in_process: int = 0
    down_after_ms: int = 0
    claim_seconds: float = 0.0
    #: Duplicated replies by when the message was first sent: before the kill, or after.
    duplicates_by_phase: dict[str, int] = field(default_factory=dict)
    #: ERRCODE_REDIS_RETRY_SECONDS, and whether ERRCODE_REPLICAS was set.
    retry_seconds: float = 2.0
    shared_out: bool = False
    #: Deliveries answered 503 (another replica's event while the store was down).
    refused: int = 0
    #: Messages by Slack's retry number of the delivery first acked with 200.
    answered_on: dict[int, int] = field(default_factory=dict)


def sentinel_failover(
    events: int = 300,
    seconds: float = 15.0,
    *,
    retried: float = 0.2,
    kill_at: float = 0.5,
    down_after_ms: int = 1000,
    claim_seconds: float = 5.0,
    retry_seconds: float = 2.0,
    shared_out: bool = False,
    seed: int = 11,
) -> FailoverFigures:
    """Send ``events`` messages over ``seconds``; SIGKILL the master at ``kill_at`` of the run.

    :param down_after_ms: the Sentinel's ``down-after-milliseconds`` (its default is 30 s).
    :param claim_seconds: ``ERRCODE_OUTBOX_CLAIM_SECONDS``: a job a replica took from the
        dead master and could not mark done is claimed again after this.
    :param retry_seconds: ``ERRCODE_REDIS_RETRY_SECONDS``: how often a replica tries Redis
        again once it failed (the new master is used from its first attempt after the
        promotion).
    :param shared_out: set ``ERRCODE_REPLICAS=2`` and each replica's index; what is not
        acked with 200 is delivered again, as Slack does.
    """
    plan = plan_stream(events, seconds, retried=retried, seed=seed, tag="F")
    env = {
        "ERRCODE_LOG_LEVEL": "INFO",
        "ERRCODE_OUTBOX_CLAIM_SECONDS": str(claim_seconds),
        "ERRCODE_REDIS_RETRY_SECONDS": str(retry_seconds),
    }
    share = [{"ERRCODE_REPLICAS": "2", "ERRCODE_REPLICA_INDEX": str(i)} for i in (0, 1)]
    with SentinelGroup(down_after_ms=down_after_ms) as group, FakeSlack() as fake:
        env |= group.env()
        with (
            ServeProcess(fake.api_url, **env, **(share[0] if shared_out else {})) as one,
            ServeProcess(fake.api_url, **env, **(share[1] if shared_out else {})) as two,
        ):
            servers = [one, two]
            killed: list[float] = []
            promoted: list[float] = []

            def kill() -> None:
                killed.append(group.kill_master())
                threading.Thread(target=watch, daemon=True).start()

            def watch() -> None:
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    try:
                        if group.master_port() == group.replica.port:
                            promoted.append(time.time())
                            return
                    except Exception:  # the Sentinel busy failing over: ask again
                        pass
                    time.sleep(0.02)

            started = time.time()
            sent = send_stream(
                plan,
                [SlackSender(s.url) for s in servers],
                faults=[(kill_at * seconds, kill)],
                redeliver=True,
            )
            new_master = group.wait_failover()
            wait_drained(servers, sent, lambda: group.client(new_master))
            replies = tally(fake, (d.thread for d in plan))
            phases = _duplicates_by_phase(fake, plan, killed[0] - started)
            # read before wait_back, whose own messages may be refused too
            refused = sum(metric(s, "errcode_events_refused_total") for s in servers)
            back = wait_back(servers, killed[0])
            kept = sum(s.logs().count("keeping the reply in this process") for s in servers)
    return FailoverFigures(
        events=events,
        seconds=seconds,
        redeliveries=sum(d.retry_num is not None for d in plan),
        not_acked=sum(s.status not in (200, 503) for s in sent),
        failed_statuses=dict(Counter(s.status for s in sent if s.status not in (200, 503))),
        late_acks=sum(s.ack_seconds > ACK_LIMIT for s in sent),
        slowest_ack=max(s.ack_seconds for s in sent),
        replies=replies,
        killed_at=killed[0] - started,
        failover_seconds=promoted[0] - killed[0] if promoted else None,
        back_seconds=back,
        kept_in_process=kept,
        down_after_ms=down_after_ms,
        claim_seconds=claim_seconds,
        duplicates_by_phase=phases,
        retry_seconds=retry_seconds,
        shared_out=shared_out,
        refused=int(refused),
        answered_on=dict(answered_on(sent)),
    )


def _duplicates_by_phase(fake: FakeSlack, plan: list[Delivery], killed_at: float) -> dict[str, int]:
    """Duplicates among messages first sent before the kill, and at or after it."""
    first: dict[str, float] = {}
    for delivery in plan:
        first.setdefault(delivery.thread, delivery.at)
    before = [t for t, at in first.items() if at < killed_at]
    after = [t for t, at in first.items() if at >= killed_at]
    return {
        "before the kill": tally(fake, before).duplicates,
        "after the kill": tally(fake, after).duplicates,
    }
