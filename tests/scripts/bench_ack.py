"""Acknowledgement latency and throughput of ``errcode serve`` over HTTP, per request kind.

Measured in one run against two servers, both on the same transport
(:mod:`bot.transports.http`, uvicorn): ``errcode serve`` itself, and a baseline
Bolt app whose listeners only ack. Three kinds of request:

* ``command``: errcode answers a slash command in its ack (the ack's body is the
  answer: lookup, usage counts in the store, Block Kit); each ack is checked to
  carry its answer, and no answer may go to a response_url;
* ``event``: a channel message naming a code; errcode acks once the reply is a job
  in its outbox (scanned, decided, put: see :mod:`bot.slack.handoff`);
* ``action``: a Details click; errcode acks once the response_url post is a job.

The ratio shows what that real work costs before Slack's 3-second limit. Both talk
to a fake Slack (tests/fakes/fake_slack.py) on loopback; requests are signed as
Slack signs them.

    uv run python tests/scripts/bench_ack.py [--requests 600] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import http.client as httpclient
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from e2e.harness import (  # noqa: E402
    BOT_TOKEN,
    SIGNING_SECRET,
    ServeProcess,
    free_port,
    fresh_timestamp,
    http,
)
from fakes import payloads as P  # noqa: E402
from fakes.fake_slack import FakeSlack, signed_headers  # noqa: E402

from bot.slack import render  # noqa: E402


def _serve_ack_only(port: int) -> None:
    """The baseline: the same HTTP transport, a Bolt app that only acks commands."""
    import re

    from slack_bolt.async_app import AsyncAck, AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.store.protocol import MemoryStore
    from bot.transports.http import serve_http

    client = AsyncWebClient(token=BOT_TOKEN, base_url=os.environ["SLACK_API_URL"])
    # As errcode's app: the transport checks the signature, the app does not again.
    app = AsyncApp(client=client, signing_secret="", request_verification_enabled=False)

    @app.command(re.compile(".*"))
    async def ack_only(ack: AsyncAck) -> None:
        await ack()

    @app.action(re.compile(".*"))
    async def ack_action(ack: AsyncAck) -> None:
        await ack()

    @app.event("message")
    async def ack_event() -> None:
        return None  # Bolt acks events itself

    serve_http(app, "127.0.0.1", port, SIGNING_SECRET, claim=MemoryStore().claim)


def _start_ack_only(api_url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "SLACK_API_URL": api_url}
    code = f"import runpy, sys; sys.argv = ['bench_ack', '--serve-ack-only', '{port}']; "
    code += f"runpy.run_path({str(Path(__file__))!r}, run_name='__main__')"
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if http(url + "/healthz").status == 200:
                return proc, url
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the ack-only server did not start")


def _is_answer(body: bytes) -> bool:
    """Whether an ack's body is an answer (a message with text), not an empty ack."""
    try:
        message = json.loads(body)
    except ValueError:
        return False
    return isinstance(message, dict) and bool(message.get("text"))


#: The request kinds measured, and the content type Slack sends each with.
KINDS = {
    "command": "application/x-www-form-urlencoded",
    "event": "application/json",
    "action": "application/x-www-form-urlencoded",
}


def _bodies(kind: str, fake: FakeSlack, count: int) -> list[bytes]:
    """``count`` distinct requests of ``kind`` (each event its own message and thread)."""
    queries = ["1027", "bems 11001", "SERVER_BUSY", "what does 404 mean", "SEVRER_BUSY"]
    if kind == "command":
        return [
            P.slash_form(
                P.slash_command(queries[i % len(queries)], response_url=fake.response_url(f"b{i}"))
            )
            for i in range(count)
        ]
    if kind == "event":
        texts = ["login fails with error 1027", "BEMS returned SERVER_BUSY", "got error 11001"]
        return [
            json.dumps(P.message(texts[i % len(texts)], channel=f"CB{i}")).encode()
            for i in range(count)
        ]
    keys = ["bems:1027", "commsease:414", "bems:11001"]
    return [
        ("payload=" + quote(json.dumps(payload))).encode()
        for payload in (
            P.block_action(
                f"{render.DETAILS_ACTION}_1",
                keys[i % len(keys)],
                user="U222",
                response_url=fake.response_url(f"a{i}"),
            )
            for i in range(count)
        )
    ]


