"""The Slack Web API fault matrix: each fault, what the bot must do, and a runner.

Each :class:`FaultCase` scripts one misbehaviour of the fake Slack for one reply —
a channel auto-reply (chat.postMessage in a thread), a DM's answer (chat.postMessage,
no thread) or a slash command's answer (its response_url) — and says how many
posting attempts the bot should make and how many replies must land.
:func:`run_matrix` runs every case at once against one ``errcode serve`` (each case
has its own thread, DM or response_url, and its faults apply only to it), so the
whole matrix takes as long as its slowest case.
``tests/e2e/test_faults.py`` asserts on the results; ``tests/scripts/reliability.py``
prints them as a table.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from e2e import payloads as P
from e2e.fake_slack import Call, FakeSlack
from e2e.harness import Response, SlackSender

__all__ = ["ACK_LIMIT", "CASES", "FaultCase", "FaultResult", "run_case", "run_matrix"]

#: Slack's limit for acknowledging a request.
ACK_LIMIT = 3.0
#: How long a case may take to deliver (the slowest: a 5 s answer, or 4 backed-off attempts).
DEADLINE = 12.0

Where = Callable[[Call], bool] | None
#: Scripts the fault on the fake: (fake, method, which calls) -> None.
Script = Callable[[FakeSlack, str, Where], None]


def _fail(status: int, times: int, retry_after: int | None = None) -> Script:
    return lambda fake, method, where: fake.fail(method, status, times, retry_after, where=where)


def _drop(*, after_posting: bool, reset: bool = False) -> Script:
    return lambda fake, method, where: fake.drop(
        method, after_posting=after_posting, reset=reset, where=where
    )


def _slow(seconds: float) -> Script:
    return lambda fake, method, where: fake.slow(method, seconds, where=where)


def _each(*scripts: Script) -> Script:
    def run(fake: FakeSlack, method: str, where: Where) -> None:
        for script in scripts:  # queued in order: the first call gets the first fault
            script(fake, method, where)

    return run


@dataclass(frozen=True)
class FaultCase:
    """One fault and the behaviour it must produce."""

    name: str
    #: ``reply`` (a channel auto-reply: chat.postMessage in a thread), ``dm`` (an answer in
    #: a DM: chat.postMessage, no thread) or ``command`` (a slash command: its response_url).
    target: str
    #: What Slack does, as the report says it.
    fault: str
    script: Script
    #: Posting attempts the bot makes: the first and its bounded retries.
    attempts: int
    #: Replies that must land (1; 0 where giving up or not repeating is the right answer).
    expect: int = 1
    #: The reply must not land sooner (a Retry-After or a slow answer is honoured).
    min_seconds: float = 0.0
    #: Why ``expect`` is 0, for the report.
    note: str = ""

    @property
    def method(self) -> str:
        if self.target == "command":
            return f"response_url:fault-{self.name}"
        return "chat.postMessage"


CASES: tuple[FaultCase, ...] = (
    FaultCase("reply-429", "reply", "429, Retry-After: 1", _fail(429, 1, 1), 2, min_seconds=1.0),
    FaultCase("reply-500", "reply", "500 twice", _fail(500, 2), 3),
    FaultCase("reply-503", "reply", "503 twice", _fail(503, 2), 3),
    FaultCase(
        "reply-drop-before",
        "reply",
        "connection closed before posting",
        _drop(after_posting=False),
        2,
    ),
    FaultCase(
        "reply-reset-before",
        "reply",
        "connection reset before posting",
        _drop(after_posting=False, reset=True),
        2,
    ),
    FaultCase(
        "reply-drop-after", "reply", "connection closed after posting", _drop(after_posting=True), 1
    ),
    FaultCase("reply-slow", "reply", "answers after 5 s", _slow(5.0), 1, min_seconds=5.0),
    FaultCase(
        "reply-mixed",
        "reply",
        "429 (Retry-After: 1), then 503, then closed before posting",
        _each(_fail(429, 1, 1), _fail(503, 1), _drop(after_posting=False)),
        4,
        min_seconds=1.0,
    ),
    FaultCase(
        "reply-outage",
        "reply",
        "503 on every attempt",
        _fail(503, 50),
        4,
        expect=0,
        note="gives up after 3 retries; logged and counted in errcode_slack_api_errors_total",
    ),
    FaultCase(
        "dm-drop-before", "dm", "connection closed before posting", _drop(after_posting=False), 2
    ),
    FaultCase(
        "dm-drop-after", "dm", "connection closed after posting", _drop(after_posting=True), 1
    ),
    FaultCase(
        "command-429", "command", "429, Retry-After: 1", _fail(429, 1, 1), 2, min_seconds=1.0
    ),
    FaultCase("command-500", "command", "500 twice", _fail(500, 2), 3),
    FaultCase("command-503", "command", "503 twice", _fail(503, 2), 3),
    FaultCase("command-slow", "command", "answers after 5 s", _slow(5.0), 1, min_seconds=5.0),
    FaultCase(
        "command-drop-after",
        "command",
        "connection closed after posting",
        _drop(after_posting=True),
        1,
    ),
    FaultCase(
        "command-drop-before",
        "command",
        "connection closed before posting",
        _drop(after_posting=False),
        1,
        expect=0,
        note=(
            "at most once: a response_url cannot be searched for a post that landed, "
            "so an ambiguous drop is not repeated"
        ),
    ),
)


@dataclass
class FaultResult:
    """What happened in one case."""

    case: FaultCase
    ack_status: int
    ack_seconds: float
    attempts: int
    delivered: int
    #: From sending the request to the reply landing; ``None`` if none landed.
    deliver_seconds: float | None
    #: conversations.replies/history calls: the bot checking whether a dropped post landed.
    lookups: int

    def problems(self) -> list[str]:
        """Every way this result breaks the case's contract (empty: it holds)."""
        case, found = self.case, []
        if self.ack_status != 200 or self.ack_seconds >= ACK_LIMIT:
            found.append(f"ack {self.ack_status} in {self.ack_seconds:.2f}s")
        if self.delivered != case.expect:
            found.append(f"{self.delivered} replies landed, expected {case.expect}")
        if self.attempts != case.attempts:
            found.append(f"{self.attempts} attempts, expected {case.attempts}")
        if self.deliver_seconds is not None and self.deliver_seconds < case.min_seconds:
            found.append(f"landed after {self.deliver_seconds:.2f}s, before {case.min_seconds}s")
        return found


