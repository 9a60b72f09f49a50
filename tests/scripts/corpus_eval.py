"""Score the scanner and the resolver on a labeled corpus, and list every miss.

Usage: ``uv run python tests/scripts/corpus_eval.py [PATH ...]``
(default: ../shared/corpus/dev.jsonl,
relative to the repository root). Each line is ``{"id", "mode", "text", "expect", ...}``,
labeled to ../shared/corpus/RULES.md; an optional ``channel_product`` goes to the scanner.
Each set is scored as a whole, again on its Chinese and mixed lines alone, and again on
the lines adapted from real public text (those whose note starts with ``real:``).

Channel mode (``bot.scanner.scan``): precision and recall over expected entries, and the
quiet rate: the share of lines expecting nothing on which the bot says nothing (the
issue asks for at least 0.97). Direct mode (``bot.resolver.resolve``): exact-line accuracy,
the share of lines whose set of answered entries is exactly the expected set.

This is a report, not a gate: it always exits 0.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.knowledge.base import KnowledgeBase  # noqa: E402
from bot.knowledge.loader import load_knowledge  # noqa: E402
from bot.resolver import resolve  # noqa: E402
from bot.scanner import scan  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "dev.jsonl"


@dataclass
class Miss:
    id: str
    text: str
    expected: list[str]
    got: list[str]


@dataclass
class Tally:
    lines: int = 0
    exact: int = 0
    true_pos: int = 0
    false_pos: int = 0
    false_neg: int = 0
    silent_lines: int = 0  # lines expecting nothing
    quiet: int = 0  # ... on which nothing was answered
    misses: list[Miss] = field(default_factory=list)

    def add(self, row: dict, got: set[str]) -> None:
        expected = set(row["expect"])
        self.lines += 1
        self.true_pos += len(got & expected)
        self.false_pos += len(got - expected)
        self.false_neg += len(expected - got)
        if not expected:
            self.silent_lines += 1
            self.quiet += not got
        if got == expected:
            self.exact += 1
        else:
            self.misses.append(Miss(row["id"], row["text"], sorted(expected), sorted(got)))


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


def channel_keys(text: str, kb: KnowledgeBase, channel_product: str | None = None) -> set[str]:
    return {
        m.key
        for mention in scan(text, kb, channel_product=channel_product)
        for m in mention.matches
    }


def direct_keys(text: str, kb: KnowledgeBase) -> set[str]:
    return {m.key for m in resolve(text, kb).matches}


def is_chinese(text: str) -> bool:
    """Chinese or mixed: any CJK ideograph in the text."""
    return any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in text)


def _print_misses(misses: list[Miss]) -> None:
    for miss in misses:
        print(f"  {miss.id}: {json.dumps(miss.text, ensure_ascii=False)}")
        print(f"      expected {miss.expected}  got {miss.got}")


def _report(label: str, channel: Tally, direct: Tally, misses: bool) -> None:
    """The figures of each mode that has lines (a set may hold one mode only)."""
    if channel.lines:
        precision = _ratio(channel.true_pos, channel.true_pos + channel.false_pos)
        recall = _ratio(channel.true_pos, channel.true_pos + channel.false_neg)
        quiet = _ratio(channel.quiet, channel.silent_lines)
        print(
            f"{label} channel ({channel.lines} lines): precision {precision:.3f}  "
            f"recall {recall:.3f}  quiet {quiet:.3f} ({channel.quiet}/{channel.silent_lines})  "
            f"exact lines {channel.exact}/{channel.lines}"
        )
        if misses:
            _print_misses(channel.misses)
    if direct.lines:
        accuracy = _ratio(direct.exact, direct.lines)
        print(
            f"{label} direct ({direct.lines} lines): exact {accuracy:.3f} "
            f"({direct.exact}/{direct.lines})"
        )
        if misses:
            _print_misses(direct.misses)


def is_real(row: dict) -> bool:
    """Adapted from real public text: the corpus briefs ask authors to note ``real: <URL>``."""
    return str(row.get("note", "")).lstrip().lower().startswith("real:")


def evaluate(path: Path, kb: KnowledgeBase) -> None:
    """Figures for every line of ``path``, then for its Chinese and mixed lines alone, then
    for its lines from real public text."""
    everything = (Tally(), Tally())
    chinese = (Tally(), Tally())
    real = (Tally(), Tally())
    with path.open(encoding="utf-8") as lines:
        for raw in lines:
            if not raw.strip():
                continue
            row = json.loads(raw)
            tallies = [everything]
            if is_chinese(row["text"]):
                tallies.append(chinese)
            if is_real(row):
                tallies.append(real)
            if row["mode"] == "channel":
                got = channel_keys(row["text"], kb, row.get("channel_product"))
                for channel, _ in tallies:
                    channel.add(row, got)
            else:
                got = direct_keys(row["text"], kb)
                for _, direct in tallies:
                    direct.add(row, got)
    print(f"corpus: {path}")
    print("  targets: precision >= 0.98, recall >= 0.95, quiet >= 0.97; direct exact >= 0.97")
    _report("all", *everything, misses=True)
    _report("zh/mixed", *chinese, misses=False)
    _report("real text", *real, misses=False)


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv[1:]] or [DEFAULT_CORPUS]
    kb = load_knowledge()
    for path in paths:
        evaluate(path, kb)
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
