"""Direct-mode resolution: each rule of the issue, as query -> expected entries."""

from __future__ import annotations

import pytest
from public_shape import MATCH_FIELDS

from bot.knowledge.base import KnowledgeBase
from bot.models import MatchKind
from bot.resolver.resolution import resolve


def keys(query: str, kb: KnowledgeBase) -> list[str]:
    return sorted(m.key for m in resolve(query, kb).matches)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # numbers: decimal, negative, "+" and leading zeros, hex equal to a known code, several
        ("1028", ["bems:1028"]),
        ("-32601", ["bems:-32601"]),
        ("+0040103", ["bems:40103"]),
        ("0x403", ["bems:1027"]),
        ("0x3F2", []),  # 1010: hex is read, but 1010 is no code
        ("1005 1006", ["bems:1005", "bems:1006"]),
        ("13001;13002", ["commsease:13001", "commsease:13002"]),
        ("-32602,-32600", ["bems:-32600", "bems:-32602"]),
        # a comment's "--" is no sign: the grammar's NUMBER says so for both modes
        ("--414 其它错误", ["commsease:414"]),
        ("-- -32601", ["bems:-32601"]),
        # numbers inside identifiers and versions are not codes
        ("ORA-1027", []),
        ("build v1027", []),
        ("release 4.0.1", []),
        ("1027.5", []),
        # a word that places the number makes it part of something else (channel mode's
        # veto words, from the grammar): a port, version, id or ticket is no code
        ("端口 4000 上的服务报 1028", ["bems:1028"]),
        ("port 4000 returns 1028", ["bems:1028"]),
        ("pid=7002 got 1027", ["bems:1027"]),
        ("版本 1028 报 801", ["commsease:801"]),
        ("群号 10404 报 803", ["commsease:803"]),
        ("工单 1027", []),
        ("订单 13001 的聊天室进不去，报 13002", ["commsease:13002"]),
        # ... but a word naming an error, or pointing at the code, does not
        ("错误号 1027", ["bems:1027"]),
        ("look at 1027", ["bems:1027"]),
        ("rate limit 416", ["commsease:416"]),
    ],
)
def test_numbers(query: str, expected: list[str], kb: KnowledgeBase) -> None:
    assert keys(query, kb) == sorted(expected)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("CONTACT_OFFLINE", ["bems:31033"]),
        ("contact offline", ["bems:31033"]),
        ("Contact-Offline", ["bems:31033"]),
        ("cOnTaCt_oFfLiNe", ["bems:31033"]),
        ("parse error", ["bems:-32700", "bems:1004"]),  # one text code, two entries
        ("PC_ROOM_NOT_EXIST", ["bems:40105"]),  # the whole code only, not other PC_ROOM_ codes
        ("PC_DUPLICATE_ROOM_NAME_UPDATE_UNKNOWN_SERVER_ERROR", ["bems:40129"]),
        ("INVALID_REQUESTID", ["bems:7000"]),
        ("INVALID_REQUEST", ["bems:-32600"]),
        ("unblock already failure", ["bems:15001"]),
        ("what is MSG_NOT_FEDERATED_OR_INVALID _USER", ["bems:4005"]),
        # a text code that begins with a product word ("gps") is still the text code
        ("gps http error", ["bems:1009"]),
        ("gps not respondng", ["bems:1006"]),
        ("bems wrong server", ["bems:1027"]),
    ],
)
def test_text_codes(query: str, expected: list[str], kb: KnowledgeBase) -> None:
    assert keys(query, kb) == sorted(expected)


