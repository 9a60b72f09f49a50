"""Slack's request signature (v0), checked once, by the transport, on the raw bytes.

Bolt's own check is turned off (see :func:`bot.slack.app.build_app`): slack_sdk's
verifier decodes the body as UTF-8 first and raises on bytes that are not, so a
forged body of such bytes would be a 500 there, and is a 401 here.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable

__all__ = [
    "CLOCK_SKEW_SECONDS",
    "MAX_AGE_SECONDS",
    "MAX_TIMESTAMP_DIGITS",
    "headers_present",
    "is_signed",
    "replay_claim",
]

#: Older timestamps are refused, as Slack asks, so a captured request cannot be replayed.
MAX_AGE_SECONDS = 300

#: How far replicas' clocks may disagree: a seen signature is remembered this much longer.
CLOCK_SKEW_SECONDS = 30

#: The most digits a timestamp may have: Unix seconds stay at 10 digits until the year
#: 2286. Longer numbers are refused before any arithmetic, so no length of digits can
#: overflow the float comparison (309+ digits) or reach ``int()``'s limit (4,300+).
MAX_TIMESTAMP_DIGITS = 12

_TIMESTAMP = "x-slack-request-timestamp"
_SIGNATURE = "x-slack-signature"


def _lowered(headers: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in headers}


def _seconds(timestamp: str) -> int | None:
    """The timestamp as Unix seconds, or None unless it is 1 to 12 ASCII digits.

    ``str.isdigit`` alone is not enough: it accepts ``"\u00b2"`` (superscript two),
    which ``int()`` refuses.
    """
    if not (timestamp.isascii() and timestamp.isdigit()):
        return None
    if len(timestamp) > MAX_TIMESTAMP_DIGITS:
        return None
    return int(timestamp)


def headers_present(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    """Both signature headers, in their shape: worth reading the body for."""
    found = _lowered(headers)
    fresh_shape = _seconds(found.get(_TIMESTAMP, "")) is not None
    return fresh_shape and found.get(_SIGNATURE, "").startswith("v0=")


def is_signed(
    secret: bytes,
    body: bytes,
    headers: Iterable[tuple[bytes, bytes]],
    now: float | None = None,
) -> bool:
    """Slack's v0 signature over ``body`` exactly as received, and a fresh timestamp.

    :param headers: the ASGI headers (name and value as bytes).
    :param now: wall-clock seconds; the current time by default.
    """
    found = _lowered(headers)
    timestamp, signature = found.get(_TIMESTAMP, ""), found.get(_SIGNATURE, "")
    seconds = _seconds(timestamp)
    if seconds is None:
        return False
    if abs((time.time() if now is None else now) - seconds) > MAX_AGE_SECONDS:
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret, base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def replay_claim(
    headers: Iterable[tuple[bytes, bytes]], now: float | None = None
) -> tuple[str, int]:
    """The store key of a signed request's (timestamp, signature) pair, and its lifetime.

    Slack's scheme accepts a signature for :data:`MAX_AGE_SECONDS` either side of its
    timestamp, so the same bytes could be sent again until then: the transport claims
    this key once (``StateStore.claim``) and refuses the request when it was taken.
    The key lives while the pair is still fresh, plus :data:`CLOCK_SKEW_SECONDS`.
    Only call it for a request :func:`is_signed` accepted.

    :param now: wall-clock seconds; the current time by default.
    """
    found = _lowered(headers)
    timestamp, signature = found.get(_TIMESTAMP, ""), found.get(_SIGNATURE, "")
    seconds = _seconds(timestamp) or 0
    left = seconds + MAX_AGE_SECONDS - (time.time() if now is None else now)
    return f"signature:{timestamp}:{signature}", max(1, int(left) + 1 + CLOCK_SKEW_SECONDS)
