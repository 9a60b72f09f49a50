"""Slack's v0 request signature, checked once, by the transport, on the raw bytes."""

from __future__ import annotations

import pytest
from fakes.fake_slack import signed_headers

from bot.transports.signature import (
    CLOCK_SKEW_SECONDS,
    MAX_AGE_SECONDS,
    headers_present,
    is_signed,
    replay_claim,
)

SECRET = b"unit-secret"
NOW = 1_700_000_000


def signed(body: bytes, timestamp: int = NOW, secret: bytes = SECRET) -> list[tuple[bytes, bytes]]:
    """The ASGI headers Slack would send with ``body``."""
    headers = signed_headers(secret.decode(), body, timestamp)
    return [(name.encode(), value.encode()) for name, value in headers.items()]


@pytest.mark.parametrize("body", [b'{"type":"event_callback"}', b"", b"\xff\xfe not UTF-8"])
def test_slacks_signature_over_the_exact_bytes_is_accepted(body: bytes) -> None:
    # Bytes that are not UTF-8 are checked too: slack_sdk's verifier raises on them.
    assert is_signed(SECRET, body, signed(body), now=NOW)


@pytest.mark.parametrize(
    ("headers", "body", "now"),
    [
        (signed(b"a", secret=b"other"), b"a", NOW),
        (signed(b"a"), b"b", NOW),
        (signed(b"a", timestamp=NOW - MAX_AGE_SECONDS - 1), b"a", NOW),
        (signed(b"a", timestamp=NOW + MAX_AGE_SECONDS + 1), b"a", NOW),
        ([(b"x-slack-request-timestamp", b"now"), (b"x-slack-signature", b"v0=")], b"a", NOW),
        ([], b"a", NOW),
    ],
    ids=["wrong secret", "other body", "stale", "from the future", "bad timestamp", "none"],
)
def test_anything_else_is_refused(
    headers: list[tuple[bytes, bytes]], body: bytes, now: int
) -> None:
    assert not is_signed(SECRET, body, headers, now=now)


def test_a_timestamp_at_the_limit_is_still_fresh() -> None:
    headers = signed(b"a", timestamp=NOW - MAX_AGE_SECONDS)
    assert is_signed(SECRET, b"a", headers, now=NOW)


@pytest.mark.parametrize(
    ("headers", "present"),
    [
        (signed(b""), True),
        ([(b"x-slack-request-timestamp", b"1"), (b"x-slack-signature", b"abc")], False),
        ([(b"x-slack-request-timestamp", b""), (b"x-slack-signature", b"v0=1")], False),
        ([(b"x-slack-signature", b"v0=1")], False),
    ],
)
def test_headers_present_needs_both_in_shape(
    headers: list[tuple[bytes, bytes]], present: bool
) -> None:
    assert headers_present(headers) is present


@pytest.mark.parametrize(
    "timestamp",
    [b"9" * 13, b"1" * 309, b"1" * 5000, "\u00b2".encode("latin-1"), b"+1700000000", b" 17"],
    ids=["13 digits", "309 digits", "5000 digits", "superscript two", "signed", "spaced"],
)
def test_a_timestamp_of_any_length_or_shape_is_refused_not_raised(timestamp: bytes) -> None:
    """309+ digits overflowed the float comparison; 4,300+ reached int()'s limit."""
    headers = [
        (b"x-slack-request-timestamp", timestamp),
        (b"x-slack-signature", b"v0=" + b"0" * 64),
    ]
    assert not headers_present(headers)
    assert not is_signed(SECRET, b"a", headers, now=NOW)


@pytest.mark.parametrize(
    ("timestamp", "ttl"),
    [
        (NOW, MAX_AGE_SECONDS + 1 + CLOCK_SKEW_SECONDS),
        (NOW - MAX_AGE_SECONDS, 1 + CLOCK_SKEW_SECONDS),
        (NOW + MAX_AGE_SECONDS, 2 * MAX_AGE_SECONDS + 1 + CLOCK_SKEW_SECONDS),
    ],
    ids=["now", "at the limit", "from the future"],
)
def test_a_seen_pair_is_remembered_while_it_is_fresh(timestamp: int, ttl: int) -> None:
    headers = signed(b"a", timestamp=timestamp)
    key, seconds = replay_claim(headers, now=NOW)
    assert seconds == ttl
    assert key == replay_claim(signed(b"a", timestamp=timestamp), now=NOW + 7)[0]
    assert key != replay_claim(signed(b"b", timestamp=timestamp), now=NOW)[0]
