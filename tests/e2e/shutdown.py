"""Replies in flight at SIGTERM and at SIGKILL, measured (the reliability report's section).

Each function starts its own fake Slack and ``errcode serve`` processes, sends ``n``
channel messages that each owe a reply, stops a process, and counts what landed.
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from dataclasses import dataclass

import redis
from e2e.harness import ServeProcess, SlackSender
from fakes import payloads as P
from fakes.fake_slack import FakeSlack
from redis_server import RedisServer

__all__ = ["Landed", "sigkill_one_of_two", "sigterm_in_flight"]


@dataclass
class Landed:
    sent: int
    landed: int
    duplicates: int
    seconds: float
    unfinished_logged: int = 0


def _send(url: str, n: int, tag: str) -> list[str]:
    sender, threads = SlackSender(url), []
    for index in range(n):
        body = P.message("login fails with 1027", channel=f"C{tag}{index}")
        assert sender.event(body).status == 200
        threads.append(body["event"]["ts"])
    return threads


def _count(fake: FakeSlack, threads: list[str]) -> tuple[int, int]:
    wanted = set(threads)
    landed = Counter(
        str(c.params.get("thread_ts"))
        for c in fake.delivered("chat.postMessage", lambda c: c.params.get("thread_ts") in wanted)
    )
    return len(landed), sum(count - 1 for count in landed.values())


def sigterm_in_flight(n: int = 50) -> Landed:
    """SIGTERM right after ``n`` acks, every first post answered 503."""
    with FakeSlack() as fake, ServeProcess(fake.api_url, ERRCODE_LOG_LEVEL="INFO") as server:
        fake.fail("chat.postMessage", 503, times=n)
        fake.delay("chat.postMessage", 0.3)
        threads = _send(server.url, n, "T")
        assert server.proc is not None
        start = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        server.proc.wait(timeout=60)
        took = time.monotonic() - start
        unfinished = server.logs().count("reply not posted")
        landed, duplicates = _count(fake, threads)
    return Landed(n, landed, duplicates, took, unfinished)


def sigkill_one_of_two(n: int = 50, claim_seconds: float = 2.0) -> Landed:
    """SIGKILL of the replica holding ``n`` jobs (first posts 503); the other claims them.

    :returns: seconds from the kill to the last reply landing.
    """
    env = {"ERRCODE_LOG_LEVEL": "INFO", "ERRCODE_OUTBOX_CLAIM_SECONDS": str(claim_seconds)}
    with RedisServer() as store, FakeSlack() as fake:
        env["ERRCODE_REDIS_URL"] = store.url
        with ServeProcess(fake.api_url, **env) as victim, ServeProcess(fake.api_url, **env):
            fake.fail("chat.postMessage", 503, times=n)
            threads = _send(victim.url, n, "K")
            fake.wait_for("chat.postMessage", min(n, 16), timeout=20)
            # In flight: every reply is a job in the stream (decided and put; the victim
            # holds the ones it took). A kill between an ack and its put loses that reply:
            # see deploy/README.md.
            client = redis.Redis.from_url(store.url)
            deadline = time.monotonic() + 10
            while client.xlen("errcode:outbox") < n and time.monotonic() < deadline:
                time.sleep(0.01)
            assert victim.proc is not None
            victim.proc.kill()
            killed = time.monotonic()
            victim.proc.wait(timeout=10)
            wanted = set(threads)
            fake.wait_for(
                "chat.postMessage",
                n,
                timeout=claim_seconds + 30,
                where=lambda c: c.delivered and c.params.get("thread_ts") in wanted,
            )
            took = time.monotonic() - killed
            deadline = time.monotonic() + 10
            while client.xlen("errcode:outbox") and time.monotonic() < deadline:
                time.sleep(0.05)
            landed, duplicates = _count(fake, threads)
    return Landed(n, landed, duplicates, took)
