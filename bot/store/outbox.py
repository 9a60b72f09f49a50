"""The outbox: replies owed to acknowledged events, kept as jobs until they are posted.

Slack never redelivers an event it has had an ack for, so once the ack is out the
reply must not live only in a task of one process. A listener puts a
:class:`~bot.store.jobs.Job` (a post, an edit of a reply, a response_url post); a
worker (:mod:`bot.slack.outbox`) takes it, carries it out, and marks it ``done``. A
job that fails is put back with one more attempt, up to ``max_attempts``, then goes
to the dead letters (logged and counted). A call that cannot be checked afterwards
(a response_url post) is recorded as ``landed`` once it succeeds, and a job taken
again skips what landed.

Two engines share the :class:`Outbox` protocol:

* :class:`MemoryOutbox`, a queue in this process: what is in it when the process
  stops is drained on SIGTERM for ``ERRCODE_DRAIN_SECONDS``, and what is left is
  logged, job by job; a SIGKILL loses it.
* :class:`~bot.store.redis_outbox.RedisOutbox`, a Redis Stream read by a consumer
  group: a job taken by a replica that dies stays pending, and another replica claims
  it after ``claim_seconds``.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from dataclasses import replace
from typing import Protocol

from bot.store.jobs import RESPONSE_URL_SECONDS, Job

__all__ = ["DEFAULT_MAX_ATTEMPTS", "LANDED_SECONDS", "MemoryOutbox", "Outbox"]

#: Takes of one job (first try included) before it becomes a dead letter.
DEFAULT_MAX_ATTEMPTS = 5
#: How long a landed call is remembered: past a response_url's life, a job with it
#: can no longer post.
LANDED_SECONDS = RESPONSE_URL_SECONDS + 5 * 60


class Outbox(Protocol):
    """Where acked replies wait to be posted; shared by replicas when it is Redis."""

    #: True when :meth:`take` waits for jobs (run it in a thread); False when it only
    #: returns what is there, and :meth:`put` in this process is what wakes a worker.
    blocking: bool
    #: What it raises when it is unavailable (the caller then keeps the job itself).
    errors: tuple[type[BaseException], ...]

    def put(self, job: Job) -> None:
        """Keep ``job`` until a worker has posted it."""

    def take(self, consumer: str, count: int, wait: float) -> list[Job]:
        """Up to ``count`` jobs for ``consumer``: new ones, or ones a dead consumer left.

        :param wait: seconds to wait for one when there are none (blocking engines).
        """

    def touch(self, job: Job, consumer: str) -> None:
        """``consumer`` is still working on ``job``: nobody may claim it yet."""

    def done(self, job: Job) -> None:
        """``job`` is posted: forget it."""

    def failed(self, job: Job, error: str) -> bool:
        """``job`` failed this time: retry it later, or make it a dead letter.

        :returns: True when it became a dead letter.
        """

    def landed(self, key: str) -> None:
        """The call ``key`` (a job's id and step) was carried out: never again."""

    def has_landed(self, key: str) -> bool:
        """Whether :meth:`landed` was called for ``key`` (within :data:`LANDED_SECONDS`)."""

    def pending(self) -> list[Job]:
        """The jobs not done yet (queued or taken), oldest first."""

    def dead(self) -> list[tuple[Job, str]]:
        """The dead letters kept, with their last error, oldest first."""


class MemoryOutbox:
    """The outbox of one process: a queue, and the jobs taken but not done yet.

    :param max_attempts: takes of a job before it becomes a dead letter.
    """

    blocking = False
    errors: tuple[type[BaseException], ...] = ()

    def __init__(self, *, max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> None:
        self.max_attempts = max_attempts
        self._queue: deque[Job] = deque()
        self._taken: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._dead: list[tuple[Job, str]] = []
        self._landed: OrderedDict[str, float] = OrderedDict()

    def put(self, job: Job) -> None:
        with self._lock:
            self._queue.append(job)

    def take(self, consumer: str, count: int, wait: float = 0.0) -> list[Job]:
        with self._lock:
            jobs = [self._queue.popleft() for _ in range(min(count, len(self._queue)))]
            for job in jobs:
                self._taken[job.id] = job
            return jobs

    def touch(self, job: Job, consumer: str) -> None:
        return None  # nobody else takes from this process's queue

    def done(self, job: Job) -> None:
        with self._lock:
            self._taken.pop(job.id, None)

    def failed(self, job: Job, error: str) -> bool:
        again = replace(job, attempts=job.attempts + 1, receipt="")
        with self._lock:
            self._taken.pop(job.id, None)
            if again.attempts < self.max_attempts:
                self._queue.append(again)
                return False
            self._dead.append((again, error))
        return True

    def landed(self, key: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._landed[key] = now + LANDED_SECONDS
            self._landed.move_to_end(key)
            while self._landed and next(iter(self._landed.values())) < now:
                self._landed.popitem(last=False)

    def has_landed(self, key: str) -> bool:
        with self._lock:
            return self._landed.get(key, 0.0) >= time.monotonic()

    def pending(self) -> list[Job]:
        with self._lock:
            return sorted([*self._taken.values(), *self._queue], key=lambda job: job.created)

    def dead(self) -> list[tuple[Job, str]]:
        """The dead letters, oldest first."""
        with self._lock:
            return list(self._dead)
