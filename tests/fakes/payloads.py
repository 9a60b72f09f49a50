"""Slack request bodies for tests, built from real payload shapes (tests/fixtures/events/).

Each builder loads a captured payload and changes only the fields a test is
about (text, channel, ts, user, ids), so the rest stays as Slack sends it.
"""

from __future__ import annotations

import copy
import itertools
import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

__all__ = [
    "EVENTS",
    "app_home_opened",
    "block_action",
    "event",
    "fixture",
    "function_executed",
    "mention",
    "message",
    "message_changed",
    "message_deleted",
    "message_shortcut",
    "slash_command",
    "slash_form",
    "view_submission",
]

EVENTS = Path(__file__).resolve().parents[1] / "fixtures" / "events"
TEAM = "T111"
_seq = itertools.count(1)


@cache
def _load(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text(encoding="utf-8"))


def fixture(name: str) -> dict[str, Any]:
    """A fresh copy of ``tests/fixtures/events/<name>``, with a unique event_id and TEAM."""
    body = copy.deepcopy(_load(name))
    if "event_id" in body:
        body["event_id"] = f"Ev{next(_seq):08d}"
    if "team_id" in body:
        body["team_id"] = TEAM
    return body


def _ts() -> str:
    return f"1700001000.{next(_seq):06d}"


def message(
    text: str,
    *,
    channel: str = "C111",
    user: str = "U222",
    ts: str | None = None,
    thread_ts: str | None = None,
    channel_type: str = "channel",
    event_id: str | None = None,
) -> dict[str, Any]:
    """A user's message event (a modern client's shape, blocks matching the text)."""
    body = fixture("event_callback_message_with_blocks_rich_text.json")
    ev = body["event"]
    ev.update(text=text, channel=channel, user=user, channel_type=channel_type, team=TEAM)
    ev["ts"] = ev["event_ts"] = ts or _ts()
    ev["blocks"][0]["elements"][0]["elements"] = [{"type": "text", "text": text}]
    if thread_ts:
        ev["thread_ts"] = thread_ts
    if event_id:
        body["event_id"] = event_id
    return body


def mention(
    text: str,
    *,
    bot_user: str = "UBOT",
    channel: str = "C111",
    user: str = "U222",
    ts: str | None = None,
    thread_ts: str | None = None,
) -> dict[str, Any]:
    """An app_mention event for ``<@bot_user> text``."""
    body = fixture("event_callback_app_mention.json")
    ev = body["event"]
    ev.update(text=f"<@{bot_user}> {text}", channel=channel, user=user, team=TEAM)
    ev["ts"] = ev["event_ts"] = ts or _ts()
    ev["blocks"][0]["elements"][0]["elements"] = [
        {"type": "user", "user_id": bot_user},
        {"type": "text", "text": f" {text}"},
    ]
    if thread_ts:
        ev["thread_ts"] = thread_ts
    return body


def event(name: str, **changes: Any) -> dict[str, Any]:
    """Another captured event (bot message, edit, deletion...) with ``changes`` to its event."""
    body = fixture(name)
    body["event"].update(changes)
    return body


def slash_command(
    text: str,
    *,
    response_url: str,
    user: str = "U222",
    channel: str = "C111",
    command: str = "/errcode",
) -> dict[str, str]:
    """The fields of a slash command (as Slack form-encodes them)."""
    fields = dict(_load("slash_command.json"))
    fields.update(
        text=text,
        user_id=user,
        channel_id=channel,
        command=command,
        response_url=response_url,
        team_id=TEAM,
        trigger_id=f"{next(_seq)}.222.xxx",
    )
    return fields


def slash_form(fields: dict[str, str]) -> bytes:
    return urlencode(fields).encode()


