"""Channel scanning: each rule of ../shared/corpus/RULES.md (channel mode), as message -> entries.

The examples are written for these tests, one rule at a time, traps included; none is a
corpus line.
"""

from __future__ import annotations

import pytest

from bot.binding import products
from bot.knowledge.base import KnowledgeBase
from bot.models import MatchKind
from bot.scanner.candidates import explain, scan
from bot.scanner.evidence import load_weights
from bot.scanner.words import FEATURES
from bot.text.slack import parse


def keys(text: str, kb: KnowledgeBase, channel_product: str | None = None) -> list[str]:
    """Entries in mention order, then in match order within a mention."""
    return [m.key for mention in scan(text, kb, channel_product) for m in mention.matches]


def check(text: str, expected: list[str], kb: KnowledgeBase) -> None:
    assert sorted(keys(text, kb)) == sorted(expected), text


# -- rule 1: a number counts only where the message treats it as a code ----------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # context words before the number, in the forms people write them
        ("getting error code 1027 from the connect server", ["bems:1027"]),
        ("Error: 1028", ["bems:1028"]),
        ("err 40105 on join", ["bems:40105"]),
        ("errno 1017 after resume", ["bems:1017"]),
        ("status 503 from nim", ["commsease:503"]),
        ("the error was 1027", ["bems:1027"]),
        ("*error 40104* in the admin tool", ["bems:40104"]),
        ("_error 1027_ again", ["bems:1027"]),
        ("&gt; error 1028\nthat is the pool being full", ["bems:1028"]),
        ("HTTP 500 from the nim server api", ["commsease:500"]),
        # verbs: what something returned, gave, threw...
        ("the NIM sdk returned a 414", ["commsease:414"]),
        ("nim login fails with error 302", ["commsease:302"]),
        ("it failed with 1019 twice", ["bems:1019"]),
        ("Got -32601 from the Connect service rpc", ["bems:-32601"]),
        ("team invite came back 809", ["commsease:809"]),
        ("anyone seen 1027 before?", ["bems:1027"]),
        # the context word after the number
        ("500 errors on the NIM history api since the deploy", ["commsease:500"]),
        ("getting 500s from nim since the deploy", ["commsease:500"]),
        ("404 Not Found from the nim server api", ["commsease:404"]),
        ("a 403 from nim when we call it", ["commsease:403"]),
        ("403 from NIM again", ["commsease:403"]),
    ],
)
def test_context_words(text: str, expected: list[str], kb: KnowledgeBase) -> None:
    check(text, expected, kb)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # key=value, JSON, NSError, exceptions, SDK callbacks
        ('{"code": 806, "desc": "too many teams created"}', ["commsease:806"]),
        ('```resp={"errorCode":40117}```', ["bems:40117"]),
        ("statusCode=500 on NIMClient history", ["commsease:500"]),
        ("error_code=1026", ["bems:1026"]),
        ("rc=1017 after resume", ["bems:1017"]),
        ("errno=13002", ["commsease:13002"]),
        ("ErrorCode: 40103", ["bems:40103"]),
        ("NSError Domain=NIMLocalErrorDomain Code=408", ["commsease:408"]),
        ("onError(415) in the 云信 chat room listener", ["commsease:415"]),
        ("callback onFailed: code 416", ["commsease:416"]),
        ("cb.onFailed(int code) -&gt; 13003", ["commsease:13003"]),
        ("onFailed: 802 when adding the member", ["commsease:802"]),
        ("if (res.code === 803) showTeamGone()", ["commsease:803"]),
        ("code == 801 in the debugger", ["commsease:801"]),
        ("BemsRpcError(1027) raised in sync", ["bems:1027"]),
        ("java.lang.IllegalStateException: 1028", ["bems:1028"]),
        # an access-log line: the status after the request, not the byte count
        ('10.0.0.1 - - "GET /nimserver/msg HTTP/1.1" 503 1027', ["commsease:503"]),
        ("HTTP/2 404 from the nim api", ["commsease:404"]),
        # a log of repeated lines names its code once
        (
            "```\n2024-06-01 12:00:01 ERROR Rpc - call failed code=1027\n"
            "2024-06-01 12:00:02 ERROR Rpc - call failed code=1027\n```",
            ["bems:1027"],
        ),
    ],
)
def test_structure(text: str, expected: list[str], kb: KnowledgeBase) -> None:
    check(text, expected, kb)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # code formatting: the number alone in inline code or a block
        ("`1024` on the batch call", ["bems:1024"]),
        ("`-32602` again from BEMS", ["bems:-32602"]),
        ("```1027```", ["bems:1027"]),
        ("`code: 1019`", ["bems:1019"]),
        ("`maxMembers: 500` in the team config", []),  # a config value
        # explicit questions about a number
        ("what is 4006?", ["bems:4006"]),
        ("whats 7002? the docs are vague", ["bems:7002"]),
        ("what does 12001 mean?", ["bems:12001"]),
        ("does 1025 mean the batch is still running?", ["bems:1025"]),
        ("is 813 a team permission thing?", ["commsease:813"]),
        ("meaning of 4003?", ["bems:4003"]),
        ("any idea what 809 means?", ["commsease:809"]),
        ("what about 1027?", ["bems:1027"]),
        ("1027 - what does that mean?", ["bems:1027"]),  # asked after the number
        ("<@U123> 4005?", ["bems:4005"]),  # the number alone, asked
        ("is 500 enough for the pilot?", []),  # asks about a quantity
        ("1027 users?", []),
        ("is it 404?", []),
        ("we shipped 1027 - what a week", []),
        ("what does 12001 mean", ["bems:12001"]),  # chat drops the "?"; still asked
        ("what is 13000 again", ["bems:13000"]),
        ("explain 4004 pls", ["bems:4004"]),
        ("what about 1027 tomorrow", []),  # "what about" proposes, it does not ask
        ("so what 500", []),
    ],
)
def test_formatting_and_questions(text: str, expected: list[str], kb: KnowledgeBase) -> None:
    check(text, expected, kb)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # lists: the items after a code word or a heading that names codes
        ("error 1027 and 1028 on the pool", ["bems:1027", "bems:1028"]),
        (
            "codes 416, 417 and 419 in the nim log",
            ["commsease:416", "commsease:417", "commsease:419"],
        ),
        ("errors like 1027 and 1028", ["bems:1027", "bems:1028"]),
        ("error 1010, 1027", ["bems:1027"]),  # the list goes on past an unknown code
        ("got 2 errors: 1027 and 1028", ["bems:1027", "bems:1028"]),
        ("error counts: 1028 x 10, 1027 x 3", ["bems:1028", "bems:1027"]),  # x N are counts
        ("the tablet renders at 1028 x 768", []),  # a size, not a tally of codes
        ("errors since the deploy:\n- 1027 x 12\n- 1028 x 3", ["bems:1027", "bems:1028"]),
        ("errors last hour\n```\n1027  12\n40105  3\n```", ["bems:1027", "bems:40105"]),
        ("users per region:\n500 emea\n404 apac", []),  # a heading that names no codes
        # progress, not a list of codes: a product named, so rule 5b does not decide it
        ("NIM sync status: 3 of 500 done", []),
        ("bems sync status: 3 of 1027 done", []),
        ("12 errors, 1027 warnings", []),
        ("errors: WRONG_SERVER=12 SERVER_BUSY=404", ["bems:1027", "bems:1028"]),  # =N counts
    ],
)
def test_lists(text: str, expected: list[str], kb: KnowledgeBase) -> None:
    check(text, expected, kb)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a parallel clause leaves the context word out; the code is of the same family
        (
            "sending fails with 4004 to the CFO, and with 4003 to the board",
            ["bems:4004", "bems:4003"],
        ),
        ("join returned 13003 yesterday, today 13002", ["commsease:13003", "commsease:13002"]),
        ("onError(9102), then the hangup gave 9103", ["commsease:9102", "commsease:9103"]),
        ("onError(9102), then 9103 on hangup", ["commsease:9102", "commsease:9103"]),
        ("```onError(9102)\nhangup 9103```", ["commsease:9102"]),  # lines are separate records
        ("hangup reason=9103", ["commsease:9103"]),  # reason= names a code in a log
        # not siblings: another family, a count, a unit, or no clause joining them
        ("error 1027 and 801 more in the queue", ["bems:1027"]),
        ("error 40110 hit 40111 of our users", ["bems:40110"]),
        ("error 1027, 1028 users affected", ["bems:1027"]),
        ("error 10201 for the peer. Room 10202 is on floor 3", ["commsease:10201"]),
    ],
)
def test_parallel_clauses(text: str, expected: list[str], kb: KnowledgeBase) -> None:
    check(text, expected, kb)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the header of a number's column says what it is
        ("```status  hits\n1028    3000\n404     12```", ["bems:1028"]),
        ("tally ```errno   seen\n1017    1028```", ["bems:1017"]),
        ("| nim api | rc | ms |\n|---|---|---|\n| login | 302 | 1027 |", ["commsease:302"]),
        ("| node | port |\n| bems01 | 4000 |", []),
        ("```pid    time_ms\n1027   404```", []),
        ("```host      errors\nbems01    1028```", []),  # a count of errors, by its header
    ],
)
def test_table_columns(text: str, expected: list[str], kb: KnowledgeBase) -> None:
    check(text, expected, kb)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NIM says 416 whenever we scroll", ["commsease:416"]),
        ("the app shows 1027 on launch", ["bems:1027"]),
        ("the dashboard shows 1027 today", []),  # a dashboard shows numbers, not codes
        ("bems kicked us w/ 1017 again", ["bems:1017"]),
        ("does anyone know 40104?", ["bems:40104"]),
        ("wtf is 13002", ["commsease:13002"]),
        ("4003 — recipient or server side?", ["bems:4003"]),
        ("1027 users?", []),
    ],
)
def test_more_ways_of_saying_it(text: str, expected: list[str], kb: KnowledgeBase) -> None:
    check(text, expected, kb)


