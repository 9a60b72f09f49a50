"""The :class:`~bot.store.outbox.Outbox` on a Redis Stream, shared by the replicas.

With :mod:`bot.store.redis_store`, the only module that imports ``redis``. Keys::

    errcode:outbox               stream of jobs (field ``job``: JSON), consumer group ``replies``
    errcode:outbox:dead          stream of dead letters (``job`` and ``error``), trimmed to 10,000
    errcode:outbox:landed:<key>  string, SET EX: a call that landed (a job's id and step)

A replica reads new jobs with XREADGROUP, posts them, then XACKs and deletes them.
Behind Sentinel, :meth:`RedisOutbox.put` returns only once a replica has the job too
(``WAIT``): Redis replicates asynchronously, and a job the master took but did not
pass on before it died would be lost with it, by a listener that already returned.
A job whose replica died stays in the group's pending list; once it has been idle
``claim_seconds``, XAUTOCLAIM hands it to a replica that asks. Each take counts as
an attempt (the job's own count plus the group's delivery count), so a job that
kills whoever takes it also ends as a dead letter, after ``max_attempts`` takes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import redis

from bot.store.jobs import Job
from bot.store.outbox import DEFAULT_MAX_ATTEMPTS, LANDED_SECONDS
from bot.store.redis_store import DEFAULT_PREFIX, StoreUnavailable

__all__ = ["GROUP", "RedisOutbox"]

#: The consumer group every replica reads in.
GROUP = "replies"
#: Dead letters kept (the oldest are trimmed beyond it).
DEAD_LETTERS_KEPT = 10_000

log = logging.getLogger("errcode.store")


class RedisOutbox:
    """Jobs in a Redis Stream with a consumer group.

    :param client: a ``redis.Redis`` whose socket timeout exceeds the ``wait`` of
        :meth:`take` (XREADGROUP blocks that long).
    :param claim_seconds: how long a taken job may stay unacknowledged before another
        consumer may claim it; above the longest a post takes with its retries.
    :param max_attempts: takes of a job before it becomes a dead letter.
    :param wait_replicas: replicas that must have a job before :meth:`put` returns
        (``WAIT``; 0: do not wait). Past ``wait_ms`` the job stays put all the same (it
        is on the master, as any write is), and a warning says replication lags.
    :param available: whether Redis is worth trying now (the state store's view): when
        False, :meth:`put` and :meth:`take` raise at once rather than wait out the
        client's timeout on a Redis that hangs.
    """

    blocking = True
    #: What a failing Redis raises through this outbox.
    errors: tuple[type[BaseException], ...] = StoreUnavailable

    def __init__(
        self,
        client: redis.Redis,
        *,
        prefix: str = DEFAULT_PREFIX,
        claim_seconds: float = 60.0,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        wait_replicas: int = 0,
        wait_ms: int = 100,
        available: Callable[[], bool] | None = None,
    ) -> None:
        self._redis = client
        self.stream = prefix + "outbox"
        self.dead_stream = prefix + "outbox:dead"
        self.landed_prefix = prefix + "outbox:landed:"
        self.claim_ms = max(1, int(claim_seconds * 1000))
        self.max_attempts = max_attempts
        self.wait_replicas = wait_replicas
        self.wait_ms = wait_ms
        #: Jobs put that no replica confirmed within ``wait_ms``.
        self.unconfirmed = 0
        self._lagging = False
        self._available = available
        self._group_ready = False

    @property
    def client(self) -> redis.Redis:
        return self._redis

    def _ensure_group(self) -> None:
        if self._group_ready:
            return
        try:
            self._redis.xgroup_create(self.stream, GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    def _check_available(self) -> None:
        if self._available is not None and not self._available():
            raise redis.ConnectionError("Redis is down (the state store found it so)")

    def put(self, job: Job) -> None:
        self._check_available()
        self._ensure_group()
        fields: dict[Any, Any] = {"job": json.dumps(job.as_dict())}
        if not self.wait_replicas:
            self._redis.xadd(self.stream, fields)
            return
        # One round trip: WAIT counts the replicas that have this connection's writes.
        pipe = self._redis.pipeline(transaction=False)
        pipe.xadd(self.stream, fields)
        pipe.wait(self.wait_replicas, self.wait_ms)
        _entry, confirmed = pipe.execute()
        lagging = int(confirmed) < self.wait_replicas
        if lagging:
            self.unconfirmed += 1
        if lagging != self._lagging:
            self._lagging = lagging
            if lagging:
                log.warning(
                    "no Redis replica confirmed a reply job within %d ms; jobs are kept on "
                    "the master alone until one does (a failover meanwhile may lose them)",
                    self.wait_ms,
                )
            else:
                log.info("a Redis replica confirms reply jobs again")

    def take(self, consumer: str, count: int, wait: float = 0.0) -> list[Job]:
        self._check_available()
        self._ensure_group()
        try:
            return self._take(consumer, count, wait)
        except redis.ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            # Redis came back empty (restarted without persistence): the group went with
            # it. Jobs put since are in the stream, and a group made at 0 reads them.
            self._group_ready = False
            self._ensure_group()
            return self._take(consumer, count, wait)

    def _take(self, consumer: str, count: int, wait: float) -> list[Job]:
        # First what dead (or stopped) consumers left behind, then new jobs.
        claimed: Any = self._redis.xautoclaim(
            self.stream, GROUP, consumer, min_idle_time=self.claim_ms, start_id="0-0", count=count
        )
        jobs = [
            self._job(entry_id, fields, claimed=True) for entry_id, fields in _entries(claimed[1])
        ]
        if len(jobs) < count:
            block = int(wait * 1000) if wait > 0 and not jobs else None
            read: Any = self._redis.xreadgroup(
                GROUP, consumer, {self.stream: ">"}, count=count - len(jobs), block=block
            )
            for _stream, new in read or []:
                jobs.extend(
                    self._job(entry_id, fields, claimed=False) for entry_id, fields in _entries(new)
                )
        return [job for job in jobs if job is not None]

    def _job(self, entry_id: str, fields: dict[str, Any], *, claimed: bool) -> Job | None:
        if not fields or "job" not in fields:
            # Deleted while pending (XAUTOCLAIM then gives no fields): nothing to post.
            self._redis.xack(self.stream, GROUP, entry_id)
            return None
        try:
            job = Job.from_dict(json.loads(fields["job"]), receipt=entry_id)
        except ValueError as exc:  # written by something else, or a newer errcode
            self._bury_raw(entry_id, str(fields["job"]), f"unreadable job: {exc}")
            return None
        if claimed:
            # Whoever took it before died (or stalled) mid-post: that take was an attempt.
            pending: Any = self._redis.xpending_range(
                self.stream, GROUP, min=entry_id, max=entry_id, count=1
            )
            delivered = int(pending[0]["times_delivered"]) if pending else 2
            job = replace(job, attempts=job.attempts + max(1, delivered - 1))
            if job.attempts >= self.max_attempts:
                self._bury(job, "taken too many times (its consumers died)")
                return None
        return job

    def touch(self, job: Job, consumer: str) -> None:
        # XCLAIM by its holder resets the entry's idle time: XAUTOCLAIM leaves it alone.
        self._redis.xclaim(self.stream, GROUP, consumer, 0, [job.receipt], justid=True)

    def done(self, job: Job) -> None:
        pipe = self._redis.pipeline(transaction=True)
        pipe.xack(self.stream, GROUP, job.receipt)
        pipe.xdel(self.stream, job.receipt)
        pipe.execute()

    def failed(self, job: Job, error: str) -> bool:
        again = replace(job, attempts=job.attempts + 1)
        if again.attempts >= self.max_attempts:
            self._bury(again, error)
            return True
        pipe = self._redis.pipeline(transaction=True)
        pipe.xadd(self.stream, {"job": json.dumps(again.as_dict())})
        pipe.xack(self.stream, GROUP, job.receipt)
        pipe.xdel(self.stream, job.receipt)
        pipe.execute()
        return False

    def _bury(self, job: Job, error: str) -> None:
        self._bury_raw(job.receipt, json.dumps(job.as_dict()), error)

    def _bury_raw(self, entry_id: str, job: str, error: str) -> None:
        pipe = self._redis.pipeline(transaction=True)
        pipe.xadd(
            self.dead_stream,
            {"job": job, "error": error[:500]},
            maxlen=DEAD_LETTERS_KEPT,
            approximate=True,
        )
        pipe.xack(self.stream, GROUP, entry_id)
        pipe.xdel(self.stream, entry_id)
        pipe.execute()

    def landed(self, key: str) -> None:
        self._redis.set(self.landed_prefix + key, "1", ex=LANDED_SECONDS)

    def has_landed(self, key: str) -> bool:
        return bool(self._redis.exists(self.landed_prefix + key))

    def dead(self) -> list[tuple[Job, str]]:
        """The dead letters kept (those errcode can read), oldest first."""
        entries = _entries(self._redis.xrange(self.dead_stream))
        return [
            (job, str(fields["error"]))
            for entry_id, fields in entries
            if (job := _readable(entry_id, fields)) is not None
        ]

    def pending(self) -> list[Job]:
        entries = _entries(self._redis.xrange(self.stream))
        jobs = [job for i, f in entries if (job := _readable(i, f)) is not None]
        return sorted(jobs, key=lambda job: job.created)


def _readable(entry_id: str, fields: dict[str, Any]) -> Job | None:
    """The job of a stream entry, or None when it has none errcode can read."""
    try:
        return Job.from_dict(json.loads(fields["job"]), receipt=entry_id)
    except (KeyError, ValueError):
        return None


def _entries(raw: Any) -> list[tuple[str, dict[str, Any]]]:
    """Stream entries as (id, fields); an entry deleted while pending has no fields."""
    return [(str(entry_id), dict(fields or {})) for entry_id, fields in raw or []]