@pytest.mark.parametrize(
    ("query", "expected", "corrected"),
    [
        ("NOT_CONTCT", "bems:31034", "NOT_CONTACT"),
        ("unblok already failure", "bems:15001", "UNBLOCK_ALREADY_FAILURE"),
        ("PC_FILE_UPLAOD_FAILURE", "bems:40114", "PC_FILE_UPLOAD_FAILURE"),
    ],
)
def test_typos_are_corrected_and_said(
    query: str, expected: str, corrected: str, kb: KnowledgeBase
) -> None:
    resolution = resolve(query, kb)
    assert [m.key for m in resolution.matches] == [expected]
    assert resolution.matches[0].kind is MatchKind.FUZZY
    assert [(c.original, c.corrected) for c in resolution.corrections] == [(query, corrected)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # SDK constant names are entry aliases: one CamelCase word, or dotted, read whole
        ("kNIMResUidPassError", ["commsease:302"]),
        ("What does NIMRemoteErrorCodeForbidden mean?", ["commsease:403"]),
        ("knimresuidpasserror 对应哪个码", ["commsease:302"]),
        ("错误kNIMResUidPassError", ["commsease:302"]),
        ("NIMResultCode.teamLimit on Flutter", ["commsease:806"]),
        # ... whole identifiers only, and never a bare word or a part of a longer name
        ("teamLimit", []),
        ("kNIMResUidPassErrorX", []),
        ("my_kNIMResUidPassError", []),
    ],
)
def test_sdk_constant_aliases_are_whole_identifiers(
    query: str, expected: list[str], kb: KnowledgeBase
) -> None:
    resolution = resolve(query, kb)
    assert sorted(m.key for m in resolution.matches) == sorted(expected)
    assert all(m.kind is MatchKind.ALIAS for m in resolution.matches)


def test_ordinary_words_are_not_read_as_typos(kb: KnowledgeBase) -> None:
    for query in ("the server", "not content", "contract offers", "wrong service"):
        assert resolve(query, kb).corrections == (), query


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bems 11001", ["bems:11001"]),
        ("BEMS:11001", ["bems:11001"]),
        ("commsease-422", ["commsease:422"]),  # a hyphen after a product is no minus sign
        ("11001 in commsease", ["commsease:11001"]),
        ("云信 11001", ["commsease:11001"]),
        ("NetEase IM 11001", ["commsease:11001"]),
        ("blackberry connect 11001", ["bems:11001"]),
        ("commsease 1027", []),  # the named product lacks it: never answered from the other
        ("bems 503", []),
        ("bems 1028 and yunxin 503", ["bems:1028", "commsease:503"]),
        ("503 on nim, 1028 on bems", ["bems:1028", "commsease:503"]),
    ],
)
def test_product_qualifiers(query: str, expected: list[str], kb: KnowledgeBase) -> None:
    assert keys(query, kb) == sorted(expected)


def test_a_code_in_two_products_answers_both_labelled(kb: KnowledgeBase) -> None:
    resolution = resolve("11001", kb)
    assert {(m.product.id, m.product.name) for m in resolution.matches} == {
        ("bems", "BlackBerry BEMS-Connect"),
        ("commsease", "NetEase CommsEase IM"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("what does 1019 mean?", ["bems:1019"]),
        ("why am I getting ADD_CONTACT_EXISTS", ["bems:12001"]),
        ("any idea about error 806?", ["commsease:806"]),
        ("<@U07ERRBOT> 1027", ["bems:1027"]),
    ],
)
def test_questions_around_codes(query: str, expected: list[str], kb: KnowledgeBase) -> None:
    assert keys(query, kb) == sorted(expected)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("the team does not exist", "commsease:803"),
        ("account is muted", "commsease:423"),
        ("sip address of the contact not found", "bems:26001"),
        ("the message is too long", "bems:40025"),
        ("packaging error", "commsease:999"),
        # the question says 10404's whole description; bems 40105 only shares words with it
        ("room does not exist", "commsease:10404"),
        ("the team is muted", "commsease:812"),
        # the whole description, in a longer question: the extra words don't hide it
        ("the SMS channel is not available for our region since this morning", "commsease:418"),
        # stems fold "references"/"reference" and "dependency"
        ("a batch request references an unknown dependency", "bems:1024"),
        # everyday words for the vendor's: several/more than one = multiple, chars, doesnt
        ("the user has several SIP addresses", "bems:26002"),
        ("a discussion name of more than 256 chars", "bems:40106"),  # 256 is in its text
        ("the room doesnt exist", "commsease:10404"),
        # offline is not signed in
        ("the contact is offline when I start a chat", "bems:31033"),
    ],
)
def test_descriptions_answer_when_one_entry_clearly_wins(
    query: str, expected: str, kb: KnowledgeBase
) -> None:
    resolution = resolve(query, kb)
    assert [m.key for m in resolution.matches] == [expected]
    assert resolution.matches[0].kind is MatchKind.DESCRIPTION
    assert 0 < resolution.matches[0].score < 100


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("新建持久聊天室时报名字重复", "bems:40103"),
        ("persistent chat request hits a fatal error", "bems:40005"),
    ],
)
def test_descriptive_product_vocabulary_stays_a_word_of_the_description(
    query: str, expected: str, kb: KnowledgeBase
) -> None:
    # Product names are dropped before a free-text question is compared with the
    # descriptions; "persistent chat" (持久聊天) names BEMS and is also what its entries
    # are about, so it stays.
    assert [m.key for m in resolve(query, kb).matches] == [expected]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # within the margin of the top, the one entry with every word of the question:
        # 10409 "Invitation is rejected" is whole, but has no contact or recipient
        ("contact declined my invitation", "bems:4006"),
        ("recipient declined the invitation", "bems:4006"),
        # 40025 "message is too long" lacks the room and the name
        ("error for room name too long", "bems:40106"),
        # persistent chat rooms are BEMS's group discussions; "over" a length is its limit
        ("persistent chat room name over 256 chars", "bems:40106"),
        ("the persistent chat room name is too long", "bems:40106"),
        # the one entry that is exactly the question: 10407 has the user too
        ("the room already exists", "commsease:10405"),
        ("the quantity exceeds the limit", "commsease:419"),
        # the only entry with the question's rarest words: 1021 and 1024 depend, only 1023
        # depends on itself
        ("batch request depends on itself", "bems:1023"),
        ("a request in the batch depends on itself", "bems:1023"),
        # contractions say "not"; CamelCase names say their words
        ("user hasn't joined the group discussion", "bems:40127"),
        ("PersistentChatEndpoint is not established", "bems:40003"),
        ("the signed in user isn't authorized", "bems:40102"),
        # a mismatch is 31032's different chat ID; what any report adds is no word of it
        ("chat id doesn't match the existing conversation", "bems:31032"),
        ("company not found", "commsease:10434"),  # "does not exist"
        ("the object was modified by someone else, refresh and try again", "bems:40111"),
    ],
)
def test_one_entry_saying_all_the_question_says_is_a_clear_answer(
    query: str, expected: str, kb: KnowledgeBase
) -> None:
    assert [m.key for m in resolve(query, kb).matches] == [expected]