# -- rule 2: quantities, times, ids, versions... are not codes ----------------------------


@pytest.mark.parametrize(
    "text",
    [
        # quantities, even next to a context word
        "we have 500 seats",
        "500 people joined the town hall",
        "13001 devices enrolled",
        "the limit is 10000 per tenant",
        "we had 801 signups",
        "got 300 ppl in the room",
        "the error happened 500 times",
        "we're at 1027 users",
        "I'll be there in 404 seconds",
        "status update: 500 tickets closed",
        "error rate 500 per second",
        "returned 404 results",
        "code review for 1027 lines",
        "retry after 1005 ms",
        "returned 200 rows",
        "hit 10000 concurrent sessions",
        "team of 813",
        # durations, sizes, percentages, money
        "took 1005 ms",
        "p99 is 404ms lol",
        "upload is 1024 KB max",
        "error rate is 5% and disk at 90%",
        "costs $403 per month",
        # times, dates, years
        "meeting at 14:05",
        "cutover at 1005 tomorrow",
        "on 2024-08-13 we upgraded",
        "freeze from 12/15",
        "the 1990s were fun",
        # versions, builds, tickets, PRs
        "version 10.4.1 out",
        "v1027 tag",
        "build 40105 is green",
        "ticket 1027 closed",
        "see PR #416",
        "PR 403 merged",
        "ERROR-1027 is the jira ticket",
        # ports, hosts, addresses, phones, ids, line numbers
        "port 1027 is open",
        "listening on 0.0.0.0:1028",
        "host bems02:4000 down",
        "in the lab it listens on :1028",
        "Foo.java:1027 threw",
        "192.168.1.1027",
        "room 1019 is booked",
        "call me at 555-0404",
        "uid=1027 logged in",
        '"id": 1028',
        "pid 1027 crashed",
        "E/NIM  ( 1027): something",
        "bems-connect[1027]: started",
        "line 1028 in main.py",
        "x 1028",
        "user1027@corp.example.com can't log in",
        "case 0001027 opened",
        "device 0x1027 is fine",
        "10,000 users",
        "error 1,027",  # a grouped number is a quantity
    ],
)
def test_not_codes(text: str, kb: KnowledgeBase) -> None:
    assert keys(text, kb) == [], text


@pytest.mark.parametrize(
    "text",
    [
        "thanks <@U1027ABC> :+1:",
        "moving to <#C0404XYZ|ops-1027>",
        "<!here> status page updated",
        "<https://jira.example.com/browse/BEMS-1027|error 1027 ticket>",
        "see https://docs.example.com/errors/1027 for details",
        ":404: lol",
        "`curl https://host/api/1027` works",
        "<https://wiki.example.com/WRONG_SERVER|runbook> updated",
    ],
)
def test_references_urls_and_emoji_hold_no_code(text: str, kb: KnowledgeBase) -> None:
    assert keys(text, kb) == [], text


# -- rules 3 and 4: text codes, as identifiers, with small typos ---------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("`SERVER_BUSY` on every call", ["bems:1028"]),
        ("server_busy", ["bems:1028"]),
        ("Server_Busy in the log", ["bems:1028"]),
        ("```WARN Rpc - result=wrong_chat_id```", ["bems:31032"]),
        ("PARSE_ERROR from the endpoint", ["bems:-32700", "bems:1004"]),  # one code, two entries
        ("AC_INVALID_PARAMS on accept", ["bems:7002"]),  # not INVALID_PARAMS
        ("INVALID_PARAMS", ["bems:-32602"]),
        ("PC_RT_EXCEPTION", ["bems:40019"]),  # the whole identifier: not RT_EXCEPTION
        ("UNBLOCK_ALREADY_FAILURE", ["bems:15001"]),  # not BLOCK_ALREADY_FAILURE
        ("PC_DUPLICATE_ROOM_NAME_UPDATE_UNKNOWN_SERVER_ERROR", ["bems:40129"]),
        ("ErrorCodes.PC_ROOM_NOT_EXIST", ["bems:40105"]),
        # typos
        ("PC_ROM_NOT_EXIST", ["bems:40105"]),
        ("CLIENT_SESION_TIMEOUT", ["bems:1017"]),
        ("got SEVRER_BUSY", ["bems:1028"]),
        # plain English never counts in channels
        ("the server is busy", []),
        ("pointed at the wrong server again", []),
        ('{"message": "Parse error"}', []),
        ("my_var_name = 3", []),
        ("AUTH_ERROR INVALID_TOKEN SERVER_ERROR USER_NOT_FOUND NOT_FOUND MSG_FAILURE", []),
        ("ERR_WRONG_SERVER_X", []),  # an identifier that only contains a code
        (":thinking_face: :face_palm:", []),
    ],
)
def test_text_codes(text: str, expected: list[str], kb: KnowledgeBase) -> None:
    check(text, expected, kb)


