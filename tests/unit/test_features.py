"""The evidence model's features: each one named, detected where it should be, and only there.

Every feature of ``words.FEATURES`` appears in ``PRESENT`` with a message that shows it,
and the completeness test fails when a feature is added without one.
"""

from __future__ import annotations

import re

import pytest

from bot.binding import named_products
from bot.binding.products import PRODUCT_VOCABULARY, VOCABULARY_FIRST, VOCABULARY_HINTS
from bot.knowledge.base import KnowledgeBase
from bot.scanner import words
from bot.scanner.candidates import explain
from bot.scanner.features import DETECTORS, Window, detect

#: feature -> (message, the number in it that shows the feature)
PRESENT: dict[str, tuple[str, str]] = {
    "key_value_code": ("resp errorCode=1027 on sync", "1027"),
    "code_word_before": ("we saw error 1028 twice", "1028"),
    "failure_verb_before": ("the connect service returned 1027 again", "1027"),
    "product_before": ("BEMS 1027 since lunch", "1027"),
    "asks_about": ("what does 1019 mean", "1019"),
    "opens_question": ("1027? anyone", "1027"),
    "opens_sentence": ("1027 again, the client wants another server", "1027"),
    "own_clause": ("发太快被限流了，416", "416"),
    "zh_word_before": ("错误码：811，最多能@多少账号", "811"),
    "zh_verb_before": ("登录一直返回 408", "408"),
    "zh_word_after": ("803错误，群没了", "803"),
    "zh_adjacent": ("群类型不匹配 805，接口混用了", "805"),
    "negative_sign": ("-32602 again from the Connect service", "-32602"),
    "code_word_after": ("1028 error on the pool", "1028"),
    "errors_after": ("1028 errors on the pool", "1028"),
    "reason_phrase": ("40131 file post not allowed in that room", "40131"),
    "sent_from_source": ("1028 on bems since the upgrade", "1028"),
    "product_in_clause": ("云信 登录 408 了", "408"),
    "code_formatting": ("the log has `1027` in it", "1027"),
    "code_column": ("code    count\n1027    12\n1028    3", "1028"),
    "heading_names_codes": ("error codes since the deploy: 1027 1028", "1027"),
    "table_row_under_heading": ("errors since the deploy:\n- 1027 x 12", "1027"),
    "list_after_code": ("error 1010, 1027", "1027"),
    "parallel_clause": ("returned 801 for the batch and 809 for the rest", "809"),
    "plural_after": ("we got 1028 new signups", "1028"),
    "after_quantity": ("1028 of them are bots", "1028"),
    "defines_meaning": ("接口文档：返回804则为用户重复", "804"),
    "message_field": ('CRM 接口返回 {"code":801,"msg":"手机号未注册"}', "801"),
    "time_range_after": ("errors: 1027 in the last hour", "1027"),
    "unit_after": ("took 1005 ms", "1005"),
    "street_address": ("the office moved to 1028 Harbor Blvd. last week", "1028"),
    "zh_measure_word": ("群里有 500人", "500"),
    "veto_word_before": ("zip code 10001 for the office", "10001"),
    "id_key": ("uid=8841 room=1027", "1027"),
    "quantity_column": ("code  count\n1027  1028", "1028"),
    "bracket_index": ("bems-connect[8812] error 1027", "8812"),
    "url_part": ("GET /nimserver/msg/send.action?reqCode=13002&x=1 failed", "13002"),
    "other_system": ("nginx returned 404 on the health check", "404"),
    "rival_im": ("OpenIM 的 demo 日志\n```errCode: 809```", "809"),
    "other_standard": ('the socket closed: "Abnormal Closure" (code 1006)', "1006"),
    "json_rpc_peer": ('Testing the MCP server.\n```{"error": {"code": -32601}}```', "-32601"),
    "sqlstate_after": ("ERROR 1005 (HY000): Can't create table 't1'", "1005"),
}

#: feature -> a message with the number where a careless detector would fire, but this must not
ABSENT: dict[str, tuple[str, str]] = {
    "key_value_code": ("versionCode=1028 in the build", "1028"),
    "failure_verb_before": ("the dashboard shows 1027 today", "1027"),
    "asks_about": ("is 500 enough?", "500"),
    "veto_word_before": ("BEMS said `-32602` again", "-32602"),
    "other_system": ("S3 is fine, the Connect service returned 1027", "1027"),
    "rival_im": ("从环信迁过来以后，登录报 1027", "1027"),
    "other_standard": ("BEMS error 1006, the BlackBerry Proxy is not responding", "1006"),
    "json_rpc_peer": ("our MCP bridge calls the Connect service, which returns -32601", "-32601"),
    "sqlstate_after": ("请求超时 (408) (first seen 12:00)", "408"),
    "zh_adjacent": ("the code was 1027 yesterday", "1027"),
    "plural_after": ("error 1027 happens on resume", "1027"),
    "own_clause": ("the client, 1027 times out", "1027"),
    "street_address": ("error 1027 Wrong Server", "1027"),
    # a number inside a cell of prose is no value of that column ("ms" above it)
    "quantity_column": (
        "-- begintime\tString\t开始时间，ms\n-- reverse\tint\t其它返回参数414错误，默认降序",
        "414",
    ),
}


