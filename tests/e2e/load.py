"""Load on ``errcode serve``: a seeded mix of channel messages, steady and then in bursts.

:func:`plan_messages` draws a realistic channel (chatter, deploy talk, links, versions,
ports and ticket numbers that are not codes, and about 10% of messages that name an
error code) from a fixed seed; every text is checked against the bot's own scanner
when drawn, so which messages expect a reply is known up front. Some messages are
delivered again later with ``X-Slack-Retry-Num``, as Slack does when an ack is slow.
:func:`run_load` sends them at a steady rate and then in bursts, measures each ack,
samples the server's resident memory, and counts the replies the fake Slack got.
``tests/e2e/test_load.py`` runs a small load in CI; ``tests/scripts/reliability.py``
the full one.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from e2e.harness import Response, SlackSender
from fakes import payloads as P
from fakes.fake_slack import FakeSlack

from bot.knowledge.base import KnowledgeBase
from bot.scanner import scan

__all__ = ["LoadFigures", "LoadShape", "Planned", "plan_messages", "rss_kib", "run_load"]

#: Slack's limit for acknowledging a request.
ACK_LIMIT = 3.0

_SERVICES = ("checkout", "auth-gateway", "chat-relay", "billing", "search", "push")
_ENVS = ("prod", "staging", "eu-west", "canary")
_PLAIN = (
    "morning all, standup in 5",
    "deploy of {svc} {ver} is rolling out to {env}",
    "can someone review PR #{pr}? it's small",
    "<@{user}> the dashboard at https://grafana.example.com/d/{hex}/{svc} looks off",
    "p99 latency on {svc} is {ms} ms, up from {ms2} ms yesterday",
    "FEATURE_{word}_ENABLED is now true in {env}",
    "lunch? :taco:",
    "build {pr} passed in {secs} seconds",
    "the nightly job retried {n} times and then passed",
    "```kubectl rollout status deploy/{svc} -n {env}```",
    "ticket OPS-{pr} is closed, thanks <@{user}>",
    "meeting moved to {hour}:30",
    "we run {svc} {ver} in {env} on port {port}",
    "cpu at {n}0% on {svc}-{n}, memory fine",
    "anyone seen the release notes for {ver}?",
    "reverted {hex} — will look again tomorrow",
)
#: Messages that name a code; ``{num}`` and ``{text}`` come from the knowledge tables.
_CODED_NUMBER = {
    "bems": (
        "deploy failed with error {num} from BEMS",
        'BEMS-Connect answered {{"error": {{"code": {num}}}}} on {env}',
        "users in {env} get error code {num} from the Connect service",
    ),
    "commsease": (
        "login fails: NIM errorCode {num} since the {ver} rollout",
        "CommsEase returned code {num} on sendMessage in {env}",
        "yunxin error {num} again for <@{user}>",
    ),
}
_CODED_TEXT = (
    "seeing {text} again in {env} :(",
    "{svc} logs: {text} when connecting",
    "is {text} something we can retry?",
)
_WORDS = ("DARK_MODE", "NEW_CHECKOUT", "FAST_SYNC", "BETA_SEARCH", "EU_ROUTING")


@dataclass
class Planned:
    """One message to deliver, and whether the bot must reply to it."""

    body: dict[str, Any]
    coded: bool
    #: The thread the reply goes to (the message's thread, or its own ts).
    reply_thread: str


@dataclass(frozen=True)
class LoadShape:
    """How to send: ``steady`` messages at ``rate`` per second, the rest in bursts."""

    steady: int
    rate: float
    burst: int
    pause: float
    #: Messages before the measured run, so that first-use allocations are not growth.
    warmup: int = 50


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        svc=rng.choice(_SERVICES),
        env=rng.choice(_ENVS),
        ver=f"v{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}",
        pr=rng.randint(100, 99999),
        user=f"U{rng.randint(100, 999)}",
        hex=f"{rng.getrandbits(28):07x}",
        ms=rng.randint(40, 900),
        ms2=rng.randint(40, 900),
        word=rng.choice(_WORDS).split("_")[0] + f"_{rng.randint(1, 99)}",
        secs=rng.randint(20, 900),
        n=rng.randint(1, 9),
        hour=rng.randint(9, 17),
        port=rng.choice((443, 8080, 6379, 5432, 3000)),
        num="{num}",
        text="{text}",
    )


def _coded_text(rng: random.Random, kb: KnowledgeBase) -> str:
    entry = rng.choice(kb.entries)
    if entry.code.text_code and rng.random() < 0.4:
        return _fill(rng.choice(_CODED_TEXT), rng).replace("{text}", entry.code.text_code)
    template = rng.choice(_CODED_NUMBER.get(entry.product.id, _CODED_NUMBER["bems"]))
    # replace, not format: the first pass already turned JSON's {{ }} into braces.
    return _fill(template, rng).replace("{num}", entry.code.code)


def _draw(rng: random.Random, kb: KnowledgeBase, coded: bool) -> str:
    """A text the scanner agrees about: codes found if and only if ``coded``."""
    for _ in range(50):
        text = _coded_text(rng, kb) if coded else _fill(rng.choice(_PLAIN), rng)
        if bool(scan(text, kb)) == coded:
            return text
    raise RuntimeError("the message templates no longer agree with the scanner")


def plan_messages(
    count: int, seed: int, kb: KnowledgeBase, *, coded_share: float = 0.10
) -> list[Planned]:
    """``count`` channel messages drawn from ``seed``, about ``coded_share`` naming codes.

    A fifth of the messages answer in a thread. A coded message is never in a thread
    another coded message uses, so the per-thread cooldown never silences a reply and
    each coded message expects exactly one.
    """
    rng = random.Random(seed)
    channels = [("CLOAD1", "channel"), ("CLOAD2", "channel"), ("CLOAD3", "channel")]
    channels += [("GLOAD4", "group"), ("GLOAD5", "mpim")]
    parents: list[tuple[str, str]] = []  # (channel, ts) of plain top-level messages
    plan: list[Planned] = []
    for _ in range(count):
        coded = rng.random() < coded_share
        channel, kind = rng.choice(channels)
        thread = None
        if parents and rng.random() < 0.2:
            at = rng.randrange(len(parents))
            channel, thread = parents[at][0], parents[at][1]
            kind = dict(channels)[channel]
            if coded:  # its thread is its own from now on
                parents.pop(at)
        text = _draw(rng, kb, coded)
        body = P.message(
            text,
            channel=channel,
            channel_type=kind,
            user=f"U{rng.randint(100, 999)}",
            thread_ts=thread,
        )
        ts = body["event"]["ts"]
        if not coded and thread is None:
            parents.append((channel, ts))
        plan.append(Planned(body, coded, thread or ts))
    return plan


def _schedule(plan: list[Planned], retry_share: float, seed: int) -> list[tuple[int, int | None]]:
    """(index in plan, retry number) in sending order: each message, some again later."""
    rng = random.Random(seed + 1)
    order: list[tuple[int, int | None]] = [(n, None) for n in range(len(plan))]
    for n in range(len(plan)):
        if rng.random() < retry_share:  # Slack redelivers a few seconds later
            order.insert(min(len(order), n + rng.randint(5, 60)), (n, 1))
    return order


def rss_kib(pid: int) -> int:
    """The resident set size of process ``pid`` in KiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


