"""Turn a signed body into the request Bolt dispatches, around two things Bolt gets wrong.

Bolt's ASGI adapter parses bodies itself, and:

* reads any form whose text holds the letters "payload" as an interactivity payload,
  so ``/errcode bad payload`` would reach no listener: :func:`parse_body` reads a
  form as interactivity only when it has a ``payload`` *field*;
* fails with a 500 (or an exception past its error handler) on ids and payload parts
  that are not the types Slack sends: :func:`bolt_request` reads them first, with
  Bolt's own readers (``slack_bolt.request.async_internals`` and ``payload_utils``,
  internal modules, so their use is kept here), and turns that failure into a 400.

Everything here raises :class:`Rejected` for what Slack never sends.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.async_app import AsyncBoltContext, AsyncBoltRequest
from slack_bolt.request import payload_utils
from slack_bolt.request.async_internals import build_async_context

__all__ = ["FORM", "JSON", "MAX_DEPTH", "Rejected", "bolt_request", "parse_body"]

#: The deepest nesting of lists and objects accepted; Slack's blocks nest about 10 deep.
MAX_DEPTH = 64
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


class Rejected(Exception):
    """A request that is not one Slack sends: answered with ``status``, never dispatched."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _depth(value: object) -> int:
    """How deeply ``value`` nests lists and objects (iterative: no recursion to exhaust)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nesting past the C parser's stack
        raise Rejected(400, "malformed JSON") from None
    if not isinstance(value, dict):
        raise Rejected(400, "JSON body is not an object")
    if _depth(value) > MAX_DEPTH:
        raise Rejected(400, "JSON nested too deeply")
    return value


def _check_envelope(payload: dict[str, Any]) -> dict[str, Any]:
    """The parts of Slack's envelope that Bolt's middleware reads without checking.

    Bolt fails with a 500 on an event that is not an object or a click without
    actions; neither comes from Slack, so they are bad requests.
    """
    kind = payload.get("type")
    if "command" in payload and not isinstance(payload["command"], str):
        raise Rejected(400, "command is not a string")  # Bolt matches it as a string
    if kind == "event_callback":
        event = payload.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            raise Rejected(400, "event_callback without an event object")
    elif kind == "block_actions":
        actions = payload.get("actions")
        if not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions):
            raise Rejected(400, "block_actions without a list of actions")
    return payload


def parse_body(body: bytes, content_type: str) -> tuple[str, dict[str, Any]]:
    """The body as text and as the dict Bolt dispatches on, or :class:`Rejected`.

    Slack sends events as JSON objects, and slash commands and interactivity as
    forms (interactivity as one ``payload`` field holding a JSON object).
    """
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in (JSON, FORM):
        raise Rejected(415, "unsupported content type")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Rejected(400, "body is not UTF-8") from None
    if not text.strip():
        raise Rejected(400, "empty body")
    if media == JSON:
        return text, _check_envelope(_json_object(text))
    fields = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" in fields:
        return text, _check_envelope(_json_object(fields["payload"]))
    return text, fields


#: What Bolt's listener arguments and matchers read of every request.
_BOLT_READERS: tuple[Callable[[dict[str, Any]], object], ...] = (
    payload_utils.to_options,
    payload_utils.to_shortcut,
    payload_utils.to_action,
    payload_utils.to_view,
    payload_utils.to_command,
    payload_utils.to_event,
    payload_utils.to_message,
    payload_utils.to_step,
    payload_utils.is_function,
    payload_utils.is_assistant_event,
    payload_utils.is_any_im_message_event,
)


def bolt_request(
    text: str, payload: dict[str, Any], headers: Iterable[tuple[bytes, bytes]], query: bytes = b""
) -> AsyncBoltRequest:
    """What Bolt's ASGI adapter builds, but from the body as :func:`parse_body` read it.

    :param text: the body as received; it stays the request's ``raw_body``.
    :param headers: the ASGI headers (name and value as bytes).
    """
    request = AsyncBoltRequest(
        body="",
        query=query.decode("latin-1"),
        headers={name.decode("latin-1"): value.decode("latin-1") for name, value in headers},
    )
    request.raw_body = text
    request.body = payload
    try:
        # Bolt reads ids and payload parts assuming Slack's types, and fails with a 500
        # (or an exception past its error handler) on anything else. Reading them here
        # first, with Bolt's own readers, turns a body Bolt cannot read into a 400.
        request.context = build_async_context(AsyncBoltContext(), payload)
        for read in _BOLT_READERS:
            read(payload)
    except (AttributeError, TypeError, KeyError, IndexError, ValueError):
        raise Rejected(400, "not a Slack payload") from None
    return request
