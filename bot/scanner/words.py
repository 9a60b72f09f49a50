"""The evidence model as plain data: its named features and the words they read.

:data:`FEATURES` lists every kind of evidence and every veto the scanner knows, each with
its reach and what it means; :mod:`bot.scanner.features` detects them and
:mod:`bot.scanner.evidence` weighs them with weights fitted on labelled text. The word
sets below answer one question each about the words next to a number: does it name a
code ("error", "errno", "errorCode"), report one ("returned", "got", "返回"), count or
place the number instead ("port", "build"; "ms", "users"; "人", "次"), or give it to
another system ("nginx", "S3")? Growing a list is a data change: no code reads a word
that is not here. All English words are lower case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.binding.systems import OTHER_SYSTEMS, OTHER_SYSTEMS_CASED, ZH_OTHER_SYSTEMS
from bot.text import grammar
from bot.text.grammar import words_of as of

__all__ = [
    "AFTER_QUANTITY",
    "ARROWS",
    "ARTICLES",
    "CODE_KEYS",
    "CODE_WORDS",
    "CODE_WORDS_AFTER",
    "COLUMN_QUANTITIES",
    "ERRORS_AFTER",
    "FEATURES",
    "FILLERS",
    "FROM_VERBS",
    "GENERIC_MEANING_WORDS",
    "HEADER_NOUNS",
    "LIST_JOINERS",
    "MEANING_WORDS",
    "MESSAGE_KEYS",
    "NOT_CODE_QUALIFIERS",
    "NOT_PLURAL",
    "NOT_TYPE_QUALIFIERS",
    "OS_ERROR_WORDS",
    "OTHER_SYSTEMS",
    "OTHER_SYSTEMS_CASED",
    "QUESTION_WORDS",
    "QUOTED_DEFINING_WORDS",
    "QUOTES",
    "RECIPIENT_MARKERS",
    "RESULT_CONSTANT_WORDS",
    "SAYS",
    "SERVER_SIGNATURES",
    "SOURCES",
    "SOURCE_PREPOSITIONS",
    "SPEAKERS",
    "STREET_SUFFIXES",
    "TIME_RANGE_AFTER",
    "UNITS",
    "VERBS",
    "VETO_BEFORE",
    "ZH_ATTRIBUTIONS",
    "ZH_CODE_AFTER",
    "ZH_CODE_BEFORE",
    "ZH_CODE_HEADERS",
    "ZH_DEFINING_WORDS",
    "ZH_FILLERS",
    "ZH_GENERIC_PAIRS",
    "ZH_HEADINGS",
    "ZH_LIMIT_WORDS",
    "ZH_LIST_JOINERS",
    "ZH_MESSAGE_KEYS",
    "ZH_NOT_CODE_WORDS",
    "ZH_OTHER_SYSTEMS",
    "ZH_QUANTITY_HEADERS",
    "ZH_QUESTION_AFTER",
    "ZH_REPORTING_VERBS",
    "ZH_VERBS_BEFORE",
    "Feature",
]


#: Nouns that name codes; also the last part of keys such as errorCode, error_code.
CODE_WORDS = of(
    "error errors err errno code codes status statuscode errorcode errcode rc retcode "
    "result resultcode failure exception http"
)
#: The word right after a number that names it a code: "1027 error", "408 exception".
CODE_WORDS_AFTER = of("error err failure exception")
#: The same in the plural: "1007 and 1008 errors"; a count, too ("500 errors an hour"), so
#: it weighs less.
ERRORS_AFTER = of("errors failures exceptions")
#: What may stand before a text code and its dot without being a type, whose member the
#: code would be ("EMError.SERVER_BUSY" is another SDK's enum): a JavaScript module's
#: exports, an object ("exports.PARSE_ERROR = -32700", "this.WRONG_SERVER").
NOT_TYPE_QUALIFIERS = of("exports module this self window global globalthis")
#: Words that open an operating system's error number in brackets, as Python prints an
#: OSError: "[Errno 11001] getaddrinfo failed", "[WinError 10054]" (rule 11).
OS_ERROR_WORDS = of("errno winerror")
#: Keys whose number is a code in a log's key=value pairs ("hangup reason=9103"), though
#: the word alone in prose is not a context word ("for reason 2").
CODE_KEYS = of("reason cause ret res resp")
#: Words that open the name of a constant in an SDK's enumeration of result codes, before
#: the condition it names: ``kNIMResTeamENotExist = 803``, ``RES_ETIMEOUT = 408``,
#: ``kErrForbidden = 403`` (not ``kMaxMembers = 500``, a setting).
RESULT_CONSTANT_WORDS = of("res result err error ret")
#: Chinese column headers: of codes, and of counts or measurements.
ZH_CODE_HEADERS = ("错误码", "状态码", "返回码", "错误代码", "错误")
#: Chinese headings before a colon that say a list of codes follows ("错误码：803、804",
#: "失败分布: 408 x 1203"); not one that counts ("失败次数：500", ZH_QUANTITY_HEADERS).
ZH_HEADINGS = (*ZH_CODE_HEADERS, "失败分布", "报错分布", "错误分布")
ZH_QUANTITY_HEADERS = ("次数", "数量", "人数", "耗时", "时间", "条数", "占比", "总数", "编号")
#: Column headers of tables whose numbers are counts, ids or measurements.
COLUMN_QUANTITIES = of(
    "count counts seen hits total sum n num qty id ids pid tid uid req rid time duration "
    "latency p50 p90 p95 p99 avg mean median max min ms bytes size port line"
)
#: Verbs people put before a code they got back.
VERBS = of(
    "returned returns return returning answered answering answers answer gave gives give "
    "giving got get gets getting throws throw threw throwing thrown fails failed fail failing "
    "raised raises raise raising seeing see seen saw responded responds respond "
    "replied replies "
    "reply came comes errored rejected rejects received receive receiving reported reports "
    "kicked kicks crashed crashes died dies bounced bounces dropped drops refused refuses "
    "denied denies hitting logged"
)
#: Function words allowed between a context word and its number ("got a 40117").
FILLERS = of(
    "a an the is was were are be been of with as out up back again just also still now "
    "always only even number no nr num me us them him her another same like such lots lot "
    "bunch many few some these those"
)
#: Words that make the number right after them a quantity, id, time or place: in the
#: grammar, as a question reads them too.
VETO_BEFORE = grammar.VETO_BEFORE
#: Units and counted nouns ("1005 ms", "500 users"): in the grammar, as a question reads
#: them too.
UNITS = grammar.UNITS
#: The last word of a street address: "12001 Lakeview Dr", "450 W 33rd St".
STREET_SUFFIXES = of(
    "st street ave avenue rd road dr drive blvd boulevard ln lane way ct court pl place "
    "pkwy parkway hwy highway sq square"
)
#: Words ending in "s" that are not plural nouns.
NOT_PLURAL = of(
    "is was has does this its his as us yes plus thus always sometimes unless across towards "
    "besides perhaps afterwards means happens keeps comes goes appears seems looks occurs shows "
    "says pops gets returns fails persists remains repeats breaks crashes hangs stops starts "
    "causes makes takes gives lets needs errors codes failures whereas"
)
#: Articles, after which "is 1019 a ...?" asks about a code.
ARTICLES = of("a an the")
#: What sends a status back: "403 from the server", "500 from the api".
SOURCES = of("server servers api apis endpoint service backend proxy lb gateway sdk")
#: Pairs of Chinese characters that say nothing of which error it is ("不存在", "失败"):
#: left out when a Chinese phrase is compared with a code's meaning, so "订单不存在" is
#: not "群不存在".
ZH_GENERIC_PAIRS = frozenset(
    ("不存", "存在", "失败", "错误", "不能", "不可", "无效", "非法", "已经", "没有",
     "不是", "不在", "不允", "允许", "操作", "出错", "问题")
)  # fmt: skip
#: English words of a description that say nothing of which error it is ("does not
#: exist", "failed"): a Chinese reason must match a code's other words ("公司不存在" is
#: 10434's "The company does not exist", "订单不存在" is no code's).
GENERIC_MEANING_WORDS = of(
    "fail failed fails failure error errors exist exists existed already invalid incorrect "
    "wrong cannot unable found does do can"
)
#: Written right after a system named later in the sentence, gives it the number even
#: across a comma: "发消息失败 500，其实是 CDN 返回的".
ZH_ATTRIBUTIONS = ("返回的", "报的", "回的", "给的", "发的", "抛的", "返回了", "那边的")
#: Written right before a name, make it what a reply is sent to or about, not its source:
#: "nginx 给云信回了 500" is nginx's 500; so are "nginx returned 500 to NIM" and "nginx
#: returned 404 for /nimserver/user/create.action".
RECIPIENT_MARKERS = ("给", "向", "to", "for")
#: Between a number and a system named after it, give it the number: "404 from the ingress",
#: "1020错误是被 cloudflare 防火墙拦截了".
SOURCE_PREPOSITIONS = of("from by via 被 由")
#: Verbs between a number and the source it came from: "the 404 comes from NIM".
FROM_VERBS = of("comes came coming come is was are were returned sent thrown")
#: Nouns a heading uses for a list of codes ("errors last hour: ...").
#: Not "status": "status: 3 of 500 done" is progress, not a list of codes.
HEADER_NOUNS = of("error errors err errs errno code codes failure failures")
#: Words that open a question about the number after them.
QUESTION_WORDS = of("what what's whats what’s wtf wth explain about meaning know knows")
#: Verbs that report a code only when a product or a program is their subject:
#: "NIM says 803", "the app shows 1027"; "the dashboard shows 500" stays a number.
SAYS = of("says said shows showed showing show")
#: Subjects that make SAYS report a code.
SPEAKERS = of("app client log logs console sdk server api service backend proxy gateway")
#: Chinese words before a number that name or report a code (RULES rule 9): "返回302",
#: "报408", "错误码：811", "状态码 500". Matched as the end of the Chinese run before it.
ZH_CODE_BEFORE = of(
    "错误码 错误代码 错误 状态码 返回码 返回值 异常码 码 code 错误号 错误编号 结果码 响应码 "
    "失败码 报错码"
)
#: Chinese copulas between a word and its number, passed over like English fillers, and
#: their negations: "返回码是 1027", "code 为 1028", "错误码就是 408", "error_code非408";
#: 系 is the written copula, and the Cantonese 係 folds to it ("錯誤碼係302").
ZH_FILLERS = of("是 为 系 就是 都是 也是 还是 则是 仍是 等于 非 不是 不为 不等于 并非")
#: Chinese verbs before a number that report a code (rule 9): "返回302", "报 408",
#: "一直返回 408", "回调拿到 416", "对应的是 403" (not 对应 alone: "对应 1027 这一行").
#: Weaker than a word naming a code: "返回 3 条" is a count.
#: Not the places a number is seen in ("日志里", "截图上"): after them it is as often an
#: id, a port or a count ("日志里 13001 是房间号").
ZH_VERBS_BEFORE = of(
    "报错 报 返回 返 失败 异常 提示 出现 报了 返回了 回调 抛出 抛 得到 收到 遇到 出错 一直报 "
    "一直返回 又报 还是报 回 给 弹 遇到过 碰到 碰到过 见过 遇见 又 一直 还是 老是 总是 拿到 "
    "对应的"
)
#: Those that report a code plainly enough to outweigh a place named after the number:
#: "报错 1005 机房那边在排查" is 1005, "下课后回 806 宿舍" a room.
ZH_REPORTING_VERBS = of(
    "报 报错 报了 返回 返回了 一直报 又报 还是报 一直返回 提示 抛出 失败 异常 出错"
)
#: Words that join the items of a list of codes, or two parallel clauses ("1027, 1028
#: and 1030", "download fails with 40113, upload with 40114", "10437和10438", "先是 413，
#: 后来 418"). English ones are whole words; Chinese ones and punctuation are matched as is.
LIST_JOINERS = of("and or then but while earlier later before after now vs")
ZH_LIST_JOINERS = (
    "，", "、", "；", "和", "跟", "与", "及", "或", "或者", "还有", "然后", "后来", "接着",
    "又", "再", "还是",
)  # fmt: skip
#: Chinese words after a number that name it a code: "416错误", "801 报错".
ZH_CODE_AFTER = of("错误 报错 错误码 状态码 异常 失败 指的是")
#: Chinese questions right after a number ask about it as a code (rule 9), as "what's
#: 1027?" does: "13004 啥意思", "11001 是什么", "408 怎么解决".
ZH_QUESTION_AFTER = of(
    "是什么 什么意思 啥意思 是啥 啥 怎么办 怎么回事 怎么解决 代表什么 什么原因 咋回事 咋办 "
    "是怎么回事 啥情况 什么情况 是哪个"
)
#: Words that make the "code" after them something other than an error code, in prose
#: ("zip code 10001", "area code 212") and in keys ("versionCode=1028", "smsCode").
NOT_CODE_QUALIFIERS = of(
    "zip postal post area country promo discount coupon invite invitation referral "
    "verification verify access gift activation pin room dial version build lang language "
    "currency region qr auth sms otp captcha color colour source zone postcode"
)
#: The same in Chinese ("验证码 4005", "群号 10404", "端口 4000"): in the grammar too.
ZH_NOT_CODE_WORDS = grammar.ZH_NOT_CODE_WORDS
#: Words of a limit or a count: the number they are said to be is its value ("QPS 上限是
#: 500"), a copula between; right before a number they may end a code's own reason
#: ("群人数达到上限 801", "频率限制 416"), so alone they place nothing.
ZH_LIMIT_WORDS = ("上限", "下限", "最多", "最少", "最大", "最小", "阈值", "限制", "数量", "总数")
#: Words right after a number that make it a count or progress ("1028 of them",
#: "404 done, 12 to go", "500 left").
AFTER_QUANTITY = of(
    "of more less fewer out total times done left remaining complete completed "
    "finished pending queued processed extra additional"
)
#: Words after a number that put it over a span of time: a rate or tally ("errors: 1027
#: in the last hour", "1028 per minute"). Not "yesterday" or "today": "returned 13003 yesterday".
TIME_RANGE_AFTER = of("per in daily weekly hourly this since last overnight /min /h /s /sec /day")
#: Chinese words right after a code that give it a meaning ("804则为用户重复").
ZH_DEFINING_WORDS = (
    "表示", "则为", "代表", "意思是", "意味着", "即为", "是指", "则表示", "即表示", "就表示",
    "表明",
)  # fmt: skip
#: Words that give a code a quoted meaning: "status 13004 means 'points frozen'",
#: "code=9102 是“渠道维护中”". A quote must follow.
QUOTED_DEFINING_WORDS = ("means", "stands for", "is defined as", "是", "为", "=", ":", "：")
QUOTES = "\"'“‘「『"
#: Keys of a message field in a JSON or log response: {"code":801,"msg":"..."}, in lower
#: case without underscores ("errorMsg", "error_msg" and "errmsg" are all keys).
MESSAGE_KEYS = of(
    "msg message desc description errmsg errormsg errormessage errmessage reason errdesc "
    "errordescription statusmessage statusmsg"
)
#: The same keys in Chinese, as the end of the key: "错误信息: 登录失败", "(提示：余额不足)".
ZH_MESSAGE_KEYS = (
    "错误信息", "错误消息", "错误描述", "错误原因", "提示信息", "提示", "描述", "原因", "说明",
)  # fmt: skip
#: Servers that sign their pages and headers with their name and version ("nginx/1.24.0"):
#: a code block so signed is what that server sent (RULES rule 11). Not browsers or
#: protocols ("Chrome/120.0", "websocket/13"): a client's signature says who asked.
SERVER_SIGNATURES = of(
    "nginx apache httpd openresty tengine tomcat jetty envoy haproxy traefik caddy lighttpd "
    "microsoft-iis iis cloudflare gunicorn uvicorn werkzeug kestrel varnish squid"
)
#: Words after a number that ask what it means: "what does 1019 mean", "1019 means?".
MEANING_WORDS = of("mean means meaning stand stands")
#: Arrows that read as "returned" in a log line: "AuthService.login -> 302".
ARROWS = ("->", "=>", "→", "⇒")
# -- the features ----------------------------------------------------------------------

#: What a feature does: evidence adds its fitted weight, and "against" too, though its
#: weight may only take away (the fit drops it if the data would make it add); a veto
#: settles that the number is no code, whatever else is said (a unit, an id, a URL).
Kind = Literal["evidence", "against", "veto"]


@dataclass(frozen=True, slots=True)
class Feature:
    """One kind of evidence about a number, detected by :mod:`bot.scanner.features`."""

    name: str
    kind: Kind
    #: How far the feature reads, in words of the reader: "the word before", "its line".
    reach: str
    #: Why a mention was taken, in :class:`bot.models.Mention` vocabulary.
    reason: str
    doc: str


_f = Feature  # short, so each feature's declaration stays on a line or two


_E: Kind = "evidence"
_A: Kind = "against"
_V: Kind = "veto"
_CW, _ST, _Q, _FMT = "context word", "structure", "question", "code formatting"

FEATURES: tuple[Feature, ...] = (
    # key=value, JSON and log structure
    _f("key_value_code", _E, "key before", _ST,
       "code=1027, \"errorCode\": 1027, ret=408, onFailed: 802, HTTP/1.1 404, NIM: 503"),
    # words before the number
    _f("code_word_before", _E, "3 fillers before", _CW,
       "error 1027, status was 404, onFailed(408), onError: 415"),
    _f("failure_verb_before", _E, "3 fillers before", _CW,
       "returned 404, got a 1027; NIM says 803, the app shows 1027"),
    _f("product_before", _E, "word before", _CW, "NIM 404, BEMS 1027"),
    _f("asks_about", _E, "sentence", _Q, "what's 1027?, what does 1019 mean"),
    _f("opens_question", _E, "sentence", _Q, "1027?, 1019 - lync or us?"),
    _f("own_clause", _E, "clause", _CW,
       "the number is a clause of its own after another: 被限流了，416; rate limited again, 416"),
    _f("opens_sentence", _E, "sentence", _CW,
       "the number opens its line or sentence: 1027 again, 40118 命令不被支持"),
    _f("zh_word_before", _E, "Chinese run before", _CW, "错误码：811, 状态码 500"),
    _f("zh_verb_before", _E, "Chinese run before", _CW, "返回302, 报 408, 一直返回 408"),
    # words after the number
    _f("code_word_after", _E, "word after", _CW, "1027 error, 416 failure"),
    _f("errors_after", _E, "word after", _CW, "500 errors on the api: a code, or a count"),
    _f("zh_word_after", _E, "Chinese run after", _CW, "416错误, 1019是什么"),
    _f("reason_phrase", _E, "phrase beside", _CW,
       "the entry's own reason or an HTTP reason beside it, in English or the vendor's "
       "Chinese: 404 Not Found, Method not found (-32601), 请求超时(408), 群不存在 803"),
    _f("sent_from_source", _E, "4 words after", _CW,
       "403 from NIM, 500 from the server, 1028 on bems, 408 in NIM"),
    _f("product_in_clause", _E, "clause", _CW, "one of our products named in the number's clause"),
    _f("zh_adjacent", _E, "character beside", _CW,
       "Chinese text right beside it, no measure word: 登录 315，…; 807 成员状态错误"),
    _f("negative_sign", _E, "the number", _ST, "-32700: a minus sign, as JSON-RPC codes have"),
    # layout
    _f("code_formatting", _E, "inline code", _FMT, "`1027` alone in inline code"),
    _f("code_column", _E, "table", _ST, "under a column headed code, err, status"),
    _f("heading_names_codes", _E, "sentence", _CW, "error codes since deploy: 1027, 1028"),
    _f("table_row_under_heading", _E, "20 lines above", _CW, "a list row under 'errors:'"),
    _f("list_after_code", _E, "list item before", _CW, "error 1010, 1027: item before is a code"),
    _f("parallel_clause", _E, "160 chars", _CW, "fails with 40113, upload with 40114"),
    # against: weighed, not final
    _f("plural_after", _A, "2 words after", _CW, "got 300 ppl, 1028 new signups"),
    _f("after_quantity", _A, "word after", _CW, "1028 of them, 404 done, 500 left"),
    _f("defines_meaning", _A, "3 chars after", _CW,
       "返回804则为用户重复, code=1027 表示“客户已锁定”: the text gives it a meaning of its own"),
    _f("message_field", _A, "line", _CW,
       '{"code":801,"msg":"手机号未注册"}: a message field in Chinese beside the code'),
    _f("time_range_after", _A, "word after", _CW, "errors: 1027 in the last hour, 500 today"),
    # vetoes: the number is something else
    _f("unit_after", _V, "word after", "", "1005 ms, 500 users, 1024 MB"),
    _f("street_address", _V, "3 words after", "", "12001 Lakeview Dr, 450 W 33rd St"),
    _f("zh_measure_word", _V, "measure word after", "", "500人, 3次, 第2次 (rule 9)"),
    _f("veto_word_before", _V, "word before", "", "port 4000, zip code 10001, 验证码 4005"),
    _f("id_key", _V, "key before", "", "uid=8841, \"id\": 1027, maxMembers: 500"),
    _f("quantity_column", _V, "table", "", "under a column headed count, ms, id"),
    _f("bracket_index", _V, "word before", "", "bems-connect[8812]: a pid or an index"),
    _f("sqlstate_after", _V, "word after", "", "ERROR 1005 (HY000): MySQL's format (rule 11)"),
    _f("url_part", _V, "token", "", "/send.action?reqCode=13002&x=1: part of a URL"),
    _f("other_system", _V, "sentence", "", "nginx returned 404, PlayFab error 13002 (rule 11)"),
    _f("rival_im", _V, "message", "",
       "OpenIM demo log: errCode 809, with none of our products named (rule 11)"),
    _f("other_standard", _V, "paragraph", "",
       "close code 1006, \"Abnormal Closure\" (1006), errcode 40001 invalid credential: "
       "another standard's code (WebSocket, WeChat, Cloudflare, OpenWeatherMap; rule 11)"),
    _f("json_rpc_peer", _V, "message", "",
       "a JSON-RPC code or name in a message about MCP, an LSP or Ethereum that names none of "
       "our products (rules 5b, 11)"),
)  # fmt: skip
