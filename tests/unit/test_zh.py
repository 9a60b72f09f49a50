"""Chinese for CommsEase (issue 11): the vendor's Chinese words, Chinese search, Chinese lines."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from bot.knowledge.base import KnowledgeBase
from bot.models import ErrorCode
from bot.resolver import resolve
from bot.text.grammar import is_cjk

BASE: dict[str, Any] = {
    "code": "1",
    "description": "Something went wrong.",
    "categories": ["General"],
    "severity": "error",
    "retryable": False,
    "audience": "end_user",
    "remediation": ["Check the widget configuration in the admin console."],
}


# -- schema ---------------------------------------------------------------------------


def test_schema_accepts_chinese_description_and_sources() -> None:
    entry = ErrorCode(
        **BASE,
        description_zh="在禁言列表中,不允许发言",
        sources=["https://github.com/netease-im/node-nim/blob/abc/ts/nim_def/client_def.ts"],
    )
    assert entry.description_zh == "在禁言列表中,不允许发言"
    assert entry.sources[0].startswith("https://github.com/")


def test_schema_leaves_both_optional() -> None:
    entry = ErrorCode(**BASE)
    assert entry.description_zh is None and entry.sources == ()


@pytest.mark.parametrize(
    "extra",
    [
        {"description_zh": ""},
        {"description_zh": "   "},
        {"description_zh": "Account is muted."},  # English misfiled as Chinese
        {"sources": ["doc.yunxin.163.com/messaging"]},  # no scheme
        {"sources": ["https://example.com/a b"]},
        {"sources": "https://example.com/"},  # one string, not a list
    ],
)
def test_schema_rejects(extra: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ErrorCode(**BASE, **extra)


# -- the bundled CommsEase table --------------------------------------------------------


def _with_zh(kb: KnowledgeBase) -> list[ErrorCode]:
    return [e.code for e in kb.entries if e.code.description_zh]


def test_every_chinese_description_is_chinese_and_sourced(kb: KnowledgeBase) -> None:
    entries = _with_zh(kb)
    assert len(entries) >= 50
    for code in entries:
        assert code.description_zh and any(is_cjk(c) for c in code.description_zh), code.code
        # Verbatim vendor text only: each rests on a NetEase page or a NetEase repository.
        assert code.sources, code.code
        for url in code.sources:
            assert (
                url.startswith(
                    ("https://github.com/netease-im/", "https://github.com/netease-kit/")
                )
                or "163.com" in url
                or "netease.im" in url
            ), url


def test_only_commsease_has_chinese_descriptions(kb: KnowledgeBase) -> None:
    assert {e.product.id for e in kb.entries if e.code.description_zh} == {"commsease"}


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("11001", "callee"),
        ("808", "申请成功"),
        ("13004", "muted"),
        ("811", "force-push"),
        ("508", "超过配置有效期"),
        ("315", "内部帐户不允许在该地址登陆"),
    ],
)
def test_where_chinese_and_english_differ_the_note_says_so(
    kb: KnowledgeBase, code: str, words: str
) -> None:
    (entry,) = kb.by_number(code, {"commsease"})
    assert entry.code.note and words in entry.code.note
    assert "advice follows" in entry.code.note


@pytest.mark.parametrize("alias", ["网易云信", "网易IM", "云信IM", "NIM", "云信"])
def test_chinese_product_names_narrow_a_number(kb: KnowledgeBase, alias: str) -> None:
    result = resolve(f"{alias} 11001 是什么意思", kb)
    assert [m.key for m in result.matches] == ["commsease:11001"]
