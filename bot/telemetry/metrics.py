"""Prometheus metrics of the Slack app, exposed at GET /metrics.

Metrics live in prometheus-client's default registry, so the process and
platform collectors come for free. Label values are small closed sets (never a
channel, user or code), which keeps the number of series bounded.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

#: Request-context key under which a transport records when a request arrived
#: (``time.monotonic()``): time spent before a listener runs (Bolt's authorization calls
#: auth.test on the first request) counts against Slack's 3 s too.
RECEIVED_AT = "errcode_received_at"

__all__ = [
    "ACKS_BEFORE_HANDOFF",
    "CONTENT_TYPE",
    "EVENTS_REFUSED",
    "HANDLER_SECONDS",
    "LOOKUPS",
    "OUTBOX_DEAD_LETTERS",
    "OUTBOX_JOBS",
    "RECEIVED_AT",
    "REPLIES",
    "REQUESTS",
    "SCANNER_HITS",
    "SLACK_API_ERRORS",
    "SLACK_API_RETRIES",
    "exposition",
    "timed",
]

CONTENT_TYPE = CONTENT_TYPE_LATEST

#: Requests from Slack, by kind: event, command, action, other.
REQUESTS = Counter("errcode_requests", "Requests received from Slack", ["kind"])
#: Messages the bot sent, by kind: answer, not_found, help, auto_reply, share, notice, error.
REPLIES = Counter("errcode_replies", "Replies sent", ["kind"])
#: Lookups answered (found) or not (not_found).
LOOKUPS = Counter("errcode_lookups", "Code lookups", ["status"])
SCANNER_HITS = Counter("errcode_scanner_hits", "Code mentions found in channel messages")
#: Messages refused because every worker was busy and the queue full, by kind: question (a DM
#: or a mention), shortcut, auto_reply (bot.slack.workers).
WORK_REFUSED = Counter("errcode_work_refused", "Messages refused by a full worker queue", ["kind"])
#: Web API calls that failed after their retries, by method (chat.postMessage, ...).
SLACK_API_ERRORS = Counter("errcode_slack_api_errors", "Slack API calls that failed", ["method"])
#: Retries of Web API calls, by reason: rate_limited, server_error, connection.
SLACK_API_RETRIES = Counter("errcode_slack_api_retries", "Slack API call retries", ["reason"])
#: Outbox jobs by result: posted, posted_again (a retry or a job claimed from a dead
#: replica), retry (failed, to be tried again).
OUTBOX_JOBS = Counter("errcode_outbox_jobs", "Reply jobs handled by the outbox", ["result"])
#: Event deliveries answered 503 while the state store was down, each left to the replica
#: its id hashes to (ERRCODE_REPLICAS); Slack delivers them again.
EVENTS_REFUSED = Counter(
    "errcode_events_refused", "Events left to another replica during a store outage"
)
#: Reply jobs given up after their attempts (or refused for good by Slack).
OUTBOX_DEAD_LETTERS = Counter("errcode_outbox_dead_letters", "Reply jobs given up")
#: Acks held for their listener's handoff to the outbox as long as allowed, then sent
#: before it (bot.slack.handoff): a crash right after loses that reply.
ACKS_BEFORE_HANDOFF = Counter(
    "errcode_acks_before_handoff", "Acks sent before the request's reply was in the outbox"
)
HANDLER_SECONDS = Histogram(
    "errcode_handler_seconds",
    "Time a listener takes, from receipt to its last Slack call",
    ["handler"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


@contextmanager
def timed(handler: str) -> Iterator[None]:
    """Observe the duration of the ``with`` body under ``handler``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        HANDLER_SECONDS.labels(handler=handler).observe(time.perf_counter() - start)


def exposition() -> bytes:
    """The current metrics in Prometheus' text format."""
    return generate_latest()
