"""Bolt listeners: acknowledge, hand the plain fields to :class:`Conversation`, send the reply.

Listeners stay thin, and nothing in them holds up Slack's 3-second ack for long.
Events are acknowledged by Bolt itself, and the ack leaves once the reply is a job in
the outbox (:mod:`bot.slack.handoff`, at most 2 s); the outbox posts it.
A slash command is answered *in* its ack: Slack shows the ack's body as the
ephemeral answer, so it arrives exactly once, with no Web API call that could be
lost or doubled on a dropped connection. Only when the decision is slow (the
store may be a hanging Redis) does the ack go out empty and the answer follow on
the command's response_url. Decisions run in a worker thread, never on the event
loop: messages (DMs, mentions, shortcuts, channel scans) in the bounded pool of
:mod:`bot.slack.workers`, slash commands in asyncio's default executor, so a flood of
messages never holds up an answer-in-ack. Every request gets a listener, so none ends
in Bolt's "unhandled request" 404, which Slack would retry.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.context.complete.async_complete import AsyncComplete
from slack_bolt.context.fail.async_fail import AsyncFail
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import handoff, jobs, notices, render, workflow
from bot.slack.conversation import Conversation, Outcome
from bot.slack.jobs import OnPosted
from bot.slack.outbox import Replies
from bot.slack.workers import Busy, WorkerPool
from bot.store.jobs import PostReply
from bot.telemetry.logs import event_context
from bot.telemetry.metrics import (
    RECEIVED_AT,
    REPLIES,
    REQUESTS,
    SLACK_API_ERRORS,
    WORK_REFUSED,
    timed,
)

__all__ = ["ANSWER_IN_ACK_SECONDS", "register", "remembering"]

log = logging.getLogger("errcode.slack")

_ANY = re.compile(".*")
#: How long a slash command's answer may take and still go in the ack. Resolving a
#: query takes well under a millisecond; only the state store (usage counts, mutes,
#: stats, on Redis) can be slow. Slack drops an ack later than 3 s (the user sees
#: "operation_timeout"), and Bolt, the network and Slack's clock need part of that, so
#: 2 s leaves a second of margin. Past it, the ack goes out empty and the answer
#: follows on the response_url when ready (at most once there: see slack_client).
ANSWER_IN_ACK_SECONDS = 2.0
#: The wait above counts from :data:`~bot.telemetry.metrics.RECEIVED_AT`, as Slack's 3 s
#: do; without it (Socket Mode), from the listener's start.
#: Subtypes are edits, deletions, joins, bot posts, ...: never a question to answer.
_CHANNEL_TYPES = ("channel", "group", "mpim")


def _request_kind(body: dict[str, Any]) -> str:
    if "command" in body:
        return "command"
    kind = body.get("type")
    return {"event_callback": "event", "block_actions": "action"}.get(str(kind), "other")


def _str(mapping: Any, *path: str) -> str:
    """``mapping[path[0]][path[1]]...`` if every step is a mapping and the end a string, else "".

    Slack's payloads are trusted only once signed, and even then a field may be
    missing or of another type (a payload shape Slack adds, a hand-made request);
    a listener must not fail on that after it has acknowledged.
    """
    for key in path:
        mapping = mapping.get(key) if isinstance(mapping, dict) else None
    return mapping if isinstance(mapping, str) else ""


def _message_fields(event: dict[str, Any], body: dict[str, Any]) -> dict[str, Any] | None:
    """What :class:`Conversation` needs to know of a message event; None if it lacks some."""
    channel, ts = _str(event, "channel"), _str(event, "ts")
    if not channel or not ts:
        return None
    return {
        "text": _str(event, "text"),
        "team": _str(body, "team_id"),
        "channel": channel,
        "ts": ts,
        "event_id": _str(body, "event_id") or None,
    }


_FAILURE = Outcome(notices.notice("failure"), "error")
_BUSY = Outcome(notices.notice("busy"), "busy")


def remembering(conversation: Conversation) -> OnPosted:
    """What the outbox does after a post: remember an auto-reply for later edits."""

    async def on_posted(post: PostReply, reply_ts: str) -> None:
        if post.explains is not None:
            explains = post.explains
            await asyncio.to_thread(
                conversation.edits.remember, post.channel, explains.ts, reply_ts, explains.entries
            )

    return on_posted


async def _respond(
    replies: Replies, url: str, outcome: Outcome, *then: dict[str, Any], **options: Any
) -> None:
    """Post ``outcome`` (then ``then``) to a response_url, through the outbox; with no
    url, nowhere."""
    if url:
        await replies.send(jobs.respond(url, outcome, *then, **options))


async def _announce(replies: Replies, outcome: Outcome, command: dict[str, Any]) -> None:
    """Tell the channel who changed its settings (after the ack: never holds it up)."""
    channel = _str(command, "channel_id")
    if outcome.announce is not None and channel:
        await replies.send(jobs.reply(Outcome(outcome.announce, "announce"), channel, None))


def _outcome(work: asyncio.Future[Outcome]) -> Outcome:
    """The finished decision, or the failure notice (logged) if it raised."""
    try:
        return work.result()
    except Exception:
        log.exception("slash command failed")
        return _FAILURE


def register(app: AsyncApp, conversation: Conversation, replies: Replies) -> None:
    """Attach every listener to ``app``; replies after the ack go through ``replies``."""
    # Messages (DMs, mentions, shortcuts, channel scans) are decided in a bounded pool;
    # slash commands keep asyncio's default executor and never wait behind them.
    settings = conversation.settings
    pool = WorkerPool(settings.workers, settings.work_queue)

    @app.middleware
    async def count_requests(body: dict[str, Any], next: Any) -> Any:
        REQUESTS.labels(kind=_request_kind(body)).inc()
        # Listener tasks and worker threads copy this context: their logs carry the event id.
        with event_context(_str(body, "event_id") or None):
            return await next()

    @app.command(re.compile(r"^/"))  # the app's one command, whatever name it was installed as
    async def on_command(
        ack: AsyncAck, command: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        received = context.get(RECEIVED_AT)
        waited = time.monotonic() - received if isinstance(received, float) else 0.0
        with timed("command"):
            async with replies.owed():
                # In a worker thread: the store may be Redis, and the event loop serves
                # every other request meanwhile.
                work = asyncio.ensure_future(
                    asyncio.to_thread(
                        conversation.command,
                        text=command.get("text", ""),
                        command=command.get("command", "/errcode"),
                        team=command.get("team_id", ""),
                        channel=command.get("channel_id", ""),
                        user=command.get("user_id", ""),
                    )
                )
                done, _ = await asyncio.wait(
                    {work}, timeout=max(0.0, ANSWER_IN_ACK_SECONDS - waited)
                )
                if done:
                    # The answer is the ack's body: exactly once, no Web API call at all.
                    outcome = _outcome(work)
                    await ack(response_type="ephemeral", **outcome.reply.as_kwargs())
                    REPLIES.labels(kind=outcome.kind).inc()
                    await _announce(replies, outcome, command)
                    return
                # Too slow for the ack: acknowledge now, answer on the response_url when ready.
                # The one reply that cannot be in the outbox before the ack: its decision is
                # what is slow (a hanging store). A crash before it is decided loses it.
                await ack()
                handoff.release()
                log.warning(
                    "slash command not decided within %.1f s; answering on the response_url",
                    ANSWER_IN_ACK_SECONDS,
                )
                await asyncio.wait({work})
                await _respond(replies, _str(command, "response_url"), _outcome(work))
                await _announce(replies, _outcome(work), command)

    @app.action(render.SHARE_ACTION)
    async def on_share(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        with timed("share"):
            async with replies.owed():
                # A double click sends two requests: the message is claimed, shared once.
                channel, ts = _str(body, "channel", "id"), _str(body, "container", "message_ts")
                outcome = await asyncio.to_thread(
                    conversation.shared,
                    _str(action, "value"),
                    _str(body, "user", "id"),
                    f"{channel}:{ts}" if channel and ts else "",
                )
                url = _str(body, "response_url")
                if outcome.kind != "share":
                    await _respond(replies, url, outcome, replace_original=False)
                    return
                # Public, then the ephemeral original goes: it has done its job. One job, so
                # the original is deleted only once the answer is public.
                delete_original = {"delete_original": True}
                public = {"response_type": "in_channel", "replace_original": False}
                await _respond(replies, url, outcome, delete_original, **public)

    @app.action(render.REMOVE_ACTION)
    async def on_remove(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        with timed("remove"):
            async with replies.owed():
                # Only the author of the message the bot explained may remove the explanation.
                clicker = _str(body, "user", "id")
                if not clicker or clicker != _str(action, "value"):
                    denied = Outcome(notices.notice("remove_denied"), "notice")
                    url = _str(body, "response_url")
                    await _respond(replies, url, denied, replace_original=False)
                    return
                channel, ts = _str(body, "channel", "id"), _str(body, "message", "ts")
                if not channel or not ts:
                    return  # not a click on a message the bot posted: nothing to delete
                await replies.send(jobs.delete(channel, ts))

    @app.shortcut(render.SHORTCUT_ID)
    async def on_shortcut(ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        with timed("shortcut"):
            async with replies.owed():
                # Whoever used it asked: answered even where auto-replies are muted or off.
                text, team = _str(shortcut, "message", "text"), _str(shortcut, "team", "id")
                try:
                    outcome = await pool.run(conversation.explain_message, text=text, team=team)
                except Busy:
                    WORK_REFUSED.labels(kind="shortcut").inc()
                    outcome = _BUSY
                except Exception:
                    log.exception("explaining a message failed")
                    outcome = _FAILURE
                # Ephemeral, to the person who used it; the response_url works even in a
                # channel errcode is not in.
                url = _str(shortcut, "response_url")
                await _respond(replies, url, outcome, replace_original=False)

    @app.function(workflow.FUNCTION_ID)
    async def on_step(
        inputs: dict[str, Any], body: dict[str, Any], complete: AsyncComplete, fail: AsyncFail
    ) -> None:
        with timed("workflow_step"):
            result = await asyncio.to_thread(
                conversation.workflow_step, inputs, _str(body, "team_id")
            )
            try:
                if result.outputs is not None:
                    await complete(outputs=result.outputs)
                else:
                    await fail(error=result.error or "errcode could not explain this query.")
            except SlackApiError as exc:
                SLACK_API_ERRORS.labels(method="functions.complete").inc()
                log.error("completing the workflow step failed: %s", exc.response.get("error"))
                return
            REPLIES.labels(kind="workflow_step").inc()

    @app.event("app_mention")
    async def on_mention(
        event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        if event.get("subtype") or event.get("bot_id"):
            return  # another bot mentioning us: answering could start two bots talking forever
        with timed("mention"):
            thread = _str(event, "thread_ts") or _str(event, "ts")
            await _answer_question(event, body, client, thread)

    @app.event("message")
    async def on_message(
        event: dict[str, Any],
        body: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> None:
        if event.get("subtype") or event.get("bot_id") or not _str(event, "user"):
            return  # edits, deletions, joins, bots (ours or others): acknowledged, ignored
        if event.get("channel_type") == "im":
            with timed("dm"):
                await _answer_question(event, body, client, _str(event, "thread_ts") or None)
            return
        if event.get("channel_type") not in _CHANNEL_TYPES:
            return
        fields = _message_fields(event, body)
        if fields is None:
            return
        if context.bot_user_id and f"<@{context.bot_user_id}>" in fields["text"]:
            return  # the app_mention event for this message answers it
        thread = _str(event, "thread_ts") or None
        with timed("auto_reply"):
            async with replies.owed():
                try:
                    outcome = await pool.run(
                        conversation.channel_message, **fields, thread_ts=thread, user=event["user"]
                    )
                except Busy:  # nobody asked: under overload, a channel message goes unanswered
                    WORK_REFUSED.labels(kind="auto_reply").inc()
                    log.warning("channel message not scanned: every worker busy, queue full")
                    return
                if outcome is not None:  # always in the thread, never at the channel's top
                    # Remembered once posted, so that an edit of the message updates it.
                    job = jobs.reply(
                        outcome, fields["channel"], thread or fields["ts"], fields["ts"]
                    )
                    await replies.send(job)

    async def _answer_question(
        event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient, thread: str | None
    ) -> None:
        fields = _message_fields(event, body)
        if fields is None:
            return
        async with replies.owed():
            try:
                outcome = await pool.run(conversation.question, **fields)
            except Busy:
                WORK_REFUSED.labels(kind="question").inc()
                log.warning("question not answered: every worker busy, queue full")
                outcome = _BUSY
            except Exception:
                log.exception("answering a question failed")
                outcome = _FAILURE
            if outcome is not None:
                await replies.send(jobs.reply(outcome, fields["channel"], thread))

    # Everything else Slack may send is acknowledged and dropped, never a 404.
    @app.event(_ANY)
    async def on_other_event() -> None:
        return None

    @app.action(_ANY)
    async def on_other_action(ack: AsyncAck) -> None:
        await ack()

    @app.shortcut(_ANY)
    async def on_other_shortcut(ack: AsyncAck) -> None:
        await ack()

    @app.error
    async def on_error(error: Exception, body: dict[str, Any]) -> None:
        log.error("listener failed on a %s request: %r", _request_kind(body), error)