def _request(
    case: FaultCase, fake: FakeSlack, sender: SlackSender
) -> tuple[Where, Where, Callable[[], Response]]:
    """The calls that are this case's (posts, and checks for a post), and how to send it."""
    if case.target == "command":
        url = fake.response_url(case.method.removeprefix("response_url:"))
        form = P.slash_form(P.slash_command("1027", response_url=url))
        return None, None, lambda: sender.command(form)
    if case.target == "reply":
        body = P.message(f"deploy failed with error 1027 ({case.name})", channel="CFAULTS")
        ts = body["event"]["ts"]

        def mine(call: Call) -> bool:
            return call.params.get("thread_ts") == ts

        def check(call: Call) -> bool:
            return call.method == "conversations.replies" and call.params.get("ts") == ts

    else:  # a DM of its own, so its channel tells its calls apart
        channel = "D" + case.name.upper().replace("-", "")
        body = P.message("what does 1027 mean?", channel=channel, channel_type="im")

        def mine(call: Call) -> bool:
            return call.params.get("channel") == channel

        def check(call: Call) -> bool:
            return call.method == "conversations.history" and mine(call)

    return mine, check, lambda: sender.event(body)


def run_case(
    case: FaultCase, fake: FakeSlack, sender: SlackSender, settle: float = 0.8
) -> FaultResult:
    """Script ``case`` on ``fake``, send its request to the bot, wait, and count.

    :param settle: how long to keep watching after the expected outcome, so that a
        duplicate or an extra attempt, if any, is counted.
    """
    where, lookup, send = _request(case, fake, sender)
    case.script(fake, case.method, where)
    start = time.monotonic()
    ack = send()

    def landed(call: Call) -> bool:
        return call.delivered and (where is None or where(call))

    if case.expect:
        fake.wait_for(case.method, count=case.expect, timeout=DEADLINE, where=landed)
    else:  # nothing must land: wait for the bot to make all its attempts
        fake.wait_for(case.method, count=case.attempts, timeout=DEADLINE, where=where)
    time.sleep(settle)
    calls = fake.calls_to(case.method, where)
    delivered = [c for c in calls if c.delivered]
    lookups = fake.calls_to("conversations.*", lookup) if lookup is not None else []
    return FaultResult(
        case=case,
        ack_status=ack.status,
        ack_seconds=ack.seconds,
        attempts=len(calls),
        delivered=len(delivered),
        deliver_seconds=delivered[0].answered - start if delivered else None,
        lookups=len(lookups),
    )


def run_matrix(
    fake: FakeSlack, sender: SlackSender, cases: tuple[FaultCase, ...] = CASES
) -> list[FaultResult]:
    """Every case at once (each in its own thread), in the order of ``cases``."""
    with ThreadPoolExecutor(len(cases)) as pool:
        return list(pool.map(lambda case: run_case(case, fake, sender), cases))