def test_a_typo_is_a_fuzzy_match(kb: KnowledgeBase) -> None:
    (mention,) = scan("PC_ROM_NOT_EXIST on join", kb)
    assert mention.reason == "text code"
    assert [m.kind for m in mention.matches] == [MatchKind.FUZZY]
    assert 0 < mention.matches[0].score < 100


# -- rule 5: products ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("error 11001", ["bems:11001", "commsease:11001"]),  # no product: both
        ("nim: error 11001", ["commsease:11001"]),
        ("bems error 11001", ["bems:11001"]),
        ("云信 error 414", ["commsease:414"]),
        ("Connect service returned 11001", ["bems:11001"]),
        ("BEMS error 803", []),  # the named product lacks it
        ("yunxin error 1027", []),
        ("BEMS returned 404 on autodiscover", []),
        ("seeing commsease:404 a lot", ["commsease:404"]),  # entries are named product:code
        ("NIM: 503 on history", ["commsease:503"]),
        ("BEMS: 4000 users", []),
        ("nim sdk error 1028", []),
        ("GPS error 1006", ["bems:1006"]),
        # two products: each number goes with its own
        ("NIM error 404, BEMS error 1027", ["commsease:404", "bems:1027"]),
        (
            "BEMS and NIM both flaky: BEMS returned 1027 while NIM returned 404",
            ["bems:1027", "commsease:404"],
        ),
        ("BEMS logs SERVER_BUSY and NIM throws 503", ["bems:1028", "commsease:503"]),
        ("NIM gives WRONG_SERVER", []),  # given to a CommsEase SDK: not ours (rule 11)
    ],
)
def test_products(text: str, expected: list[str], kb: KnowledgeBase) -> None:
    check(text, expected, kb)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a product the message says it is not about names no product, in either language
        ("-32601 Method not found from our own rpc service, not BEMS", []),
        ("-32601 Method not found，跟 BEMS 无关，是我们自己的服务", []),
        ("-32601 又来了，和我们 BEMS 那个没关系吧", []),
        ("nothing to do with BlackBerry Connect: the gateway says 500", []),
        # the product it is about still narrows the shared code and ties the generic one
        ("云信报 408 了，不是我们 BEMS 的问题", ["commsease:408"]),
        ("error 11001, not from BEMS: NIM sends it", ["commsease:11001"]),
        # "not" that negates something else leaves the name standing
        ("not sure why BEMS returns -32601", ["bems:-32601"]),
        ("BEMS 和云信都报 11001", ["bems:11001", "commsease:11001"]),
    ],
)
def test_a_negated_product_names_no_product(
    text: str, expected: list[str], kb: KnowledgeBase
) -> None:
    check(text, expected, kb)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # product vocabulary glued to Chinese is still a word (rule 9), and ties 416 (rule 5b)
        ("需要提供群主accid以及被踢的人，一分钟超过600次会返回416错误码", ["commsease:416"]),
        ("用Lync登录报 -32601", ["bems:-32601"]),
        # one row of a list certain, its sibling rows written alike are codes too
        (
            "```\n/** 邀请 云信高级群\n* 801:群人数超限\n* 802:没有权限\n* 404:非法用户\n*/\n```",
            ["commsease:801", "commsease:802", "commsease:404"],
        ),
        # ...not rows written otherwise, nor across a sentence
        ("stats\n404 pages: 12\n500 users: 3\nerror 1027: 5", ["bems:1027"]),
        ("```\n云信群\n801:群人数超限\n802 went through after lunch\n```", ["commsease:801"]),
        ("error 1027: wrong server\nwe moved on\n1028: nothing yet", ["bems:1027"]),
        # a constant declared under a type named for codes
        (
            "NIMResultCode teamAlreadyIn constant 用户已经在群里了\n"
            "`static const teamAlreadyIn = 809;`",
            ["commsease:809"],
        ),
        ("class NIMLimits {\n  static const maxMembers = 803;\n}", []),
    ],
)
def test_lists_and_declarations_of_a_products_codes(
    text: str, expected: list[str], kb: KnowledgeBase
) -> None:
    check(text, expected, kb)


def test_a_negation_is_a_word_of_the_list(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "ruled out BEMS; -32601 persists"
    assert keys(text, kb) == ["bems:-32601"]
    monkeypatch.setattr(products, "NEGATIONS_BEFORE", (*products.NEGATIONS_BEFORE, "ruled out"))
    assert keys(text, kb) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # one key per line: the message two lines up gives the code a meaning of its own
        ('```\n{\n  "code": 803,\n  "msg": "订单不存在"\n}\n```', []),
        ('支付回调：\n```\n"msg" =&gt; "Business Failed"\n"code" =&gt; "40004"\n```', []),
        # ...or says what ours says
        ('```\n{\n  "code": 803,\n  "msg": "群不存在"\n}\n```', ["commsease:803"]),
        # a line that is no entry of a record reads only itself
        ("error 1027\nmsg: see the thread", ["bems:1027"]),
        # "=>" after a quoted key or a symbol is a key's separator, after a call an arrow
        ('params: "uid" =&gt; 1027', []),
        (":code =&gt; 1027 in the response hash", ["bems:1027"]),
        ("AuthService.login =&gt; 302", ["commsease:302"]),
    ],
)
def test_records_over_several_lines_and_hash_arrows(
    text: str, expected: list[str], kb: KnowledgeBase
) -> None:
    check(text, expected, kb)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an SDK's enumeration of result codes: a result word opens each constant's name
        (
            "```\nkNIMResTeamENotExist\t= 803,\t/**< 群不存在 */\n"
            "kNIMResTeamAlreadyIn\t= 809,\t/**< 已经在群里 */\n```",
            ["commsease:803", "commsease:809"],
        ),
        ("```\nRES_ETIMEOUT = 408  // NIM server timeout\n```", ["commsease:408"]),
        ("kErrTeamGone = 803 in our wrapper", ["commsease:803"]),
        # a constant that names a setting is no code
        ("```\nkMaxMembers = 803;\nMAX_TEAM_SIZE = 803\n```", []),
        # a table whose rows describe their own codes, in words that are not ours (rule 11)
        ("业务返回码\ncode 描述 HTTP 状态码\n1004 验证签名错误 401\n1005 参数长度超限 400", []),
        # an English description is not compared: "Timeout" is our "request times out"
        ("NIM status codes\nCode Description\n408 Timeout", ["commsease:408"]),
        # ...or in the vendor's own words
        ("错误码 描述\n803 群不存在\n806 创建群数量超过限制", ["commsease:803", "commsease:806"]),
        ("```\ncode  message\n1027  wrong server, reconnect to the other one\n```", ["bems:1027"]),
        # a database's SQLSTATE names whose error the number is
        ("SQLSTATE[HY000]: General error: 1005 Can't create table", []),
    ],
)
def test_enumerations_and_described_tables(
    text: str, expected: list[str], kb: KnowledgeBase
) -> None:
    check(text, expected, kb)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a qualifier joined to the code word by a hyphen says which code it is
        ("zip-code: 10001", []),
        ("promo-code=1027 expired", []),
        ("dial the country-code 1027 first", []),
        # a qualifier ending an identifier further back, across Chinese, qualifies nothing
        ("nim_team_invite 回调 code 809，用户已经在群里了", ["commsease:809"]),
        ("error-code: 1027", ["bems:1027"]),
    ],
)
def test_qualified_code_words(text: str, expected: list[str], kb: KnowledgeBase) -> None:
    check(text, expected, kb)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a Chinese gloss in brackets right after the number shares a pair of its meaning
        ("邀请结果 10409（已拒绝）记在日志里", ["commsease:10409"]),
        ("群 803（群不存在）", ["commsease:803"]),
        ("房间 803（人满了）", []),
    ],
)
def test_a_bracketed_gloss_is_a_reason(text: str, expected: list[str], kb: KnowledgeBase) -> None:
    check(text, expected, kb)


