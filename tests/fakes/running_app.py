"""errcode's Bolt app running in process, on its own event loop, against a fake Slack.

Requests are dispatched as Socket Mode requests (no signature, no socket); the loop
runs in a thread so listeners keep working after their ack, as they do in production.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.knowledge.base import KnowledgeBase
from bot.settings import Settings
from bot.slack import listeners
from bot.slack.app import build_app
from bot.slack.outbox import WORKER_TASK, Replies
from bot.store.protocol import MemoryStore, StateStore
from fakes.fake_slack import FakeSlack

__all__ = ["AppFactory", "Running"]


class Running:
    """A built app and the event loop it runs on."""

    def __init__(self, app: AsyncApp, store: StateStore) -> None:
        self.app, self.store = app, store
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def dispatch(self, body: dict[str, Any], received: float | None = None) -> BoltResponse:
        """Dispatch ``body``; ``received``: when the transport got it (monotonic seconds)."""
        request = AsyncBoltRequest(body=body, mode="socket_mode")
        if received is not None:
            request.context[listeners.RECEIVED_AT] = received
        return asyncio.run_coroutine_threadsafe(self.app.async_dispatch(request), self.loop).result(
            5
        )

    def settle(self, timeout: float = 5.0) -> None:
        """Wait until the app has finished every request dispatched so far.

        Bolt runs listeners as tasks on the app's loop, after the ack; once none is left,
        whatever the app was going to send has reached the fake. Negative assertions wait
        on this, never on a sleep that a late reply could outlast.
        """

        async def drain() -> None:
            me, deadline = asyncio.current_task(), self.loop.time() + timeout
            while pending := [
                t for t in asyncio.all_tasks() if t is not me and t.get_name() != WORKER_TASK
            ]:
                if self.loop.time() >= deadline:
                    raise TimeoutError(f"{len(pending)} listener tasks still running")
                await asyncio.wait(pending, timeout=deadline - self.loop.time())

        asyncio.run_coroutine_threadsafe(drain(), self.loop).result(timeout + 1)

    def close(self) -> None:
        # Let listeners still working after their ack (response_url posts, ...) finish and
        # close their connections, so nothing is left half-done when the loop goes away.
        self.settle()

        async def stop_workers() -> None:
            workers = [t for t in asyncio.all_tasks() if t.get_name() == WORKER_TASK]
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(stop_workers(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


class AppFactory:
    """Builds running apps on ``fake`` (``factory(store=..., replies=..., **settings)``);
    closes them all."""

    def __init__(self, fake: FakeSlack, kb: KnowledgeBase) -> None:
        self.fake, self.kb = fake, kb
        self.started: list[Running] = []

    def __call__(
        self, store: StateStore | None = None, replies: Replies | None = None, **overrides: Any
    ) -> Running:
        """A running app on ``store`` (a fresh MemoryStore), with its replies through
        ``replies`` (this process's outbox by default)."""
        settings = Settings(
            slack_bot_token="xoxb-unit",
            slack_signing_secret="unit-secret",
            slack_api_url=self.fake.api_url,
            _env_file=None,
            **overrides,
        )
        store = store if store is not None else MemoryStore()
        client = AsyncWebClient(token="xoxb-unit", base_url=self.fake.api_url)
        app = build_app(settings, self.kb, store, client=client, replies=replies)
        running = Running(app, store)
        self.started.append(running)
        return running

    def __enter__(self) -> AppFactory:
        self.fake.reset()
        return self

    def __exit__(self, *exc: object) -> None:
        for running in self.started:
            running.close()
