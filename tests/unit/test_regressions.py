"""Messages the old scanner got wrong, and traps written blind, kept as regression tests.

``REVIEWER`` holds the nine messages a reviewer of the old scanner predicted it would get
wrong, with what RULES.md v2 says of them; ``FORMATS`` the log formats it missed (with a
tie to the product where rule 5b asks for one). ``traps.jsonl`` was written by an author
who saw only RULES.md and the vendor tables; known misses are listed with the reason and
fail the suite if they start to pass, so the list stays true.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.resolver import resolve
from bot.scanner import scan

TRAPS = Path(__file__).parents[1] / "fixtures" / "regression" / "traps.jsonl"

REVIEWER: list[tuple[str, list[str]]] = [
    ("we got 1028 new signups this week", []),
    ("new office address is 450 W 33rd St, zip code 10001", []),
    ("errors: 1027 in the last hour", []),
    ("Status: 404 done, 12 to go", []),
    ("anyone know what 1019 means", ["bems:1019"]),
    ("we keep hitting 1028 on bems since the upgrade", ["bems:1028"]),
    ("seeing lots of 1028s from bems", ["bems:1028"]),
    ("nim_login ret=408 after token refresh", ["commsease:408"]),
    ("云信登录一直返回 408", ["commsease:408"]),
]

FORMATS: list[tuple[str, list[str]]] = [
    ("Connect service: Method not found (-32601)", ["bems:-32601"]),
    ("Connect service log: `-32601 Method not found`", ["bems:-32601"]),
    (
        "NIM server API, Message: Response status code does not indicate success: 514",
        ["commsease:514"],
    ),
    ("GET /nimserver/msg/send.action?reqCode=13002&x=1 failed", []),
    ("nginx returned 404", []),
    ("MCP error -32601: Method not found", []),
]

#: Traps the scanner still gets wrong, by id and why: strict xfails, so a fix is noticed.
KNOWN_MISSES: dict[str, str] = {}


def _keys(text: str, kb: KnowledgeBase, channel_product: str | None = None) -> list[str]:
    return sorted(m.key for mention in scan(text, kb, channel_product) for m in mention.matches)


@pytest.mark.parametrize(("text", "expected"), REVIEWER)
def test_reviewer_messages(text: str, expected: list[str], kb: KnowledgeBase) -> None:
    assert _keys(text, kb) == sorted(expected)


@pytest.mark.parametrize(("text", "expected"), FORMATS)
def test_log_formats(text: str, expected: list[str], kb: KnowledgeBase) -> None:
    assert _keys(text, kb) == sorted(expected)


def _traps() -> list[object]:
    out: list[object] = []
    for line in TRAPS.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        reason = KNOWN_MISSES.get(item["id"])
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(item, id=item["id"], marks=marks))
    return out


@pytest.mark.parametrize("item", _traps())
def test_blind_traps(item: dict[str, object], kb: KnowledgeBase) -> None:
    text = str(item["text"])
    if item["mode"] == "channel":
        product = item.get("channel_product")
        got = _keys(text, kb, str(product) if product else None)
    else:
        got = sorted({m.key for m in resolve(text, kb).matches})
    assert got == sorted(item["expect"]), item.get("note")  # type: ignore[call-overload]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("9519 错误码，超时", []),  # RULES direct 4: names a code, so no free-text answer
        ("team of 200 members, adding one more gives 801", ["commsease:801"]),  # a quantity
        ("群里 500 人的时候加人报 801", ["commsease:801"]),
        ("name longer than 256 characters", ["bems:40106"]),  # the 256 is no code
    ],
)
def test_direct_quantities_and_named_codes(
    query: str, expected: list[str], kb: KnowledgeBase
) -> None:
    assert sorted({m.key for m in resolve(query, kb).matches}) == sorted(expected)