# -- rules 6 to 8: success codes, unknown codes, one entry once ---------------------------


@pytest.mark.parametrize(
    "text",
    [
        "returned 808, approved",
        "error 200 ok",
        "callback gave 810 so we're good",
        "signalling returned 10410",
        "error 1010 on the client",  # not in the tables
        "error 4007 from bems",
        "code 1022 from the batch endpoint",
    ],
)
def test_success_and_unknown_codes_give_nothing(text: str, kb: KnowledgeBase) -> None:
    assert keys(text, kb) == [], text


def test_each_entry_once_in_order(kb: KnowledgeBase) -> None:
    text = "error 1028, then WRONG_SERVER, then code=1027 and error 1028 again"
    mentions = scan(text, kb)
    assert [m.key for mention in mentions for m in mention.matches] == ["bems:1028", "bems:1027"]
    assert [text[slice(*mention.span)] for mention in mentions] == ["1028", "WRONG_SERVER"]
    assert [mention.reason for mention in mentions] == ["context word", "text code"]


def test_spans_and_reasons(kb: KnowledgeBase) -> None:
    # The reason is that of the strongest evidence present, by the shipped weights.
    text = 'BEMS sent `-32602`, then {"code": 1021}, what\'s 1023? and error 1024'
    found = {text[slice(*m.span)]: m.reason for m in scan(text, kb)}
    assert set(found) == {"-32602", "1021", "1023", "1024"}
    weights = load_weights().weights
    reasons = {f.name: f.reason for f in FEATURES}
    for seen in explain(text, kb):
        strongest = max(seen.evidence.features, key=lambda n: weights.get(n, 0.0))
        assert found[text[slice(*seen.span)]] == reasons[strongest], seen
    assert found["1023"] == "question" and found["1024"] == "context word"


def test_a_log_times_milliseconds_belong_to_the_time(kb: KnowledgeBase) -> None:
    # Python's logging writes "%(asctime)s" as "10:30:01,403": the 403 is never weighed.
    line = "2024-06-14 10:30:01,403 ERROR [pool-1] errorCode=1027"
    assert [c.code for c in explain(line, kb)] == ["1027"]
    # A comma after a time that is not its seconds still parts a list.
    assert [c.code for c in explain("at 10:05, 403 and 1027", kb)] == ["403", "1027"]


def test_a_possessive_names_the_system_it_belongs_to(kb: KnowledgeBase) -> None:
    assert scan("PlayFab's error 13002 again", kb, channel_product="commsease") == []
    assert [m.matches[0].key for m in scan("error 13002 again", kb)] == ["commsease:13002"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The phrase runs to its third word of content: 803's "team does not exist" keeps
        # "exist", where three words of any kind ("team does not") had lost it.
        ("803 team not exist 又出现", ["commsease:803"]),
        # Its words are compared as written: a plural after the number is what it counts.
        ("BEMS import: 12001 contacts already exist, skipped them", []),
        ("NIM stats: 998 unpacked messages, 0 errors", []),
    ],
)
def test_a_reason_phrase_beside_its_number(
    text: str, expected: list[str], kb: KnowledgeBase
) -> None:
    check(text, expected, kb)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("回调拿到 416 了，NIM 发消息频率太高？", ["commsease:416"]),  # 拿到: got, as 得到
        ("返回 13004 还是 13003 都有可能", ["commsease:13003", "commsease:13004"]),  # 还是: or
        # where a number is seen says nothing of what it is
        ("日志里 13001 是房间号", []),
        ("日志显示 10431 这个用户昨天登录过", []),
        ("3 号床的输液泵报警 1028，护士站已经处理", []),  # a device's alarm
        ("BEMS 报错，4000端口被占用", []),  # a port, as 端口 4000 is
        ("提示 NIMRemoteErrorCodeForbidden，对应的是403吗", ["commsease:403"]),  # 对应: maps to
        # a word that places the number yields to the code's own meaning right after it
        ("邀请进房间 10408 邀请已过期", ["commsease:10408"]),
        ("音视频房间 10404 房间不存在", ["commsease:10404"]),
        ("云信房间 10404 报错了", []),  # no meaning of its own after it: a room
        ("BEMS 版本 1028 报错了", []),
        ("波次 803 下发给了云信群", []),  # a warehouse wave, as 批次 is a batch
        ("房间 10419，人数超限了", []),  # its own clause only
        # a place after the number yields to a plain report before it
        ("BEMS 报错 1005 机房那边在排查", ["bems:1005"]),
        ("云信登录报 408 宿舍网络太差了", ["commsease:408"]),
        ("云信返回 416 路上的同事也遇到了", ["commsease:416"]),
        ("下课后回 806 宿舍", []),
        ("对应 1027 这一行", []),  # 对应 alone points at a line
        # a ratio is no list of codes, though its numbers are codes of one length
        ("4000/4000 users on the BEMS node, need a second instance", []),
        ("BEMS errors: 1005/1005/1006", ["bems:1005", "bems:1006"]),
        ("nim-gateway 返回 502/503 混着出现", ["commsease:503"]),  # statuses, ours or not
        ("10/12 的 NIM 日报", []),  # a date
        ("801 教室的那个班要拆成两个群", []),  # a classroom, as 801室 is
        ("806 路公交到不了新校区", []),  # a bus route
        ("云信 404 路径不存在", ["commsease:404"]),  # 路径 (a path) measures nothing
    ],
)
def test_chinese_verbs_and_joiners_of_codes(
    text: str, expected: list[str], kb: KnowledgeBase
) -> None:
    check(text, expected, kb)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("腾讯 GME 进房返回 1004，麦克风权限", []),  # Tencent's voice engine
        ("GME enterRoom returned 1004 again", []),
        ("itchat 发消息返回 1024 是什么原因", []),
        ("HIS 报错 1005，挂号单打不出来", []),  # a hospital's system, in capitals
        ("his phone got error 1005 again", ["bems:1005"]),  # and a pronoun
        ("云信消息正常，Shopee open API 返回 error 403", []),
        ("拼多多 error_code 10000 参数错误", []),
        ("京东宙斯 返回 code 1004，sku 不存在", []),
        ("米大师支付回调 ret=1018，订单 2026120400417", []),  # Tencent's payments (Midas)
        ("医保编码 803 那个药是乙类", []),
        # a platform our SDK runs in, or a word code says too, is no source
        ("云信 SDK 集成在学习通里，登录报 302", ["commsease:302"]),
        ("CAS 冲突后又报 1018", ["bems:1018"]),
        ("pod mysql-0 error 1027", []),  # MySQL's, its pod numbered
        ("统一身份认证错误 1005：账号被锁定", []),
        ("Moodle 作业上传失败 Error code: 1013", []),
        ("StarRocks Error number: 1027; Symbol: ER_FILE_USED", []),
        ("京东物流接口 code 1027 签名错误", []),
        ("ErrorCode=1005 from the partner's SAP gateway", []),
        ("G7 平台接口返回 1005，不是我们的问题", []),
        ("交通部平台 返回 错误码 803 车辆未入网", []),
        ("货拉拉 code: 1005 订单已取消", []),
        ("学信网 返回码 1005 学籍信息不匹配", []),
        ("校友邦 实习签到失败 错误码 1028", []),
        ("地磅秤 报 ERR 40101？说明书说是超量程", []),  # a weighbridge's, and an AGV's
        ("AGV 小车 错误码 1019，充电桩对不上", []),
        ("TOS error 1027: yard block full", []),  # a port's terminal system
        ("疲劳驾驶报警码 1028 连续驾驶超 4小时", []),  # an alarm's code is its device's
        # a name inside a longer word is no name: 北京东区, 尽快手动
        ("北京东区机房那台服务器报错 1005", ["bems:1005"]),
        ("尽快手动重启一下客户端，现在报错 1005", ["bems:1005"]),
        # one of ours named between a system and the number takes the sentence over
        ("抖音小程序里集成云信 SDK，登录报 302", ["commsease:302"]),
        ("我们从腾讯 IM 迁到云信了，现在登录报 302", ["commsease:302"]),
        ("HIS 系统集成了 BEMS，报错 1027", ["bems:1027"]),
        ("NIM app: PlayFab ticket failed, errorCode 1028", []),  # PlayFab is nearer
        ("nginx 给云信回了 500", []),  # 云信 is what it was sent to
        # a system's name glued to an item's number is that item's key, no source
        ("ticket JIRA-1028 closed, SERVER_BUSY was fixed by the new pool", ["bems:1028"]),
        ("云信前面的 nginx-1.24 returned 404", []),  # a version, no item: nginx's 404
    ],
)
def test_other_systems_and_ours_between(text: str, expected: list[str], kb: KnowledgeBase) -> None:
    check(text, expected, kb)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A dot inside a dotted name is no clause break: the product named by the call
        # is as near the number as the call is, and nearer than the system before it.
        ("S3 upload gives 403, then MsgService.sendMessage returned 415", ["commsease:415"]),
        ("OSS 上传先报 403，接着 MsgService.sendMessage 也回了 415", ["commsease:415"]),
        # The call still names no source: the system whose clause it is keeps the number.
        ("MsgService.sendMessage is fine, but S3 returned 415", []),
    ],
)
def test_a_dot_in_a_dotted_name_ends_no_clause(
    text: str, expected: list[str], kb: KnowledgeBase
) -> None:
    check(text, expected, kb)


