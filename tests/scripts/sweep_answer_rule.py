"""Sweep the free-text answer rule's thresholds over the training corpora's direct questions.

Usage::

    uv run python tests/scripts/sweep_answer_rule.py [--score 3,4,5] [--margin 1.05,1.15,1.25]
        [--coverage 0.3,0.4,0.55] [CORPUS ...]

Default corpora: every ``tests/fixtures/corpus/train*.jsonl`` and ``../shared/corpus/dev.jsonl``;
held-out sets (``heldout-*.jsonl``) are refused, as in ``fit_evidence.py``. For each setting
of :data:`bot.resolver.description.ANSWER_SCORE`, ``ANSWER_MARGIN`` and ``ANSWER_COVERAGE``
it prints how many direct questions get exactly their expected entries, and how the others
fail: no answer where one was expected, a wrong entry, or an answer where none was.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import bot.resolver.description as answer_rule  # noqa: E402
from bot.knowledge import load_knowledge  # noqa: E402
from bot.resolver.resolution import resolve  # noqa: E402


def _floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpora", nargs="*", type=Path)
    parser.add_argument("--score", type=_floats, default=[answer_rule.ANSWER_SCORE])
    parser.add_argument("--margin", type=_floats, default=[1.05, 1.15, 1.25])
    parser.add_argument("--coverage", type=_floats, default=[0.3, 0.4, 0.55])
    args = parser.parse_args()
    corpora = args.corpora or [
        *sorted((ROOT / "tests/fixtures/corpus").glob("train*.jsonl")),
        ROOT.parent / "shared/corpus/dev.jsonl",
    ]
    if held_out := [p for p in corpora if p.name.startswith("heldout-")]:
        print(f"refused: {', '.join(map(str, held_out))} is held out", file=sys.stderr)
        return 2
    questions = [
        (line["text"], sorted(line["expect"]))
        for path in corpora
        for line in map(json.loads, path.read_text(encoding="utf-8").splitlines())
        if line["mode"] == "direct"
    ]
    kb = load_knowledge()
    print(f"{len(questions)} direct questions from {len(corpora)} corpora")
    print("score margin coverage   exact   none  wrong   over")
    for score, margin, coverage in itertools.product(args.score, args.margin, args.coverage):
        answer_rule.ANSWER_SCORE = score
        answer_rule.ANSWER_MARGIN = margin
        answer_rule.ANSWER_COVERAGE = coverage
        counts = dict.fromkeys(("exact", "none", "wrong", "over"), 0)
        for text, expected in questions:
            got = sorted(m.key for m in resolve(text, kb).matches)
            kind = (
                "exact" if got == expected else "none" if not got else "over" if not expected
                else "wrong"
            )  # fmt: skip
            counts[kind] += 1
        print(
            f"{score:5.2f} {margin:6.2f} {coverage:8.2f} "
            + " ".join(f"{counts[k]:6d}" for k in ("exact", "none", "wrong", "over"))
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
