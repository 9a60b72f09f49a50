"""What Slack would do with a message the bot sends: ping people, or refuse its blocks.

Shared by the unit fuzz tests and the end-to-end hostile-input matrix.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["PINGS", "block_kit_problems", "pings_in"]

#: What makes Slack notify people when it stands unescaped in a message's text.
PINGS = ("<!channel", "<!here", "<!everyone", "<!subteam", "<@U", "<@W")
#: Slack's limits on one message (https://docs.slack.dev/reference/block-kit/blocks).
MAX_BLOCKS, MAX_SECTION, MAX_HEADER, MAX_FIELD, MAX_FIELDS = 50, 3000, 150, 2000, 10


def _texts(value: Any, key: str = "") -> Iterator[str]:
    """Every string a person could read in a message (button values and ids left out)."""
    if isinstance(value, str):
        if key not in ("value", "action_id", "block_id", "url", "type", "style"):
            yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _texts(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item, key)


def pings_in(message: dict[str, Any]) -> list[str]:
    """The unescaped broadcasts and mentions in a message's ``text`` and blocks."""
    found = []
    for text in _texts({"text": message.get("text", ""), "blocks": message.get("blocks", [])}):
        found += [ping for ping in PINGS if ping in text]
    return found


def block_kit_problems(blocks: Iterable[dict[str, Any]]) -> list[str]:
    """Where ``blocks`` break Slack's limits (Slack rejects the whole message then)."""
    blocks = list(blocks)
    problems = [f"{len(blocks)} blocks"] if len(blocks) > MAX_BLOCKS else []
    for n, block in enumerate(blocks):
        text = block.get("text") or {}
        limit = MAX_HEADER if block.get("type") == "header" else MAX_SECTION
        if len(text.get("text", "")) > limit:
            problems.append(f"block {n} ({block['type']}): {len(text['text'])} characters")
        fields = block.get("fields") or []
        if len(fields) > MAX_FIELDS or any(len(f.get("text", "")) > MAX_FIELD for f in fields):
            problems.append(f"block {n}: fields over the limits")
        for element in block.get("elements") or []:
            if len(element.get("text", "") if isinstance(element.get("text"), str) else "") > (
                MAX_SECTION
            ):
                problems.append(f"block {n}: context element too long")
    return problems
