"""The words free-text search folds together or leaves out, as plain data.

People write "too many admins" for "exceeds the upper limit" and "can't join the chatroom"
for "prohibited from joining the chat room". Each table here is read by
:func:`bot.textsearch.terms` before stemming; grow them here, in one place.
"""

from __future__ import annotations

from bot.text.grammar import words_of as of

__all__ = [
    "PHRASES",
    "STOP_WORDS",
    "SYNONYMS",
    "ZH_PHRASES",
    "ZH_STOP_WORDS",
    "ZH_SYNONYMS",
    "ZH_WORDS",
]

#: Words that carry no meaning in a question about an error.
STOP_WORDS = of(
    "a about all am an and any anyone app are as at be been being but by can client code codes "
    "could did do does doing error errors explain fix for from get gets getting got had happen "
    "happened happens has have having he her here his how i if in into is issue it it's its "
    "just keep keeps know me mean meaning means message's my occur occurs of on one or our "
    "please problem says sdk see seeing she should so some status tell that the their them "
    "then there these they this those to too us was we were what what's whats when where which "
    "while who why will with would you your"
)

#: Spellings of one thing, folded onto one term before the words are split (regex, term).
PHRASES: tuple[tuple[str, str], ...] = (
    ("\\bdo not disturb\\b", "dnd"),
    ("\\btoo many\\b", "limit"),
    ("\\btoo long\\b", "long limit"),
    ("\\bupper limit\\b", "limit"),
    ("\\btimed? ?out\\b|\\btimes out\\b", "timeout"),
    ("\\bchat ?rooms?\\b", "chatroom"),
    ("\\blogged in\\b|\\blog in\\b|\\blogin\\b|\\bsign(?:ed)? in\\b", "login"),
    ("\\bcan ?not\\b|\\bcan't\\b|\\bcannot\\b|\\bunable to\\b|\\bwon't\\b", "unable"),
    ("\\be-?mail\\b|\\bmailbox\\b", "email"),
    ("\\bmobile phone\\b|\\bphone number\\b|\\bmobile\\b", "phone"),
    ("\\bblack ?list(?:ed)?\\b|\\bblock ?list(?:ed)?\\b", "blocklist"),
    ("\\bsql server\\b", "sql"),
    ("\\bmore than one\\b|\\bseveral\\b|\\bmany\\b", "multiple"),
    ("\\bdoes ?n[o']?t\\b|\\bdoesnt\\b", "not"),
)

#: Words that mean the same thing here, mapped onto one term before stemming.
SYNONYMS: dict[str, str] = {
    "account": "user",
    "accounts": "user",
    "administrator": "admin",
    "administrators": "admin",
    "admins": "admin",
    "again": "duplicate",
    "answer": "respond",
    "answered": "respond",
    "banned": "ban",
    "bans": "ban",
    "busy": "busy",
    "cap": "limit",
    "chars": "characters",
    "db": "database",
    "decline": "reject",
    "declined": "reject",
    "deleted": "exist",
    "duplicated": "duplicate",
    "exceed": "limit",
    "exceeded": "limit",
    "exceeds": "limit",
    "exist": "exist",
    "existing": "exist",
    "exists": "exist",
    "frequency": "rate",
    "frequent": "rate",
    "im": "message",
    "invite": "invitation",
    "invited": "invitation",
    "invites": "invitation",
    "itself": "self",
    "max": "limit",
    "maximum": "limit",
    "members": "member",
    "missing": "exist",
    "msg": "message",
    "msgs": "message",
    "mute": "muted",
    "muting": "muted",
    "overloaded": "busy",
    "participant": "member",
    "participants": "member",
    "passwords": "password",
    "picked": "respond",
    "pw": "password",
    "pwd": "password",
    "quota": "limit",
    "refused": "reject",
    "rejected": "reject",
    "responded": "respond",
    "same": "duplicate",
    "teams": "team",
    "themselves": "self",
    "throttle": "rate",
    "throttled": "rate",
    "twice": "duplicate",
    "uid": "user",
    "uids": "user",
    "users": "user",
}


# -- Chinese ----------------------------------------------------------------------------
# Chinese text is cut into words by jieba (rjieba); the tables below then fold the words onto
# the English terms above, so "用户被禁言" asks what "user is muted" asks, and a Chinese
# question also finds the entries that have only an English description.

#: Words the segmenter must keep whole: product and domain words its dictionary splits.
ZH_WORDS = of(
    "云信 网易云信 禁言 聊天室 强推 拉黑 群主 踢出 已读 撤回 通道 推送 解包 打包 只读 不对 太多 "
    "格式 邮箱 免打扰 管理员 发不出去 加不了 进不去"
)