def _features(text: str, number: str, kb: KnowledgeBase) -> frozenset[str]:
    for seen in explain(text, kb):
        if seen.code == number:
            return seen.evidence.features
    if number == "8812":  # not a code in the tables: weigh it by hand
        start = text.index(number)
        products = tuple(named_products(text, kb))
        window = Window(text, start, start + 4, 0, False, kb.product_words, products)
        return detect(window)
    raise AssertionError(f"{number} not weighed in {text!r}")


def test_every_feature_has_an_example() -> None:
    assert set(PRESENT) == {f.name for f in words.FEATURES}


def test_every_feature_is_detected_or_set_by_the_scanner() -> None:
    set_by_scanner = {"list_after_code", "parallel_clause"}
    assert set(DETECTORS) | set_by_scanner == {f.name for f in words.FEATURES}
    assert not set(DETECTORS) & set_by_scanner


def test_every_veto_is_read_and_the_first_one_settles(kb: KnowledgeBase) -> None:
    from bot.scanner.features import _VETO_NAMES

    assert sorted(_VETO_NAMES) == sorted(f.name for f in words.FEATURES if f.kind == "veto")
    # "500 users" behind "port": two vetoes apply; one is reported, nothing else is read.
    text = "port 500 users"
    start = text.index("500")
    window = Window(text, start, start + 3, 0, False, kb.product_words, ())
    found = detect(window)
    assert len(found) == 1 and found <= {"unit_after", "veto_word_before"}


def test_features_are_unique_and_documented() -> None:
    names = [f.name for f in words.FEATURES]
    assert len(names) == len(set(names))
    for f in words.FEATURES:
        assert f.doc and f.reach, f.name
        assert (f.kind == "veto") == (f.reason == ""), f.name


@pytest.mark.parametrize("name", sorted(PRESENT))
def test_feature_present(name: str, kb: KnowledgeBase) -> None:
    text, number = PRESENT[name]
    assert name in _features(text, number, kb), text


@pytest.mark.parametrize("name", sorted(ABSENT))
def test_feature_absent(name: str, kb: KnowledgeBase) -> None:
    text, number = ABSENT[name]
    assert name not in _features(text, number, kb), text


@pytest.mark.parametrize(
    "text",
    [
        "NIMSDK login",
        "nim_login ret=1",
        "onFailed(408)",
        "accid=u1",
        "user/create.action",
        "/nimserver/user/create",
        "云信 报错",
        "网易IM",
        "Yunxin",
        "the Connect service",
        "Lync 2013",
        "Skype for Business",
        "UCMA app",
        "persistent chat room",
        "Good Dynamics",
        "bems02",
        "BlackBerry Work",
        "nim-gateway",
        "NimUIKit",
        "V2NIMMessageService",
        "kNIMResRoomLocalNeedRequestAgain",
        "V2NIM_ERROR_CODE_MULTI_LOGIN_FORBIDDEN",
        "RequestCallback",
        "MsgService",
        "TeamService",
        "AbortableFuture",
        "appKey",
        "msg/sendMsg.action",
        "friend/add.action",
        "history/query.action",
        "持久聊天室",
        "网易云通信服务器",
        "connect service",
        "Connect 服务",
        "connect服务",
        "YUNXIN",
    ],
)
def test_vocabulary_hints_cover_every_vocabulary_match(text: str) -> None:
    # The hints let a message that names no product skip the vocabulary patterns; a
    # match with no hint in it would be missed.
    matched = [
        m.group(0) for ps in PRODUCT_VOCABULARY.values() for p in ps for m in re.finditer(p, text)
    ]
    assert matched, text
    for m in matched:
        assert any(h in m.lower() for h in VOCABULARY_HINTS), m
        # the combined pattern only tries positions starting with one of these
        assert m[0] in VOCABULARY_FIRST, m


@pytest.mark.parametrize(
    ("text", "number", "column"),
    [
        ("| 错误码 | 次数 |\n| 408（超时） | 12 |", "408", "code"),  # a gloss is the value's
        ("| 错误码 | 次数 |\n| 408 | 12 |", "12", "quantity"),
        ("-- time\tString\t开始时间，ms\n-- reverse\tint\t其它返回参数 414 错误", "414", None),
        ("-- time\tString\t开始时间，ms\n-- reverse\tint\t其它返回参数414错误", "414", None),
    ],
)
def test_a_column_says_what_a_value_of_its_own_cell_is(
    text: str, number: str, column: str | None
) -> None:
    from bot.scanner.tables import column_of

    start = text.rindex(number)
    assert column_of(text, start, text.rfind("\n", 0, start) + 1) == column