def _worker(
    url: str,
    kind: str,
    bodies: list[bytes],
    latencies: list[float],
    errors: list[int],
    answers: list[int],
) -> None:
    """Send ``bodies`` one after another on one keep-alive connection."""
    parts = urlsplit(url)
    conn = httpclient.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.connect()
    # http.client writes headers and body separately: without this, Nagle's algorithm and
    # delayed ACKs add milliseconds that belong to neither server.
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    for body in bodies:
        headers = {
            "Content-Type": KINDS[kind],
            # each request signed anew, as Slack does: a reused (timestamp, signature)
            # pair is a replay, refused with 401 by the transport
            **signed_headers(SIGNING_SECRET, body, fresh_timestamp()),
        }
        start = time.perf_counter()
        conn.request("POST", "/slack/events", body, headers)
        response = conn.getresponse()
        data = response.read()
        latencies.append(time.perf_counter() - start)
        if response.status != 200:
            errors.append(response.status)
        elif _is_answer(data):
            answers.append(1)
    conn.close()


def _run(url: str, kind: str, fake: FakeSlack, count: int, concurrency: int) -> dict[str, float]:
    bodies = _bodies(kind, fake, count + 50)
    latencies: list[float] = []
    errors: list[int] = []
    answers: list[int] = []
    _worker(url, kind, bodies[count:], [], [], [])  # warm up: imports, auth.test, caches
    chunks = [bodies[:count][i::concurrency] for i in range(concurrency)]
    threads = [
        threading.Thread(target=_worker, args=(url, kind, c, latencies, errors, answers))
        for c in chunks
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    ordered = sorted(latencies)
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[int(len(ordered) * 0.99) - 1] * 1000,
        "max_ms": ordered[-1] * 1000,
        "rps": len(ordered) / wall,
        "errors": float(len(errors)),
        "answers": float(len(answers)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--kinds", default=",".join(KINDS), help="comma-separated: " + ",".join(KINDS)
    )
    parser.add_argument("--serve-ack-only", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_ack_only:
        _serve_ack_only(args.serve_ack_only)
        return
    kinds = [kind for kind in args.kinds.split(",") if kind in KINDS]
    posted = 0

    with FakeSlack() as fake:
        baseline, baseline_url = _start_ack_only(fake.api_url)
        try:
            with ServeProcess(fake.api_url, ERRCODE_LOG_LEVEL="WARNING") as errcode:
                results = {}
                for kind in kinds:
                    for name, url in (
                        ("ack-only Bolt app", baseline_url),
                        ("errcode", errcode.url),
                    ):
                        for concurrency in (1, args.concurrency):
                            run = _run(url, kind, fake, args.requests, concurrency)
                            results[(kind, name, concurrency)] = run
                    if kind == "command":
                        # An answer that missed its ack would follow on the response_url:
                        # give any such straggler time to arrive before counting.
                        time.sleep(1.0)
                        missed = ("response_url:b", "chat.")
                        posted = len([c for c in fake.calls if c.method.startswith(missed)])
        finally:
            baseline.terminate()
            baseline.wait(10)

    print(f"acks over HTTP, {args.requests} requests per row, loopback")
    print(
        f"{'kind':<8} {'server':<18} {'conc':>4} {'median ms':>10} {'p99 ms':>8} {'max ms':>8} "
        f"{'req/s':>8} {'errors':>6} {'answers in ack':>15}"
    )
    for (kind, name, concurrency), r in results.items():
        answered = f"{int(r['answers']):>8} of {args.requests}" if kind == "command" else ""
        print(
            f"{kind:<8} {name:<18} {concurrency:>4} {r['median_ms']:>10.2f} {r['p99_ms']:>8.2f} "
            f"{r['max_ms']:>8.2f} {r['rps']:>8.0f} {int(r['errors']):>6} {answered}"
        )
    for kind in kinds:
        for concurrency in (1, args.concurrency):
            base = results[(kind, "ack-only Bolt app", concurrency)]
            ours = results[(kind, "errcode", concurrency)]
            print(
                f"{kind}: ratio errcode/ack-only at concurrency {concurrency}: "
                f"median {ours['median_ms'] / base['median_ms']:.2f}x, "
                f"p99 {ours['p99_ms'] / base['p99_ms']:.2f}x, "
                f"throughput {ours['rps'] / base['rps']:.2f}x"
            )
    if "command" in kinds:
        print(f"calls to response_urls or chat.* (answers that missed the ack): {posted}")


if __name__ == "__main__":
    main()
