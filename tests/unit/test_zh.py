"""Chinese for CommsEase (issue 11): the vendor's Chinese words, Chinese search, Chinese lines."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from bot.models import ErrorCode

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
