"""Outbox jobs: made from a listener's outcome, and carried out by the outbox's workers.

The builders (:func:`reply`, :func:`respond`, :func:`update`, :func:`delete`) turn what
a listener decided into a :class:`~bot.store.jobs.Job`. :func:`carry_out` makes its
calls, each at most once however often the job is taken:

* chat.postMessage: the metadata look-up of :func:`~bot.slack.client.post_message_once`;
* chat.update: idempotent (the same content again changes nothing); a reply that is
  gone (removed by its author) has nothing left to update;
* chat.delete: a reply already gone is deleted;
* response_url posts: each one that lands is recorded in the outbox
  (:meth:`~bot.store.outbox.Outbox.landed`), and a job taken again skips it. A post
  whose connection dropped after it was sent may have landed, and a response_url
  cannot be searched: it is not repeated (at most once). A job older than a
  response_url's life (30 minutes; :data:`~bot.store.jobs.RESPONSE_URL_SECONDS`) is
  not tried: Slack would refuse it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from aiohttp import ClientConnectorError
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.blocks import Reply
from bot.slack.client import post_message_once, post_to_response_url
from bot.slack.conversation import Outcome
from bot.store.jobs import (
    RESPONSE_URL_SECONDS,
    DeleteReply,
    Explains,
    Job,
    Posted,
    PostReply,
    Respond,
    UpdateReply,
)
from bot.store.outbox import Outbox
from bot.telemetry.metrics import REPLIES, SLACK_API_ERRORS

__all__ = ["Failure", "OnPosted", "carry_out", "delete", "reply", "respond", "update"]

log = logging.getLogger("errcode.outbox")

#: Called with a posted reply that explains a message, and the ts Slack gave it.
OnPosted = Callable[[PostReply, str], Awaitable[None]]

#: Slack's errors for a message that is no longer there.
_GONE = frozenset({"message_not_found", "cant_delete_message", "cant_update_message"})


# -- making jobs ---------------------------------------------------------------------


def reply(outcome: Outcome, channel: str, thread: str | None, explains: str | None = None) -> Job:
    """Post ``outcome`` to ``channel`` (in ``thread``); ``explains``: the ts of the
    channel message it answers, so that an edit of that message updates the reply."""
    about = Explains(explains, outcome.entries) if explains else None
    message = outcome.reply.as_kwargs()
    return Job(PostReply(channel, message, thread or "", outcome.kind, about))


def respond(url: str, outcome: Outcome, *then: dict[str, Any], **options: Any) -> Job:
    """Post ``outcome`` to a response_url (ephemeral unless ``options`` say otherwise),
    then the bodies of ``then``, in order."""
    body = {"response_type": "ephemeral", **options, **outcome.reply.as_kwargs()}
    return Job(Respond(url, (body, *then), outcome.kind))


def update(channel: str, ts: str, new: Reply) -> Job:
    """Change the bot's reply ``ts`` to ``new``."""
    return Job(UpdateReply(Posted(channel, ts), new.as_kwargs()))


def delete(channel: str, ts: str) -> Job:
    """Delete the bot's reply ``ts``."""
    return Job(DeleteReply(Posted(channel, ts)))


# -- carrying them out ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a job was not carried out; ``permanent``: no later attempt can do better."""

    reason: str
    permanent: bool = False


class _Refused(Exception):
    """A call that a later attempt cannot fix (Slack refused it, or it may have landed)."""


async def carry_out(
    client: AsyncWebClient, outbox: Outbox, job: Job, on_posted: OnPosted | None = None
) -> Failure | None:
    """Make ``job``'s calls, skipping those that landed on an earlier take; None when done.

    Each call that succeeds is recorded as landed (``<job id>:<step>``) before the next.
    """
    task = job.task
    calls = _calls(client, job, on_posted)
    for step, call in enumerate(calls):
        key = f"{job.id}:{step}"
        if job.attempts and await asyncio.to_thread(outbox.has_landed, key):
            continue
        try:
            await call()
        except (_Refused, SlackApiError) as exc:
            # The client has already retried what a retry can fix (429, 5xx) its
            # MAX_RETRIES times: Slack keeps refusing, so the job is given up now.
            SLACK_API_ERRORS.labels(method=task.method).inc()
            error = str(exc.response.get("error")) if isinstance(exc, SlackApiError) else str(exc)
            log.error("%s failed: %s", task.method, error)
            return Failure(error, permanent=True)
        except Exception as exc:  # connection errors and timeouts, once retries are spent
            SLACK_API_ERRORS.labels(method=task.method).inc()
            log.error("%s failed: %r", task.method, exc)
            return Failure(repr(exc))
        await asyncio.to_thread(outbox.landed, key)
    return None


def _calls(
    client: AsyncWebClient, job: Job, on_posted: OnPosted | None
) -> list[Callable[[], Awaitable[None]]]:
    """The job's calls, in order: one, or one per body of a :class:`Respond`."""
    task = job.task
    match task:
        case PostReply():
            return [partial(_post, client, job, task, on_posted)]
        case UpdateReply():
            return [partial(_update, client, job, task)]
        case DeleteReply():
            return [partial(_delete, client, job, task)]
        case Respond():
            return [partial(_respond, job, task, body) for body in task.bodies]


async def _post(
    client: AsyncWebClient, job: Job, task: PostReply, on_posted: OnPosted | None
) -> None:
    ts = await post_message_once(
        client,
        channel=task.channel,
        thread_ts=task.thread_ts or None,
        reply_id=job.id,
        since=job.created,
        look_first=job.attempts > 0,
        unfurl_links=False,
        **task.message,
    )
    REPLIES.labels(kind=task.label).inc()
    if ts and task.explains is not None and on_posted is not None:
        try:
            await on_posted(task, ts)
        except Exception:
            log.exception("after posting %s", job.describe())


async def _update(client: AsyncWebClient, job: Job, task: UpdateReply) -> None:
    try:
        await client.chat_update(channel=task.reply.channel, ts=task.reply.ts, **task.message)
    except SlackApiError as exc:
        _unless_gone(exc, job)


async def _delete(client: AsyncWebClient, job: Job, task: DeleteReply) -> None:
    try:
        await client.chat_delete(channel=task.reply.channel, ts=task.reply.ts)
    except SlackApiError as exc:
        _unless_gone(exc, job)


def _unless_gone(exc: SlackApiError, job: Job) -> None:
    """Raise ``exc`` unless it says the reply is gone (removed by its author): then the
    job has nothing left to do."""
    if exc.response.get("error") not in _GONE:
        raise exc
    log.info("%s: the reply is gone", job.describe())


async def _respond(job: Job, task: Respond, body: dict[str, Any]) -> None:
    age = time.time() - job.created
    if age > RESPONSE_URL_SECONDS:
        raise _Refused(
            f"response_url expired: the job is {age / 60:.0f} min old, and Slack takes "
            f"posts to a response_url for {RESPONSE_URL_SECONDS // 60} min (5 at most)"
        )
    try:
        status = await post_to_response_url(task.url, body)
    except ClientConnectorError:
        raise  # nothing was sent: a later attempt may post it
    except Exception as exc:
        raise _Refused(f"may have landed, not repeated ({exc!r})") from exc
    if status == 404:
        raise _Refused("response_url refused (HTTP 404): expired or used 5 times")
    if status >= 400:
        raise _Refused(f"response_url refused (HTTP {status})")
    if body.get("text") or body.get("blocks"):
        REPLIES.labels(kind=task.label).inc()