@pytest.mark.parametrize(
    "query",
    [
        "server is busy",  # 1028 and 503 both say exactly this
        "user already exists",  # 27001 and 10407 and others
        "how do I reset my password?",  # how to do something
        "how can I create a team",
        "how many members can a NIM team have",  # a quantity asked, no error described
    ],
)
def test_two_entries_saying_it_or_a_how_to_get_no_answer(query: str, kb: KnowledgeBase) -> None:
    assert resolve(query, kb).matches == ()


@pytest.mark.parametrize(
    ("query", "unwanted"),
    [
        # another system named, none of ours: its error, not ours (rule 11)
        ("AWS S3 upload gives access denied", "bems:40102"),
        ("git push 被拒了，说没有写权限", "commsease:802"),
        # a product's name is no word of a description: Skype for Business is no busy server
        ("the Skype for Business server itself reported an error", "bems:1028"),
    ],
)
def test_names_are_not_descriptions(query: str, unwanted: str, kb: KnowledgeBase) -> None:
    assert unwanted not in [m.key for m in resolve(query, kb).matches]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("没有权限，git 说的", True),
        ("AWS S3 gives access denied", True),
        ("nginx's upstream timed out", True),  # a possessive still names it
        ("wasn't the ws' fault", False),  # a word that holds a name names nothing
        ("支付宝沙箱登录不了", True),
        ("Tim can't log in", False),
        ("TIM can't log in", True),
        # a kind of system is no name: our own products have databases and gateways too
        ("persistent chat can't reach its database", False),
        ("持久聊天连不上数据库", False),
        ("网关超时", False),
    ],
)
def test_another_system_is_named_by_its_name(query: str, expected: bool) -> None:
    from bot.binding.systems import names_other_system

    assert names_other_system(query) is expected


@pytest.mark.parametrize("query", ["今天系统一切正常，没有告警", "没有报错，一切正常"])
def test_a_report_that_nothing_failed_names_no_success_code(query: str, kb: KnowledgeBase) -> None:
    # 200's Chinese description is 没有错误，一切正常; saying so asks about no error
    resolution = resolve(query, kb)
    assert resolution.matches == ()
    assert "commsease:200" in {s.key for s in resolution.suggestions}


def test_a_how_to_about_getting_past_an_error_is_answered(kb: KnowledgeBase) -> None:
    assert [m.key for m in resolve("how can I avoid the rate limit", kb).matches] == [
        "commsease:416"
    ]


