"""What the outbox carries: a :class:`Job` is one task owed to Slack, of one kind.

Each kind is a small frozen dataclass holding what its call needs, and nothing else:

* :class:`PostReply`: chat.postMessage (a thread reply, a DM answer, an announcement);
  exactly once by the metadata look-up of :func:`bot.slack.client.post_message_once`;
* :class:`UpdateReply`: chat.update of a reply whose message was edited (the same
  content twice is the same reply: idempotent);
* :class:`DeleteReply`: chat.delete of a reply (a reply already gone is done);
* :class:`Respond`: posts to a response_url, in order (a slash command answered late,
  Share, Details, feedback). A response_url cannot be searched, so each post that
  landed is recorded in the outbox (:meth:`~bot.store.outbox.Outbox.landed`) and a
  job taken again skips it. Slack takes a response_url for 30 minutes and 5 posts.

A job is JSON in the Redis stream: ``{"task": {"method": ..., <fields>}, "id",
"created", "attempts"}``.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any, ClassVar

__all__ = [
    "RESPONSE_URL_SECONDS",
    "DeleteReply",
    "Explains",
    "Job",
    "PostReply",
    "Posted",
    "Respond",
    "Task",
    "UpdateReply",
]

#: How long Slack accepts posts to a response_url (and it takes at most 5).
RESPONSE_URL_SECONDS = 30 * 60

#: A message's content as Block Kit: ``text`` and ``blocks`` (render's ``as_kwargs()``).
Message = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Explains:
    """The channel message ``ts`` that a reply explains, with the entries it names.

    Remembered once the reply is posted, so that an edit of the message updates it.
    """

    ts: str
    entries: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Posted:
    """A message the bot posted: ``ts`` in ``channel``."""

    channel: str
    ts: str

    def as_dict(self) -> dict[str, str]:
        return {"channel": self.channel, "ts": self.ts}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Posted:
        return cls(str(data["channel"]), str(data["ts"]))


@dataclass(frozen=True, slots=True)
class PostReply:
    """chat.postMessage to ``channel``, in ``thread_ts`` unless it is ""."""

    method: ClassVar[str] = "chat.postMessage"

    channel: str
    message: Message
    thread_ts: str = ""
    #: errcode_replies_total's ``kind`` (auto_reply, answer, announce, ...).
    label: str = "reply"
    explains: Explains | None = None


@dataclass(frozen=True, slots=True)
class UpdateReply:
    """chat.update of the bot's message ``reply`` to ``message``."""

    method: ClassVar[str] = "chat.update"

    reply: Posted
    message: Message


@dataclass(frozen=True, slots=True)
class Respond:
    """Posts of ``bodies`` to one response_url, in order (Share: the answer, then
    deleting the ephemeral original)."""

    method: ClassVar[str] = "response_url"

    url: str
    bodies: tuple[Message, ...]
    label: str = "reply"


@dataclass(frozen=True, slots=True)
class DeleteReply:
    """chat.delete of the bot's message ``reply``."""

    method: ClassVar[str] = "chat.delete"

    reply: Posted


Task = PostReply | UpdateReply | DeleteReply | Respond


def _task_dict(task: Task) -> dict[str, Any]:
    match task:
        case PostReply():
            data: dict[str, Any] = {
                "channel": task.channel,
                "message": task.message,
                "thread_ts": task.thread_ts,
                "label": task.label,
            }
            if task.explains is not None:
                data["explains"] = {"ts": task.explains.ts, "entries": list(task.explains.entries)}
        case UpdateReply():
            data = {"reply": task.reply.as_dict(), "message": task.message}
        case DeleteReply():
            data = {"reply": task.reply.as_dict()}
        case Respond():
            data = {"url": task.url, "bodies": list(task.bodies), "label": task.label}
    return {"method": task.method, **data}


def _task(data: dict[str, Any]) -> Task:
    """The task ``data`` describes; ValueError when it is none errcode makes."""
    method = data.get("method")
    try:
        if method == PostReply.method:
            explains = data.get("explains")
            return PostReply(
                channel=str(data["channel"]),
                message=dict(data["message"]),
                thread_ts=str(data.get("thread_ts") or ""),
                label=str(data.get("label") or "reply"),
                explains=(
                    Explains(str(explains["ts"]), tuple(str(e) for e in explains["entries"]))
                    if isinstance(explains, dict)
                    else None
                ),
            )
        if method == UpdateReply.method:
            return UpdateReply(Posted.from_dict(data["reply"]), dict(data["message"]))
        if method == DeleteReply.method:
            return DeleteReply(Posted.from_dict(data["reply"]))
        if method == Respond.method:
            bodies = tuple(dict(body) for body in data["bodies"])
            return Respond(str(data["url"]), bodies, str(data.get("label") or "reply"))
    except (KeyError, TypeError) as exc:
        raise ValueError(f"a {method} job without {exc}") from None
    raise ValueError(f"unknown job method {method!r}")


def _legacy_post(data: dict[str, Any]) -> PostReply:
    """A chat.postMessage job as replicas before the job kinds wrote it (``method``,
    ``args``, ``after``): read during a rolling upgrade."""
    args = dict(data["args"])
    if data.get("method") != "chat.postMessage":
        raise ValueError(f"unknown job method {data.get('method')!r}")
    channel, thread_ts = str(args.pop("channel")), str(args.pop("thread_ts", "") or "")
    args.pop("unfurl_links", None)
    after = dict(data.get("after") or {})
    remember = after.get("remember")
    explains = (
        Explains(str(remember["ts"]), tuple(str(e) for e in remember.get("entries") or ()))
        if isinstance(remember, dict)
        else None
    )
    return PostReply(channel, args, thread_ts, str(after.get("kind", "reply")), explains)


@dataclass(frozen=True, slots=True)
class Job:
    """One task owed to Slack, kept by the outbox until it is carried out.

    :param task: what to do (its kind and payload).
    :param id: stable across attempts and replicas: a chat.postMessage carries it in
        its metadata, and a response_url post's landing is recorded under it.
    :param created: wall-clock seconds when the job was made (how far back to look; a
        response_url's age).
    :param attempts: takes before this one that did not end in ``done``.
    """

    task: Task
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    created: float = field(default_factory=time.time)
    attempts: int = 0
    #: The engine's handle on this take of the job (a stream entry id); not serialised.
    receipt: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "task": _task_dict(self.task),
            "id": self.id,
            "created": self.created,
            "attempts": self.attempts,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], receipt: str = "") -> Job:
        """The job ``data`` holds; ValueError when it is not one errcode wrote."""
        try:
            task = _task(dict(data["task"])) if "task" in data else _legacy_post(data)
            return cls(
                task=task,
                id=str(data["id"]),
                created=float(data["created"]),
                attempts=int(data.get("attempts", 0)),
                receipt=receipt,
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a job: no {exc}") from None

    def describe(self) -> str:
        """A log-safe summary: what, where and the job's id; never the text or a URL."""
        task = self.task
        match task:
            case PostReply():
                where = f"to {task.channel} (thread {task.thread_ts or '-'})"
            case UpdateReply() | DeleteReply():
                where = f"of {task.reply.channel} {task.reply.ts}"
            case Respond():
                # Never the URL: whoever holds it may post as the bot for 30 minutes.
                where = f"x{len(task.bodies)} ({task.label})"
        return f"{task.method} {where} (job {self.id})"
