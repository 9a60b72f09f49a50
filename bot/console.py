"""Answers for people at a terminal: rich when stdout is a terminal, plain text when piped."""

from __future__ import annotations

import sys
from typing import TextIO

from .models import Match, Resolution, source_of

__all__ = ["print_resolution", "resolution_text"]


def print_resolution(resolution: Resolution, out: TextIO | None = None) -> None:
    """Print ``resolution``; colours and layout only when ``out`` is a terminal."""
    stream = out or sys.stdout
    if stream.isatty():
        from rich.console import Console  # imported here: piped output never pays for it
        from rich.markup import escape

        console = Console(file=stream, highlight=False)
        for line in _lines(resolution):
            console.print(_style(escape(line)))
    else:
        stream.write(resolution_text(resolution) + "\n")


def resolution_text(resolution: Resolution) -> str:
    """The plain-text answer."""
    return "\n".join(_lines(resolution))


def _style(line: str) -> str:
    if line and not line.startswith(" "):
        return f"[bold]{line}[/bold]"
    return line


def _lines(resolution: Resolution) -> list[str]:
    lines = [f"No exact {c.original}; showing {c.corrected}." for c in resolution.corrections]
    if not resolution.found:
        lines.append(f"No code found for {resolution.query.strip()!r}.")
        if resolution.suggestions:
            lines.append("Did you mean:")
            lines.extend(
                f"  {s.key}"
                + (f" {s.entry.text_code}" if s.entry.text_code else "")
                + f": {s.entry.description}"
                for s in resolution.suggestions
            )
        return lines
    for index, match in enumerate(resolution.matches):
        if index:
            lines.append("")
        lines.extend(_match_lines(match))
    return lines


def _match_lines(match: Match) -> list[str]:
    entry, product = match.entry, match.product
    title = f"{product.id}:{entry.code}" + (f" {entry.text_code}" if entry.text_code else "")
    lines = [
        f"{title} ({product.name})",
        f"  {entry.description}",
        f"  category: {', '.join(entry.categories)} | severity: {entry.severity.value}"
        f" | retry helps: {'yes' if entry.retryable else 'no'} | who acts: {entry.audience.label}",
        "  What to do:",
        *(f"    {n}. {step}" for n, step in enumerate(entry.remediation, 1)),
    ]
    if entry.see_also:
        lines.append(f"  See also: {', '.join(entry.see_also)}")
    if entry.note:
        lines.append(f"  Note on the vendor table: {entry.note}")
    if match.kind.value == "description":
        lines.append(f"  (matched on the description, {match.score:.0f}% of your words)")
    lines.append(f"  Source: {source_of(product, entry)}")
    return lines
