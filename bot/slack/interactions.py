"""Bolt listeners for what people do with an answer: details, feedback, edits, the App Home.

Like :mod:`bot.slack.listeners`, each one acknowledges first, hands plain fields to a
Slack-free decision (:class:`~bot.slack.conversation.Conversation`) in a worker thread,
and sends what it returns: response_url posts and edits of a reply through the outbox,
views (whose trigger_id lives 3 s) straight away. They are registered before the listeners of
:mod:`bot.slack.listeners`, whose catch-alls would otherwise take their requests.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import blocks, handoff, jobs, notices, render, views
from bot.slack.conversation import Conversation, Outcome
from bot.slack.edits import Edit
from bot.slack.listeners import _CHANNEL_TYPES, ANSWER_IN_ACK_SECONDS, _respond, _str
from bot.slack.outbox import Replies
from bot.store.jobs import Job
from bot.telemetry.metrics import SLACK_API_ERRORS, timed

__all__ = ["register_interactions"]

log = logging.getLogger("errcode.slack")

#: The Details buttons of a compact reply and the See-also buttons of a card.
_ENTRY_BUTTON = re.compile(rf"^(?:{render.DETAILS_ACTION}|{render.SEE_ALSO_ACTION})_\d+$")


def _team(body: dict[str, Any]) -> str:
    """The workspace of an interaction (``team.id``; ``user.team_id`` as a fallback)."""
    return _str(body, "team", "id") or _str(body, "user", "team_id")


def _input(view: dict[str, Any], ids: tuple[str, str]) -> str:
    """What was typed in a modal's input ``(block_id, action_id)``; "" if nothing."""
    return _str(view, "state", "values", ids[0], ids[1], "value")


async def _call(method: str, call: Any) -> None:
    """Await a Web API call; a refusal is counted and logged, never raised after the ack."""
    try:
        await call
    except SlackApiError as exc:
        SLACK_API_ERRORS.labels(method=method).inc()
        log.error("%s failed: %s", method, exc.response.get("error"))
    except Exception as exc:  # connection errors and timeouts, once retries are spent
        SLACK_API_ERRORS.labels(method=method).inc()
        log.error("%s failed: %r", method, exc)


