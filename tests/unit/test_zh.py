"""Chinese for CommsEase (issue 11): the vendor's Chinese words, Chinese search, Chinese lines."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from bot.knowledge.base import Entry, KnowledgeBase
from bot.models import ErrorCode, Resolution
from bot.resolver import resolve
from bot.resolver.terms import segment, terms
from bot.resolver.textsearch import TextIndex
from bot.scanner import scan
from bot.slack import blocks, render
from bot.text.grammar import is_cjk
from bot.text.slack import fold

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


V2: dict[str, Any] = {
    **BASE,
    "escalate": "Take it to the vendor with the App Key, the time and the SDK log.",
}


def test_chinese_escalation_goes_with_the_chinese_cause() -> None:
    said = "联系厂商时提供 App Key、时间和 SDK 日志。"
    assert ErrorCode(**V2, cause_zh="原因", escalate_zh=said).escalate_zh == said
    ErrorCode(**V2)  # English only: nothing to translate
    with pytest.raises(ValidationError, match="needs escalate_zh too"):
        ErrorCode(**V2, cause_zh="原因")  # a Chinese answer would show English escalation
    with pytest.raises(ValidationError, match="needs escalate too"):
        ErrorCode(**BASE, escalate_zh="联系厂商。")  # a translation of nothing
    with pytest.raises(ValidationError):
        ErrorCode(**V2, cause_zh="原因", escalate_zh="Ask the vendor.")  # English misfiled


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
                or "commsease.com" in url
                or "netease.im" in url
                or url.startswith("https://doc.commsease.com/")  # NetEase's English docs
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


# -- Chinese free-text search -----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("用户被禁言", "commsease:423"),
        ("我被禁言了", "commsease:423"),
        ("聊天室不存在", "commsease:404"),
        ("对方不在线", "commsease:10201"),
        ("token 过期了怎么办", "commsease:302"),
        ("群人数达到上限了", "commsease:801"),
        ("群被禁言了发不了消息", "commsease:812"),
        ("账号在黑名单中进不了聊天室", "commsease:13003"),
        ("邀请已经被拒绝", "commsease:10409"),
        ("操作太频繁", "commsease:416"),
        ("服务器繁忙", "commsease:503"),
        ("参数错误", "commsease:414"),
        ("对方离线 通话打不通", "commsease:11001"),
        ("客户端版本太旧需要升级", "commsease:201"),
        ("已经在群里了", "commsease:809"),
        # mixed-language and named-product questions
        ("NIM 登录 token 过期", "commsease:302"),
        ("网易云信 聊天室不存在", "commsease:404"),
        ("NIM 用户 muted", "commsease:423"),
    ],
)
def test_chinese_descriptions_answer_chinese_questions(
    kb: KnowledgeBase, query: str, expected: str
) -> None:
    result = resolve(query, kb)
    assert [m.key for m in result.matches] == [expected], result.suggestions
    assert result.matches[0].kind.value == "description"


def test_segmentation_keeps_domain_words_whole() -> None:
    assert segment("用户被禁言") == ["用户", "被", "禁言"]
    assert segment("聊天室不存在") == ["聊天室", "不", "存在"]
    assert "云信" in segment("对方云信不在线")
    # Anything that is not Chinese is left to the English rules.
    assert segment("token 过期了") == ["过期", "了"]


def test_chinese_and_english_fold_onto_the_same_terms() -> None:
    assert terms("用户被禁言") == terms("user is muted")


def test_english_questions_score_as_if_there_were_no_chinese(kb: KnowledgeBase) -> None:
    # The Chinese field must not move an English answer: same hits, same scores.
    plain = [
        Entry(product=e.product, code=e.code.model_copy(update={"description_zh": None}))
        for e in kb.entries
    ]
    with_zh, without = TextIndex(kb.entries), TextIndex(plain)
    for query in ("user is muted", "room does not exist", "too many admins", "server busy"):
        a = [(h.entry.code.code, h.score, h.coverage) for h in with_zh.search(query)]
        b = [(h.entry.code.code, h.score, h.coverage) for h in without.search(query)]
        assert a == b, query


# -- showing it -------------------------------------------------------------------------


def _reply_text(reply: blocks.Reply) -> str:
    return reply.text + json.dumps(list(reply.blocks), ensure_ascii=False)


ZH_LABEL = "云信说明"


@pytest.mark.parametrize("query", ["云信 13004 是什么意思", "聊天室报13004", "在禁言列表中 13004"])
def test_chinese_question_is_answered_in_chinese(kb: KnowledgeBase, query: str) -> None:
    result = resolve(query, kb)
    entry = result.matches[0].entry
    line = "云信说明: 在禁言列表中,不允许发言"
    for said in (_reply_text(render.answer(result)), render.to_text(result)):
        # NetEase's own words first, then the vendor's English, then our Chinese.
        assert line in said and "Banned accounts are not allowed" in said
        assert said.index(line) < said.index("Banned accounts are not allowed")
        assert "处理步骤" in said and "原因" in said and "译文" in said
        assert entry.actions_zh[0] in said and (entry.cause_zh or "") in said


@pytest.mark.parametrize("query", ["13004", "NIM 13004", "commsease:13004 muted"])
def test_english_question_is_answered_in_english(kb: KnowledgeBase, query: str) -> None:
    result = resolve(query, kb)
    assert result.found
    for said in (_reply_text(render.answer(result)), render.to_text(result)):
        assert ZH_LABEL not in said and "处理步骤" not in said
        assert "What to do" in said or "1. [" in said


def test_the_language_setting_overrides_the_question(kb: KnowledgeBase) -> None:
    chinese = resolve("云信 13004 是什么意思", kb)
    assert "处理步骤" not in render.to_text(chinese, "en")
    english = resolve("13004", kb)
    assert "处理步骤" in render.to_text(english, "zh")
    assert "处理步骤" in _reply_text(render.answer(english, language="zh"))


def test_no_vendor_chinese_line_where_the_vendor_has_no_chinese(kb: KnowledgeBase) -> None:
    result = resolve("用户被禁言", kb)  # 423: NetEase publishes no Chinese for it we could find
    assert [m.key for m in result.matches] == ["commsease:423"]
    text = render.to_text(result)
    assert ZH_LABEL not in text and "处理步骤" in text  # our translation still answers


def test_bems_answers_to_chinese_questions_stay_english(kb: KnowledgeBase) -> None:
    result = resolve("bems 11001 是什么意思", kb)
    assert [m.key for m in result.matches] == ["bems:11001"]
    said = _reply_text(render.answer(result))
    assert ZH_LABEL not in said and "处理步骤" not in said and "What to do" in said


def test_lookup_json_carries_the_chinese(kb: KnowledgeBase) -> None:
    (match,) = resolve("11001 in commsease", kb).to_dict()["matches"]
    assert match["description_zh"] == "对方离线, 通话不可送达"


# -- escalation in the reader's language (issue 11) ------------------------------------


def _alone(item: Entry, query: str) -> Resolution:
    return Resolution(query=query, matches=(item.match(),))


def _commsease(kb: KnowledgeBase) -> list[Entry]:
    return [e for e in kb.entries if e.product.id == "commsease"]


def test_a_chinese_answer_never_shows_english_escalation(kb: KnowledgeBase) -> None:
    # Every CommsEase entry, in Slack and at the terminal: the Chinese cause and steps are
    # followed by our Chinese escalation, never by the English text.
    for item in _commsease(kb):
        entry = item.code
        assert entry.escalate and entry.escalate_zh, item.key
        result = _alone(item, f"云信 {entry.code} 是什么意思")
        slack = _reply_text(render.answer(result))
        assert blocks.escape(entry.escalate_zh) in slack, item.key
        assert blocks.escape(entry.escalate) not in slack, item.key
        text = render.to_text(result)
        assert f"何时联系厂商: {entry.escalate_zh}" in text, item.key
        assert entry.escalate not in text, item.key


def test_an_english_answer_keeps_english_escalation(kb: KnowledgeBase) -> None:
    for item in _commsease(kb):
        entry = item.code
        result = _alone(item, entry.code)
        text = render.to_text(result)
        assert f"When to take it to the vendor: {entry.escalate}" in text, item.key
        assert (entry.escalate_zh or "") not in text, item.key
        assert (entry.escalate_zh or "") not in _reply_text(render.answer(result)), item.key


def test_the_chinese_answer_says_the_escalation_is_our_translation(kb: KnowledgeBase) -> None:
    said = render.to_text(resolve("云信 13004 是什么意思", kb))
    assert "联系厂商的说明为 errcode 的译文" in said


def test_lookup_in_chinese_shows_chinese_escalation(kb: KnowledgeBase) -> None:
    from typer.testing import CliRunner

    from bot.cli.commands import app

    (entry,) = kb.by_number("13004", {"commsease"})
    result = CliRunner().invoke(app, ["lookup", "--lang", "zh", "13004"])
    assert result.exit_code == 0, result.output
    assert entry.code.escalate_zh and entry.code.escalate_zh in result.output
    assert (entry.code.escalate or "") not in result.output
    as_json = CliRunner().invoke(app, ["lookup", "--json", "13004"])
    (match,) = json.loads(as_json.output)["matches"]
    assert match["escalate_zh"] == entry.code.escalate_zh


# -- Chinese questions about entries with only English descriptions ------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # BEMS has no Chinese: the glossary bridges to its English descriptions
        ("讨论组名字太长", "bems:40106"),
        ("持久聊天没有给这个用户开通", "bems:40100"),
        ("GD token 校验失败", "bems:1007"),
        ("BlackBerry Proxy 没有响应", "bems:1006"),
        ("持久聊天的房间不存在", "bems:40105"),
        ("讨论组里不能发文件", "bems:40131"),
        ("SIP 地址找不到", "bems:26001"),
        ("JSON 解析出错", "bems:-32700"),
        ("请求还在处理中", "bems:1025"),
        ("客户端会话超时", "bems:1017"),
        ("同一个 asyncResult 调用了多次", "bems:4000"),
        ("persistent chat 消息太长是哪个码", "bems:40025"),
        ("对方开了免打扰，消息发不出去", "bems:4004"),
        ("批处理请求里自己依赖了自己", "bems:1023"),  # only 1023 is "self" (10420 is "own")
        # CommsEase, where NetEase's Chinese says it otherwise
        ("短信通道用不了", "commsease:418"),
        ("群聊人数满了", "commsease:801"),
        ("群满了加不了人报什么错", "commsease:801"),  # full: the members at their limit
        ("房间满了", "commsease:10419"),
        ("从讨论组下载文件失败", "bems:40113"),  # 从 "from" is no word of it
        ("@的人数超过上限", "commsease:811"),  # only 811 has the @
        ("uid 重复", "commsease:10417"),
        ("群成员数量超过上限", "commsease:801"),  # 群成员 is a team's member, not a room's
        ("persistent chat 房间名太长", "bems:40106"),  # 房间名: room name
        # far ahead of every other entry, though the question says more than the entry
        ("学生反馈进课堂聊天室一直转圈，最后弹窗提示已被老师拉黑，进不去", "commsease:13003"),
    ],
)
def test_the_glossary_answers_chinese_questions_about_english_descriptions(
    kb: KnowledgeBase, query: str, expected: str
) -> None:
    assert [m.key for m in resolve(query, kb).matches] == [expected]


@pytest.mark.parametrize(
    "query",
    [
        "云信怎么接入推送？",  # how to do something: no error described
        "怎么设置免打扰",
        "请问怎么在云信后台创建应用？",
        "群管理员最多多少个",  # a quantity asked, no error described
        "拉了 500 人进群，暂时没问题",  # 500 人 is a count, 没问题 "no problem"
        "楼上，同意",
        "今天几点开会",
        "联系人已经在列表里了",  # 12001 and 27001 both say it
        "12000 金币为什么被扣了",  # 12000 金币 is an amount of coins
    ],
)
def test_chinese_questions_that_describe_no_one_entry_get_no_answer(
    kb: KnowledgeBase, query: str
) -> None:
    assert resolve(query, kb).matches == ()


@pytest.mark.parametrize("query", ["聊天室怎么进不去", "限频了怎么办", "打包错误怎么排查"])
def test_how_come_and_what_to_do_are_questions_about_an_error(
    kb: KnowledgeBase, query: str
) -> None:
    assert resolve(query, kb).found


def test_the_fold_maps_one_character_to_one_and_is_idempotent() -> None:
    from bot.text.slack import _FOLD
    from bot.text.traditional import SIMPLIFIED, TRADITIONAL

    assert all(isinstance(v, int) or len(v) == 1 for v in _FOLD.values())
    assert fold(TRADITIONAL) == SIMPLIFIED
    sample = "雲信登入一直報 ４０８，唔知點解，冇權限"
    assert fold(fold(sample)) == fold(sample)


def test_word_lists_and_chinese_knowledge_are_already_folded(kb: KnowledgeBase) -> None:
    """A word list entry holding a Traditional or Cantonese character could never match a
    folded text: every Chinese word the scanner and resolver compare is folded already."""
    from bot.binding import products, systems
    from bot.scanner import words
    from bot.text import grammar, thesaurus_zh

    def strings(value: object) -> list[str]:
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [s for k, v in value.items() for s in (*strings(k), *strings(v))]
        if isinstance(value, (tuple, list, set, frozenset)):
            return [s for item in value for s in strings(item)]
        return []

    found = [
        s
        for module in (words, grammar, thesaurus_zh, systems, products)
        for name, value in vars(module).items()
        if name.isupper() and name != "ZH_CANTONESE"
        for s in strings(value)
        if fold(s, signs=False) != s
    ]
    found += [
        text
        for entry in kb.entries
        for text in (entry.code.description_zh or "", *entry.code.wordings_zh)
        if fold(text, signs=False) != text
    ]
    assert found == []


def test_traditional_and_cantonese_fold_keeping_every_offset() -> None:
    assert fold("錯誤碼 ４０８，冇權限") == "错误码 408，没权限"
    assert fold("error 1027") == "error 1027"


def test_the_fullwidth_colon_folds_before_a_value_not_before_a_word(kb: KnowledgeBase) -> None:
    # Before a value it is the key's colon ("错误码：408"); before a word it is prose, and
    # "10406：user ..." is a code and its message, not one token "10406:user".
    assert fold("错误码：408，10406：user") == "错误码:408，10406：user"
    assert [
        m.matches[0].key for m in scan("onException 抛 10406：user is not in the room", kb)
    ] == ["commsease:10406"]


def test_a_push_not_sent_is_a_push_not_delivered(kb: KnowledgeBase) -> None:
    # 10202's "push notifications can not be delivered": delivering is sending, so the
    # push that is not sent says it, where 10201 (the peer offline) says only half
    assert [m.key for m in resolve("对方不在线，推送也发不出去", kb).matches] == ["commsease:10202"]


def test_a_cantonese_description_finds_its_entry(kb: KnowledgeBase) -> None:
    assert [m.key for m in resolve("邮箱格式唔啱係边个错误码", kb).matches] == ["commsease:10431"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("BEMS 11001 點解決", "bems:11001"), ("NIM 報 416 點處理", "commsease:416")],
)
def test_cantonese_how_after_a_code_is_no_measure_word(
    kb: KnowledgeBase, query: str, expected: str
) -> None:
    assert [m.key for m in resolve(query, kb).matches] == [expected]


def test_somewhat_is_no_how_many(kb: KnowledgeBase) -> None:
    assert [m.key for m in resolve("云信消息多少有点延迟，频率控制", kb).matches] == [
        "commsease:416"
    ]
