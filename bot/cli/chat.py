"""``errcode chat``: talk to the bot in the terminal, as a direct message would go.

Each line goes through the same decision as a Slack DM
(:meth:`~bot.conversation.Conversation.question`) and the answer is printed
with :func:`bot.render.to_text`. Nothing touches Slack, and no token is needed.
"""

from __future__ import annotations

import itertools
import sys
from typing import TextIO

from pydantic import SecretStr

from bot.knowledge.base import KnowledgeBase
from bot.settings import Settings
from bot.slack.conversation import Conversation
from bot.store.protocol import MemoryStore
from bot.text.slack import unescape

__all__ = ["main", "run"]

_QUIT = {"quit", "exit", ":q", "bye"}


def run(kb: KnowledgeBase, lines: TextIO, out: TextIO, prompt: str = "") -> None:
    """Answer each line of ``lines`` on ``out`` until end of input or ``quit``."""
    # A DM needs no Slack setting; built without validation so no token is asked for.
    settings = Settings.model_construct(slack_bot_token=SecretStr("xoxb-chat"))
    bot = Conversation(settings, kb, MemoryStore())
    for turn in itertools.count(1):
        if prompt:
            out.write(prompt)
            out.flush()
        line = lines.readline()
        if not line or line.strip().lower() in _QUIT:
            return
        if not line.strip():
            continue
        outcome = bot.question(
            text=line.strip(), team="chat", channel="Dchat", ts=f"{turn}.0", event_id=None
        )
        if outcome is None:  # cannot happen: every turn has its own ts
            continue
        if outcome.resolution is not None:
            from bot.slack.render import to_text

            text = to_text(outcome.resolution, bot.settings.language)
        else:
            text = unescape(outcome.reply.text).replace("`", "")
        out.write(text.rstrip() + "\n\n")
        out.flush()


def main(kb: KnowledgeBase) -> None:
    """The interactive loop on the terminal (``quit`` or Ctrl-D ends it)."""
    interactive = sys.stdin.isatty()
    if interactive:
        sys.stdout.write(
            "errcode chat: ask about a code (1027, SERVER_BUSY, 'bems 11001'); quit to leave.\n"
        )
    try:
        run(kb, sys.stdin, sys.stdout, prompt="you> " if interactive else "")
    except KeyboardInterrupt:
        sys.stdout.write("\n")
