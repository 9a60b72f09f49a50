"""The Slack Web API fault matrix: each fault, what the bot must do, and a runner.

Each :class:`FaultCase` scripts one misbehaviour of the fake Slack for one reply —
a channel auto-reply (chat.postMessage in a thread), a DM's answer (chat.postMessage,
no thread) or a slash command's answer — and says how many posting attempts the bot
should make and how many replies must land. A slash command is answered in its ack,
so Web API and response_url faults cannot touch it: its cases make every such call
fail and expect the answer in the ack, with no attempt at all. Only when the state
store is too slow for the ack (``command-late`` cases, run against a server whose
store writes take :data:`LATE_STORE_DELAY`, see ``slow_store.py``) does the answer go
to the response_url, with that path's retries.
:func:`run_matrix` runs every case at once (each case has its own thread, DM,
channel or response_url, and its faults apply only to it), so the whole matrix takes
as long as its slowest case.
``tests/e2e/test_faults.py`` asserts on the results; ``tests/scripts/reliability.py``
prints them as a table.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from e2e.harness import Response, SlackSender
from fakes import payloads as P
from fakes.fake_slack import Call, FakeSlack

__all__ = [
    "ACK_LIMIT",
    "CASES",
    "LATE_STORE_DELAY",
    "FaultCase",
    "FaultResult",
    "run_case",
    "run_matrix",
]

#: Slack's limit for acknowledging a request.
ACK_LIMIT = 3.0
#: How long a case may take to deliver (the slowest: a slow store then a 5 s answer, or
#: 4 backed-off attempts).
DEADLINE = 12.0
#: Seconds each store write takes on the server of the ``command-late`` cases: longer
#: than the bot waits for an answer to put in the ack (2 s).
LATE_STORE_DELAY = 2.5
#: What a slash command of the matrix asks, and a word its answer must hold.
_QUERY, _ANSWER = "1027", "WRONG_SERVER"

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
    #: a DM: chat.postMessage, no thread), ``command`` (a slash command: answered in its
    #: ack; the fault hits its response_url and chat.postMessage in its channel) or
    #: ``command-late`` (a slash command on a slow store: answered on its response_url).
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
        """The call that carries the reply when it is not in the ack."""
        if self.target.startswith("command"):
            return f"response_url:fault-{self.name}"
        return "chat.postMessage"

    @property
    def methods(self) -> tuple[str, ...]:
        """Every call the fault is scripted on (and posting attempts are counted on)."""
        if self.target == "command":  # whatever a command could post through: all failing
            return (self.method, "chat.postMessage")
        return (self.method,)

    @property
    def late(self) -> bool:
        """Whether the case needs the server with the slow store."""
        return self.target == "command-late"


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
        note="gives up after 3 retries: a dead letter of the outbox, logged and counted in "
        "errcode_slack_api_errors_total and errcode_outbox_dead_letters_total",
    ),
    FaultCase(
        "dm-drop-before", "dm", "connection closed before posting", _drop(after_posting=False), 2
    ),
    FaultCase(
        "dm-drop-after", "dm", "connection closed after posting", _drop(after_posting=True), 1
    ),
    # A slash command's answer is its ack: faults of every call that could post it
    # change nothing, and no call is made at all.
    FaultCase(
        "command-503",
        "command",
        "503 on every response_url and chat.postMessage",
        _fail(503, 50),
        0,
    ),
    FaultCase(
        "command-429",
        "command",
        "429 (Retry-After: 30) on every response_url and chat.postMessage",
        _fail(429, 50, 30),
        0,
    ),
    FaultCase(
        "command-drop",
        "command",
        "every response_url and chat.postMessage connection closed before posting",
        lambda fake, method, where: fake.drop(method, 50, after_posting=False, where=where),
        0,
    ),
    FaultCase(
        "command-slow",
        "command",
        "every response_url and chat.postMessage answers after 5 s",
        lambda fake, method, where: fake.slow(method, 5.0, 50, where=where),
        0,
    ),
    # The store slower than the ack allows: the ack goes out empty and the answer to the
    # response_url, with that path's retries.
    FaultCase(
        "command-late",
        "command-late",
        "no fault (the answer goes to the response_url)",
        lambda fake, method, where: None,
        1,
        min_seconds=LATE_STORE_DELAY,
    ),
    FaultCase(
        "command-late-503",
        "command-late",
        "503 twice",
        _fail(503, 2),
        3,
        min_seconds=LATE_STORE_DELAY,
    ),
    FaultCase(
        "command-late-drop-after",
        "command-late",
        "connection closed after posting",
        _drop(after_posting=True),
        1,
        min_seconds=LATE_STORE_DELAY,
    ),
    FaultCase(
        "command-late-drop-before",
        "command-late",
        "connection closed before posting",
        _drop(after_posting=False),
        1,
        expect=0,
        note=(
            "at most once: a response_url cannot be searched for a post that landed, so an "
            "ambiguous drop is not repeated. Only an answer that missed the ack (the state "
            "store slower than 2 s) takes this path; the failure is logged and counted in "
            "errcode_slack_api_errors_total"
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
    #: Whether the ack's body carried the answer (slash commands answered in time).
    in_ack: bool = False

    def problems(self) -> list[str]:
        """Every way this result breaks the case's contract (empty: it holds)."""
        case, found = self.case, []
        if self.ack_status != 200 or self.ack_seconds >= ACK_LIMIT:
            found.append(f"ack {self.ack_status} in {self.ack_seconds:.2f}s")
        if self.in_ack != (case.target == "command"):
            found.append("answer in the ack" if self.in_ack else "no answer in the ack")
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
    if case.target.startswith("command"):
        url = fake.response_url(case.method.removeprefix("response_url:"))
        channel = "C" + case.name.upper().replace("-", "")
        form = P.slash_form(P.slash_command(_QUERY, response_url=url, channel=channel))

        def ours(call: Call) -> bool:  # its response_url, or a post in its channel
            return call.method == case.method or call.params.get("channel") == channel

        return ours, None, lambda: sender.command(form)
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