#: Spellings folded before Chinese text is segmented (regex, replacement), like PHRASES.
ZH_PHRASES: tuple[tuple[str, str], ...] = (
    # A CommsEase login token that is expired, invalid or wrong gets one answer (302: the
    # token is not the accid's current one); the table has no separate expiry code.
    ("token\\s*(?:已经?)?(?:过期|失效|无效|不对|错误|错了)", "token"),
)

#: Words that carry no meaning in a Chinese question about an error.
ZH_STOP_WORDS = of(
    "的 地 得 了 着 过 是 在 被 中 里 里面 上 吗 呢 啊 吧 呀 嘛 哦 我们 你 你们 他 她 它 "
    "这 那 这个 那个 这里 就 都 也 还 又 和 与 或 及 把 给 让 该 时 时候 一直 老是 总是 "
    "为什么 为啥 怎么 怎么办 怎么回事 怎样 如何 什么 啥 意思 请问 一下 报 报错 错误 错误码 "
    "错误代码 返回 返回码 状态码 提示 出现 显示 处理 解决 问题 码 亦 太 需要 要 能 会 可以 操作"
)

#: Chinese words (and words inside Chinese text) mapped onto English terms; a value of
#: several words adds each. Chinese words with no entry here stay terms of their own.
ZH_SYNONYMS: dict[str, str] = {
    # In Chinese questions "token" is the CommsEase login token, which is the password of
    # the accid (302); in English ones it is mostly BEMS's GD token, so only here.
    "token": "password",
    # In a support question "I" is the account in trouble: "我被禁言了" is "user is muted".
    "我": "user",
    "用户": "user",
    "用户名": "user name",
    "账号": "user",
    "帐号": "user",
    "账户": "user",
    "帐户": "user",
    "密码": "password",
    "禁言": "muted",
    "聊天室": "chatroom",
    "房间": "room",
    "房间内": "room",
    "群": "team",
    "群组": "team",
    "群聊": "team",
    "成员": "member",
    "人数": "number member",
    "数量": "number",
    "管理员": "admin",
    "群主": "owner",
    "不": "not",
    "已": "already",
    "已经": "already",
    "没有": "no",
    "无": "no",
    "不在": "not",
    "存在": "exist",
    "权限": "permission",
    "在线": "online",
    "离线": "offline",
    "对方": "peer",
    "超时": "timeout",
    "请求": "request",
    "上限": "limit",
    "超限": "limit",
    "超过": "limit",
    "限制": "limit",
    "太多": "limit",
    "满": "limit",
    "达到": "reach",
    "频率": "rate",
    "频繁": "rate",
    "服务器": "server",
    "繁忙": "busy",
    "太忙": "busy",
    "忙": "busy",
    "版本": "version",
    "升级": "upgrade",
    "邀请": "invitation",
    "拒绝": "reject",
    "接受": "accepted",
    "过期": "expired",
    "黑名单": "blocklist",
    "拉黑": "blocklist",
    "创建": "created",
    "通话": "call",
    "呼叫": "call",
    "电话": "call",
    "消息": "message",
    "发送": "send",
    "发": "send",
    "发言": "send message",
    "允许": "allowed",
    "撤回": "recall",
    "重复": "repeated",
    "协议": "protocol",
    "网络": "network",
    "连接": "connection",
    "参数": "parameter",
    "异常": "abnormal",
    "解包": "unpacking",
    "打包": "packaging",
    "只读": "read only",
    "对象": "object",
    # Everyday IM and account words, so Chinese questions reach entries that have only
    # an English description.
    "邮箱": "email",
    "邮件": "mail",
    "格式": "format",
    "不对": "invalid",
    "无效": "invalid",
    "非法": "invalid",
    "不合法": "invalid",
    "手机": "mobile phone",
    "手机号": "mobile phone number",
    "号码": "number",
    "注册": "exists",
    "短信": "sms",
    "验证": "verification",
    "验证码": "verification",
    "失败": "failed",
    "昵称": "profile name",
    "头像": "profile picture",
    "反垃圾": "anti spam",
    "垃圾": "spam",
    "过滤": "filtered",
    "屏蔽": "filtered",
    "免打扰": "disturb",
    "联系人": "contact",
    "好友": "friend",
    "设备": "device",
    "踢": "kicked",
    "踢出": "kicked",
    "封禁": "banned",
    "公司": "company",
    "企业": "company",
    "名称": "name",
    "名字": "name",
    "文件": "file",
    "上传": "upload",
    "图片": "image",
    "推送": "push",
    "证书": "certificate",
    "白名单": "whitelist",
    "地址": "address",
    "签名": "signature",
    "解散": "dismissed",
    "退出": "quit",
    "加入": "join",
    "进入": "enter",
    "进不去": "join not",
    "发不出去": "send not",
    "加不了": "add not",
    "申请": "apply",
    "回执": "receipt",
    "已读": "read",
    "服务": "service",
    "不可用": "not available",
    "通道": "channel",
    "找不到": "cannot found",
    "不存在": "not exist",
}