def test_chatter_is_quiet(kb: KnowledgeBase) -> None:
    assert scan("", kb) == []
    assert scan("lunch?", kb) == []
    assert scan("standup moved to 10:05, room 404", kb) == []


# -- the mrkdwn view ----------------------------------------------------------------------


def test_masking_keeps_offsets() -> None:
    text = "a <@U1> &lt;b&gt; <https://x/1|y> :fire: `c` ```d``` &amp;"
    view = parse(text)
    assert len(view.masked) == len(text)
    assert "U1" not in view.masked and "fire" not in view.masked and "x/1" not in view.masked
    assert "<   b>   " in view.masked and view.masked.endswith("&    ")
    assert [text[a:b] for a, b in view.inline_code] == ["c"]
    assert [text[a:b] for a, b in view.blocks] == ["d"]


def test_unclosed_code_is_text() -> None:
    view = parse("```never closed `1027` here")
    assert view.blocks == ()
    assert [view.text[a:b] for a, b in view.inline_code] == ["1027"]


@pytest.mark.parametrize(
    ("text", "channel_product", "expected"),
    [
        # Rule 5: the channel's product picks it for a number both products have...
        ("error 11001 again", "bems", ["bems:11001"]),
        ("error 11001 again", "commsease", ["commsease:11001"]),
        ("error 11001 again", None, ["bems:11001", "commsease:11001"]),
        # ...only where the message names no product itself...
        ("NIM error 11001", "bems", ["commsease:11001"]),
        # ...and it never hides a code only the other product has.
        ("error 1027 again", "commsease", ["bems:1027"]),
    ],
)
def test_the_channel_product_counts_where_the_message_names_none(
    text: str, channel_product: str | None, expected: list[str], kb: KnowledgeBase
) -> None:
    got = [m.key for mention in scan(text, kb, channel_product) for m in mention.matches]
    assert sorted(got) == expected


@pytest.mark.parametrize(
    ("text", "channel_product", "expected"),
    [
        # Rule 5b: HTTP-like and JSON-RPC numbers need a tie to their product...
        ("nginx returned 404", None, []),
        ("MCP error -32601: Method not found", None, []),
        ("HTTP 500 from upstream", "bems", []),
        ('zabbix-cli login: ("Error -32700: Parse error, Invalid JSON.", -32700)', "bems", []),
        ("Home Assistant returned -32602 in the lab, ignore", "bems", []),
        ("the Connect service says Error -32700: Parse error", "bems", ["bems:-32700"]),
        # ...by its name, its vocabulary, or the channel's product.
        ("NIM login fails with 302", None, ["commsease:302"]),
        ("onFailed(code=408)", None, ["commsease:408"]),
        ("-32601 from the Connect service", None, ["bems:-32601"]),
        ("login fails with 302", "commsease", ["commsease:302"]),
        # A code that is no one else's needs no tie.
        ("error 1027 again", None, ["bems:1027"]),
    ],
)
def test_generic_codes_need_a_tie_to_their_product(
    text: str, channel_product: str | None, expected: list[str], kb: KnowledgeBase
) -> None:
    got = [m.key for mention in scan(text, kb, channel_product) for m in mention.matches]
    assert sorted(got) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("云信登录一直返回 408", ["commsease:408"]),
        ("建群的时候报801", ["commsease:801"]),
        ("错误码：811，一次最多能@多少个账号", ["commsease:811"]),
        ("13002错误又来了", ["commsease:13002"]),
        ("网易云信请求超时(408)", ["commsease:408"]),
        # Measure words and 第 make quantities (rule 9).
        ("群里拉了801人，报错", []),
        ("第1027次重试还是不行", []),
        ("云信返回了3次", []),
    ],
)
def test_chinese_context_words_and_measure_words(
    text: str, expected: list[str], kb: KnowledgeBase
) -> None:
    check(text, expected, kb)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a Chinese copula between the word naming a code and the code (ZH_FILLERS)
        ("登录的错误码是 1027", ["bems:1027"]),
        ("错误码就是 10431 吧", ["commsease:10431"]),
        ("result code 为 1028", ["bems:1028"]),
        ("人数是 1028", []),  # a copula after a word that names no code adds nothing
        # a source after a verb (FROM_VERBS): the generic code is tied to the product named
        ("the 404 came from NIM, not from us", ["commsease:404"]),
        # another system named later in the sentence claims the code (ZH_ATTRIBUTIONS)
        ("下单失败 10431，查了是支付渠道返回的", []),
        ("负载均衡返回 503，随后云信登录报 302", ["commsease:302"]),
        # the word before "code" places it, past a filler
        ("our zip code is 10001", []),
        # a Chinese question right after the number asks about it (ZH_QUESTION_AFTER)
        ("昨天那个 13004 啥意思", ["commsease:13004"]),
        ("群里报的 10431 怎么解决", ["commsease:10431"]),
        # a message field that says something else gives the code a meaning of its own
        ('the coupon API said `Result(code=803, message="coupon expired")`', []),
        ('`{"code": 803, "message": "team does not exist"}` from the team call', ["commsease:803"]),
        # codes of one length joined by slashes are a list; a path or a ratio is not
        ("NIM login error 302/408 on and off", ["commsease:302", "commsease:408"]),
        ("错误码 40019/40021 交替出现", ["bems:40019", "bems:40021"]),
        ("GET /api/404/500 failed", []),
        ("error rate 3/500 today", []),
        ("error in 1028/10000 requests", []),
        # two products joined by "and" both own the code after them
        ("BEMS 和云信都报 11001", ["bems:11001", "commsease:11001"]),
        ("both BEMS and NIM return 11001 here", ["bems:11001", "commsease:11001"]),
        ("NIM error 11001, then BEMS error 1027", ["commsease:11001", "bems:1027"]),
        # an unquoted Chinese message in a key=value log gives the code its own meaning
        ("支付服务 ERROR code=803 msg=订单不存在", []),
        ("云信 ERROR code=803 msg=群不存在", ["commsease:803"]),
        # a street address
        ("our new office: 10001 Harbor Blvd, 3rd floor", []),
        # text codes go with the product named: CommsEase has none of its own
        ("云信 SDK 里也有个 SERVER_BUSY 枚举", []),
        ("BEMS logs say SERVER_BUSY", ["bems:1028"]),
        # a Chinese message key (ZH_MESSAGE_KEYS) and a camelCase one (MESSAGE_KEYS)
        ("备份失败 (错误代码: 999, 错误信息: 登录失败)", []),
        ("NIM 打包失败 (错误代码: 999, 错误信息: 打包错误)", ["commsease:999"]),
        ('`{errorCode: 11000, errorMsg: "verify sig failed"}`', []),
        ('`{errorCode: 11000, errorMsg: "session not found"}`', ["bems:11000"]),
        # the name a reply goes to is not its source (RECIPIENT_MARKERS)
        ("云信抄送回调，nginx 给云信回了 500", []),
        ("nginx returned 404 for /nimserver/user/create.action", []),
        ("ingress-nginx returns 404 for /nim-callback after the upgrade", []),
        ("云信给 nginx 回了 500", ["commsease:500"]),
    ],
)
def test_rules_read_through_word_lists(text: str, expected: list[str], kb: KnowledgeBase) -> None:
    assert sorted(keys(text, kb)) == sorted(expected)


