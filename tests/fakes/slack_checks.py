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
#: Interactive elements (https://docs.slack.dev/reference/block-kit/block-elements/button-element,
#: .../composition-objects/confirmation-dialog-object, .../blocks/actions-block).
MAX_BUTTON_TEXT, MAX_VALUE, MAX_ACTION_ID, MAX_ELEMENTS = 75, 2000, 255, 25
MAX_CONFIRM = {"title": 100, "text": 300, "confirm": 30, "deny": 30}


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
        problems += [f"block {n}: {p}" for p in _interactive_problems(block)]
    return problems


def _interactive_problems(block: dict[str, Any]) -> list[str]:
    """Buttons and actions blocks: label, value and id lengths, unique ids, confirm dialogs."""
    elements = [e for e in block.get("elements") or [] if isinstance(e, dict)]
    if block.get("accessory"):
        elements.append(block["accessory"])
    problems = []
    if block.get("type") == "actions" and not 0 < len(elements) <= MAX_ELEMENTS:
        problems.append(f"{len(elements)} elements in an actions block")
    ids = [e["action_id"] for e in elements if "action_id" in e]
    if len(ids) != len(set(ids)):
        problems.append("action_ids repeat within the block")
    for element in elements:
        if element.get("type") != "button":
            continue
        if (
            len(element["text"]["text"]) > MAX_BUTTON_TEXT
            or element["text"]["type"] != "plain_text"
        ):
            problems.append(f"button label {element['text']['text'][:20]!r}…")
        if len(element.get("value", "")) > MAX_VALUE or len(element["action_id"]) > MAX_ACTION_ID:
            problems.append(f"button {element['action_id'][:20]!r}: value or action_id too long")
        for part, limit in MAX_CONFIRM.items() if "confirm" in element else ():
            if len(element["confirm"][part]["text"]) > limit:
                problems.append(f"confirm {part} over {limit} characters")
    return problems