def _answered_in(ack: Response) -> bool:
    """Whether an ack's body is the command's answer (an empty ack is not)."""
    if ack.status != 200 or not ack.body:
        return False
    try:
        answer = ack.json()
    except ValueError:
        return False
    return isinstance(answer, dict) and _ANSWER in str(answer.get("text"))


def run_case(
    case: FaultCase, fake: FakeSlack, sender: SlackSender, settle: float = 0.8
) -> FaultResult:
    """Script ``case`` on ``fake``, send its request to the bot, wait, and count.

    :param settle: how long to keep watching after the expected outcome, so that a
        duplicate or an extra attempt, if any, is counted.
    """
    where, lookup, send = _request(case, fake, sender)
    for method in case.methods:
        case.script(fake, method, where)
    start = time.monotonic()
    ack = send()
    in_ack = _answered_in(ack)

    def landed(call: Call) -> bool:
        return call.delivered and (where is None or where(call))

    if case.expect and not in_ack:
        fake.wait_for(case.method, count=case.expect, timeout=DEADLINE, where=landed)
    elif case.attempts:  # nothing (more) must land: wait for the bot to make all its attempts
        fake.wait_for(case.method, count=case.attempts, timeout=DEADLINE, where=where)
    time.sleep(settle)
    calls = [call for method in case.methods for call in fake.calls_to(method, where)]
    delivered = [c for c in calls if c.delivered]
    lookups = fake.calls_to("conversations.*", lookup) if lookup is not None else []
    return FaultResult(
        case=case,
        ack_status=ack.status,
        ack_seconds=ack.seconds,
        attempts=len(calls),
        delivered=len(delivered) + int(in_ack),
        deliver_seconds=ack.seconds
        if in_ack
        else (delivered[0].answered - start if delivered else None),
        lookups=len(lookups),
        in_ack=in_ack,
    )


def run_matrix(
    fake: FakeSlack,
    sender: SlackSender,
    cases: tuple[FaultCase, ...] = CASES,
    late_sender: SlackSender | None = None,
) -> list[FaultResult]:
    """Every case at once (each in its own thread), in the order of ``cases``.

    :param late_sender: the server with the slow store, for the ``command-late`` cases
        (left out without one).
    """
    if late_sender is None:
        cases = tuple(case for case in cases if not case.late)

    def run(case: FaultCase) -> FaultResult:
        return run_case(case, fake, late_sender if case.late and late_sender else sender)

    with ThreadPoolExecutor(len(cases)) as pool:
        return list(pool.map(run, cases))
