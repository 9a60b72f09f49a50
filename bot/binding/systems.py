"""Systems other than ours, by name: whose code a number is when a message gives it away.

RULES rule 11: a code the message gives to another system is not ours, whatever its range
("nginx returned 404", "PlayFab lobby error 13002"). The scanner reads these lists around
each number (:mod:`bot.scanner.features`); a free-text question that names one of them
and none of our products asks about that system, and gets no answer from our tables
(:func:`names_other_system`). Plain data: a new system is a new word here, with a test.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from bot.text.grammar import words_of as of

__all__ = [
    "GENERIC_SYSTEM_WORDS",
    "MIGRATION_WORDS",
    "OTHER_SYSTEMS",
    "OTHER_SYSTEMS_CASED",
    "RIVAL_IMS",
    "RIVAL_IMS_CASED",
    "ZH_GENERIC_SYSTEM_WORDS",
    "ZH_OTHER_SYSTEMS",
    "about_rival_im",
    "names_other_system",
]

#: Names of other systems that are also ordinary words in lower case ("windows" of five
#: minutes): matched only as written.
OTHER_SYSTEMS_CASED = of("Windows Excel Word Outlook Office TIM")
#: Systems other than ours whose codes share our ranges (RULES rule 11). A number the
#: message gives to one of them is theirs: "nginx returned 404", "PlayFab error 13002".
OTHER_SYSTEMS = of(
    "nginx apache httpd iis tomcat jetty envoy istio haproxy traefik caddy ingress upstream "
    "elb alb nlb cloudfront cloudflare akamai fastly cdn s3 aws gcs azure lambda "
    "oss cos obs minio oauth oauth2 oidc okta auth0 keycloak saml playfab steam quic "
    "opengl gl vulkan directx "
    "mcp lsp ethereum eth geth hardhat ganache truffle infura alchemy metamask web3 solana bitcoin "
    "struts grpc postgres postgresql mysql redis kafka rabbitmq mongodb elasticsearch "
    "kubernetes k8s kubectl docker helm github gitlab jenkins jira stripe paypal twilio "
    "sendgrid firebase fcm apns gcm agora zoom webex discord telegram whatsapp "
    "wechat weixin alipay camera vscode chrome safari firefox excel vba macos "
    "websocket ws smb nfs own photon mirror netcode pun easemob openim rongcloud git svn "
    "huanxin sendbird pubnub ably pusher"
)
#: The same in Chinese, matched as substrings of the text before or after the number.
ZH_OTHER_SYSTEMS = (
    "我们自己", "自己的", "自家", "网易云音乐", "云音乐", "微信", "公众号", "小程序", "支付宝",
    "会员系统", "营销系统", "短信服务", "阿里云", "腾讯云", "七牛", "声网", "极光", "个推",
    "华为推送", "小米推送", "高德", "百度地图", "摄像头", "相机", "浏览器", "网关", "负载均衡",
    "钉钉", "飞书", "环信", "融云", "腾讯云IM", "即构", "七牛云", "又拍云", "数据库", "以太坊",
    "游戏服", "支付渠道", "第三方",
)  # fmt: skip

#: Other IM vendors (RULES rule 11): their codes share our ranges, and a message about one
#: of them that names none of our products is about that vendor, line after line ("OpenIM
#: createGroup onError", then its log below). Matched case-insensitively, except those in
#: :data:`RIVAL_IMS_CASED` ("TIM", not the colleague Tim).
RIVAL_IMS = (
    "openim", "easemob", "huanxin", "rongcloud", "sendbird", "pubnub", "cometchat",
    "getstream", "stream chat", "agora chat", "zegocloud", "tencent im", "环信", "融云",
    "腾讯云im", "腾讯云 im", "腾讯im", "腾讯 im", "声网", "即构", "野火im",
)  # fmt: skip
RIVAL_IMS_CASED = ("TIM",)
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
    "网关", "负载均衡", "数据库", "游戏服", "支付渠道", "第三方",
)  # fmt: skip


@cache
def _named_systems() -> re.Pattern[str]:
    english = sorted(OTHER_SYSTEMS - GENERIC_SYSTEM_WORDS)
    chinese = [w for w in ZH_OTHER_SYSTEMS if w not in ZH_GENERIC_SYSTEM_WORDS]
    words = "|".join(re.escape(w) for w in english)
    cased = "|".join(re.escape(w) for w in sorted(OTHER_SYSTEMS_CASED))
    return re.compile(
        rf"(?i:(?<![A-Za-z0-9])(?:{words})(?![A-Za-z0-9]))|(?<![A-Za-z0-9])(?:{cased})(?![A-Za-z0-9])"
        rf"|{'|'.join(map(re.escape, chinese))}"
    )


def names_other_system(text: str) -> bool:
    """Does ``text`` name another system by its name ("S3", "git", "支付宝"), not by its kind?"""
    return _named_systems().search(text) is not None


@lru_cache(maxsize=8)
def about_rival_im(text: str) -> bool:
    """Does the message name another IM vendor (:data:`RIVAL_IMS`), not as one it left
    (:data:`MIGRATION_WORDS`)? The scanner asks for every number: read once per message."""
    lowered = text.lower()
    # A substring find per name runs at memory speed; the word-bounded pattern confirms
    if not any(name in lowered for name in RIVAL_IMS) and not any(
        name in text for name in RIVAL_IMS_CASED
    ):
        return False
    if _RIVALS.search(lowered) is None and _RIVALS_CASED.search(text) is None:
        return False
    return not any(word in lowered for word in MIGRATION_WORDS)


_RIVALS = re.compile(
    "|".join(rf"\b{re.escape(w)}\b" if w.isascii() else re.escape(w) for w in RIVAL_IMS)
)
_RIVALS_CASED = re.compile("|".join(rf"\b{re.escape(w)}\b" for w in RIVAL_IMS_CASED))