def register_interactions(app: AsyncApp, conversation: Conversation, replies: Replies) -> None:
    """Attach the listeners of this module to ``app`` (before :func:`listeners.register`);
    what they owe Slack after the ack goes through ``replies``."""

    @app.action(_ENTRY_BUTTON)
    async def on_entry_button(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        with timed("details"):
            async with replies.owed():
                outcome = await asyncio.to_thread(
                    conversation.entry, _str(action, "value"), _team(body)
                )
                # Ephemeral: only whoever clicked sees the entry, wherever the button was.
                url = _str(body, "response_url")
                await _respond(replies, url, outcome, replace_original=False)

    # -- feedback ----------------------------------------------------------------------

    @app.action(render.HELPFUL_ACTION)
    async def on_helpful(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        with timed("feedback"):
            async with replies.owed():
                thanks = await asyncio.to_thread(
                    conversation.feedback.vote,
                    _team(body),
                    _str(action, "value"),
                    _str(body, "user", "id"),
                    True,
                )
                if thanks is not None:
                    url = _str(body, "response_url")
                    thanked = Outcome(thanks, "feedback")
                    await _respond(replies, url, thanked, replace_original=False)

    @app.action(render.NOT_HELPFUL_ACTION)
    async def on_not_helpful(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        with timed("feedback"):
            value = _str(action, "value")
            entries = conversation.feedback.entries(value)
            if not entries:
                return  # tampered with: nothing to count, nothing to ask
            # The modal first: the click's trigger_id is good for 3 seconds only.
            modal = views.feedback_modal(value, entries)
            trigger = _str(body, "trigger_id")
            if trigger:
                await _call("views.open", client.views_open(trigger_id=trigger, view=modal))
            await asyncio.to_thread(
                conversation.feedback.vote, _team(body), value, _str(body, "user", "id"), False
            )

    @app.view(views.FEEDBACK_CALLBACK)
    async def on_feedback_comment(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()  # closes the modal
        with timed("feedback"):
            view = body.get("view") or {}
            await asyncio.to_thread(
                conversation.feedback.comment,
                _team(body),
                _str(view, "private_metadata"),
                _input(view, views.COMMENT_INPUT),
            )

    # -- the App Home ------------------------------------------------------------------

    @app.event("app_home_opened")
    async def on_home_opened(
        event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        user = _str(event, "user")
        with timed("home"):
            if _str(event, "tab") != "home" or not user:
                return  # the Messages tab: the DM answers questions itself
            view = await asyncio.to_thread(conversation.home, _str(body, "team_id"))
            await _call("views.publish", client.views_publish(user_id=user, view=view))

    @app.action(views.HOME_LOOKUP_ACTION)
    async def on_home_lookup(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        with timed("home"):
            trigger = _str(body, "trigger_id")
            if trigger:
                modal = views.lookup_modal()
                await _call("views.open", client.views_open(trigger_id=trigger, view=modal))

    @app.view(views.LOOKUP_CALLBACK)
    async def on_lookup(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        view = body.get("view") or {}
        with timed("lookup"):
            work = asyncio.ensure_future(
                asyncio.to_thread(
                    conversation.lookup_view, _input(view, views.LOOKUP_INPUT), _team(body)
                )
            )
            done, _ = await asyncio.wait({work}, timeout=ANSWER_IN_ACK_SECONDS)
            if done and not work.exception():
                # The answer replaces the modal's view in the ack itself: no call to lose.
                await ack(response_action="update", view=work.result())
                return
            # Slow (a hanging store): keep the modal open, update it once answered. The
            # update is made after the ack, as it must (its decision is what is slow),
            # and not through the outbox: a crash meanwhile leaves "Looking it up…".
            await ack(response_action="update", view=views.lookup_modal(_LOOKING_UP))
            handoff.release()
            await asyncio.wait({work})
            answer = work.result() if not work.exception() else views.lookup_modal(_FAILED)
            view_id = _str(view, "id")
            if view_id:
                await _call("views.update", client.views_update(view_id=view_id, view=answer))

    # -- edits and deletions of explained messages ----------------------------------------

    @app.event({"type": "message", "subtype": "message_changed"})
    async def on_message_changed(event: dict[str, Any], body: dict[str, Any]) -> None:
        with timed("edit"):
            message = event.get("message") or {}
            channel = _str(event, "channel")
            if event.get("channel_type") not in _CHANNEL_TYPES or message.get("bot_id"):
                return  # DMs are questions, not explained messages; bots' edits (ours too)
            author = _str(message, "user")
            async with replies.owed():
                edit = await asyncio.to_thread(
                    conversation.edits.edited,
                    text=_str(message, "text"),
                    channel=channel,
                    ts=_str(message, "ts"),
                    thread_ts=_str(message, "thread_ts") or None,
                    author=author,
                    editor=_str(message, "edited", "user") or author,
                    event_id=_str(body, "event_id") or None,
                )
                job = _edit_job(edit, channel, _str(message, "ts"))
                if job is not None:
                    await replies.send(job)

    @app.event({"type": "message", "subtype": "message_deleted"})
    async def on_message_deleted(event: dict[str, Any]) -> None:
        with timed("edit"):
            channel = _str(event, "channel")
            ts = _str(event, "deleted_ts") or _str(event, "previous_message", "ts")
            if not channel or not ts:
                return
            async with replies.owed():
                reply = await asyncio.to_thread(conversation.edits.deleted, channel, ts)
                if reply:
                    await replies.send(jobs.delete(channel, reply))


def _edit_job(edit: Edit | None, channel: str, ts: str) -> Job | None:
    """The outbox job an edit of message ``ts`` makes due: update, delete or post its reply."""
    if edit is None:
        return None
    if edit.kind == "delete":
        return jobs.delete(channel, edit.reply_ts)
    if edit.reply is None:
        return None
    if edit.kind == "update":
        return jobs.update(channel, edit.reply_ts, edit.reply)
    # Posted in the message's thread, and remembered for the next edit.
    outcome = Outcome(edit.reply, "auto_reply", entries=edit.entries)
    return jobs.reply(outcome, channel, edit.thread, ts)


_LOOKING_UP = [blocks.section("Looking it up…")]
_FAILED = list(notices.notice("failure").blocks)
