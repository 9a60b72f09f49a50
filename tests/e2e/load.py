"""Load on ``errcode serve``: a seeded mix of channel messages, steady and then in bursts.

:func:`plan_messages` draws a realistic channel (chatter, deploy talk, links, versions,
ports and ticket numbers that are not codes, and about 10% of messages that name an
error code) from a fixed seed; every text is checked against the bot's own scanner
when drawn, so which messages expect a reply is known up front. Some messages are
delivered again later with ``X-Slack-Retry-Num``, as Slack does when an ack is slow.
:func:`run_load` sends them at a steady rate and then in bursts, measures each ack,
samples the server's resident memory, and counts the replies the fake Slack got.

Between the messages go the requests of the handlers people trigger by hand (the
message shortcut, the Helpful / Not helpful / Details / Share buttons, the App Home
and its Look up button, both modals' submissions, the workflow step), each signed with
its own timestamp as Slack signs it; every ack is measured per kind (:data:`KINDS`).
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
from urllib.parse import quote

from e2e.harness import Response, SlackSender
from fakes import payloads as P
from fakes.fake_slack import FakeSlack

from bot.knowledge.base import KnowledgeBase
from bot.scanner import scan
from bot.slack import render, views
from bot.slack.conversation import encode_share
from bot.slack.feedback import encode_feedback

__all__ = [
    "HANDLER_KINDS",
    "KINDS",
    "KindAcks",
    "LoadFigures",
    "LoadShape",
    "Planned",
    "plan_messages",
    "rss_kib",
    "run_load",
]

#: Slack's limit for acknowledging a request.
ACK_LIMIT = 3.0

#: A channel message (the Events API), the kind the load always carried.
MESSAGE = "message"
#: The requests of the handlers people trigger, one kind per listener (or modal).
HANDLER_KINDS = (
    "shortcut",  # message shortcut "Explain error codes"
    "helpful",  # block_actions: the Helpful button
    "not_helpful",  # block_actions: Not helpful (opens the comment modal)
    "details",  # block_actions: a compact reply's Details button
    "share",  # block_actions: Share in channel
    "home_opened",  # app_home_opened event
    "home_lookup",  # block_actions: the App Home's Look up a code (opens a modal)
    "lookup_submitted",  # view_submission of the lookup modal (answered in the ack)
    "comment_submitted",  # view_submission of the Not helpful modal
    "workflow_step",  # function_executed event
)
KINDS = (MESSAGE, *HANDLER_KINDS)
#: The kinds Slack sends as Events API callbacks (JSON, redelivered when an ack is late);
#: the others are interactions (a form-encoded ``payload``, never redelivered).
_EVENT_KINDS = frozenset({MESSAGE, "home_opened", "workflow_step"})
#: Stands for the request's response_url until :func:`run_load` knows the fake Slack.
_RESPONSE_URL = "load:response_url"

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
    #: One of :data:`KINDS`; only messages ever expect a channel reply.
    kind: str = MESSAGE

    @property
    def is_event(self) -> bool:
        return self.kind in _EVENT_KINDS


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


def _handler_request(
    kind: str, tag: str, rng: random.Random, *, key: str, text: str, channel: str, user: str
) -> dict[str, Any]:
    """The body Slack sends for one ``kind`` of :data:`HANDLER_KINDS`.

    :param tag: unique per request of a run (ids, trigger ids, the shared message's ts).
    :param key: the entry the request is about (``bems:1027``); ``text``: a message text.
    """
    query = key.replace(":", " ")
    answer = encode_feedback([key], f"{rng.getrandbits(64):016x}")
    assert answer is not None
    number = int(tag[1:])
    if kind == "shortcut":
        return P.message_shortcut(text, response_url=_RESPONSE_URL, user=user, channel=channel)
    if kind in ("helpful", "not_helpful", "details", "share", "home_lookup"):
        action, value = {
            "helpful": (render.HELPFUL_ACTION, answer),
            "not_helpful": (render.NOT_HELPFUL_ACTION, answer),
            "details": (f"{render.DETAILS_ACTION}_{rng.randint(1, 4)}", key),
            "share": (render.SHARE_ACTION, encode_share(query, user) or ""),
            "home_lookup": (views.HOME_LOOKUP_ACTION, ""),
        }[kind]
        body = P.block_action(action, value, user=user, response_url=_RESPONSE_URL)
        body["channel"]["id"] = body["container"]["channel_id"] = channel
        # Its own trigger (modals) and its own ephemeral answer (Share claims the message).
        body["trigger_id"] = f"{number}.333.{tag}"
        body["container"]["message_ts"] = f"1700002000.{number:06d}"
        return body
    if kind == "home_opened":
        return P.app_home_opened(user=user)
    if kind == "lookup_submitted":
        block, field_ = views.LOOKUP_INPUT
        return P.view_submission(
            views.LOOKUP_CALLBACK, {block: {field_: query}}, user=user, view_id=f"V{tag}"
        )
    if kind == "comment_submitted":
        block, field_ = views.COMMENT_INPUT
        said = "the steps did not say which log shows it"
        return P.view_submission(
            views.FEEDBACK_CALLBACK,
            {block: {field_: said}},
            user=user,
            private_metadata=answer,
            view_id=f"V{tag}",
        )
    if kind == "workflow_step":
        return P.function_executed({"query": query}, execution=f"Fx{tag}")
    raise ValueError(f"no such kind of request: {kind}")


def plan_messages(
    count: int,
    seed: int,
    kb: KnowledgeBase,
    *,
    coded_share: float = 0.10,
    handler_share: float = 0.15,
) -> list[Planned]:
    """``count`` channel messages drawn from ``seed``, about ``coded_share`` naming codes,
    and among them ``handler_share`` × ``count`` requests of the other handlers.

    A fifth of the messages answer in a thread. A coded message is never in a thread
    another coded message uses, so the per-thread cooldown never silences a reply and
    each coded message expects exactly one. The handler requests take the kinds of
    :data:`HANDLER_KINDS` in turn, at seed-drawn places; none of them expects a channel
    reply. They are drawn from a stream of their own, so the messages of a seed stay
    the same whatever ``handler_share``.
    """
    messages = _plan_channel(count, seed, kb, coded_share)
    rng = random.Random(seed + 2)
    channels = sorted({str(p.body["event"]["channel"]) for p in messages})
    handlers: list[Planned] = []
    for n in range(round(count * handler_share)):
        kind = HANDLER_KINDS[n % len(HANDLER_KINDS)]
        entry = rng.choice(kb.entries)
        body = _handler_request(
            kind,
            f"L{n}",
            rng,
            key=entry.key,
            text=_draw(rng, kb, rng.random() < 0.8),
            channel=rng.choice(channels),
            user=f"U{rng.randint(100, 999)}",
        )
        handlers.append(Planned(body, False, "", kind))
    places = set(rng.sample(range(len(messages) + len(handlers)), len(handlers)))
    mixed: list[Planned] = []
    sources = (iter(messages), iter(handlers))
    for at in range(len(messages) + len(handlers)):
        mixed.append(next(sources[at in places]))
    return mixed


def _plan_channel(count: int, seed: int, kb: KnowledgeBase, coded_share: float) -> list[Planned]:
    """The channel messages of :func:`plan_messages`."""
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
        # Slack redelivers an event a few seconds later; an interaction, never.
        if rng.random() < retry_share and plan[n].is_event:
            order.insert(min(len(order), n + rng.randint(5, 60)), (n, 1))
    return order


def rss_kib(pid: int) -> int:
    """The resident set size of process ``pid`` in KiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def _percentile(values: list[float], p: int) -> float:
    if len(values) == 1:  # quantiles() wants two
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


@dataclass(frozen=True)
class KindAcks:
    """The acks of one kind of request (one of :data:`KINDS`)."""

    #: Each request's ack time, in seconds, redeliveries included.
    latencies: list[float]
    #: Requests not answered 200 within :data:`ACK_LIMIT` (or not at all).
    late: int

    @property
    def requests(self) -> int:
        return len(self.latencies)

    def percentile(self, p: int) -> float:
        return _percentile(self.latencies, p)


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
    #: The acks of each kind of request the plan carried, in the order of :data:`KINDS`.
    acks: dict[str, KindAcks] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def acked_in_time(self) -> int:
        return self.requests - self.late_acks

    def percentile(self, p: int) -> float:
        return _percentile(self.latencies, p)

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
            kinds = ", ".join(f"{k} {a.late}" for k, a in self.acks.items() if a.late)
            found.append(f"{self.requests - self.acked_in_time} acks late or failed ({kinds})")
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
        # Each handler's path once too, so that its first-use cost is not measured.
        for reply in pool.map(lambda p: _send(sender, fake, p, "warm"), _warm_handlers()):
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
            return _send(sender, fake, plan[index], f"load-{index}", retry)
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
    sent_kinds = [plan[index].kind for index, _ in order]  # futures are in sending order
    acks: dict[str, KindAcks] = {}
    for kind in (k for k in KINDS if k in sent_kinds):
        mine = [r for r, k in zip(results, sent_kinds, strict=True) if k == kind]
        acks[kind] = KindAcks([r.seconds for r in mine], sum(map(_late, mine)))
    return LoadFigures(
        messages=sum(p.kind == MESSAGE for p in plan),
        coded=len(expected),
        redeliveries=len(order) - len(plan),
        steady_seconds=steady,
        burst_seconds=bursts,
        latencies=[r.seconds for r in results],
        late_acks=sum(map(_late, results)),
        expected=len(expected),
        delivered=len(set(answered) & expected),
        duplicates=len(answered) - len(set(answered)),
        lost=len(expected - set(answered)),
        unexpected=len(set(answered) - expected),
        rss=sampler.samples,
        acks=acks,
    )


def _late(response: Response) -> bool:
    return response.status != 200 or response.seconds >= ACK_LIMIT


def _send(
    sender: SlackSender, fake: FakeSlack, planned: Planned, name: str, retry: int | None = None
) -> Response:
    """Deliver ``planned`` as Slack does (an event as JSON, an interaction as a form);
    its response_url, if it has one, is the fake Slack's ``response_url:<name>``."""
    body = planned.body
    if planned.is_event:
        return sender.event(body, retry_num=retry)
    if body.get("response_url") == _RESPONSE_URL:
        body = {**body, "response_url": fake.response_url(quote(name))}
    return sender.action(body)


_WARMUP = ("hello there", "error 1027 in bems", "SERVER_BUSY again", "see PR #123")


def _coded_warmup(n: int) -> bool:
    return n % len(_WARMUP) in (1, 2)


def _warm_handlers() -> list[Planned]:
    """One request of each handler kind, in the warm-up channel, about a known entry; and
    a shortcut on a message without codes, whose free-text search loads the Chinese word
    segmenter's dictionary on first use (about 60 MiB, once)."""
    rng = random.Random(0)
    texts = [_WARMUP[1]] * len(HANDLER_KINDS) + ["the deploy failed when connecting"]
    return [
        Planned(
            _handler_request(
                kind, f"W{n}", rng, key="bems:1027", text=text, channel="CWARM", user="U101"
            ),
            False,
            "",
            kind,
        )
        for n, (kind, text) in enumerate(zip([*HANDLER_KINDS, "shortcut"], texts, strict=True))
    ]


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
