"""The Workflow Builder step ``explain_error_code``: a query in, plain-text outputs out.

Slack-free, like :class:`~bot.slack.conversation.Conversation`: the listener hands over
the step's ``inputs`` and completes the step with :attr:`StepResult.outputs`, or fails
it with :attr:`StepResult.error`. Outputs are plain strings (Workflow Builder shows them
as typed, and passes them to later steps), never mrkdwn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.models import Resolution

__all__ = ["FUNCTION_ID", "MAX_QUERY", "StepResult", "bad_input", "outputs"]

#: The function's callback id, as declared in the manifest.
FUNCTION_ID = "explain_error_code"
#: The longest ``query`` taken: a code, a text code or a log line, not a document.
MAX_QUERY = 2000
#: At most this many entries are summarised for a query naming several.
_MAX_SUMMARISED = 5


@dataclass(frozen=True, slots=True)
class StepResult:
    """The outputs to complete the step with, or the error to fail it with."""

    outputs: dict[str, Any] | None = None
    error: str | None = None


def bad_input(inputs: Any) -> str | None:
    """Why ``inputs`` cannot be answered (the step fails with it), or ``None``."""
    query = inputs.get("query") if isinstance(inputs, dict) else None
    if not isinstance(query, str):
        return (
            "The input `query` is missing: give an error code, a text code or a few words "
            "(for example 1027, SERVER_BUSY or 'room does not exist')."
        )
    if not query.strip():
        return "The input `query` is empty: give an error code, a text code or a few words."
    if len(query) > MAX_QUERY:
        return f"The input `query` is {len(query)} characters long; at most {MAX_QUERY} are read."
    return None


def outputs(resolution: Resolution) -> dict[str, Any]:
    """``found``, ``summary``, ``remediation`` and ``severity`` for a lookup.

    The summary names each entry found (code, text code, product, description); the
    remediation and severity are the first entry's, its steps as a numbered list.
    """
    if not resolution.found:
        misses = [m.message() + "." for m in resolution.misses]
        summary = " ".join(misses) or f"No entry for “{resolution.query.strip()[:200]}”."
        return {"found": False, "summary": summary, "remediation": "", "severity": ""}
    lines = []
    for match in resolution.matches[:_MAX_SUMMARISED]:
        entry = match.entry
        name = f"{entry.code} {entry.text_code}" if entry.text_code else entry.code
        lines.append(f"{name} ({match.product.name}): {entry.description}")
    rest = len(resolution.matches) - _MAX_SUMMARISED
    if rest > 0:
        lines.append(f"…and {rest} more.")
    first = resolution.matches[0].entry
    steps = "\n".join(f"{n}. {step}" for n, step in enumerate(first.remediation, 1))
    return {
        "found": True,
        "summary": "\n".join(lines),
        "remediation": steps,
        "severity": first.severity.value,
    }
