"""Deliver many events to two ``errcode serve`` replicas sharing one Redis; count the replies.

Starts a redis-server, a fake Slack and two replicas in HTTP mode on loopback,
then sends N channel messages (10% with an error code). Every message goes to
both replicas at the same moment, as a load balancer might after a retry, and
some are retried once more with X-Slack-Retry-Num. Each coded message must get
exactly one thread reply; the others none. Prints expected, delivered,
duplicated and lost replies, and exits 1 unless duplicated and lost are both 0.

    uv run python tests/scripts/replicas_delivery.py --events 1000
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))  # the test harness: fake Slack, signing, redis-server

from e2e.harness import ServeProcess, SlackSender  # noqa: E402
from fakes import payloads as P  # noqa: E402
from fakes.fake_slack import FakeSlack  # noqa: E402
from redis_server import RedisServer  # noqa: E402

CODED = ["login fails with 1027", "still getting error 1027", "SERVER_BUSY again", "NIM code 408"]
PLAIN = ["hello team", "lunch at noon?", "deploy went fine", "thanks!", "see the doc"]


def _plan(count: int, coded_share: float, retry_share: float, rng: random.Random) -> list[Any]:
    """(event body, coded?, replica sent first, replica retried or None) per message.

    Drawn up front, so a seed gives the same deliveries whatever the threads do.
    """
    plan = []
    for n in range(count):
        coded = n % round(1 / coded_share) == 0
        text = rng.choice(CODED if coded else PLAIN)
        retry = rng.randrange(2) if rng.random() < retry_share else None
        plan.append((P.message(f"{text} #{n}"), coded, rng.randrange(2), retry))
    return plan


def run(count: int, coded_share: float, retry_share: float, workers: int, seed: int) -> int:
    rng = random.Random(seed)
    plan = _plan(count, coded_share, retry_share, rng)
    with RedisServer() as redis, FakeSlack() as fake:
        env = {"ERRCODE_REDIS_URL": redis.url, "ERRCODE_LOG_LEVEL": "WARNING"}
        with ServeProcess(fake.api_url, **env) as one, ServeProcess(fake.api_url, **env) as two:
            senders = [SlackSender(one.url), SlackSender(two.url)]
            fake.reset()

            def deliver(item: tuple[dict[str, Any], bool, int, int | None]) -> int:
                body, _, first, retry = item
                # Both replicas at once (either may be first); then maybe a retry to one.
                order = [senders[first], senders[1 - first]]
                with ThreadPoolExecutor(2) as pair:
                    sent = list(pair.map(lambda s: s.event(body).status, order))
                if retry is not None:
                    sent.append(senders[retry].event(body, retry_num=1).status)
                return sum(status != 200 for status in sent)

            started = time.monotonic()
            with ThreadPoolExecutor(workers) as pool:
                failures = sum(pool.map(deliver, plan))
            sending = time.monotonic() - started
            requests = 2 * count + sum(retry is not None for *_, retry in plan)

            expected = {body["event"]["ts"] for body, coded, *_ in plan if coded}
            # Replies go out after the ack: wait until the count stops growing.
            settled, last = time.monotonic() + 30, -1
            while time.monotonic() < settled:
                now = len(fake.calls_to("chat.postMessage"))
                if now == last and now >= len(expected):
                    break
                last = now
                time.sleep(1.0)
            replies = Counter(c.params.get("thread_ts") for c in fake.calls_to("chat.postMessage"))

    delivered = sum(replies[ts] for ts in expected)
    duplicated = sum(max(0, replies[ts] - 1) for ts in expected)
    lost = sum(1 for ts in expected if replies[ts] == 0)
    stray = sum(n for ts, n in replies.items() if ts not in expected)
    print(f"events sent:         {count} ({len(expected)} with codes)")
    print(f"requests:            {requests} in {sending:.1f}s ({failures} not acked with 200)")
    print(f"replies expected:    {len(expected)}")
    print(f"replies delivered:   {delivered}")
    print(f"replies duplicated:  {duplicated}")
    print(f"replies lost:        {lost}")
    print(f"replies unexpected:  {stray}")
    return 0 if duplicated == lost == stray == failures == 0 else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000, help="messages to send (>= 1)")
    parser.add_argument("--coded", type=float, default=0.10, help="share with a code")
    parser.add_argument("--retried", type=float, default=0.20, help="share retried once more")
    parser.add_argument("--workers", type=int, default=8, help="messages in flight at once")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    if args.events < 1 or not 0 < args.coded <= 1:
        parser.error("--events must be >= 1 and --coded in (0, 1]")
    return run(args.events, args.coded, args.retried, args.workers, args.seed)


if __name__ == "__main__":
    sys.exit(main())
