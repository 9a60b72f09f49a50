"""An ack leaves only once the request's work is in the outbox (or done), within a bound.

Bolt runs errcode's listeners after it has the ack (``process_before_response=False``):
an event is acked before its listener starts, an action or a command as soon as the
listener calls ``ack()``. The listener then decides (scan, resolve, the store) and puts
its reply in the outbox. A process killed in between (SIGKILL, OOM) has acked a
request whose reply is nowhere, and Slack never redelivers an acked request.

:class:`HandoffApp` closes that window. Its :meth:`~HandoffApp.async_dispatch`, which
both transports call (HTTP, and Bolt's Socket Mode adapter, which sends the ack once
it returns), holds the response until the listener has *handed off*: put its first
job in the outbox (:meth:`bot.slack.outbox.Replies.send`), finished, or said that
what follows must run after the ack (:func:`release`). A crash before the response
leaves Slack without an ack, so Slack retries the request.

What this cannot close:

* The hold is bounded: at most :data:`HOLD_SECONDS` after the request arrived (Slack's
  limit is 3 s), so a decision queued behind a busy worker pool is acked on time, and
  its reply, put after the ack, is unprotected again (counted in
  ``errcode_acks_before_handoff_total``).
* Work that must follow the ack because it is what is slow: a slash command's answer
  that missed its ack, the lookup modal's late update (their listeners :func:`release`).
* Only a listener's first job is put before the ack (a late command answer's
  announcement follows it).
* With Redis, the decision claims the event (dedupe) before its job is put: a kill in
  those milliseconds sends no ack, and Slack's retry is then dropped as a duplicate.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltRequest
from slack_bolt.listener.async_listener_completion_handler import (
    AsyncListenerCompletionHandler,
)
from slack_bolt.response import BoltResponse

from bot.telemetry.metrics import ACKS_BEFORE_HANDOFF, RECEIVED_AT

__all__ = ["HOLD_SECONDS", "Handoff", "HandoffApp", "handed_off", "release"]

log = logging.getLogger("errcode.slack")

#: The longest an ack is held for its listener's handoff, from the request's arrival.
#: Slack drops an ack later than 3 s; as for a slash command's answer in its ack
#: (``listeners.ANSWER_IN_ACK_SECONDS``), a second is left for Bolt, the network and
#: Slack's clock.
HOLD_SECONDS = 2.0


class Handoff:
    """One request's handoff: whether a listener took it, and whether it has handed off."""

    def __init__(self) -> None:
        #: A listener of errcode's took the request (Bolt's own middleware did not end it).
        self.expected = False
        self._settled = asyncio.Event()

    def settle(self) -> None:
        """The work is in the outbox, done, or must run after the ack: let the ack go."""
        self._settled.set()

    async def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for :meth:`settle`; whether it came."""
        if self._settled.is_set():
            return True
        if seconds <= 0:
            return False
        try:
            await asyncio.wait_for(self._settled.wait(), seconds)
        except TimeoutError:
            return False
        return True


#: The handoff of the request being dispatched; listener tasks and the outbox's
#: ``send`` see it, as Bolt creates their tasks inside the dispatch.
_CURRENT: contextvars.ContextVar[Handoff | None] = contextvars.ContextVar(
    "errcode_handoff", default=None
)


def handed_off() -> None:
    """The current request's work is in the outbox (or done)."""
    handoff = _CURRENT.get()
    if handoff is not None:
        handoff.settle()


def release() -> None:
    """What the current listener does next must run after the ack (it is slow): ack now.

    Whatever it then puts in the outbox is lost if the process is killed before that.
    """
    handed_off()


class _Completion(AsyncListenerCompletionHandler):
    """Bolt's completion handler, then: the listener has finished, so it has handed off."""

    def __init__(self, inner: AsyncListenerCompletionHandler) -> None:
        self.inner = inner

    async def handle(self, request: AsyncBoltRequest, response: BoltResponse | None) -> None:
        try:
            await self.inner.handle(request=request, response=response)
        finally:
            handed_off()


async def _expect(next: Callable[[], Awaitable[None]]) -> None:
    """A global middleware: past Bolt's own (which may end a request, as the bot's own
    events), every request reaches a listener of errcode's (they end in catch-alls)."""
    handoff = _CURRENT.get()
    if handoff is not None:
        handoff.expected = True
    await next()


class HandoffApp(AsyncApp):
    """An :class:`AsyncApp` whose responses (acks) wait for the listener's handoff."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        runner = self.listener_runner
        runner.listener_completion_handler = _Completion(runner.listener_completion_handler)
        self.middleware(_expect)

    async def async_dispatch(self, req: AsyncBoltRequest) -> BoltResponse:
        received = req.context.get(RECEIVED_AT)
        start = received if isinstance(received, float) else time.monotonic()
        handoff = Handoff()
        token = _CURRENT.set(handoff)
        try:
            response = await super().async_dispatch(req)
        finally:
            _CURRENT.reset(token)
        # 404: no listener matched (a view or an option errcode does not handle).
        if handoff.expected and response.status != 404:
            left = start + HOLD_SECONDS - time.monotonic()
            if not await handoff.wait(left):
                ACKS_BEFORE_HANDOFF.inc()
                log.info(
                    "acknowledged %.1f s after arrival, before its reply was in the outbox",
                    HOLD_SECONDS,
                )
        return response
