"""A bounded pool of worker threads for the decisions that cost CPU (scan, resolve).

Why threads, not processes: after the per-message cap (:mod:`bot.text.budget`) one
decision costs at most a few tens of milliseconds, so there is nothing long to move off
the interpreter. Threads share the loaded knowledge base and the store (the Redis client,
or the in-memory store that processes could not share at all), and CPython hands the GIL
over every 5 ms (``sys.getswitchinterval()``), so the event loop keeps acking while a
worker scans. A process pool would copy the knowledge base into every worker and pickle
every reply, for work that is short anyway.

Why a pool of its own: Bolt listeners used :func:`asyncio.to_thread`, whose default
executor is shared and unbounded in queue. A flood of 40,000-character DMs would queue
there ahead of the slash commands, whose answer must go in the ack within 3 s. Here
DMs, mentions, shortcuts and channel messages wait in this pool, at most
``workers + work_queue`` at once; slash commands keep the default executor and never
wait behind them. Past the limit :meth:`WorkerPool.run` raises :class:`Busy` at once,
rather than letting the queue, and everyone's wait, grow without end.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from bot.errors import ErrcodeError

__all__ = ["Busy", "WorkerPool"]

P = ParamSpec("P")
T = TypeVar("T")


class Busy(ErrcodeError):
    """Every worker is busy and the queue is full: the job was not taken."""


class WorkerPool:
    """``workers`` threads, and at most ``queue_limit`` jobs waiting for one."""

    def __init__(self, workers: int, queue_limit: int) -> None:
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix="errcode-worker")
        #: Jobs running or waiting; a job past ``workers + queue_limit`` is refused.
        self._slots = threading.BoundedSemaphore(workers + queue_limit)
        self.workers, self.queue_limit = workers, queue_limit

    async def run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)`` in a worker, with the caller's context (its log fields).

        :raises Busy: when ``workers + queue_limit`` jobs are already running or waiting.
        """
        if not self._slots.acquire(blocking=False):
            raise Busy("every worker is busy and the queue is full")
        context = contextvars.copy_context()
        job = functools.partial(context.run, fn, *args, **kwargs)
        future = asyncio.get_running_loop().run_in_executor(self._executor, job)
        # Released when the job ends, even if the caller stops waiting for it first.
        future.add_done_callback(lambda _: self._slots.release())
        return await future

    def shutdown(self) -> None:
        """Stop taking jobs; the running ones finish."""
        self._executor.shutdown(wait=False, cancel_futures=True)