@pytest.mark.parametrize(
    ("product", "code", "named", "channel", "counts"),
    [
        ("commsease", "404", set(), None, False),  # generic, no tie
        ("commsease", "404", {"commsease"}, None, True),  # the message names it
        ("commsease", "404", set(), "commsease", True),  # the channel is set to it
        ("commsease", "404", {"bems"}, "bems", False),  # tied to the other product only
        ("commsease", "10404", set(), None, True),  # not generic
        ("bems", "-32601", set(), None, False),  # everyone's JSON-RPC code
    ],
)
def test_rule_5b_one_check_for_scanner_and_fit(
    product: str, code: str, named: set[str], channel: str | None, counts: bool
) -> None:
    from bot.binding import counts_here

    assert counts_here(product, code, named, channel) is counts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # rule 5: a link's host and path name the product, though they hold no code
        (
            '`POST https://api.netease.im/nimserver/team/create.action` -> `{"code":414}`',
            ["commsease:414"],
        ),
        (
            "<https://doc.yunxin.163.com/messaging/docs/status-code|云信状态码文档> 里 416 是频控",
            ["commsease:416"],
        ),
        ("<https://example.com/docs|状态码文档> 里 416 是频控", []),
        # a system named after our own identifier claims it only by attribution (rule 11)
        ("PARSE_ERROR 出现在网关日志里", ["bems:-32700", "bems:1004"]),
        ("PARSE_ERROR，是网关返回的", []),
        ("OAuth says invalid_request", []),
        # a system named after a number claims it past a word of source (SOURCE_PREPOSITIONS)
        ("error 999 again on the Windows PC client", ["commsease:999"]),
        ("error 999 again from the Windows installer", []),
        # a CSV export: cells may hold spaces ("2025-03-02 10:11"), prose puts one after ","
        ("```\naccid,code,count,first_seen\np_1,803,17,2025-03-02 10:11\n```", ["commsease:803"]),
        ("accid,code,count\nretries 17, 803, 4", []),
        # two columns have one comma; a row's "408,800" is two cells, not a thousands group
        ("```\n错误码,次数\n801,1005\n13002,12\n```", ["commsease:801", "commsease:13002"]),
        ("```\n错误码,次数,占比\n803,800,18%\n```", ["commsease:803"]),
        ("we had 803,800 sign-ups", []),
        # a log line with cells is no table header: 'data:{"code":200}' heads no column
        ('```\nW  cfg data:{"key":0,"code":200}\nW  undefined notification type: 405\n```', []),
        ('```\nI  cfg:{"code":0}\nI  803\n```', []),
        # a Chinese heading that lists codes (ZH_HEADINGS), one that counts does not
        ("NIM 失败分布: 408 x 1203, 416 x 877", ["commsease:408", "commsease:416"]),
        ("NIM 失败次数: 408", []),
        # a Chinese question closing on the number's clause (ZH_QUESTION_AFTER)
        ("跟 13001 有啥区别？", ["commsease:13001"]),
        ("跟 13001 个用户比呢？", []),
        # a verb of meeting a failure (ZH_VERBS_BEFORE)
        ("有人见过 998 吗？", ["commsease:998"]),
        # a Chinese reason beside a code whose vendor wrote only English (the glossary)
        ("注册接口 10437 邮箱已存在，文案要改", ["commsease:10437"]),
        ("企业版开户 10434 公司不存在", ["commsease:10434"]),
        ("订单号 10434 不存在", []),
        # fullwidth digits, as a Chinese keyboard types them
        ("群消息发送失败，错误码８０４", ["commsease:804"]),
        # Traditional characters and Cantonese words read as the Simplified and Mandarin ones
        ("nim-gateway 過去一小時嘅錯誤：408 x 120、415 x 33", ["commsease:408", "commsease:415"]),
        ("雲信又報 403 啊，advisor 冇權限踢人", ["commsease:403"]),
        ("云信返回码：408：请求超时", ["commsease:408"]),  # fullwidth colons are no emoji's
        ("雲信註冊完就登入唔到，返回錯誤碼係302", ["commsease:302"]),  # 係: the copula
        ("NIM 設咗非好友唔可以發消息，所以會返 403", ["commsease:403"]),  # 返: returns
        ("又係 404，不过係 ALB 畀嘅，唔係 NIM", []),  # 唔係: not
        ("八達通 reader 報 error 1007，張卡要重新拍", []),
        ("Octopus 交易失敗 error 1028，叫客人用 FPS 付", []),
        ("Tuya cloud error 1004: device offline again", []),
        ("街口支付回 code 4003「訂單已逾時」，要重新下單", []),  # its own message, quoted
        # a limit's value after a copula; a code right after its own reason of a limit
        ("云信拉人报错，群人数达到上限 801", ["commsease:801"]),
        ("云信发消息触发频率限制 416", ["commsease:416"]),
        ("云信拉人报错，群人数达到上限，801", ["commsease:801"]),  # a clause of its own
        ("新的 BEMS 版本，1027 错误又回来了", ["bems:1027"]),  # 版本 places no number past ，
        ("云信 414 单元测试又挂了", ["commsease:414"]),
        ("NIM 408 室外网络差的时候", ["commsease:408"]),
        ("云信报 408「超时」", ["commsease:408"]),  # a gloss in corner quotes is the writer's
        # another system's message, bracketed, or half of our generic word, is not ours
        ("云信 code=414 msg=[订单号格式不对]", []),
        ('云信接口返回 {"code":404,"msg":"用户已存在"}', []),
        # a client's or a protocol's signature in a block is no server's
        (
            "NIM web 登录：\n```\nUA: Chrome/120.0 Safari/537.36\nonError code: 408\n```",
            ["commsease:408"],
        ),
        # our own constant, abbreviated or reworded
        ("the kiosk logs `ERR_AUTH = 10001` after the cert rotation", ["bems:10001"]),
        ("BEMS `ERR_AUTHENTICATION_FAILED = 10001` again", ["bems:10001"]),
        # a failure word, a comma, the number: the code of that failure (rule 9)
        ("persistent chat 上載檔案失敗，40130，同一個 PDF 上載咗兩次", ["bems:40130"]),
        ("BEMS 嗰部 server 維修費收咗 1028 蚊", []),  # 蚊: Cantonese dollars
        # a block another system signs is what it sent (rule 11)
        ("NIM H5 打不开：\n```\n<h1>404 Not Found</h1>\n<center>nginx/1.24.0</center>\n```", []),
        (
            "```\nserver: nginx/1.24.0\nNIM onFailed code=408 after the proxy\n```",
            ["commsease:408"],
        ),
        # a constant named for a condition of its own is another system's (rule 11)
        ("the kiosk logs `PUSH_ERR_INVALID_PIN = 10001` on every subscribe", []),
        ("the kiosk logs `ERR_AUTHENTICATION_ERROR = 10001` on every subscribe", ["bems:10001"]),
        ("the kiosk logs `ERROR_CODE = 10001` on every subscribe", ["bems:10001"]),
        (
            "BEMS:\n```java\nclass RPCErrorCode {\n  static final int INVALID_JSON = -32700;\n}```",
            ["bems:-32700"],
        ),
        # a comment marker is no minus sign: "--414" in a Lua note
        ("```\n--code\n--803 群不存在\n```", ["commsease:803"]),
        # a text code qualified by a type is another SDK's enum member (rule 11)
        ("环信 SDK 回调 EMError.SERVER_BUSY，过几秒重试就好", []),
        ("BEMS 回了 SERVER_BUSY，过几秒重试就好", ["bems:1028"]),
        # a PHP/Ruby "=>" message field, a Chinese definition, a Chinese passive source
        ('```"msg" => "Business Failed", "code" => "40004"```', []),
        ('```"msg" => "room id invalid", "code" => "40004"```', ["bems:40004"]),
        ("我们 user-service 的约定：返回 803 则表示手机号已绑定", []),
        ("1027 错误是被 cloudflare 拦截的", []),
    ],
)
def test_product_names_in_links_and_systems_after_text_codes(
    text: str, expected: list[str], kb: KnowledgeBase
) -> None:
    check(text, expected, kb)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an adverb of recurrence before a bare number: it keeps happening (ZH_VERBS_BEFORE)
        ("又 500 了，服务端看一下？", ["commsease:500"]),
        ("服务端 API 一直 500", ["commsease:500"]),
        ("群里又 500 人了", []),
        ("价格一直 500 元", []),
    ],
)
def test_chinese_recurrence_in_a_product_channel(
    text: str, expected: list[str], kb: KnowledgeBase
) -> None:
    assert sorted(keys(text, kb, "commsease")) == sorted(expected), text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Chinese for "Connect service" names BEMS and ties its JSON-RPC codes (rule 5b)
        ("Connect 服务返回-32700，请求体不是合法 JSON", ["bems:-32700"]),
        ("网关返回-32700，请求体不是合法 JSON", []),
        # a Chinese message key's English value is the code's own meaning (rule 11)
        ("接口偶发：错误代码40001，说明：invalid credential，token expired", []),
        ("接口偶发：错误代码40001，说明：argument is null", ["bems:40001"]),
        # a system named before its ticket key names the ticket, not the code's source
        ("JIRA OPS-1027 raised for the WRONG_SERVER issue", ["bems:1027"]),
        ("GitHub #88 tracks the 1028 errors from BEMS", ["bems:1028"]),
        ("JIRA said WRONG_SERVER", []),
        # a message about another IM vendor that names none of ours is about that vendor
        ("OpenIM demo 拉人进群失败\n```errCode: 809\nerrMsg: db failed```", []),
        ("```errCode: 809\nerrMsg: db failed```\n和 Sendbird 的行为不一样", []),
        ("以前用环信，迁到云信以后建群一直报 809", ["commsease:809"]),
        ("Tim says error 1027 again", ["bems:1027"]),
        ("TIM 登录返回 error code 1027", []),
        ("BEMS 没事，TIM 登录返回 error code 1027", []),
        # a case label of a switch on a code key is that code's value
        (
            "```js\nswitch (error.code) {\n  case 302: relogin(); break;\n  case 417: kick(); "
            "break;\n}``` NIM 的 ondisconnect 里这样写对吗",
            ["commsease:302", "commsease:417"],
        ),
        ("```switch (pageSize) {\n  case 500: break;\n}```", []),
        ("support case 1027 is closed", []),
        # our product named after the number, as the one that returned it
        ("还是那个 404，这次是云信 MsgService 返回的", ["commsease:404"]),
        ("还是那个 404，这次是网关返回的", []),
    ],
)
def test_sources_tickets_rivals_and_switch_cases(
    text: str, expected: list[str], kb: KnowledgeBase
) -> None:
    check(text, expected, kb)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # another vendor's name glued to the SDK it names is still its name (rule 11)
        ("EasemobSDK 回调 onError: 809", []),
        ("easemob_sdk login error 1027", []),
        ("NIMSDK 回调 onError: 809", ["commsease:809"]),
        ("AgoraSdk joinChannel failed, error 1028", []),
        # the V2 API's identifiers are NIM identifiers: they tie a generic code (rule 5b)
        ("V2NIMError code 416 on sendMessage", ["commsease:416"]),
        ("V2Error code 416 on sendMessage", []),
        # a message quoted right after the code says whose code it is (rule 11)
        ('SDK error Code=40004 "coupon expired"', []),
        ('SDK error Code=1028 "server busy"', ["bems:1028"]),
        ('error 1027: "please retry later"', []),
        ('{"code": 1027, "message": "wrong server"}', ["bems:1027"]),
        # a code block that a line naming another system introduces is what it sent
        ('Stripe answered like this:\n```\n{"error": {"code": 40004}}\n```', []),
        ('Stripe 返回如下：\n```\n{"code": 40004}\n```', []),
        ('BEMS answered like this:\n```\n{"error": {"code": 40004}}\n```', ["bems:40004"]),
        ('got this from staging:\n```\n{"error": {"code": 40004}}\n```', ["bems:40004"]),
        ('Stripe was down earlier.\n```\n{"error": {"code": 40004}}\n```', ["bems:40004"]),
        # the codes of one list share its clause, and the product named in it
        (
            "the Lync pool keeps logging 1027 and 1028 errors since Monday",
            ["bems:1027", "bems:1028"],
        ),
        ("since Monday the Lync pool logs 1028, 1027 errors", ["bems:1028", "bems:1027"]),
        ("we had 1027 and 1028 errors yesterday", []),
        ("BEMS is fine, 1027 and 1028 errors come from jenkins", []),
        # JSON-RPC codes and names in a message about another JSON-RPC server (rules 5b, 11)
        ("Restarted the LSP. Every request still gets METHOD_NOT_FOUND", []),
        ("the Connect service answers every request with METHOD_NOT_FOUND", ["bems:-32601"]),
        (
            'The MCP server:\n```{"error": {"code": -32601, "data": "METHOD_NOT_FOUND"}}```',
            [],
        ),
        (
            'Testing BEMS.\n```{"error": {"code": -32601, "data": "METHOD_NOT_FOUND"}}```',
            ["bems:-32601"],
        ),
        ("MCP bridge is fine. Lync users still get error 1027", ["bems:1027"]),
    ],
)
def test_sdk_names_v2_identifiers_quoted_messages_blocks_and_lists(
    text: str, expected: list[str], kb: KnowledgeBase
) -> None:
    check(text, expected, kb)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a constant named by a type of codes and its condition is a code's key
        ("```objc\nNIMRemoteErrorCodeTeamNotExists = 803,\n```", ["commsease:803"]),
        ("```\nerrorCodeCount = 803\n```", []),
        ("```objc\nNIMRemoteErrorCodeTeamAccessError = 803,\n```", ["commsease:803"]),
        ("```\naccessCode = 803\n```", []),
        ("AuthService.login -> 302", ["commsease:302"]),  # an arrow is no key
        # a constant named by the number's own text code, in any case, is its key
        ("BEMS constants:\n```dart\nstatic const invalidParams = -32602;\n```", ["bems:-32602"]),
        ("BEMS constants:\n```dart\nstatic const maxParams = -32602;\n```", []),
        # NIM's C constants name CommsEase, which has no 10001 (its local codes are no table's)
        ("```c\nkNIMResRoomLocalNeedRequestAgain = 10001,\n```", []),
        # 网易云通信, CommsEase's name in NetEase's older docs, ties its generic codes
        ("网易云通信服务器一直返回 408", ["commsease:408"]),
        ("服务器一直返回 408", []),
        # a module or an object before a text code is no type it is a member of
        ("```js\nexports.INVALID_PARAMS = -32602\n```", ["bems:-32602"]),
        ("```js\nexports.MAX_PARAMS = -32602\n```", []),
        ("```js\nmodule.SERVER_BUSY = 1028\n```", ["bems:1028"]),
        ("EMError.SERVER_BUSY again", []),
        # an OS error number as Python prints it (rule 11)
        ("pip install fails: [Errno 11001] getaddrinfo failed", []),
        ("OSError: [WinError 10054] An existing connection was forcibly closed", []),
        ("NSURLErrorDomain 999 on the iPad build", []),
        ("errno 1027 from the Lync pool", ["bems:1027"]),
        # the C library's and Winsock's calls return the OS's numbers (rule 11)
        ("getaddrinfo 返回 11001，但 gai_strerror 是空的", []),
        ("NIM 登录一直返回 11001", ["commsease:11001"]),
        ("System.Net.Sockets.SocketException (11001): No such host is known.", []),
        ("ERROR: urlopen error (caused by URLError(gaierror(11001, 'lookup failed'),))", []),
        ("NIM login fails with 408, getaddrinfo is fine", ["commsease:408"]),
        # a Chinese reason beside the number: the generic words count once its subject does
        ("```\n/** 删除好友\n* @param accid 对方帐号\n* 404:用户不存在\n*/```", ["commsease:404"]),
        ("```\n/** 删除订单\n* @param accid 对方帐号\n* 404:订单不存在\n*/\n```", []),
        # the vendor's SDK docs' own Chinese words for a code are its meaning too (wordings_zh)
        ("```\n/** NIM客户端注销\n * 200:成功\n * 500:未知错误\n */```", ["commsease:500"]),
        ("```\n/** 客户端注销\n * 200:成功\n * 500:未知错误\n */```", []),
        # a map of codes to messages, its keys quoted: rows of one list, as bulleted ones are
        (
            '```\nNIM 错误码\n"302": "用户名或密码错误",\n"301": "被封禁",\n```',
            ["commsease:301", "commsease:302"],
        ),
        # the Connect service's JSON-RPC methods name BEMS (rule 5)
        ("11001 again in the TerminateSession logs", ["bems:11001"]),
        ("AcceptChat failed with 11001 twice this morning", ["bems:11001"]),
        # a place after the number, a limit before it: no code (rule 9)
        ("下午 3 点在 5 楼 503 会议室过一下云信接入方案", []),
        ("云信 appKey 的 QPS 上限是 500", []),
        ("云信 appKey 调用超过 QPS 上限, 返回 416", ["commsease:416"]),
        # a mini program is where NIM's SDK runs, not another system
        ("NIM 小程序 SDK 报错 415，用户说当时在地铁里", ["commsease:415"]),
        ("yard map: `WebGL: INVALID_OPERATION: drawArrays: no buffer is bound`", []),
        ("Salesforce Mobile SDK on the iPads: error code 1005 after the upgrade", []),
        # a nested object's message is read as its own field, whatever key holds the object
        ('AuthError: {"error":{"message":"invalid_credentials","code":13004}}', []),
        ('{"error":{"message":"user is muted, may not send","code":13004}}', ["commsease:13004"]),
        # a negated copula links a code's key to its number as the copula does (rule 9)
        ("NIM 聊天室登录：\n见error_code, error_code非408则需要重新登录", ["commsease:408"]),
        ("NIM 聊天室登录：\n见error_code, error_code 不等于 408 则需要重新登录", ["commsease:408"]),
        ("NIM 聊天室登录：\n见error_code, error_code 之后 408 则需要重新登录", []),
        # another standard's code: a WebSocket close code, a Cloudflare error page
        ("the websocket dropped with close code 1006 again", []),
        ('the socket closed: "Abnormal Closure" (code 1006)', []),
        ("got error code 1020, Access denied by the site", []),
        ("BEMS returned 1006 again, the proxy looks down", ["bems:1006"]),
        ("bems 1006 跟 websocket 的 1006 close code 是一回事吗？", ["bems:1006"]),
        # WeChat's return codes, by its words in the paragraph
        ('{"errcode":40001,"errmsg":"invalid credential, access_token is invalid"}', []),
        ("```\n{ errcode: 40003,\n  errmsg:\n    'invalid openid hint: [abc]' }\n```", []),
        (
            "persistent chat says 40001 PC_NULL_ARGUMENT, the access_token looks fine",
            ["bems:40001"],
        ),
        # OpenWeatherMap's condition ids, by its words or its own reason
        ("the weather widget shows code 803, broken clouds", []),
        ("the weather is awful today and NIM returns 803 on team join", ["commsease:803"]),
        # a table row that gives a number a name of its own is another system's (rule 11)
        ("| 4005 | SAVE_FAILED | the record was not saved |", []),
        ("codes: 4000 GENERAL_ERROR / 4005 SAVE_RECORD_ERROR", []),
        (
            "codes: 4000 MSG_INVALID_OPERATION / 4005 MSG_NOT_FEDERATED_OR_INVALID_USER",
            ["bems:4000", "bems:4005"],
        ),
        ("| 4005 | MSG_NOT_FEDERATED_OR_INVALID_USER | not federated |", ["bems:4005"]),
        ("error 1028 SERVER_BUSSY in the Lync log", ["bems:1028"]),
        # lines a line naming another system introduces are what it sent
        ("When I sign in with Chrome I get this error:\n\nError 400: invalid_request", []),
        ("When I sign in with Lync I get this error:\n\nWRONG_SERVER again", ["bems:1027"]),
        ("Our staging box says:\nerror 1027 on login", ["bems:1027"]),
    ],
)
def test_code_constants_os_errors_other_standards_and_introduced_lines(
    text: str, expected: list[str], kb: KnowledgeBase
) -> None:
    check(text, expected, kb)
