"""Measure errcode's reliability and write docs/reliability.md with this run's figures.

Each section starts ``errcode serve`` (HTTP mode, a subprocess, DEBUG logging unless
said) against the fake Slack Web API on loopback:

1. Web API faults (tests/e2e/fault_cases.py): 429 with Retry-After, 500, 503,
   dropped connections (before and after Slack posted), 5-second answers. Slash
   commands are answered in their ack; the cases where the answer misses it run
   against a second server whose state store is slow (tests/fakes/slow_store.py).
2. Load (tests/e2e/load.py): 2,000 seeded channel messages, steady then in bursts;
   acks, replies, duplicates, ack latency and the server's memory.
3. Bad input and signatures (tests/e2e/hostile_cases.py, when present).
4. Log secrecy: every DEBUG log line of those servers, searched for the secrets.
5. Expensive messages: a worst-case 40,000-character DM every second for 30 s, with
   ordinary channel messages and slash commands alongside (issue 12, break 5).
6. Redis: a master SIGKILLed under load behind Sentinel (tests/e2e/failover.py), and
   Redis frozen or killed under two replicas, with and without ERRCODE_REPLICAS
   (tests/e2e/outage.py).

Exits 1 when a must-hold figure fails (an ack later than 3 s or failed, a duplicate
or lost reply, a fault case or bad-input case off its contract, a leaked secret; in
section 6, a lost reply or a duplicate after Redis is back).
A few minutes on 2 cores:

    uv run python tests/scripts/reliability.py
"""

from __future__ import annotations

import argparse
import inspect
import os
import platform
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))  # the e2e harness: fake Slack, signing, cases

from e2e import fault_cases  # noqa: E402
from e2e.harness import BOT_TOKEN, SIGNING_SECRET, ServeProcess, SlackSender  # noqa: E402
from e2e.load import LoadFigures, LoadShape, plan_messages, run_load  # noqa: E402
from e2e.slowloris import limited_serve_command, run_slowloris  # noqa: E402
from fakes import payloads  # noqa: E402
from fakes.fake_slack import FakeSlack  # noqa: E402
from fakes.slow_store import DELAY_ENV, serve_command  # noqa: E402

from bot.knowledge.loader import load_knowledge  # noqa: E402
from bot.slack.conversation import DEDUPE_TTL  # noqa: E402
from bot.slack.listeners import ANSWER_IN_ACK_SECONDS  # noqa: E402
from bot.store.protocol import MAX_QUERY_CHARS, UNKNOWN_TOP_K, MemoryStore  # noqa: E402

try:  # the other half of issue 6; the report says so when it is missing
    from e2e import hostile_cases
except ImportError as missing:
    hostile_cases = None
    HOSTILE_MISSING = str(missing)

