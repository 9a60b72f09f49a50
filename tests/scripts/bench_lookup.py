"""Lookup latency, at the bundled size and with 100,000 generated entries; CLI cold start.

Run: ``uv run python tests/scripts/bench_lookup.py [--entries 100000] [--repeat 2000]``

Prints, per query kind (exact, text code, typo, free text in English and in Chinese), the
median and p99 latency of ``resolve`` in-process, with the free-text p99 target beside it;
the load time of the large table cold (no cache), on a first load that writes the cache,
and from the cache, with their targets, and its memory; and the wall time of
``errcode lookup 1027`` run cold in a fresh process.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import load_knowledge
from bot.resolver.resolution import resolve
from bot.resolver.terms import segment

#: Issue 11's targets.
FREE_TEXT_P99_MS = 20.0
COLD_LOAD_S = 3.0
CACHED_LOAD_S = 0.5
#: Share of generated entries with a Chinese description, as CommsEase entries have.
ZH_SHARE = 0.3

QUERIES = {
    "exact": ["1027", "bems 11001", "-32700", "NIM 404", "40105,40106"],
    "text code": ["WRONG_SERVER", "pc room not exist", "server_busy", "Contact-Offline"],
    "typo": ["SEVRER_BUSY", "PC_ACESS_DENIED", "methd not found", "GPS_NOT_RESPONDIG"],
    "free text en": [
        "user is muted",
        "room does not exist",
        "too many team admins",
        "peer is offline and push notifications can't be delivered",
    ],
    "free text zh": ["用户被禁言", "聊天室不存在", "群人数达到上限", "对方不在线"],
}
FREE_TEXT = ("free text en", "free text zh")


def vocabulary(rng: random.Random, kb: KnowledgeBase, size: int = 6000) -> list[str]:
    """The bundled tables' words plus made-up ones, in a random Zipf rank order."""
    real = {w for e in kb.entries for w in e.code.description.lower().split() if w.isalpha()}
    syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "an", "er", "ol", "us", "ix"]
    made_up = {"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(size)}
    words = sorted(real | made_up)
    rng.shuffle(words)
    return words


def vocabulary_zh(rng: random.Random, kb: KnowledgeBase, size: int = 3000) -> list[str]:
    """NetEase's Chinese words plus made-up two-character ones, in a random Zipf rank order."""
    real = {w for e in kb.entries for w in segment(e.code.description_zh or "")}
    chars = sorted(
        {c for e in kb.entries for c in e.code.description_zh or ""} - set("()（）/，。、")
    )
    made_up = {"".join(rng.choices(chars, k=2)) for _ in range(size)}
    words = sorted(real | made_up)
    rng.shuffle(words)
    return words


def generate(directory: Path, total: int, kb: KnowledgeBase, seed: int = 7) -> None:
    """Write ``total`` entries over ten products; words drawn Zipf-like, as in real tables.

    A share of the entries (:data:`ZH_SHARE`) have a Chinese description too, so Chinese
    questions have a field of the large table's size to search.
    """
    rng = random.Random(seed)
    words_pool = vocabulary(rng, kb)
    weights = [1 / (rank + 1) for rank in range(len(words_pool))]
    zh_pool = vocabulary_zh(rng, kb)
    zh_weights = [1 / (rank + 1) for rank in range(len(zh_pool))]
    per_product = total // 10

    def draw(k: int) -> list[str]:
        return rng.choices(words_pool, weights=weights, k=k)

    def draw_zh(k: int) -> str:
        return "".join(rng.choices(zh_pool, weights=zh_weights, k=k))

    for p in range(10):
        entries = []
        for i in range(per_product):
            words = draw(rng.randint(2, 5))
            entries.append(
                {
                    "code": str(100000 + p * per_product + i),
                    "text_code": "_".join(w.upper() for w in words) + f"_{i}",
                    "description": " ".join(draw(rng.randint(5, 14))).capitalize() + ".",
                    "categories": [f"Section {i % 40}"],
                    "severity": rng.choice(["info", "warning", "error"]),
                    "retryable": rng.random() < 0.3,
                    "audience": rng.choice(["end_user", "app_developer", "server_admin"]),
                    "remediation": [
                        f"Generated step {i} for product {p}: check setting {draw(1)[0]}."
                    ],
                }
            )
            if rng.random() < ZH_SHARE:
                entries[-1]["description_zh"] = draw_zh(rng.randint(3, 8))
        table = {
            "product": {"id": f"gen{p}", "name": f"Generated {p}", "vendor": "Bench"},
            "entries": entries,
        }
        (directory / f"gen{p}.yaml").write_text(
            yaml.safe_dump(table, sort_keys=False), encoding="utf-8"
        )


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def measure(kb: KnowledgeBase, repeat: int) -> dict[str, tuple[float, float]]:
    out = {}
    for kind, queries in QUERIES.items():
        for q in queries:  # warm: the free-text index is built on first use
            resolve(q, kb)
        samples = []
        for i in range(repeat):
            q = queries[i % len(queries)]
            start = time.perf_counter_ns()
            resolve(q, kb)
            samples.append((time.perf_counter_ns() - start) / 1000)
        samples.sort()
        out[kind] = (statistics.median(samples), samples[int(len(samples) * 0.99) - 1])
    return out


def cold_cli(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bot", "lookup", "1027"], capture_output=True, check=True
        )
        times.append(time.perf_counter() - start)
    return sorted(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=2000)
    parser.add_argument("--cli-runs", type=int, default=10)
    args = parser.parse_args()

    bundled = load_knowledge(extra_dir="")
    rows = [("bundled", len(bundled), measure(bundled, args.repeat))]
    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), args.entries, bundled)
        os.environ["ERRCODE_CACHE_DIR"] = "off"
        before = rss_mib()
        start = time.perf_counter()
        large = load_knowledge(extra_dir=tmp)
        cold_s = time.perf_counter() - start
        memory = rss_mib() - before
        del large
        os.environ["ERRCODE_CACHE_DIR"] = os.path.join(tmp, "cache")
        start = time.perf_counter()
        load_knowledge(extra_dir=tmp)  # parses the YAML and writes the cache
        writing_s = time.perf_counter() - start
        start = time.perf_counter()
        large = load_knowledge(extra_dir=tmp)  # unchanged files: read from the cache
        cached_s = time.perf_counter() - start
        rows.append(("large", len(large), measure(large, args.repeat)))
        zh_entries = sum(1 for e in large.entries if e.code.description_zh)

    print(f"{'table':8} {'entries':>8} {'query':13} {'median µs':>10} {'p99 µs':>10}  target")
    for name, size, results in rows:
        for kind, (median, p99) in results.items():
            target = ""
            if kind in FREE_TEXT:
                verdict = "ok" if p99 / 1000 < FREE_TEXT_P99_MS else "OVER"
                target = f"  p99 < {FREE_TEXT_P99_MS:.0f} ms: {verdict}"
            print(f"{name:8} {size:8d} {kind:13} {median:10.1f} {p99:10.1f}{target}")
    print(f"large table: {zh_entries} of its entries have a Chinese description")

    def verdict(seconds: float, target: float) -> str:
        return f"(target < {target} s: {'ok' if seconds < target else 'OVER'})"

    print(f"large table: cold load (no cache) {cold_s:.2f} s {verdict(cold_s, COLD_LOAD_S)}")
    print(f"large table: first load, writing the cache {writing_s:.2f} s")
    print(f"large table: cached load {cached_s:.2f} s {verdict(cached_s, CACHED_LOAD_S)}")
    print(f"large table: memory +{memory:.0f} MiB (RSS)")
    if args.cli_runs < 1:
        return
    times = cold_cli(args.cli_runs)
    print(
        f"cold `errcode lookup 1027`: median {statistics.median(times):.3f} s, "
        f"max {times[-1]:.3f} s over {len(times)} runs"
    )


if __name__ == "__main__":
    main()
