"""A canonical JSON snapshot of everything the scanner (and the direct-mode resolver)
answers on the labeled corpora and the bench corpus, to prove an optimisation changed
no output.

Run: ``uv run python tests/scripts/scan_snapshot.py OUT.json [--compare BEFORE.json]``

Inputs: every line of ``tests/fixtures/corpus/*.jsonl`` and ``../shared/corpus/dev.jsonl``
(scanned with the line's ``channel_product``, and resolved as a direct query), and the
bench corpus of ``bench_scan.py`` at seeds 11 and 12 (10,000 messages each, scanned).
For each text it records every mention of :func:`bot.scanner.candidates.scan` in full
(span, reason, and each match's product, code, text code, kind and exact score), what
:func:`bot.scanner.candidates.explain` weighed (what ``errcode scan --explain`` prints),
and, for the corpus lines, the whole :class:`bot.models.Resolution` of ``resolve``.

With ``--compare`` it exits 1 and names the first differing inputs when the snapshot
differs from ``BEFORE.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "scripts"))

from bench_scan import corpus  # noqa: E402

from bot.knowledge.base import KnowledgeBase  # noqa: E402
from bot.knowledge.loader import load_knowledge  # noqa: E402
from bot.models import Match, Mention  # noqa: E402
from bot.resolver import resolve  # noqa: E402
from bot.scanner.candidates import Considered, explain, scan  # noqa: E402

CORPORA = [*sorted((ROOT / "tests" / "fixtures" / "corpus").glob("*.jsonl"))]
DEV = ROOT.parent / "shared" / "corpus" / "dev.jsonl"
BENCH_SEEDS = (11, 12)
BENCH_MESSAGES = 10_000


def _match(m: Match) -> list[Any]:
    # repr keeps the exact float: a rounded score could hide a change.
    return [m.product.id, m.entry.code, m.entry.text_code, m.kind.value, repr(m.score)]


def _mention(mention: Mention) -> dict[str, Any]:
    return {
        "span": list(mention.span),
        "reason": mention.reason,
        "matches": [_match(m) for m in mention.matches],
    }


def _considered(seen: Considered) -> dict[str, Any]:
    evidence = seen.evidence
    return {
        "code": seen.code,
        "span": list(seen.span),
        "features": sorted(evidence.features),
        # Rounded: the features are summed in a frozenset's order, which the hash seed
        # sets, so the last bits of the sum differ from run to run of the same code.
        "score": round(evidence.score, 9),
        "vetoed": evidence.vetoed,
        "taken": evidence.taken,
        "reason": evidence.reason,
        "entries": [[e.product.id, e.code.code] for e in seen.entries],
    }


def _scanned(text: str, kb: KnowledgeBase, channel_product: str | None) -> dict[str, Any]:
    return {
        "scan": [_mention(m) for m in scan(text, kb, channel_product=channel_product)],
        "explain": [_considered(c) for c in explain(text, kb)],
    }


def _corpus_lines(kb: KnowledgeBase) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path in [*CORPORA, DEV]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            text, product = row["text"], row.get("channel_product")
            record = _scanned(text, kb, product)
            record["direct"] = resolve(text, kb).model_dump(mode="json")
            out[f"{path.name}:{number}"] = record
    return out


def _bench_lines(kb: KnowledgeBase) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for seed in BENCH_SEEDS:
        for number, text in enumerate(corpus(BENCH_MESSAGES, seed, kb)):
            out[f"bench-{seed}:{number}"] = _scanned(text, kb, None)
    return out


def snapshot() -> dict[str, Any]:
    kb = load_knowledge()
    return {**_corpus_lines(kb), **_bench_lines(kb)}


def _differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    keys = sorted(set(before) | set(after))
    return [k for k in keys if before.get(k) != after.get(k)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="where the snapshot is written")
    parser.add_argument("--compare", type=Path, help="a snapshot to compare against")
    args = parser.parse_args()

    snap = snapshot()
    args.out.write_text(json.dumps(snap, sort_keys=True, ensure_ascii=False, indent=0) + "\n")
    print(f"{len(snap):,} inputs snapshotted to {args.out}")
    if args.compare is None:
        return 0
    differing = _differences(json.loads(args.compare.read_text(encoding="utf-8")), snap)
    if not differing:
        print(f"identical to {args.compare}")
        return 0
    print(f"{len(differing)} inputs differ from {args.compare}, first: {differing[:10]}")
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
