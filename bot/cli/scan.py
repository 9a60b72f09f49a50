"""``errcode scan``: JSON lines in, one JSON line out per line, in order, as they come.

Each input line is an object with a ``"text"`` field (other fields are ignored). In
channel mode the text is scanned as a channel message; in direct mode it is answered
as a query, exactly as ``errcode lookup`` answers it. Output lines are
``{"matches": [{"product", "code", "text_code", "span"}]}`` (``span`` is ``[start, end]``
in channel mode, ``null`` in direct mode), or ``{"error": "..."}`` for a line that is
not a JSON object with a string ``"text"``; the scan goes on after such a line.

One line is held at a time and each answer is flushed as soon as it is written, so
memory stays flat whatever the input size and a consumer on a pipe sees results live.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Literal, TextIO

from bot.knowledge.base import KnowledgeBase
from bot.resolver import resolve
from bot.scanner import scan
from bot.scanner.candidates import explain as weigh_numbers

__all__ = ["ScanMode", "answer_line", "run_scan"]

ScanMode = Literal["channel", "direct"]


def run_scan(
    lines: Iterable[str], out: TextIO, mode: ScanMode, kb: KnowledgeBase, *, explain: bool = False
) -> None:
    """Write one JSON answer line to ``out`` for every line of ``lines``.

    :param lines: JSON lines, e.g. an open file or ``sys.stdin``; read lazily.
    :param out: where the answers go, one per input line, in input order.
    :param mode: ``"channel"`` (auto-reply rules) or ``"direct"`` (each text is a query).
    :param explain: in channel mode, add ``"weighed"``: every known number the scanner
        weighed, with its features, score and whether it was taken.
    """
    if mode not in ("channel", "direct"):
        raise ValueError(f"unknown scan mode: {mode!r}")
    for line in lines:
        out.write(json.dumps(answer_line(line, mode, kb, explain=explain), ensure_ascii=False))
        out.write("\n")
        out.flush()


def answer_line(
    line: str, mode: ScanMode, kb: KnowledgeBase, *, explain: bool = False
) -> dict[str, Any]:
    """The answer to one input line: its matches, or the reason it could not be read."""
    try:
        event = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"error": f"invalid JSON: {exc.msg} at column {exc.colno}"}
    except RecursionError:  # "[[[[..." nested beyond what the decoder allows
        return {"error": "invalid JSON: nested too deeply"}
    if not isinstance(event, dict):
        return {"error": f"expected a JSON object, got {type(event).__name__}"}
    text = event.get("text")
    if not isinstance(text, str):
        reason = "missing" if text is None else f"not a string ({type(text).__name__})"
        return {"error": f'"text" field {reason}'}
    if mode == "direct":
        return {"matches": _direct_matches(text, kb)}
    product = event.get("channel_product")
    if product is not None and product not in kb.products:
        return {"error": f'"channel_product" names no known product ({str(product)[:40]!r})'}
    answer: dict[str, Any] = {"matches": _channel_matches(text, kb, product)}
    if explain:
        answer["weighed"] = [
            {
                "code": seen.code,
                "span": list(seen.span),
                "features": sorted(seen.evidence.features),
                "score": None if seen.evidence.vetoed else round(seen.evidence.score, 3),
                "taken": seen.evidence.taken,
            }
            for seen in weigh_numbers(text, kb)
        ]
    return answer


def _channel_matches(
    text: str, kb: KnowledgeBase, channel_product: str | None = None
) -> list[dict[str, Any]]:
    return [
        {
            "product": m.product.id,
            "code": m.entry.code,
            "text_code": m.entry.text_code,
            "span": list(mention.span),
        }
        for mention in scan(text, kb, channel_product=channel_product)
        for m in mention.matches
    ]


def _direct_matches(text: str, kb: KnowledgeBase) -> list[dict[str, Any]]:
    return [
        {
            "product": m.product.id,
            "code": m.entry.code,
            "text_code": m.entry.text_code,
            "span": None,
        }
        for m in resolve(text, kb).matches
    ]
