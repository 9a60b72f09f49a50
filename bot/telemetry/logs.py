"""Structured logging: JSON lines in production, readable lines on a terminal.

:func:`configure_logging` installs one handler on the root logger with two
filters, so they apply to every record that reaches it, the bot's own and those
of slack_bolt, slack_sdk, redis or uvicorn alike:

* :class:`EventIdFilter` stamps each record with the Slack event being handled,
  taken from a context variable that a handler sets with :func:`event_context`;
* :class:`RedactFilter` removes Slack tokens (``xoxb-``, ``xoxp-``, ``xapp-``,
  ``xoxe.xoxp-`` ...), ``key=value`` secrets, passwords in Redis URLs and every
  secret value registered with it (the signing secret) from the message, its
  arguments, the traceback and any extra field, at every level, DEBUG included.

The formatters redact their output once more, so that a secret can only reach a
log line by a path nobody has thought of yet, not by one we know.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Protocol

from bot.errors import ConfigError

__all__ = [
    "EventIdFilter",
    "JsonFormatter",
    "RedactFilter",
    "Redactor",
    "TextFormatter",
    "configure_logging",
    "current_event_id",
    "event_context",
]

#: The Slack event id (``Ev0123ABCD``) of the work this context is doing.
_event_id: ContextVar[str | None] = ContextVar("errcode_event_id", default=None)

#: Environment variables whose values are secrets, wherever else they show up.
SECRET_ENV = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CLIENT_SECRET")

REDACTED = "[REDACTED]"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Slack tokens: bot, user, app-level, refresh (xoxe.xoxp-1-…, xoxe-1-…), legacy.
    # The prefix stays, so a reader still knows which kind of token was there.
    # No word boundary: a token glued to other text is still a token.
    (re.compile(r"((?:xox[a-z]\.)?(?:xox[a-z]|xapp))-[A-Za-z0-9-]+"), rf"\1-{REDACTED}"),
    # A password in a URL: redis://:pw@host, rediss://user:pw@host, https://u:pw@h.
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s/]+@"), rf"\1{REDACTED}@"),
    # Authorization headers, whatever the token looks like.
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), rf"\1 {REDACTED}"),
    # key=value and "key": "value" for keys that name a secret.
    (
        re.compile(
            r"(?i)\b([a-z_]*(?:secret|password|passwd|token|api_key))"
            r"(['\"]?\s*[:=]\s*['\"]?)([^\s'\"&,;}]+)"
        ),
        rf"\1\2{REDACTED}",
    ),
)


class _Secret(Protocol):
    def get_secret_value(self) -> str: ...


class Redactor:
    """Replaces secrets in text: known patterns plus registered values.

    :param secrets: exact values to remove (strings or pydantic ``SecretStr``);
        values shorter than 6 characters are ignored, as redacting them would
        garble ordinary text.
    """

    def __init__(self, secrets: Iterable[str | _Secret | None] = ()) -> None:
        self._values: set[str] = set()
        self.add(*secrets)

    def add(self, *secrets: str | _Secret | None) -> None:
        for secret in secrets:
            if secret is not None and not isinstance(secret, str):
                secret = secret.get_secret_value()
            if secret and len(secret) >= 6:
                self._values.add(secret)

    def __call__(self, text: str) -> str:
        # Longest first, so a secret that contains another is removed whole.
        for value in sorted(self._values, key=len, reverse=True):
            if value in text:
                text = text.replace(value, REDACTED)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text


#: Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "event_id"}
#: Extras that only dress a message for a terminal (uvicorn's ANSI-coloured copy).
_NOISE = frozenset({"color_message"})


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD and k not in _NOISE}


class RedactFilter(logging.Filter):
    """Rewrites each record so that no secret is left in it; never drops one."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        redact = self.redactor
        # Merge the arguments first: a token may be split between msg and args.
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key, value in _extras(record).items():
            if isinstance(value, str):
                setattr(record, key, redact(value))
            elif not isinstance(value, int | float | bool | type(None)):
                setattr(record, key, redact(repr(value)))
        return True


class EventIdFilter(logging.Filter):
    """Adds ``event_id`` (or None) to every record from the current context."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "event_id", None) is None:
            record.event_id = _event_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, event_id, exc, extras."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "event_id": getattr(record, "event_id", None),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        entry.update(_extras(record))
        return self.redactor(json.dumps(entry, default=repr, ensure_ascii=False))


class TextFormatter(logging.Formatter):
    """``12:00:00.123 INFO  errcode.store [Ev123] message``, for people."""

    def __init__(self, redactor: Redactor) -> None:
        # An explicit datefmt: without one, asctime already ends in ",123" and the
        # milliseconds would print twice.
        super().__init__(
            "%(asctime)s.%(msecs)03d %(levelname)-5s %(name)s%(ctx)s %(message)s",
            datefmt="%H:%M:%S",
        )
        self.redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        event_id = getattr(record, "event_id", None)
        record.ctx = f" [{event_id}]" if event_id else ""
        return self.redactor(super().format(record))


@contextmanager
def event_context(event_id: str | None) -> Iterator[None]:
    """Tag the log records of the enclosed work with ``event_id``.

    Context variables do not follow work into a thread pool: enter this where the
    work runs (in the listener, or a Bolt middleware running in the same thread).
    """
    token = _event_id.set(event_id)
    try:
        yield
    finally:
        _event_id.reset(token)


def current_event_id() -> str | None:
    return _event_id.get()


_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def configure_logging(
    level: str = "INFO",
    fmt: str = "auto",
    *,
    secrets: Iterable[str | _Secret | None] = (),
    stream: Any = None,
) -> logging.Handler:
    """Send every log record to stderr, redacted, as JSON lines or readable text.

    Calling it again replaces the handler it installed before.

    :param level: ``debug``, ``info``, ``warning``, ``error`` or ``critical``.
    :param fmt: ``json``, ``text``, or ``auto``: text when stderr is a terminal.
    :param secrets: values never to log (the signing secret, tokens); the values
        of :data:`SECRET_ENV` in the environment are added to them.
    :param stream: where to write; stderr by default (tests pass a buffer).
    :raises ConfigError: for an unknown level or format.
    """
    name = level.strip().upper()
    if name not in _LEVELS:
        raise ConfigError(f"ERRCODE_LOG_LEVEL must be one of {', '.join(_LEVELS).lower()}")
    kind = fmt.strip().lower()
    if kind not in {"json", "text", "auto"}:
        raise ConfigError("ERRCODE_LOG_FORMAT must be json, text or auto")
    out = stream if stream is not None else sys.stderr
    if kind == "auto":
        kind = "text" if getattr(out, "isatty", lambda: False)() else "json"

    redactor = Redactor([*secrets, *(os.environ.get(var) for var in SECRET_ENV)])
    handler = logging.StreamHandler(out)
    handler.set_name("errcode")
    handler.addFilter(EventIdFilter())
    handler.addFilter(RedactFilter(redactor))
    handler.setFormatter(JsonFormatter(redactor) if kind == "json" else TextFormatter(redactor))

    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "errcode"]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(name)
    return handler