@dataclass
class LoadFigures:
    """What a load run measured."""

    messages: int
    coded: int
    redeliveries: int
    steady_seconds: float
    burst_seconds: float
    #: Every request's ack time, in seconds (from sending to the answer).
    latencies: list[float]
    #: Requests not answered 200 within :data:`ACK_LIMIT` (or not at all).
    late_acks: int
    expected: int
    delivered: int
    duplicates: int
    lost: int
    unexpected: int
    #: (requests sent so far, RSS KiB), sampled over the run; the first after warm-up.
    rss: list[tuple[int, int]] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def acked_in_time(self) -> int:
        return self.requests - self.late_acks

    def percentile(self, p: int) -> float:
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1]

    @property
    def rss_growth_kib(self) -> int:
        return self.rss[-1][1] - self.rss[0][1]

    def rss_at(self, fraction: float) -> tuple[int, int]:
        """The sample nearest to ``fraction`` of the requests sent."""
        target = fraction * self.requests
        return min(self.rss, key=lambda sample: abs(sample[0] - target))

    def problems(self) -> list[str]:
        """The must-hold figures that failed: every ack in time, no duplicate, none lost."""
        found = []
        if self.acked_in_time != self.requests:
            found.append(f"{self.requests - self.acked_in_time} acks late or failed")
        if self.duplicates:
            found.append(f"{self.duplicates} duplicate replies")
        if self.lost:
            found.append(f"{self.lost} replies lost")
        if self.unexpected:
            found.append(f"{self.unexpected} replies to messages without a code")
        return found


