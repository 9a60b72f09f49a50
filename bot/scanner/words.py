"""The words the channel scanner reads around a number, as plain data.

Each set answers one question about the word next to a number: does it name a code
("error", "errno", "errorCode"), report one ("returned", "got", "throws"), count or
place the number instead ("port", "build", "x"; "ms", "users", "members")? They are
kept apart from the logic in :mod:`bot.scan_evidence` so they can be read, and grown,
in one place. All are lower case.
"""

from __future__ import annotations

from bot.text.grammar import words_of as of

__all__ = [
    "ARTICLES",
    "CODE_KEYS",
    "CODE_WORDS",
    "COLUMN_QUANTITIES",
    "FILLERS",
    "HEADER_NOUNS",
    "NOT_PLURAL",
    "QUESTION_WORDS",
    "SAYS",
    "SOURCES",
    "SPEAKERS",
    "UNITS",
    "VERBS",
    "VETO_BEFORE",
]


#: Nouns that name codes; also the last part of keys such as errorCode, error_code.
CODE_WORDS = of(
    "error errors err errno code codes status statuscode errorcode errcode rc retcode "
    "result resultcode failure exception http"
)
#: Keys whose number is a code in a log's key=value pairs ("hangup reason=9103"), though
#: the word alone in prose is not a context word ("for reason 2").
CODE_KEYS = of("reason cause")
#: Column headers of tables whose numbers are counts, ids or measurements.
COLUMN_QUANTITIES = of(
    "count counts seen hits total sum n num qty id ids pid tid uid req rid time duration "
    "latency p50 p90 p95 p99 avg mean median max min ms bytes size port line"
)
#: Verbs people put before a code they got back.
VERBS = of(
    "returned returns return returning answered answering answers answer gave gives give "
    "giving got get gets getting throws throw threw throwing thrown fails failed fail failing "
    "raised raises raise raising seeing see seen saw responded responds respond replied replies "
    "reply came comes errored rejected rejects received receive receiving reported reports "
    "kicked kicks crashed crashes died dies bounced bounces dropped drops refused refuses "
    "denied denies"
)
#: Function words allowed between a context word and its number ("got a 40117").
FILLERS = of(
    "a an the is was were are be been of with as out up back again just also still now "
    "always only even number no nr num me us them him her another same like such"
)
#: Words that make the number right after them a quantity, id, time or place.
VETO_BEFORE = of(
    "port ports line lines ln build builds pid tid uid id ids room rooms ticket tickets pr prs "
    "issue issues case order version ver release rev revision step page row col column offset "
    "at x v floor suite ext extension phone tel fax year since until till top last first next "
    "over under around approx than limit max min count total size"
)
#: Units and counted nouns: "1005 ms", "1024 MB", "500 users", "801 members".
UNITS = of(
    "ms msec millis milliseconds s sec secs second seconds min mins minute minutes h hr hrs "
    "hour hours day days wk week weeks month months yr yrs year years k kb mb gb tb kib mib gib "
    "bytes byte px percent % users members people ppl person persons times requests reqs rps "
    "qps messages msgs lines items rows records entries devices accounts tickets seats "
    "sessions connections nodes calls characters chars words pages files per more fewer less"
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
    "错误码 错误代码 错误 报错 报 返回 返回码 返回值 状态码 失败 异常 码 code 提示 出现 "
    "报了 返回了 错误号 错误编号 结果码 响应码 回调 抛出 抛 得到 收到 遇到 出错 一直报 "
    "一直返回 又报 还是报"
)
#: Chinese words after a number that name it a code: "416错误", "801 报错".
ZH_CODE_AFTER = of("错误 报错 错误码 状态码 异常 失败 是什么 什么意思 啥意思 怎么办 怎么回事")
#: Product vocabulary (RULES rule 5): words that name a product without its name. Each
#: is a regular expression, matched case-sensitively as written.
PRODUCT_VOCABULARY: dict[str, tuple[str, ...]] = {
    "commsease": (
        r"(?<![A-Za-z0-9])(?:NIM|Nim)[A-Z_]",
        r"(?<![A-Za-z0-9_])nim_[a-z]",
        r"\b(?:RequestCallback|onFailed|onException|AuthService|MsgService|TeamService)\b",
        r"\b(?:ChatRoomService|AbortableFuture|accid|appKey)\b",
        r"/nimserver/",
        r"\b[a-z]+/[a-zA-Z]+\.action\b",
        r"云信|网易IM|(?i:\bnim\b)|(?i:\byunxin\b)|(?i:nim-)",
    ),
    "bems": (
        r"(?i:\bconnect service\b)|\bLync\b|(?i:\bskype for business\b)|\bUCMA\b",
        r"(?i:\bpersistent chat\b)|\bGood Dynamics\b|(?i:\bbems)|\bBlackBerry\b",
    ),
}
#: Codes that are also other systems' standard codes (RULES rule 5b): in channel mode
#: they count only when the message or the channel ties them to their product.
GENERIC_CODES: dict[str, tuple[int, int]] = {
    "commsease": (100, 599),
    "bems": (-32700, -32600),
}
