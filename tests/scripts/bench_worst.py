"""The worst 40,000-character messages for the scanner and the resolver, against a baseline.

Run: ``uv run python tests/scripts/bench_worst.py [--repeat 50] [--uncapped]``

Each case is a message made of nothing but candidates (issue 12, break 5): "PC " repeated
(every word could start a text code), "1027, " repeated (every number a list item of the
one before), and a few more shapes. Both :func:`~bot.scanner.candidates.scan` (channel
mode) and :func:`~bot.resolver.resolution.resolve` (direct mode) run on each. The baseline,
timed in the same run on the same text, is one compiled regular expression that extracts
integers and UPPER_SNAKE tokens, the least any scan does. Target: p99 under 50 ms for
every case in both. ``--uncapped`` lifts the per-message cap (:mod:`bot.text.budget`),
to show what it saves.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scan import BASELINE, SLACK_MAX

from bot.knowledge.loader import load_knowledge
from bot.resolver.resolution import resolve
from bot.scanner.candidates import scan
from bot.text import budget

TARGET_MS = 50.0


def _fill(unit: str) -> str:
    return (unit * (SLACK_MAX // len(unit) + 1))[:SLACK_MAX]


CASES = {
    "PC ": _fill("PC "),
    "1027, ": _fill("1027, "),
    "1027\\n": _fill("1027\n"),
    "error 1027 ": _fill("error 1027 "),
    "PC_ROOM_NOT_EXISTS ": _fill("PC_ROOM_NOT_EXISTS "),
    "distinct A_Bn ": "".join(f"A_B{n} " for n in range(10_000))[:SLACK_MAX],
    "wrong server ": _fill("wrong server "),
    "room does not exist ": _fill("room does not exist "),
    "401 in bems, 416 in nim; ": _fill("401 in bems, 416 in nim; "),
    "云信 408，": _fill("云信 408，"),
    "1028 (unknown, suggestions) ": _fill("1028 "),
    "one 40,000-digit number": "1" * SLACK_MAX,
}


def _runs(fn: Callable[[str], object], text: str, repeat: int) -> list[float]:
    fn(text)  # warm caches (the fuzzy word memo, the text index) as a server would be
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn(text)
        out.append((time.perf_counter() - started) * 1e3)
    return sorted(out)


def _p99(runs: list[float]) -> float:
    return runs[min(len(runs) - 1, round(0.99 * (len(runs) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--uncapped", action="store_true", help="lift the per-message cap")
    args = parser.parse_args()
    if args.uncapped:
        budget.MAX_CANDIDATES = 10**9
    kb = load_knowledge()
    print(f"cap: {budget.MAX_CANDIDATES} candidates per message; {args.repeat} runs per case")
    head = f"{'case (40,000 chars)':<28}{'fn':<9}{'median':>9}{'p99':>9}"
    print(f"{head}{'baseline':>10}{'ratio':>8}")
    worst = 0.0
    for name, text in CASES.items():
        base = statistics.median(_runs(BASELINE.findall, text, args.repeat))
        for label, fn in (("scan", lambda t: scan(t, kb)), ("resolve", lambda t: resolve(t, kb))):
            runs = _runs(fn, text, args.repeat)
            worst = max(worst, _p99(runs))
            print(
                f"{name!r:<28}{label:<9}{statistics.median(runs):>7.2f}ms{_p99(runs):>7.2f}ms"
                f"{base:>8.2f}ms{statistics.median(runs) / base:>7.1f}x"
            )
    verdict = "met" if worst < TARGET_MS else "MISSED"
    print(f"worst p99: {worst:.2f} ms (target < {TARGET_MS:.0f} ms: {verdict})")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