class _Sampler(threading.Thread):
    """Samples the server's RSS every ``every`` seconds with the count of requests sent."""

    def __init__(self, pid: int, sent: list[int], every: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.pid, self.sent, self.every = pid, sent, every
        self.samples: list[tuple[int, int]] = []
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            self.samples.append((self.sent[0], rss_kib(self.pid)))
            self.halt.wait(self.every)


def run_load(
    fake: FakeSlack,
    sender: SlackSender,
    pid: int,
    plan: list[Planned],
    shape: LoadShape,
    *,
    retry_share: float = 0.05,
    seed: int = 0,
    settle_timeout: float = 30.0,
) -> LoadFigures:
    """Send ``plan`` (after a warm-up) as ``shape`` says; measure acks, replies and memory."""
    warm = plan_warmup(shape.warmup)
    with ThreadPoolExecutor(16) as pool:
        for reply in pool.map(sender.event, warm):
            assert reply.status == 200, reply
    _settled_replies(fake, "CWARM", sum(_coded_warmup(n) for n in range(shape.warmup)), 10.0)
    fake.reset()

    order = _schedule(plan, retry_share, seed)
    sent = [0]
    sampler = _Sampler(pid, sent)
    sampler.start()
    futures: list[Future[Response]] = []

    def send(item: tuple[int, int | None]) -> Response:
        index, retry = item
        started = time.perf_counter()
        try:
            return sender.event(plan[index].body, retry_num=retry)
        except OSError:  # no answer at all (the harness gives up after 10 s): late
            return Response(0, b"", time.perf_counter() - started)

    def submit(item: tuple[int, int | None]) -> Future[Response]:
        sent[0] += 1  # only this thread writes it; the sampler reads it
        return pool.submit(send, item)

    with ThreadPoolExecutor(max(16, shape.burst)) as pool:
        start = time.monotonic()
        for n, item in enumerate(order[: shape.steady]):
            time.sleep(max(0.0, start + n / shape.rate - time.monotonic()))
            futures.append(submit(item))
        for future in futures:
            future.result()
        steady = time.monotonic() - start
        start = time.monotonic()
        for at in range(shape.steady, len(order), shape.burst):
            burst = [submit(item) for item in order[at : at + shape.burst]]
            for future in burst:
                future.result()
            futures += burst
            time.sleep(shape.pause)
        bursts = time.monotonic() - start
    replies = _settled_replies(fake, None, sum(p.coded for p in plan), settle_timeout)
    sampler.halt.set()
    sampler.join()
    sampler.samples.append((sent[0], rss_kib(pid)))

    expected = {p.reply_thread for p in plan if p.coded}
    answered = [r.params.get("thread_ts") for r in replies]
    results = [f.result() for f in futures]
    return LoadFigures(
        messages=len(plan),
        coded=len(expected),
        redeliveries=len(order) - len(plan),
        steady_seconds=steady,
        burst_seconds=bursts,
        latencies=[r.seconds for r in results],
        late_acks=sum(r.status != 200 or r.seconds >= ACK_LIMIT for r in results),
        expected=len(expected),
        delivered=len(set(answered) & expected),
        duplicates=len(answered) - len(set(answered)),
        lost=len(expected - set(answered)),
        unexpected=len(set(answered) - expected),
        rss=sampler.samples,
    )


_WARMUP = ("hello there", "error 1027 in bems", "SERVER_BUSY again", "see PR #123")


def _coded_warmup(n: int) -> bool:
    return n % len(_WARMUP) in (1, 2)


def plan_warmup(count: int) -> list[dict[str, Any]]:
    """Bodies that take every path once or more (plain and coded) before measuring."""
    return [P.message(_WARMUP[n % len(_WARMUP)], channel="CWARM") for n in range(count)]


def _settled_replies(
    fake: FakeSlack, channel: str | None, expected: int, timeout: float
) -> list[Any]:
    """The delivered replies (in ``channel``, if given), once ``expected`` arrived and no
    more came for half a second, or at ``timeout``."""

    def counted(call: Any) -> bool:
        return channel is None or call.params.get("channel") == channel

    deadline = time.monotonic() + timeout
    last = -1
    while time.monotonic() < deadline:
        now = len(fake.delivered("chat.postMessage", counted))
        if now >= expected and now == last:
            break
        last = now
        time.sleep(0.5)
    return fake.delivered("chat.postMessage", counted)
