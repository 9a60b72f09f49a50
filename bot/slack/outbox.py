"""Replies owed to acked requests, carried out from an outbox: none lost on SIGTERM or a crash.

A listener :meth:`Replies.send`\\ s a :class:`~bot.store.jobs.Job` (a reply to post, a
reply to update or delete after an edit, a response_url post) instead of making the
call from its own task, and its ack waits for that (:mod:`bot.slack.handoff`).
Workers in this process take jobs and carry them out, each call once however often
a job is taken (:func:`bot.slack.jobs.carry_out`).

* With Redis, jobs go to the shared stream (:class:`~bot.store.redis_outbox.RedisOutbox`):
  a replica killed mid-post leaves them pending, and another claims them after the
  claim timeout. While Redis cannot take a job, it goes to this process's queue.
* This process's queue (:class:`~bot.store.outbox.MemoryOutbox`) is drained on
  SIGTERM (:meth:`Replies.drain`, at most ``ERRCODE_DRAIN_SECONDS``); every job it could
  not finish is logged.

A job that keeps failing becomes a dead letter: logged, and counted in
``errcode_outbox_dead_letters_total``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.handoff import handed_off
from bot.slack.jobs import OnPosted, carry_out
from bot.store.jobs import Job
from bot.store.outbox import MemoryOutbox, Outbox
from bot.telemetry.metrics import OUTBOX_DEAD_LETTERS, OUTBOX_JOBS

__all__ = ["WORKER_TASK", "Replies"]

log = logging.getLogger("errcode.outbox")

#: The name of the workers' tasks, which run as long as the loop does.
WORKER_TASK = "errcode-outbox-worker"
#: Jobs posted at once by one worker.
_CONCURRENCY = 16


def _consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class Replies:
    """The outbox's front (``send``) and its workers (``start``, ``drain``).

    :param shared: the replicas' outbox (Redis), or None for this process's alone.
    :param local: this process's queue; also where jobs go while ``shared`` fails.
    :param wait: seconds a blocking ``take`` waits for new jobs (claims are looked
        for between waits).
    """

    def __init__(
        self,
        shared: Outbox | None = None,
        local: MemoryOutbox | None = None,
        *,
        wait: float = 1.0,
    ) -> None:
        self.shared = shared
        self.local = local if local is not None else MemoryOutbox()
        self.consumer = _consumer_name()
        # What the shared outbox raises when it is unavailable.
        self._errors: tuple[type[BaseException], ...] = (
            shared.errors if shared is not None else ()
        ) or (OSError,)
        self._wait = wait
        self._outage = False
        self._client: AsyncWebClient | None = None
        self._on_posted: OnPosted | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._workers: list[asyncio.Task[None]] = []
        self._posting: set[asyncio.Task[None]] = set()
        self._settled: dict[str, asyncio.Future[None]] = {}
        self._in_hand: set[str] = set()
        self._busy = 0
        self._idle: asyncio.Event | None = None
        self._stopping = False
        self._shared_down = False

    def bind(self, client: AsyncWebClient, on_posted: OnPosted | None = None) -> None:
        """The Web API client to post with, and what to do after each post."""
        self._client = client
        self._on_posted = on_posted

    # -- the front -----------------------------------------------------------

    @contextlib.asynccontextmanager
    async def owed(self) -> AsyncIterator[None]:
        """Around a listener's work after its ack: a drain waits for it to ``send``."""
        self.start()
        self._busy += 1
        assert self._idle is not None
        self._idle.clear()
        try:
            yield
        finally:
            self._busy -= 1
            if self._busy == 0:
                self._idle.set()

    async def send(self, job: Job) -> None:
        """Keep ``job`` until it is posted: in the shared outbox, else in this process.

        Once the job is kept, the request's ack may go (:func:`~bot.slack.handoff.handed_off`).
        A job kept in this process is then awaited until it is carried out (or given
        up), so the listener's duration still ends with its last Slack call; a shared
        job may be carried out by any replica, and is not awaited.
        """
        self.start()
        if self.shared is not None and not self._stopping:
            try:
                await asyncio.to_thread(self.shared.put, job)
                if self._outage:
                    self._outage = False
                    log.info("outbox available again; replies go to the shared outbox")
                handed_off()
                return
            except self._errors as exc:
                if not self._outage:  # once per outage, not once per reply
                    self._outage = True
                    log.warning("outbox unavailable (%s); keeping replies in this process", exc)
                # A write that timed out may still reach Redis later, and a replica would
                # then post it too: this copy looks for the reply before posting it.
                job = replace(job, attempts=max(job.attempts, 1))
        assert self._wake is not None and self._loop is not None
        settled = self._loop.create_future()
        self._settled[job.id] = settled
        self.local.put(job)
        handed_off()
        self._wake.set()
        await asyncio.shield(settled)

    # -- the workers ---------------------------------------------------------

    def start(self) -> None:
        """Start the workers on the running loop (again, if it is a new loop)."""
        loop = asyncio.get_running_loop()
        if self._loop is loop and self._workers:
            return
        self._loop = loop
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._busy = 0
        self._stopping = False
        self._settled = {}
        self._workers = [asyncio.create_task(self._local_worker(), name=WORKER_TASK)]
        if self.shared is not None:
            shared = self._shared_worker(self.shared)
            self._workers.append(asyncio.create_task(shared, name=WORKER_TASK))

    async def _local_worker(self) -> None:
        assert self._wake is not None
        running: set[asyncio.Task[None]] = set()
        while True:
            await self._wake.wait()
            self._wake.clear()
            while jobs := self.local.take(self.consumer, _CONCURRENCY):
                running |= {asyncio.create_task(self._post(self.local, job)) for job in jobs}
                running = {task for task in running if not task.done()}

    async def _shared_worker(self, outbox: Outbox) -> None:
        """Take jobs while fewer than :data:`_CONCURRENCY` posts are under way."""
        running: set[asyncio.Task[None]] = set()
        while not self._stopping:
            running = {task for task in running if not task.done()}
            free = _CONCURRENCY - len(running)
            if free <= 0:
                await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                continue
            try:
                jobs = await asyncio.to_thread(outbox.take, self.consumer, free, self._wait)
            except self._errors as exc:
                if not self._shared_down:
                    log.warning("cannot read the outbox (%s); trying again", exc)
                self._shared_down = True
                await asyncio.sleep(self._wait)
                continue
            self._shared_down = False
            running |= {asyncio.create_task(self._post(outbox, job)) for job in jobs}

    async def _post(self, outbox: Outbox, job: Job) -> None:
        """Post one job, then mark it done, or failed (to retry, or a dead letter)."""
        task = asyncio.current_task()
        if job.id in self._in_hand:
            return  # taken again while this process still works on it: not twice
        self._in_hand.add(job.id)
        if task is not None:
            self._posting.add(task)
        heartbeat = asyncio.create_task(self._heartbeat(outbox, job))
        try:
            assert self._client is not None, "Replies.bind() was not called"
            failure = await carry_out(self._client, outbox, job, self._on_posted)
            heartbeat.cancel()
            if failure is None:
                OUTBOX_JOBS.labels(result="posted" if not job.attempts else "posted_again").inc()
                await asyncio.to_thread(outbox.done, job)
                self._settle(job)
                return
            if failure.permanent:
                job = replace(job, attempts=max(job.attempts, _max_attempts(outbox) - 1))
            else:
                await asyncio.sleep(min(0.5 * 2**job.attempts, 10.0))
            if await asyncio.to_thread(outbox.failed, job, failure.reason):
                OUTBOX_DEAD_LETTERS.inc()
                log.error("reply given up, a dead letter: %s: %s", job.describe(), failure.reason)
                self._settle(job)
            else:
                OUTBOX_JOBS.labels(result="retry").inc()
        except self._errors as exc:
            # The shared outbox went away mid-job: the job stays pending there, and this
            # replica or another claims it after the claim timeout.
            log.warning("outbox unavailable after a post (%s): %s", exc, job.describe())
        finally:
            heartbeat.cancel()
            self._in_hand.discard(job.id)
            if task is not None:
                self._posting.discard(task)

    async def _heartbeat(self, outbox: Outbox, job: Job) -> None:
        """Keep ``job`` ours while a post takes long (429 waits, retries): never claimed
        by another replica while this one is alive and posting it."""
        interval = max(0.05, float(getattr(outbox, "claim_ms", 60_000)) / 3000)
        with contextlib.suppress(*self._errors):
            while True:
                await asyncio.sleep(interval)
                await asyncio.to_thread(outbox.touch, job, self.consumer)

    def _settle(self, job: Job) -> None:
        settled = self._settled.pop(job.id, None)
        if settled is not None and not settled.done():
            settled.set_result(None)

    async def drain(self, seconds: float) -> list[Job]:
        """On shutdown: finish what this process owes for up to ``seconds``.

        Waits for listeners still deciding (:meth:`owed`), then for this process's
        queue and the posts under way; stops taking new jobs from the shared outbox
        (the other replicas will). Every job left is logged.

        :returns: the jobs left unfinished in this process.
        """
        if self._loop is not asyncio.get_running_loop():
            return self.local.pending()
        assert self._idle is not None and self._wake is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        self._stopping = True
        left_before = len(self.local.pending()) + len(self._posting) + self._busy
        if left_before:
            log.info("draining %d replies for up to %.0f s", left_before, seconds)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), max(0.0, deadline - loop.time()))
        self._wake.set()
        while self.local.pending() or self._posting:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            await asyncio.sleep(min(0.05, remaining))
        left = self.local.pending()
        for job in left:
            log.error("shutting down with a reply not posted: %s", job.describe())
        if self._posting and self.shared is not None:
            log.warning(
                "shutting down with %d shared replies mid-post; another replica claims them",
                len(self._posting),
            )
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []
        if left_before:
            log.info("drained: %d replies left", len(left))
        return left


def _max_attempts(outbox: Outbox) -> int:
    return int(getattr(outbox, "max_attempts", 1))