def block_action(
    action_id: str,
    value: str,
    *,
    user: str,
    response_url: str,
    channel: str = "C111",
    message_ts: str | None = None,
) -> dict[str, Any]:
    """A button click; with ``message_ts`` it came from a normal (not ephemeral) message."""
    body = fixture("block_actions.json")
    body["user"]["id"] = user
    body["channel"]["id"] = body["container"]["channel_id"] = channel
    body["response_url"] = response_url
    body["actions"][0].update(action_id=action_id, value=value, block_id="errcode")
    if message_ts is not None:
        body["container"].update(message_ts=message_ts, is_ephemeral=False)
        body["message"] = {
            "type": "message",
            "ts": message_ts,
            "user": "UBOT",
            "bot_id": "BBOT",
            "text": "Explained: ...",
            "blocks": [],
        }
    return body


def message_shortcut(
    text: str,
    *,
    response_url: str,
    user: str = "U222",
    channel: str = "C111",
    callback_id: str = "explain_codes",
) -> dict[str, Any]:
    """A message shortcut on a message reading ``text``, used by ``user``."""
    body = fixture("message_action.json")
    body.update(callback_id=callback_id, response_url=response_url)
    body["trigger_id"] = f"{next(_seq)}.222.xxx"
    body["team"]["id"] = TEAM
    body["user"]["id"] = user
    body["channel"]["id"] = channel
    ts = _ts()
    body["message_ts"] = ts
    body["message"].update(text=text, ts=ts, team=TEAM, user="U333")
    body["message"]["blocks"][0]["elements"][0]["elements"] = [{"type": "text", "text": text}]
    return body


def function_executed(
    inputs: dict[str, Any], *, callback_id: str = "explain_error_code", execution: str = "Fx111"
) -> dict[str, Any]:
    """A workflow step run: ``function_executed`` for ``callback_id`` with ``inputs``."""
    body = fixture("event_callback_function_executed.json")
    body["team_id"] = TEAM
    ev = body["event"]
    ev["function"]["callback_id"] = callback_id
    ev.update(inputs=inputs, function_execution_id=execution, bot_access_token="xwfp-e2e-token")
    return body


def app_home_opened(user: str = "U222", tab: str = "home") -> dict[str, Any]:
    """Someone opened the app's Home tab (or its Messages tab)."""
    body = fixture("event_callback_app_home_opened.json")
    body["event"].update(user=user, tab=tab)
    return body


def view_submission(
    callback_id: str,
    values: dict[str, dict[str, str]],
    *,
    user: str = "U222",
    private_metadata: str = "",
    view_id: str = "V111",
) -> dict[str, Any]:
    """A modal submitted: ``values`` maps block_id -> action_id -> what was typed."""
    body = fixture("view_submission.json")
    body["user"]["id"] = user
    body["team"]["id"] = TEAM
    view = body["view"]
    view.update(callback_id=callback_id, private_metadata=private_metadata, id=view_id)
    view["state"]["values"] = {
        block: {
            action: {"type": "plain_text_input", "value": text} for action, text in inputs.items()
        }
        for block, inputs in values.items()
    }
    return body


def message_changed(
    ts: str,
    text: str,
    *,
    before: str = "",
    channel: str = "C111",
    user: str = "U222",
    editor: str | None = None,
    thread_ts: str | None = None,
) -> dict[str, Any]:
    """``user`` edited their message ``ts`` (``editor``: whoever Slack says edited it)."""
    body = fixture("event_callback_message_changed.json")
    ev = body["event"]
    ev["channel"] = channel
    ev["ts"] = ev["event_ts"] = _ts()
    for key, said in (("message", text), ("previous_message", before)):
        ev[key].update(text=said, user=user, ts=ts, team=TEAM)
        if thread_ts:
            ev[key].update(thread_ts=thread_ts)
        else:
            for field in ("thread_ts", "parent_user_id"):
                ev[key].pop(field, None)
    ev["message"]["edited"] = {"user": editor or user, "ts": ev["ts"]}
    return body


def message_deleted(ts: str, *, channel: str = "C111", text: str = "") -> dict[str, Any]:
    """The message ``ts`` was deleted."""
    body = fixture("event_callback_message_deleted.json")
    ev = body["event"]
    ev.update(channel=channel, deleted_ts=ts)
    ev["ts"] = ev["event_ts"] = _ts()
    ev["previous_message"].update(ts=ts, text=text, team=TEAM)
    return body
