"""What an answer says about one entry, in the reader's language, before any markup.

A card is plain text in fields: the Slack renderer turns it into Block Kit and the
terminal into lines, so both say the same thing. English is the default; a question in
Chinese about a CommsEase entry is answered in Chinese (NetEase's own description, our
translations of the cause, the steps and when to go to the vendor, Chinese labels), as
``ERRCODE_LANGUAGE`` and ``errcode lookup --lang`` allow. BEMS entries stay in English: their
vendor writes English.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlparse

from bot.models import Audience, Confidence, Match, Retry, Severity
from bot.text.grammar import is_cjk

__all__ = ["Card", "Language", "Setting", "card", "choose_language"]

#: The language an answer is written in.
Language = Literal["en", "zh"]
#: What ``ERRCODE_LANGUAGE`` and ``--lang`` accept: ``auto`` follows the question.
Setting = Literal["auto", "en", "zh"]

_LABELS: dict[Language, dict[str, str]] = {
    "en": {
        "category": "Category",
        "severity": "Severity",
        "retry": "Retry?",
        "who": "Who acts",
        "why": "Why",
        "steps": "What to do",
        "escalate": "When to take it to the vendor",
        "applies": "Applies to",
        "sources": "Sources",
        "note": "Beyond the vendor's table",
        "inferred": "(inferred)",
        "vendor_zh": "",
        "translated": "",
    },
    "zh": {
        "category": "类别",
        "severity": "严重程度",
        "retry": "能否重试",
        "who": "谁来处理",
        "why": "原因",
        "steps": "处理步骤",
        "escalate": "何时联系厂商",
        "applies": "适用范围",
        "sources": "来源",
        "note": "厂商表格未说明或有误之处",
        "inferred": "（推断）",
        "vendor_zh": "云信说明",
        "translated": "（原因、处理步骤与联系厂商的说明为 errcode 的译文）",
    },
}
_RETRY: dict[Language, dict[Retry, str]] = {
    "en": {
        Retry.NOW: "yes: retry as is, with backoff",
        Retry.AFTER_FIX: "after the cause is fixed",
        Retry.NEVER: "no: the same request cannot succeed",
    },
    "zh": {
        Retry.NOW: "可以：原样重试，间隔逐步加大",
        Retry.AFTER_FIX: "修复原因之后再试",
        Retry.NEVER: "不可以：同样的请求不会成功",
    },
}
_WHO: dict[Language, dict[Audience, str]] = {
    "en": {a: a.label for a in Audience},
    "zh": {
        Audience.END_USER: "终端用户",
        Audience.APP_DEVELOPER: "应用开发者",
        Audience.SERVER_ADMIN: "服务器管理员",
    },
}
_SEVERITY: dict[Language, dict[Severity, str]] = {
    "en": {s: s.value for s in Severity},
    "zh": {
        Severity.SUCCESS: "成功",
        Severity.INFO: "提示",
        Severity.WARNING: "警告",
        Severity.ERROR: "错误",
    },
}


def choose_language(setting: str, query: str) -> Language:
    """``zh`` or ``en`` for an answer to ``query``: ``auto`` answers Chinese questions in
    Chinese (any CJK ideograph in them)."""
    if setting in ("en", "zh"):
        return "zh" if setting == "zh" else "en"
    return "zh" if any(is_cjk(c) for c in query) else "en"


@dataclass(frozen=True, slots=True)
class Card:
    """One entry, as words: every value is plain text, not yet escaped."""

    language: Language
    #: What the vendor calls it, then our description lines.
    description: tuple[str, ...]
    #: (label, value) facts: category, severity, retry, who acts.
    facts: tuple[tuple[str, str], ...]
    why_label: str
    why: str
    steps_label: str
    #: (who, text) per step.
    steps: tuple[tuple[str, str], ...]
    escalate_label: str
    escalate: str
    applies_label: str
    applies_to: tuple[str, ...]
    sources_label: str
    #: (host, url) of each source.
    sources: tuple[tuple[str, str], ...]
    note_label: str
    note: str | None
    #: A line saying the Chinese cause, steps and escalation are our translation ("" when not).
    translated: str


def card(match: Match, language: Language) -> Card:
    """The card of ``match`` in ``language`` (Chinese only where the entry has Chinese)."""
    entry = match.entry
    chinese = language == "zh" and bool(entry.cause_zh) and bool(entry.actions_zh)
    lang: Language = "zh" if chinese or (language == "zh" and entry.description_zh) else "en"
    words = _LABELS[lang]
    description: list[str] = []
    if lang == "zh" and entry.description_zh:
        description += [f"{words['vendor_zh']}: {entry.description_zh}", entry.description]
    else:
        description.append(entry.description)
    why = (entry.cause_zh if chinese else entry.cause) or ""
    if entry.confidence is Confidence.INFERRED and why:
        why = f"{why} {words['inferred']}"
    texts = entry.actions_zh if chinese else tuple(a.text for a in entry.actions)
    whos = [a.who for a in entry.actions] or [entry.audience] * len(entry.remediation)
    if not texts:
        texts = entry.remediation
    steps = tuple((_WHO[lang][who], text) for who, text in zip(whos, texts, strict=False))
    retry = entry.retry or (Retry.NOW if entry.retryable else Retry.AFTER_FIX)
    return Card(
        language=lang,
        description=tuple(description),
        facts=(
            (words["category"], ", ".join(entry.categories)),
            (words["severity"], _SEVERITY[lang][entry.severity]),
            (words["retry"], _RETRY[lang][retry]),
            (words["who"], _WHO[lang][whos[0]] if whos else ""),
        ),
        why_label=words["why"],
        why=why,
        steps_label=words["steps"],
        steps=steps,
        escalate_label=words["escalate"],
        escalate=(entry.escalate_zh if chinese else None) or entry.escalate or "",
        applies_label=words["applies"],
        applies_to=entry.applies_to,
        sources_label=words["sources"],
        sources=tuple((urlparse(url).netloc or url, url) for url in entry.sources),
        note_label=words["note"],
        note=entry.note,
        translated=words["translated"] if chinese else "",
    )
