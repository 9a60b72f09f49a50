"""A state store that answers slowly, and ``errcode serve`` running on one (test-only).

A hanging Redis is what can keep a slash command's answer out of its ack: the
bot then acks empty and posts the answer to the response_url. :class:`SlowStore`
wraps any store and delays (or fails) the writes a slash command makes — usage
counts and mutes — so tests can take that path on purpose. The unit tests pass
it to ``build_app``; the end-to-end tests and the reliability report run this file
instead of ``python -m bot serve`` (same environment), with ``E2E_STORE_DELAY``
seconds per write, so the fallback is exercised over real HTTP. Production has no
such knob: only tests need a store this slow.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if __name__ == "__main__":  # run as a file: the package is at the repository root
    sys.path.insert(0, str(REPO))

from bot.store.protocol import MemoryStore, StateStore  # noqa: E402

__all__ = ["DELAY_ENV", "SlowStore", "serve_command"]

#: The launcher's setting: seconds each usage-count or mute write takes.
DELAY_ENV = "E2E_STORE_DELAY"


class SlowStore:
    """``inner`` (a fresh MemoryStore by default), with slash-command writes delayed.

    :param delay: seconds each usage-count or mute write sleeps before it is made.
    :param error: raised by those writes after the delay (a store that fails).
    """

    def __init__(
        self, inner: StateStore | None = None, delay: float = 0.0, error: Exception | None = None
    ) -> None:
        self.inner: StateStore = inner if inner is not None else MemoryStore()
        self.delay, self.error = delay, error

    def _slow(self) -> None:
        time.sleep(self.delay)
        if self.error is not None:
            raise self.error

    # Claims (event dedupe, cooldowns) stay fast: only a slash command is under test.
    def claim(self, key: str, ttl_seconds: int) -> bool:
        return self.inner.claim(key, ttl_seconds)

    def set_muted(self, channel: str, muted: bool) -> None:
        self._slow()
        self.inner.set_muted(channel, muted)

    def is_muted(self, channel: str) -> bool:
        return self.inner.is_muted(channel)

    def set_channel_product(self, channel: str, product: str | None) -> None:
        self._slow()
        self.inner.set_channel_product(channel, product)

    def channel_product(self, channel: str) -> str | None:
        return self.inner.channel_product(channel)

    def record_lookup(self, team: str, key: str, day: date) -> None:
        self._slow()
        self.inner.record_lookup(team, key, day)

    def record_unknown(self, team: str, query: str, day: date) -> None:
        self._slow()
        self.inner.record_unknown(team, query, day)

    def top_lookups(self, team: str, days: list[date], limit: int) -> list[tuple[str, int]]:
        return self.inner.top_lookups(team, days, limit)

    def top_unknown(self, team: str, days: list[date], limit: int) -> list[tuple[str, int]]:
        return self.inner.top_unknown(team, days, limit)

    def teams(self) -> list[str]:
        return self.inner.teams()

    # Feedback and reply mappings: fast, as claims are.
    def vote(self, team: str, answer: str, entry: str, user: str, helpful: bool) -> bool:
        return self.inner.vote(team, answer, entry, user, helpful)

    def add_comment(self, team: str, entry: str, comment: str) -> None:
        self.inner.add_comment(team, entry, comment)

    def feedback(self, team: str) -> list[tuple[str, int, int]]:
        return self.inner.feedback(team)

    def comments(self, team: str, entry: str, limit: int) -> list[str]:
        return self.inner.comments(team, entry, limit)

    def set_reply(self, channel: str, ts: str, reply: str, ttl_seconds: int) -> None:
        self.inner.set_reply(channel, ts, reply, ttl_seconds)

    def reply_to(self, channel: str, ts: str) -> str | None:
        return self.inner.reply_to(channel, ts)

    def forget_reply(self, channel: str, ts: str) -> None:
        self.inner.forget_reply(channel, ts)


def serve_command() -> list[str]:
    """The command line that runs ``errcode serve`` on a :class:`SlowStore` (set the delay)."""
    return [sys.executable, str(Path(__file__).resolve())]


def _main() -> None:
    import bot.cli.serve
    from bot.cli.commands import main

    delay = float(os.environ[DELAY_ENV])
    make_store = bot.cli.serve.make_store
    # bot.cli.serve builds its store through this name: wrap whatever the settings choose.
    bot.cli.serve.make_store = lambda settings, **options: SlowStore(  # type: ignore[assignment]
        make_store(settings, **options), delay
    )
    sys.argv = ["errcode", "serve"]
    main()


if __name__ == "__main__":
    _main()
