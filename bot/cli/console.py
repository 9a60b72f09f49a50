"""Answers for people at a terminal: rich when stdout is a terminal, plain text when piped.

The words are :func:`bot.render.to_text`'s, the same as ``errcode chat`` shows; this module
only adds emphasis on a terminal.
"""

from __future__ import annotations

import sys
from typing import TextIO

from bot.models import Resolution
from bot.slack.card import Setting
from bot.slack.render import to_text

__all__ = ["print_resolution"]


def print_resolution(
    resolution: Resolution, out: TextIO | None = None, language: Setting = "auto"
) -> None:
    """Print ``resolution``; colours and layout only when ``out`` is a terminal."""
    stream = out or sys.stdout
    text = to_text(resolution, language)
    if not stream.isatty():
        stream.write(text + "\n")
        return
    from rich.console import Console  # imported here: piped output never pays for it
    from rich.markup import escape

    console = Console(file=stream, highlight=False)
    for line in text.splitlines():
        # Unindented lines are headings (an entry, a correction, "not found").
        console.print(f"[bold]{escape(line)}[/bold]" if line[:1] not in ("", " ") else escape(line))