#: Must-hold failures found so far, each one line for the report and the exit code.
FAILURES: list[str] = []
#: Every server's DEBUG log, for the secrecy section.
LOGS: dict[str, str] = {}


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _secs(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


# -- 1. faults ----------------------------------------------------------------------------


_TARGETS = {
    "reply": "reply",
    "dm": "dm",
    "command": "command",
    "command-late": f"command, store {fault_cases.LATE_STORE_DELAY:g} s ²",
}


def faults() -> str:
    slow = {DELAY_ENV: str(fault_cases.LATE_STORE_DELAY)}
    with (
        FakeSlack() as fake,
        ServeProcess(fake.api_url) as server,
        ServeProcess(fake.api_url, command=serve_command(), **slow) as late,
    ):
        started = time.monotonic()
        results = fault_cases.run_matrix(
            fake, SlackSender(server.url), late_sender=SlackSender(late.url)
        )
        took = time.monotonic() - started
        LOGS["faults"] = server.logs()
        LOGS["faults, slow store"] = late.logs()
    rows = []
    for r in results:
        problems = r.problems()
        FAILURES.extend(f"fault {r.case.name}: {p}" for p in problems)
        carried = ", answer" if r.in_ack else ""
        rows.append(
            [
                _TARGETS[r.case.target],
                r.case.fault,
                f"{r.ack_status} in {r.ack_seconds:.3f} s{carried}",
                r.attempts,
                r.lookups,
                f"{r.delivered} of {r.case.expect}" + (" ¹" if r.case.note else ""),
                _secs(r.deliver_seconds),
                "ok" if not problems else "FAIL: " + "; ".join(problems),
            ]
        )
    notes = "\n".join(
        f"- ¹ `{c.name}`: expected {c.expect}: {c.note}." for c in fault_cases.CASES if c.note
    )
    notes += (
        f"\n- ² a second server whose state-store writes take "
        f"{fault_cases.LATE_STORE_DELAY:g} s (a hanging Redis; `tests/fakes/slow_store.py`): "
        "the command's answer misses the ack, which goes out empty within "
        f"{ANSWER_IN_ACK_SECONDS:g} s (`bot.listeners.ANSWER_IN_ACK_SECONDS`), and is "
        "posted to the response_url when ready."
    )
    header = ["target", "Slack does", "ack", "attempts", "checks", "landed", "after", "verdict"]
    return (
        f"All {len(results)} cases ran at once, in {took:.1f} s. A slash command is "
        "answered in its ack (*ack* says `answer` when the ack's body was the answer): "
        "no Web API or response_url call is made, so their faults cannot lose or double it. "
        "*attempts*: posts the bot sent (first + retries), to chat.postMessage or the "
        "response_url; *checks*: conversations.replies/history calls made to see whether a "
        "dropped post had landed; *landed*: replies users would see (an answer in the ack "
        "counts once); *after*: from the request to the reply landing.\n\n"
        + _table(header, rows)
        + "\n\n"
        + notes
    )


# -- 2. load ------------------------------------------------------------------------------


def load(messages: int, seed: int, shape: LoadShape) -> str:
    kb = load_knowledge(extra_dir="")
    plan = plan_messages(messages, seed, kb)
    with FakeSlack() as fake, ServeProcess(fake.api_url, ERRCODE_LOG_LEVEL="WARNING") as server:
        assert server.proc is not None
        figures = run_load(fake, SlackSender(server.url), server.proc.pid, plan, shape, seed=seed)
        LOGS["load"] = server.logs()
    FAILURES.extend(f"load: {p}" for p in figures.problems())
    tables = _load_tables(figures, shape) + "\n\n" + _acks_by_kind(figures)
    return tables + "\n\n" + _store_bound()


def _load_tables(f: LoadFigures, shape: LoadShape) -> str:
    pct = 100 * f.acked_in_time / f.requests
    rows = [
        ["channel messages", f"{f.messages} ({f.coded} with codes, seed-drawn)"],
        ["redeliveries (X-Slack-Retry-Num)", f.redeliveries],
        ["requests", f.requests],
        [
            "steady phase",
            f"{shape.steady} requests at {shape.rate:g}/s, {f.steady_seconds:.1f} s",
        ],
        [
            "burst phase",
            f"{f.requests - shape.steady} requests in bursts of {shape.burst} "
            f"({shape.pause:g} s apart), {f.burst_seconds:.1f} s",
        ],
        ["**acks within 3 s** (must be 100%)", f"{f.acked_in_time} of {f.requests} ({pct:.1f}%)"],
        [
            "ack latency p50 / p99 / max",
            f"{1000 * f.percentile(50):.1f} / "
            f"{1000 * f.percentile(99):.1f} / {1000 * max(f.latencies):.1f} ms",
        ],
        ["replies expected", f.expected],
        ["replies delivered", f.delivered],
        ["**duplicates** (must be 0)", f.duplicates],
        ["**lost** (must be 0)", f.lost],
        ["replies to messages without a code", f.unexpected],
    ]
    memory = [
        [f"{int(100 * fraction)}%", at, f"{rss / 1024:.1f} MiB"]
        for fraction in (0.0, 0.25, 0.5, 0.75, 1.0)
        for at, rss in [f.rss_at(fraction)]
    ]
    peak = max(rss for _, rss in f.rss)
    return (
        _table(["figure", "value"], rows)
        + "\n\nResident memory of the server process (VmRSS from /proc), after a warm-up of "
        f"{shape.warmup} messages; growth over the run **{f.rss_growth_kib / 1024:+.1f} MiB**, "
        f"peak {peak / 1024:.1f} MiB:\n\n" + _table(["run", "requests sent", "RSS"], memory)
    )


# -- 2b. load: acks per kind of request (issue 13) ---------------------------------------


def _acks_by_kind(f: LoadFigures) -> str:
    """Each kind's acks (channel messages, and every handler's requests among them)."""
    rows = [
        [
            f"`{kind}`",
            acks.requests,
            f"{acks.requests - acks.late} of {acks.requests}",
            f"{1000 * acks.percentile(50):.1f} / {1000 * acks.percentile(99):.1f} / "
            f"{1000 * max(acks.latencies):.1f} ms",
        ]
        for kind, acks in f.acks.items()
    ]
    return (
        "Acks per kind of request (`e2e.load.KINDS`; each request signed with its own "
        "timestamp, redeliveries counted with their kind):\n\n"
        + _table(["kind", "requests", "**within 3 s**", "ack p50 / p99 / max"], rows)
    )


def _store_bound() -> str:
    """What the dedupe/cooldown claims can cost at most: MemoryStore at its bound."""
    bound = inspect.signature(MemoryStore).parameters["max_claims"].default
    store = MemoryStore(max_claims=bound)
    tracemalloc.start()
    sizes = []
    for round_ in range(3):  # fill it to its bound, then twice more past it
        for n in range(bound):
            store.claim(f"msg:C0{round_}{n:08d}:1700000000.{n:06d}", DEDUPE_TTL)
        # The store has no public size; its claims table is read here to show the bound.
        sizes.append((len(store._claims), tracemalloc.get_traced_memory()[0]))
    tracemalloc.stop()
    rows = [
        [f"{(i + 1) * bound:,}", f"{n:,}", f"{size / 2**20:.1f} MiB"]
        for i, (n, size) in enumerate(sizes)
    ]
    return (
        "Dedupe keys (event id, channel + ts) live "
        f"{DEDUPE_TTL} s (`bot.conversation.DEDUPE_TTL`, fixed; issue 5 asks for at least "
        "10 minutes), so none expire within this run; cooldowns live "
        "`ERRCODE_COOLDOWN_SECONDS` (default 600). The per-process store drops expired "
        f"claims and keeps at most {bound:,} (`MemoryStore(max_claims=...)`), oldest "
        "first. Its worst case, measured in this process with tracemalloc:\n\n"
        + _table(["claims made", "claims kept", "store memory"], rows)
        + "\n\nNo setting was changed for the measurement."
    )


def unknown_bound(distinct: int = 100_000) -> str:
    """What the unknown-code stats cost at most: a flood of distinct codes in one day."""
    store = MemoryStore()
    day = datetime.now(UTC).date()
    tracemalloc.start()
    sizes = []
    for round_ in range(2):  # the flood, then as many again: memory must not grow
        for n in range(distinct):
            # Worst case per key: a query at the stored length limit.
            store.record_unknown("T0", f"{round_}{n:09d}".ljust(MAX_QUERY_CHARS, "x"), day)
        sizes.append(tracemalloc.get_traced_memory()[0])
    tracemalloc.stop()
    kept = len(store.top_unknown("T0", [day], 10 * UNKNOWN_TOP_K))
    rows = [[f"{(i + 1) * distinct:,}", f"{size / 2**20:.2f} MiB"] for i, size in enumerate(sizes)]
    if sizes[-1] > 2 * sizes[0] or kept >= 2 * UNKNOWN_TOP_K:
        FAILURES.append(f"unknown codes: {kept} kept, memory {sizes}")
    return (
        f"Each workspace and day keeps the {UNKNOWN_TOP_K} most asked unknown codes "
        f"(`UNKNOWN_TOP_K`), each cut to {MAX_QUERY_CHARS} characters. Redis: a sorted set "
        f"trimmed to {UNKNOWN_TOP_K} on every write. Memory: trimmed back to "
        f"{UNKNOWN_TOP_K} when it reaches {2 * UNKNOWN_TOP_K}. Days older than the "
        "retention (9) are dropped, so the bound is per workspace: about 10 days of at most "
        f"{2 * UNKNOWN_TOP_K} keys. Measured in this process with tracemalloc, "
        f"{distinct:,} distinct {MAX_QUERY_CHARS}-character codes in one day, twice "
        f"({kept} kept at the end):\n\n" + _table(["distinct codes asked", "store memory"], rows)
    )


def slow_clients(connections: int = 2000, events: int = 20, open_files: int = 1024) -> str:
    """Slowloris: thousands of connections that never finish their headers."""
    with (
        FakeSlack() as fake,
        ServeProcess(
            fake.api_url, command=limited_serve_command(open_files), ERRCODE_LOG_LEVEL="INFO"
        ) as server,
    ):
        f = run_slowloris(server, connections, events)
        cap = next(
            (line for line in server.logs().splitlines() if "HTTP limits:" in line), "(not logged)"
        )
    slowest = max(f.ack_seconds) if f.ack_seconds else None
    acked = sum(status == 200 for status in f.ack_statuses)
    if acked != events or slowest is None or slowest >= 1.0:
        FAILURES.append(f"slowloris: {acked}/{events} acked, slowest {slowest}")
    if f.accept_error_lines > 60 or f.error_lines > 60:
        FAILURES.append(f"slowloris: {f.accept_error_lines} accept errors logged")
    limits = cap.split("HTTP limits: ")[-1].split('"')[0]
    closed = "never (within 30 s)" if f.all_closed_after is None else _secs(f.all_closed_after)
    rows = [
        ["slow connections attempted / opened", f"{connections:,} / {f.opened:,}"],
        ["server's open-files limit", f"{open_files:,}"],
        ["events acked (200)", f"{acked} of {events}"],
        ["slowest ack", _secs(slowest)],
        ["every slow connection closed by the server after", closed],
        ["log lines meanwhile (INFO)", f"{f.log_lines:,}"],
        ["of which accept errors / ERROR", f"{f.accept_error_lines} / {f.error_lines}"],
    ]
    return (
        f"{connections:,} connections opened at once, half with part of a request's headers, "
        "half with nothing, against a server whose open-files limit is "
        f"{open_files:,} (as in issue 12); then {events} signed events, one by one, "
        "their acks timed. Defaults: `ERRCODE_HEADER_TIMEOUT_SECONDS=10`, "
        "`ERRCODE_IDLE_TIMEOUT_SECONDS=5`; the connection cap comes from the open-files "
        f"limit (`{limits}`): past it, the "
        "connection that has waited longest for its headers is closed.\n\n"
        + _table(["figure", "value"], rows)
    )


# -- 3. bad input, signatures -----------------------------------------------------------------


def hostile() -> str:
    if hostile_cases is None:
        FAILURES.append("bad input: tests/e2e/hostile_cases.py is missing")
        return (
            f"Not measured: `tests/e2e/hostile_cases.py` could not be imported ({HOSTILE_MISSING})."
        )
    with FakeSlack() as fake, ServeProcess(fake.api_url) as server:
        results = hostile_cases.run_matrix(server.url, SIGNING_SECRET, fake)
        LOGS["bad input"] = server.logs()
    groups: dict[str, list[Any]] = {}
    for r in results:
        groups.setdefault(r.case.group, []).append(r)
        FAILURES.extend(f"bad input {r.case.name}: {p}" for p in r.problems)
    summary = []
    for group, members in groups.items():
        statuses = sorted({str(r.status) for r in members})
        bad = [f"{r.case.name}: {'; '.join(r.problems)}" for r in members if not r.ok]
        summary.append(
            [
                group,
                len(members),
                sum(r.ok for r in members),
                ", ".join(statuses),
                "; ".join(bad) or "—",
            ]
        )
    signatures = [
        [r.case.name, r.case.expected, r.status, r.replies, "ok" if r.ok else "FAIL"]
        for r in results
        if r.case.group == "signature"
    ]
    return (
        _table(["group", "cases", "passed", "statuses seen", "failures"], summary)
        + "\n\nSignatures (each must be refused with 401 before any handler runs; "
        + '"borrowed" is a genuine signature of another body, "replayed" the same bytes '
        + "and headers sent a second time, whose first copy alone is answered: the 1 "
        + "reply):\n\n"
        + _table(["case", "expected", "status", "replies", "verdict"], signatures)
    )


# -- 4. log secrecy -------------------------------------------------------------------------


def secrecy() -> str:
    if hostile_cases is None:
        return "Not measured: the search is `hostile_cases.secret_leaks`, which is missing."
    rows = []
    for server, logs in LOGS.items():
        leaks = hostile_cases.secret_leaks(logs, [BOT_TOKEN, SIGNING_SECRET])
        FAILURES.extend(f"secret in the {server} log: {line[:120]}" for line in leaks)
        rows.append([server, len(logs.splitlines()), len(leaks)])
    return (
        "The servers of the sections above logged at DEBUG (the load server at WARNING, "
        "so as not to measure the log writer); each line was searched for the bot token and "
        "the signing secret (whole, and their last 12 characters).\n\n"
        + _table(["server", "log lines", "lines with a secret"], rows)
    )


# -- the report -----------------------------------------------------------------------------


def shutdown(n: int = 50, claim_seconds: float = 2.0) -> str:
    """Replies in flight at SIGTERM (drained) and at SIGKILL of one of two replicas (claimed)."""
    from e2e.shutdown import sigkill_one_of_two, sigterm_in_flight

    term = sigterm_in_flight(n)
    kill = sigkill_one_of_two(n, claim_seconds)
    if term.landed != n or term.duplicates:
        FAILURES.append(f"SIGTERM: {term.landed} of {n} landed, {term.duplicates} duplicated")
    if kill.landed != n or kill.duplicates:
        FAILURES.append(f"SIGKILL: {kill.landed} of {n} landed, {kill.duplicates} duplicated")
    rows = [
        [
            f"SIGTERM right after {n} acks, every first post answered 503, posts taking 0.3 s "
            "(no Redis: the in-process queue is drained)",
            f"**{term.landed} of {n}**",
            term.duplicates,
            f"exited {term.seconds:.1f} s after the signal; {term.unfinished_logged} "
            "unfinished replies logged",
        ],
        [
            f"SIGKILL of the replica holding {n} replies (first posts answered 503), two "
            f"replicas on one Redis, ERRCODE_OUTBOX_CLAIM_SECONDS={claim_seconds:g}",
            f"**{kill.landed} of {n}**",
            kill.duplicates,
            f"the last landed {kill.seconds:.1f} s after the kill (claim timeout "
            f"{claim_seconds:g} s + the survivor's look-up and post)",
        ],
    ]
    return (
        "Issue 12, break 3. Replies owed to acked events are outbox jobs (`bot/slack/outbox.py`). "
        "CI runs the same with 10 replies: `tests/e2e/test_shutdown.py`.\n\n"
        + _table(["case", "landed", "duplicated", "timing"], rows)
    )


# -- 6. Redis: a Sentinel failover under load, an outage under two replicas ---------------------


def _answered_on(counts: dict[int, int]) -> str:
    return " / ".join(str(counts.get(n, 0)) for n in range(4))


def _ack(seconds: float, late: int) -> str:
    return f"{seconds:.2f} s" + (f" ({late} over 3 s)" if late else "")


def sentinel_failover(events: int = 300, seconds: float = 15.0) -> str:
    """A master SIGKILLed under load: 0 lost, duplicates counted (issue 12, Sentinel)."""
    from e2e.failover import sentinel_failover as run

    configs = [(5.0, False), (2.0, False), (2.0, True)]
    rows, last = [], None
    for retry, shared in configs:
        f = last = run(events, seconds, retry_seconds=retry, shared_out=shared)
        if f.replies.lost or f.not_acked:
            FAILURES.append(
                f"Sentinel failover (retry {retry:g} s, replicas {shared}): "
                f"{f.replies.lost} lost, {f.not_acked} not acked {f.failed_statuses}"
            )
        back = " / ".join(_secs(b) for b in f.back_seconds)
        rows.append([
            f"{retry:g} s" + (" (the old default)" if retry == 5.0 else ""),
            "2" if shared else "unset",
            f.replies.expected,
            f.replies.landed,
            f"**{f.replies.lost}**",
            f"{f.replies.duplicates} ({f.duplicates_by_phase['before the kill']} / "
            f"{f.duplicates_by_phase['after the kill']})",
            f.refused,
            _answered_on(f.answered_on),
            _secs(f.failover_seconds),
            back,
            _ack(f.slowest_ack, f.late_acks),
        ])  # fmt: skip
    assert last is not None
    header = [
        "ERRCODE_REDIS_RETRY_SECONDS", "ERRCODE_REPLICAS", "replies expected", "landed",
        "lost (must be 0)", "duplicated (message sent before / after the kill)",
        "refused (503)", "answered on delivery 1st / retry 1 / 2 / 3",
        "kill → Sentinel names the new master", "kill → each replica's store on it",
        "slowest ack",
    ]  # fmt: skip
    return (
        f"Issue 12: a Redis master killed under load with Sentinel. A master, its replica and "
        f"one Sentinel (quorum 1, `down-after-milliseconds` {last.down_after_ms}; Sentinel's "
        "default is 30,000) on loopback (`tests/redis_sentinel.py`); two `errcode serve` "
        "replicas with `ERRCODE_REDIS_SENTINELS` / `ERRCODE_REDIS_MASTER`, "
        f"`ERRCODE_OUTBOX_CLAIM_SECONDS={last.claim_seconds:g}`. {events} channel messages, "
        f"each naming a code, evenly over {seconds:g} s, each delivered once to one replica "
        f"(seed-drawn), {last.redeliveries} of them delivered again 0.2-2 s later with "
        "`X-Slack-Retry-Num: 1` to either replica; what is not acked with 200 is delivered "
        "again as Slack does (its 1- and 5-minute waits left out). The master gets SIGKILL "
        f"{last.killed_at:.1f} s in; the old master stays dead. Counted once nothing more "
        "could be posted (every acked message decided, the outbox stream empty). CI runs it "
        "small: `tests/e2e/test_failover.py`.\n\n"
        + _table(header, rows)
        + "\n\nNo reply is lost: a job is put in the outbox only once the replica has it "
        "(`WAIT 1`), and one the outbox cannot take stays in the process that owes it "
        "(`kept in process`: "
        f"{last.kept_in_process} in the last run). The duplicates are messages delivered "
        "twice whose deliveries reached different replicas while they did not share dedupe: "
        "from the kill until each replica's store is back on the new master (the failover, "
        "then the replica's next attempt, `ERRCODE_REDIS_RETRY_SECONDS` apart). Their number "
        "depends on that gap and on how many redeliveries fall in it, so it is stated, not "
        "promised. With `ERRCODE_REPLICAS` and each delivery reaching one replica, the "
        "refusals cost time (a message answered on Slack's retry 2 or 3 waits about 1 or "
        "6 minutes) and, because Slack's last retry is answered wherever it lands, save no "
        "duplicate: see the next section for where the setting pays."
    )


def redis_outage(events: int = 300, seconds: float = 15.0) -> str:
    """Two replicas, Redis frozen or killed: duplicates with and without ERRCODE_REPLICAS."""
    from e2e.outage import FAULTS, replicas_outage

    runs = [
        ("pause", True, False), ("pause", True, True),
        ("kill", True, False), ("kill", True, True),
        ("pause", False, False), ("pause", False, True),
    ]  # fmt: skip
    rows, last = [], None
    for fault, both, shared in runs:
        f = last = replicas_outage(fault, shared_out=shared, both=both, events=events,
                                   seconds=seconds)  # fmt: skip
        if f.replies.lost or f.failed or f.duplicates_by_phase["after"] or f.late_acks:
            FAILURES.append(
                f"Redis outage ({fault}, both={both}, replicas={shared}): {f.replies.lost} lost, "
                f"{f.failed} failed {f.failed_statuses}, "
                f"{f.duplicates_by_phase['after']} duplicated after, "
                f"{f.late_acks} acks over 3 s"
            )
        phases = f.duplicates_by_phase
        rows.append([
            FAULTS[fault],
            "both replicas" if both else "one replica",
            "2" if shared else "unset",
            f.replies.expected,
            f.replies.landed,
            f"**{f.replies.lost}**",
            f"**{f.replies.duplicates}** ({phases['before']} / {phases['during']} / "
            f"{phases['after']})",
            f.refused,
            _answered_on(f.answered_on) if not both else "—",
            _ack(f.slowest_ack, f.late_acks),
        ])  # fmt: skip
    assert last is not None
    header = [
        "Redis", "each delivery to", "ERRCODE_REPLICAS", "replies expected", "landed",
        "lost (must be 0)", "duplicated (message sent before / during / after the outage; "
        "after must be 0)", "refused (503)", "answered on delivery 1st / retry 1 / 2 / 3",
        "slowest ack (must be under 3 s)",
    ]  # fmt: skip
    start, end = last.outage
    return (
        "Issue 12: duplicates when Redis is down under several replicas, in figures. Two "
        "`errcode serve` replicas on one Redis; "
        f"{events} channel messages evenly over {seconds:g} s, 20% delivered again 0.2-2 s "
        "later with `X-Slack-Retry-Num: 1`. Redis is out from "
        f"{start:.1f} s to {end:.1f} s. *Both replicas*: the worst case, every delivery "
        "reaches both at once (as a load balancer retrying on another backend would); *one "
        "replica*: each delivery reaches one, drawn from a seed, and what is not acked with "
        "200 is delivered again as Slack does. *During* runs until both replicas are back "
        "on Redis. With `ERRCODE_REPLICAS=2` each replica has its `ERRCODE_REPLICA_INDEX`: "
        "while Redis is down (and for `ERRCODE_REDIS_RETRY_SECONDS` + 1 s after it is back) "
        "it refuses with 503 the events whose id hashes to the other, which Slack delivers "
        "again; Slack's last retry is answered wherever it lands (`bot/store/shard.py`). "
        "CI runs the refusal: `tests/e2e/test_outage.py`.\n\n"
        + _table(header, rows)
        + "\n\nWhat the rows show: with every delivery reaching both replicas, an outage "
        "doubles nearly every reply sent during it, and `ERRCODE_REPLICAS` removes that. "
        "With each delivery reaching one replica (a plain load balancer), duplicates come "
        "only from Slack's redeliveries that land on the other replica; sharing out then "
        "delays the refused messages (Slack's retries 2 and 3 come about 1 and 5 minutes "
        "later; here at once) and does not remove those duplicates. Nothing is lost either "
        "way, and once both replicas are back on Redis nothing is doubled (issue 12, break "
        "2: the journal is replayed before Redis is used again). Acks stay fast while Redis "
        "hangs: the outbox does not wait on a Redis the state store found down."
    )


# -- 5. expensive messages --------------------------------------------------------------------


def _percentile(values: list[float], p: int) -> float | None:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else None


def flood(seconds: int = 30, ordinary_per_second: int = 4, command_every: float = 3.0) -> str:
    """Worst-case DMs at 1 per second; ordinary replies and slash commands meanwhile."""
    from concurrent.futures import ThreadPoolExecutor

    size = 40_000
    worst = [("PC " * size)[:size], ("1027, " * size)[:size]]
    sent: dict[str, float] = {}  # ordinary message ts -> when it was sent
    commands: list[tuple[bool, float]] = []  # (answered in its ack, ack seconds)
    with (
        FakeSlack() as fake,
        ServeProcess(fake.api_url, ERRCODE_LOG_LEVEL="WARNING") as server,
        ThreadPoolExecutor(16) as pool,
    ):
        slack = SlackSender(server.url)

        def ordinary(n: int) -> None:
            body = payloads.message(f"login fails with error 1027 again ({n})", channel="CFLOOD")
            sent[body["event"]["ts"]] = time.monotonic()
            slack.event(body)

        def command(n: int) -> None:
            url = fake.response_url(f"flood{n}")
            ack = slack.command(
                payloads.slash_form(payloads.slash_command("1027", response_url=url))
            )
            commands.append((bool(ack.body) and "WRONG_SERVER" in ack.body.decode(), ack.seconds))

        started = time.monotonic()
        step, n, next_command = 1.0 / ordinary_per_second, 0, 0.0
        while (elapsed := time.monotonic() - started) < seconds:
            if n % ordinary_per_second == 0:
                dm = payloads.message(worst[n // ordinary_per_second % 2], channel="DFLOOD",
                                      channel_type="im")  # fmt: skip
                pool.submit(slack.event, dm)
            pool.submit(ordinary, n)
            if elapsed >= next_command:
                pool.submit(command, n)
                next_command += command_every
            n += 1
            time.sleep(max(0.0, started + n * step - time.monotonic()))
        pool.shutdown(wait=True)
        fake.wait_for("chat.postMessage", count=len(sent) + seconds, timeout=30)
        latencies = [
            call.at - sent[str(call.params.get("thread_ts"))]
            for call in fake.calls_to("chat.postMessage")
            if str(call.params.get("thread_ts")) in sent
        ]
        dm_replies = len(
            fake.calls_to("chat.postMessage", lambda c: c.params.get("channel") == "DFLOOD")
        )
    in_ack = sum(ok for ok, _ in commands)
    p50, p99 = _percentile(latencies, 50), _percentile(latencies, 99)
    if p99 is None or p99 >= 2.0 or len(latencies) != len(sent):
        FAILURES.append(f"flood: ordinary replies p99 {p99}, {len(latencies)}/{len(sent)} replied")
    if in_ack != len(commands):
        FAILURES.append(f"flood: {in_ack}/{len(commands)} slash commands answered in their ack")
    rows = [
        ["worst-case DMs sent / replied", f"{seconds} / {dm_replies}"],
        ["ordinary channel messages sent / replied", f"{len(sent)} / {len(latencies)}"],
        ["ordinary reply latency p50 / p99 / max",
         f"{_secs(p50)} / {_secs(p99)} / {_secs(max(latencies, default=None))}"],
        ["slash commands answered in their ack", f"{in_ack} of {len(commands)}"],
        ["slowest slash-command ack", _secs(max((s for _, s in commands), default=None))],
    ]  # fmt: skip
    return (
        f"For {seconds} s, one 40,000-character DM a second, alternately `PC PC …` and "
        f"`1027, 1027, …` (issue 12 measured 1.9 s and 1.46 s of CPU for them before the cap), "
        f"{ordinary_per_second} ordinary channel messages a second naming a code, and a "
        f"slash command `/errcode 1027` every {command_every:g} s. Before this release the "
        "same flood delayed ordinary replies to p50 8.9 s, max 27 s, and 6 of 11 slash "
        "commands missed the answer-in-ack window. Now each message weighs at most "
        "`MAX_CANDIDATES` candidates (`bot/text/budget.py`) and messages are decided in a "
        "bounded pool (`ERRCODE_WORKERS=2`, `ERRCODE_WORK_QUEUE=1000`, `bot/slack/workers.py`) "
        "that slash commands never wait behind. Must hold: ordinary replies p99 under 2 s, "
        "every slash command answered in its ack.\n\n" + _table(["figure", "value"], rows)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000, help="load: channel messages")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "reliability.md")
    args = parser.parse_args(argv)
    shape = LoadShape(steady=args.messages * 3 // 5, rate=40, burst=100, pause=1.0, warmup=100)
    started = time.monotonic()
    sections = [
        ("Slack Web API faults", faults()),
        ("Load", load(args.messages, args.seed, shape)),
        ("Bad input and signatures", hostile()),
        ("Secrets in logs", secrecy()),
        ("Slow clients", slow_clients()),
        ("Unknown codes", unknown_bound()),
        ("Shutdown and crash with replies in flight", shutdown()),
        ("Expensive messages", flood()),
        ("Redis master killed under load, with Sentinel", sentinel_failover()),
        ("Redis outage under two replicas", redis_outage()),
    ]
    took = time.monotonic() - started
    verdict = "all must-hold figures hold" if not FAILURES else f"{len(FAILURES)} FAILURES"
    head = [
        "# Reliability: faults, load and bad input, measured",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} CPUs "
        f"(`nproc`: {len(os.sched_getaffinity(0))}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.machine()}; took {took:.0f} s. **Verdict: {verdict}.**",
        "",
        "Rerun (writes this file; exits 1 if a must-hold figure fails):",
        "",
        "```sh",
        "uv run python tests/scripts/reliability.py",
        "```",
        "",
        "Everything runs on loopback: `errcode serve` as a subprocess in HTTP mode, the fake "
        "Slack Web API of `tests/fakes/fake_slack.py`, requests signed as Slack signs them. "
        "The same cases run in CI, smaller: `tests/e2e/test_faults.py`, `test_load.py`, "
        "`test_hostile.py`.",
    ]
    if FAILURES:
        head += ["", "Failures:", ""] + [f"- {line}" for line in FAILURES]
    body = [f"\n## {title}\n\n{text}" for title, text in sections]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(head) + "\n" + "\n".join(body) + "\n", encoding="utf-8")
    print(args.out.read_text(encoding="utf-8"))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
