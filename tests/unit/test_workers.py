"""The bounded worker pool, and the polite replies at its limits (issue 12, break 5)."""

from __future__ import annotations

import asyncio
import contextvars
import threading

import pytest
from test_conversation import make

from bot.knowledge.base import KnowledgeBase
from bot.slack import notices, render
from bot.slack.workers import Busy, WorkerPool

_REQUEST = contextvars.ContextVar("request", default="")


def test_a_job_runs_in_a_worker_with_the_callers_context() -> None:
    async def main() -> tuple[str, str]:
        _REQUEST.set("Ev1")
        pool = WorkerPool(1, 0)
        try:
            return await pool.run(lambda: (_REQUEST.get(), threading.current_thread().name))
        finally:
            pool.shutdown()

    seen, thread = asyncio.run(main())
    assert seen == "Ev1" and thread.startswith("errcode-worker")


def test_past_workers_plus_queue_a_job_is_refused_at_once() -> None:
    gate = threading.Event()

    async def main() -> list[str]:
        pool = WorkerPool(1, 1)
        running = asyncio.ensure_future(pool.run(gate.wait))  # takes the worker
        waiting = asyncio.ensure_future(pool.run(lambda: "queued"))  # takes the queue
        await asyncio.sleep(0.05)
        with pytest.raises(Busy):  # at once: a queued job would time out here instead
            await asyncio.wait_for(pool.run(lambda: "refused"), timeout=1)
        gate.set()
        await asyncio.gather(running, waiting)
        again = await pool.run(lambda: "room again")  # slots come back as jobs end
        pool.shutdown()
        return [str(waiting.result()), again]

    assert asyncio.run(main()) == ["queued", "room again"]


def test_a_question_over_the_cap_gets_too_long_to_explain(kb: KnowledgeBase) -> None:
    outcome = make(kb).question(
        text="PC " * 13_000, team="T1", channel="D1", ts="1.000001", event_id="Ev1"
    )
    assert outcome is not None and outcome.kind == "too_long"
    assert outcome.reply.text == notices.NOTICES["too_long"]


def test_a_question_over_the_cap_is_answered_from_its_first_part(kb: KnowledgeBase) -> None:
    outcome = make(kb).question(
        text="error 1027, " * 3_000, team="T1", channel="D1", ts="1.000002", event_id="Ev2"
    )
    assert outcome is not None and outcome.resolution is not None
    assert outcome.resolution.found and outcome.resolution.truncated
    assert "first part" in str(outcome.reply.blocks)


def test_the_terminal_says_too_long_too(kb: KnowledgeBase) -> None:
    from bot.resolver.resolution import resolve

    assert render.to_text(resolve("PC " * 13_000, kb)) == notices.NOTICES["too_long"]
    assert "first part" in render.to_text(resolve("error 1027, " * 3_000, kb))
