"""Systems other than ours, by name: whose code a number is when a message gives it away.

RULES rule 11: a code the message gives to another system is not ours, whatever its range
("nginx returned 404", "PlayFab lobby error 13002"). The scanner reads these lists around
each number (:mod:`bot.scanner.features`); a free-text question that names one of them
and none of our products asks about that system, and gets no answer from our tables
(:func:`names_other_system`). Plain data: a new system is a new word here, with a test.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache, lru_cache
from typing import NamedTuple

from bot.text.grammar import any_of
from bot.text.grammar import words_of as of

__all__ = [
    "GENERIC_SYSTEM_WORDS",
    "JSON_RPC_NAMES",
    "JSON_RPC_PEERS",
    "MIGRATION_WORDS",
    "OTHER_STANDARDS",
    "OTHER_SYSTEMS",
    "OTHER_SYSTEMS_CASED",
    "RIVAL_IMS",
    "RIVAL_IMS_CASED",
    "ZH_GENERIC_SYSTEM_WORDS",
    "ZH_OTHER_SYSTEMS",
    "SystemNames",
    "SystemPatterns",
    "about_json_rpc_peer",
    "about_rival_im",
    "names_other_system",
    "system_patterns",
    "systems_named",
]

#: Names of other systems that are also ordinary words in lower case ("windows" of five
#: minutes, "his" of a colleague; HIS, LIS and PACS are a hospital's systems, SAP a
#: company's ERP, TOS a port's terminal system; not CAS or Canvas, which code says too):
#: matched only as written.
OTHER_SYSTEMS_CASED = of("Windows Excel Word Outlook Office TIM HIS LIS PACS RIS EMR SAP TOS")
#: Systems other than ours whose codes share our ranges (RULES rule 11). A number the
#: message gives to one of them is theirs: "nginx returned 404", "PlayFab error 13002".
OTHER_SYSTEMS = of(
    "nginx apache httpd iis tomcat jetty envoy istio haproxy traefik caddy ingress upstream "
    "elb alb nlb cloudfront cloudflare akamai fastly cdn s3 aws gcs azure lambda "
    "oss cos obs minio oauth oauth2 oidc okta auth0 keycloak saml playfab steam quic "
    "opengl gl vulkan directx "
    "mcp lsp ethereum eth geth hardhat ganache truffle infura alchemy metamask web3 solana bitcoin "
    "struts grpc postgres postgresql mysql sqlstate redis kafka rabbitmq mongodb elasticsearch "
    "kubernetes k8s kubectl docker helm github gitlab jenkins jira stripe paypal twilio "
    "sendgrid firebase fcm apns gcm agora zoom webex discord telegram whatsapp "
    "wechat weixin alipay camera vscode chrome safari firefox excel vba macos "
    "websocket ws smb nfs own photon mirror netcode pun easemob openim rongcloud git svn "
    "huanxin sendbird pubnub ably pusher salesforce webgl octopus tuya gme itchat wechaty "
    "shopee lazada pinduoduo taobao tmall midas starrocks moodle g7 agv "
    # the C library's and Winsock's calls and .NET's SocketException, whose numbers are the
    # OS's: "getaddrinfo 返回 11001", "SocketException (11001): No such host is known"
    "getaddrinfo gai_strerror gaierror getnameinfo strerror perror getlasterror wsagetlasterror "
    "winsock socketexception "
    # Apple's NSError domains: "NSURLErrorDomain 999", "Domain=NSPOSIXErrorDomain Code=60"
    "nsurlerrordomain nscocoaerrordomain nsposixerrordomain nsosstatuserrordomain "
    "kcferrordomaincfnetwork wkerrordomain skerrordomain"
)
#: The same in Chinese, matched as substrings of the text before or after the number.
ZH_OTHER_SYSTEMS = (
    "我们自己", "自己的", "自家", "网易云音乐", "云音乐", "微信", "公众号", "支付宝",
    "会员系统", "营销系统", "短信服务", "阿里云", "腾讯云", "七牛", "声网", "极光", "个推",
    "华为推送", "小米推送", "高德", "百度地图", "摄像头", "相机", "浏览器", "网关", "负载均衡",
    "钉钉", "飞书", "环信", "融云", "腾讯云IM", "即构", "七牛云", "又拍云", "数据库", "以太坊",
    "游戏服", "支付渠道", "第三方", "网站", "八达通", "街口支付", "拼多多", "京东宙斯", "京东云",
    "京东开放平台", "京东物流", "淘宝开放平台", "医保", "米大师", "统一身份认证",
    "教务系统", "地磅", "智慧校园", "学信网", "校友邦", "蘑菇丁", "交通部", "货拉拉", "满帮",
    "运满满",
)  # fmt: skip

#: Other IM vendors (RULES rule 11): their codes share our ranges, and a message about one
#: of them that names none of our products is about that vendor, line after line ("OpenIM
#: createGroup onError", then its log below). Matched case-insensitively, except those in
#: :data:`RIVAL_IMS_CASED` ("TIM", not the colleague Tim).
RIVAL_IMS = (
    "openim", "open_im", "open-im", "easemob", "huanxin", "rongcloud", "sendbird", "pubnub",
    "cometchat", "getstream", "stream chat", "agora chat", "zegocloud", "tencent im",
    "环信", "融云", "腾讯云im", "腾讯云 im", "腾讯im", "腾讯 im", "声网", "即构", "野火im",
)  # fmt: skip
RIVAL_IMS_CASED = ("TIM",)
#: Other systems that speak JSON-RPC 2.0 (RULES rules 5b and 11): the spec's codes and
#: names are theirs too, so a message about one of them that names none of our products
#: is about its JSON-RPC errors, line after line ("the Dev MCP handler … returns the
#: correct `-32601 METHOD_NOT_FOUND`"). Matched case-insensitively, as words.
JSON_RPC_PEERS = (
    "mcp", "lsp", "language server", "ethereum", "geth", "hardhat", "ganache", "infura",
    "alchemy", "metamask", "web3", "solana", "bitcoind", "bitcoin core", "jsonrpc4j", "zabbix",
    "home assistant", "homeassistant",
)  # fmt: skip
#: The JSON-RPC 2.0 spec's names of its predefined errors, as identifiers: BEMS sends them
#: as its text codes, and so does every other JSON-RPC server.
JSON_RPC_NAMES = frozenset(
    ("PARSE_ERROR", "INVALID_REQUEST", "METHOD_NOT_FOUND", "INVALID_PARAMS", "INTERNAL_ERROR")
)
#: The codes the JSON-RPC 2.0 spec reserves for itself and its servers' errors.
JSON_RPC_RESERVED = (-32768, -32000)

#: Standards whose codes share our numbers, and what in a sentence says it quotes one
#: (RULES rule 11): words that name the standard's kind of code, and its own reason
#: phrase for a number. WebSocket close codes (RFC 6455, section 7.4.1) are BEMS's
#: 1000-1015 ("error 1006 means the connection was closed abnormally"); so are WeChat's
#: 4000x return codes and Cloudflare's 1xxx error pages ("Access denied ... error code
#: 1020"), and OpenWeatherMap's condition ids are CommsEase's ("'id': 803, 'description':
#: 'broken clouds'"). Lower case.
OTHER_STANDARDS: dict[str, tuple[tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    "websocket": (
        ("close code", "closecode", "close reason", "close status", "closeevent", "onclose",
         "close frame", "ws://", "wss://"),
        {
            "1000": ("normal closure",),
            "1001": ("going away",),
            "1002": ("protocol error",),
            "1003": ("unsupported data",),
            "1005": ("no status received", "no status rcvd"),
            "1006": ("abnormal closure", "closed abnormally", "abnormally closed"),
            "1007": ("invalid frame payload",),
            "1008": ("policy violation",),
            "1009": ("message too big",),
            "1010": ("mandatory extension",),
            "1011": ("unexpected condition",),
            "1012": ("service restart",),
            "1015": ("tls handshake",),
        },
    ),
    # WeChat's global return codes: {"errcode":40001,"errmsg":"invalid credential, ..."}
    "wechat": (
        ("access_token", "invalid credential", "hint: [", "appsecret", "openid", "wechat",
         "weixin", "微信", "公众号", "小程序"),
        {
            "40001": ("invalid credential",),
            "40002": ("invalid grant_type",),
            "40003": ("invalid openid",),
            "40004": ("invalid media type",),
            "40005": ("invalid file type",),
            "40125": ("invalid appsecret",),
        },
    ),
    # OpenWeatherMap's weather condition ids: 'id': 803, 'description': 'broken clouds'
    "openweathermap": (
        ("openweathermap", "weather"),
        {
            "200": ("thunderstorm",),
            "201": ("thunderstorm",),
            "301": ("drizzle",),
            "302": ("drizzle",),
            "500": ("light rain",),
            "503": ("very heavy rain",),
            "511": ("freezing rain",),
            "800": ("clear sky",),
            "801": ("few clouds",),
            "802": ("scattered clouds",),
            "803": ("broken clouds",),
            "804": ("overcast clouds",),
        },
    ),
    "cloudflare": (
        ("cloudflare", "ray id"),
        {
            "1006": ("access denied",),
            "1007": ("access denied",),
            "1008": ("access denied",),
            "1009": ("access denied",),
            "1012": ("access denied",),
            "1015": ("you are being rate limited",),
            "1020": ("access denied", "firewall rule"),
        },
    ),
}  # fmt: skip

#: Words that put a rival in the past ("从环信迁到…", "migrated from Sendbird"): the codes
#: after them may be ours, and only the clause-level other_system feature decides.
MIGRATION_WORDS = (
    "迁移", "迁到", "迁过来", "切换", "切到", "换成", "换到", "migrat", "switched", "moved from",
)  # fmt: skip

#: Words of the lists above that name a kind of system, not one system ("the ingress",
#: "我们自己的网关", "数据库"): our own products have them too, so a question that says
#: "database" may still describe our code (BEMS's 40110); only a name says whose it is.
GENERIC_SYSTEM_WORDS = of(
    "ingress upstream cdn camera own mirror websocket ws gl eth pun photon netcode smb nfs "
    "elb alb nlb oss cos obs lambda"
)
ZH_GENERIC_SYSTEM_WORDS = (
    "我们自己", "自己的", "自家", "会员系统", "营销系统", "短信服务", "摄像头", "相机", "浏览器",
    "网关", "负载均衡", "数据库", "游戏服", "支付渠道", "第三方", "网站",
)  # fmt: skip


#: What may follow a system's name inside one word: the SDK it names ("OpenIMSDK",
#: "open_im_sdk", "AgoraSdk"), read in lower case.
_SDK = r"(?i:[-_ ]?sdk)?"


class SystemPatterns(NamedTuple):
    """Where a text names systems of a word list, as :func:`system_patterns` makes them."""

    english: re.Pattern[str]
    cased: re.Pattern[str]
    chinese: re.Pattern[str]

    def __hash__(self) -> int:
        # The per-message caches are keyed by these, and read for every number: a compiled
        # pattern hashes its whole program (1.7 us for these three), its source at once.
        # Equal patterns have equal sources, so equal keys still hash alike.
        return hash((self.english.pattern, self.cased.pattern, self.chinese.pattern))


@cache
def system_patterns(
    english: frozenset[str], cased: frozenset[str], chinese: tuple[str, ...]
) -> SystemPatterns:
    """Where a system of these lists is named: an English name in any case (matched in the
    lowered text), a cased one ("Word", not "word"), a Chinese one. Each pattern starts
    with the name itself, so the engine skips ahead fast; the boundary before an English
    name is checked per hit (:class:`SystemNames`). A name ends where a word ends, or at
    a possessive ("nginx's upstream"), or at the SDK it names ("OpenIMSDK", "agora_sdk"),
    not inside a longer word ("ws" of "wasn't")."""
    end = rf"{_SDK}(?![A-Za-z0-9]|'(?!s\b))"
    return SystemPatterns(
        re.compile(rf"(?:{any_of(english)}){end}", re.ASCII),
        re.compile(rf"(?:{any_of(cased)}){end}", re.ASCII),
        re.compile(any_of(chinese)),
    )


class SystemNames:
    """Where one text names systems, read a line at a time, each line once (the numbers
    of one message share this). No name holds a line break, so no name crosses a line
    and a line start is where a whole-text scan tries afresh: a line read alone gives
    the names a whole-text reading finds on it."""

    def __init__(self, text: str, patterns: SystemPatterns) -> None:
        self.text = text
        self.patterns = patterns
        # English names are matched in the lowered text, which must keep every offset:
        # it does but for a few letters ("İ"), and then no English name is read at all.
        self.english = text.isascii() or len(text.lower()) == len(text)
        self.lines: dict[int, tuple[list[int], list[tuple[int, int]]]] = {}

    def between(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """The names starting in ``[lo, hi)``, in order: (start, end)."""
        text, found = self.text, []
        line = text.rfind("\n", 0, lo) + 1
        while line < hi:
            end = text.find("\n", line)
            end = len(text) if end == -1 else end
            if line not in self.lines:
                self.lines[line] = self._read(line, end)
            starts, spans = self.lines[line]
            found.extend(spans[bisect_left(starts, lo) : bisect_left(starts, hi)])
            line = end + 1
        return found

    def _read(self, line: int, end: int) -> tuple[list[int], list[tuple[int, int]]]:
        """The names on the line ``[line, end)``: (starts, spans), in order."""
        text = self.text
        english, cased, chinese = self.patterns
        found = english.finditer(text[line:end].lower()) if self.english else iter(())
        spans = [(m.start() + line, m.end() + line) for m in found]
        spans.extend(m.span() for m in cased.finditer(text, line, end))
        spans = [
            (s, e) for s, e in spans if not (s and text[s - 1].isascii() and text[s - 1].isalnum())
        ]
        spans.extend(m.span() for m in chinese.finditer(text, line, end))
        spans.sort()
        return [s for s, _ in spans], spans


@lru_cache(maxsize=8)
def systems_named(text: str, patterns: SystemPatterns) -> SystemNames:
    """The names of ``patterns`` in ``text``, read as they are asked for (kept per text)."""
    return SystemNames(text, patterns)


def names_other_system(text: str) -> bool:
    """Does ``text`` name another system by its name ("S3", "git", "支付宝"), not by its kind?"""
    return bool(systems_named(text, _names_only()).between(0, len(text)))


@cache
def _names_only() -> SystemPatterns:
    """The other systems' names, less the words that name a kind of system: built once, not
    per question."""
    return system_patterns(
        OTHER_SYSTEMS - GENERIC_SYSTEM_WORDS,
        OTHER_SYSTEMS_CASED,
        tuple(w for w in ZH_OTHER_SYSTEMS if w not in ZH_GENERIC_SYSTEM_WORDS),
    )


@lru_cache(maxsize=8)
def about_rival_im(text: str) -> bool:
    """Does the message name another IM vendor (:data:`RIVAL_IMS`), not as one it left
    (:data:`MIGRATION_WORDS`)? The scanner asks for every number: read once per message."""
    lowered = text.lower()
    if not (_names_any(lowered, RIVAL_IMS) or _names_any(text, RIVAL_IMS_CASED)):
        return False
    return not any(word in lowered for word in MIGRATION_WORDS)


def about_json_rpc_peer(text: str) -> bool:
    """Does the message name another system that speaks JSON-RPC (:data:`JSON_RPC_PEERS`)?
    The scanner asks for every JSON-RPC code: read once per message and list."""
    # Read at call time: a name added to the list (a test's monkeypatch) takes effect.
    return _names_a_peer(text, JSON_RPC_PEERS)


@lru_cache(maxsize=8)
def _names_a_peer(text: str, peers: tuple[str, ...]) -> bool:
    return _names_any(text.lower(), peers)


def _names_any(text: str, names: tuple[str, ...]) -> bool:
    """Does ``text`` hold one of ``names`` as a word of its own, or glued to the SDK it
    names? A substring find per name runs at memory speed; the word-bounded pattern
    confirms only where one is found ("web3_clientVersion" is a method, not web3)."""
    return any(name in text for name in names) and _names_pattern(names).search(text) is not None


@cache
def _names_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    # ASCII word boundaries: a name glued to Chinese is still a name ("用OpenIM建群"), as a
    # product word is (RULES rule 9); a Chinese name is matched as written.
    return re.compile(
        "|".join(rf"\b{re.escape(w)}{_SDK}\b" if w.isascii() else re.escape(w) for w in names),
        re.ASCII,
    )
