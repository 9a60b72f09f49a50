"""The Chinese glossary: every description word has its Chinese, kept whole and folded."""

from __future__ import annotations

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.resolver.terms import segment, terms
from bot.text import thesaurus_zh
from bot.text.grammar import words_of
from bot.text.thesaurus_zh import ZH_SYNONYMS

#: Description words a Chinese question writes as they are: names, identifiers, protocols.
AS_WRITTEN = words_of(
    "256 @ activedirectorycach asyncresult authtoken bem blackberri commseas gd gps http id "
    "ip json lync persistentchatendpoint registertempremotepres rpc s4b sip sql userid xml"
)
#: Description words that say nothing a question would: function words and fillers.
FUNCTION_WORDS = words_of(
    "after becaus befor caus couldn't due encount exampl goe instead make may more return "
    "serv than time under yet"
)
#: Description words with no Chinese of their own, and why.
NO_CHINESE = {
    "oper": "操作 is every Chinese error's filler verb: '操作太频繁' is 416, not 417",
    "respons": "响应 is 'respond' (1006 'not responding'); English keeps the two apart too",
    "referenti": "自引用 is 'self reference'; the adjective has no word of its own",
}


def test_every_description_word_has_chinese(kb: KnowledgeBase) -> None:
    # Every BEMS entry and most CommsEase ones have no Chinese description: a Chinese
    # question reaches them only through the glossary, so each word needs its Chinese.
    chinese = {term for english in ZH_SYNONYMS.values() for term in terms(english)}
    skipped = AS_WRITTEN | FUNCTION_WORDS | NO_CHINESE.keys()
    missing = {
        term: entry.key
        for entry in kb.entries
        for term in terms(entry.code.description)
        if term not in chinese and term not in skipped
    }
    assert not missing, f"add the Chinese to bot/text/thesaurus_zh.py: {missing}"


def test_the_glossary_lists_a_chinese_word_once() -> None:
    with pytest.raises(ValueError, match="twice"):
        thesaurus_zh._fold((("user", "用户"), ("team", "群 用户")))


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("短信通道不可用", "不可用"),  # the dictionary alone cuts 不可 + 用
        ("客户端会话超时", "会话"),  # 会 + 话
        ("对方开了免打扰", "免打扰"),
        ("讨论组名字太长", "太长"),
        ("BlackBerry Proxy 没有响应", "没有响应"),
    ],
)
def test_glossary_words_are_kept_whole(text: str, word: str) -> None:
    assert word in segment(text)


@pytest.mark.parametrize(
    ("chinese", "english"),
    [
        ("免打扰", "do not disturb"),
        ("讨论组名字太长", "group discussion name too long"),
        ("持久聊天室名字超长", "persistent chat room name too long"),
        ("批处理请求依赖自己", "batch request depends on itself"),
        ("没有响应", "not responding"),
        ("多个 SIP 地址", "multiple SIP addresses"),
        ("IP 地址受限", "IP address restriction"),
        ("数量超过上限", "the quantity exceeds the upper limit"),
        ("邮箱已经被注册过了", "email already exists"),
        ("群类型对不上", "team type does not match"),  # a mismatch is a difference
        ("找不到应用", "cannot find the app"),  # not found is does not exist
        ("对象被别人改过了，刷新后再试", "object was changed by someone else, refresh"),
        ("文件传了两次", "file uploaded twice"),
        # BEMS's persistent chat is its group discussions, with or without "room"
        ("persistent chat 里", "group discussion"),
        ("持久聊天室", "persistent chat"),
        # Taiwan's and Hong Kong's words, and the Cantonese "话我" (tells me), folded
        ("讯息发不出去，话我被禁言了", "message send not, user muted"),
    ],
)
def test_chinese_folds_onto_the_words_of_the_descriptions(chinese: str, english: str) -> None:
    assert terms(chinese) == terms(english)


def test_a_measure_word_counts_its_number_and_is_no_word() -> None:
    assert terms("拉了 500 人进群") == terms("拉了 500 进群")
    assert "member" in terms("807 成员状态")  # 成员 begins with 成, a measure word, but is none