def test_an_unclear_description_gives_suggestions_not_an_answer(kb: KnowledgeBase) -> None:
    # bems:1028 "The server is too busy." and commsease:503 "Server is busy." tie.
    resolution = resolve("what does it mean when the server is busy", kb)
    assert not resolution.found
    assert {"bems:1028", "commsease:503"} <= {s.key for s in resolution.suggestions}
    assert len(resolution.suggestions) <= 3


@pytest.mark.parametrize(
    "query",
    [
        "1010",
        "99999",
        "4007",
        "hello",
        "thanks!",
        "qwertyuiop",
        "what's for lunch",
        "how do I restart the bems service?",
        "0x80070005",
        "",
        "   ",
        "-",
        "0x",
    ],
)
def test_unknown_codes_and_nonsense_are_not_found(query: str, kb: KnowledgeBase) -> None:
    resolution = resolve(query, kb)
    assert resolution.matches == ()
    assert resolution.to_dict()["status"] == "not_found"
    assert len(resolution.suggestions) <= 3


def test_an_unknown_number_suggests_near_codes(kb: KnowledgeBase) -> None:
    suggestions = [s.key for s in resolve("4007", kb).suggestions]
    assert suggestions and all(s.startswith("bems:400") for s in suggestions)


def test_to_dict_has_the_public_shape(kb: KnowledgeBase) -> None:
    data = resolve("SEVRER_BUSY", kb).to_dict()
    assert data["status"] == "found"
    assert data["corrections"] == [{"original": "SEVRER_BUSY", "corrected": "SERVER_BUSY"}]
    (match,) = data["matches"]
    assert set(match) == MATCH_FIELDS
    assert match["match"] == "fuzzy" and isinstance(match["remediation"], list)


@pytest.mark.parametrize(
    "query", ["PC_ROOM_NOT_EXIST_V2", "X_WRONG_SERVER", "WRONG_SERVR_X", "pc_room_not_exist_2"]
)
def test_a_longer_identifier_is_another_name(query: str, kb: KnowledgeBase) -> None:
    resolution = resolve(query, kb)
    assert resolution.matches == () and resolution.corrections == ()


@pytest.mark.parametrize(
    ("query", "unknown"),
    [
        ("1010 and 1011", ("1010",)),
        ("FOO_BAR_ERROR or 1027", ("FOO_BAR_ERROR",)),
        ("bems 404", ("404",)),  # the named product lacks it
        ("SEVRER_BUSY", ()),  # corrected, so not unknown
        ("error when the name is longer than 256 characters", ()),  # 256 is a quantity here
        ("hello", ()),
    ],
)
def test_codes_the_tables_lack_are_reported(
    query: str, unknown: tuple[str, ...], kb: KnowledgeBase
) -> None:
    assert resolve(query, kb).unknown == unknown


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("commsease 1027", "CommsEase has no 1027; BEMS 1027 is WRONG_SERVER"),
        ("NIM 1027", "CommsEase has no 1027; BEMS 1027 is WRONG_SERVER"),
        ("bems 404", "BEMS has no 404; CommsEase 404 is "),
    ],
)
def test_a_code_the_named_product_lacks_points_to_the_product_that_has_it(
    query: str, message: str, kb: KnowledgeBase
) -> None:
    result = resolve(query, kb)
    assert not result.found
    assert result.misses[0].message().startswith(message)
    assert result.to_dict()["misses"][0]["elsewhere"][0]["code"] == query.split()[-1]


def test_a_miss_is_said_beside_the_codes_that_were_found(kb: KnowledgeBase) -> None:
    result = resolve("commsease 1027 and 404", kb)
    assert [m.key for m in result.matches] == ["commsease:404"]
    assert [m.code for m in result.misses] == ["1027"]


def test_a_how_many_question_that_says_what_failed_is_answered(kb: KnowledgeBase) -> None:
    query = "how much until the rate limit? it keeps saying rate upper limit is reached"
    assert [m.key for m in resolve(query, kb).matches] == ["commsease:416"]


@pytest.mark.parametrize(("query", "expected"), [("频率限制 414", "commsease:414")])
def test_a_chinese_limit_word_before_a_code_places_nothing(
    kb: KnowledgeBase, query: str, expected: str
) -> None:
    assert [m.key for m in resolve(query, kb).matches] == [expected]
