"""The Chinese words for the English words of the descriptions, as plain data.

Both modes read it. Free-text search cuts Chinese text into words with jieba (rjieba),
and the glossary below then folds each word
onto the English terms of :mod:`bot.text.thesaurus_en`, so "用户被禁言" asks what "user is
muted" asks, and a Chinese question also finds the entries that have only an English
description (every BEMS entry). The glossary is written the other way round, one English
term and the Chinese words a developer writes for it, so it can be read against the
descriptions: every content word of every description has its Chinese words here
(tests/unit/test_zh.py checks it). The scanner reads it to see a Chinese reason beside a
code whose vendor wrote only English ("10437 邮箱已存在": "Email already exists").
"""

from __future__ import annotations

from bot.text.grammar import is_cjk
from bot.text.grammar import words_of as of

__all__ = [
    "ZH_FIX_WORDS",
    "ZH_HOW_TO",
    "ZH_PHRASES",
    "ZH_STOP_WORDS",
    "ZH_SYNONYMS",
    "ZH_TROUBLE_WORDS",
    "ZH_WORDS",
]

#: Spellings folded before Chinese text is segmented (regex, replacement), like PHRASES.
ZH_PHRASES: tuple[tuple[str, str], ...] = (
    # BEMS's GD token is no CommsEase login token (below, "token" is the password).
    ("\\bgd\\s*token\\b", "gdtoken"),
    # A CommsEase login token that is expired, invalid or wrong gets one answer (302: the
    # token is not the accid's current one); the table has no separate expiry code. "登录
    # token" is that token (the password), not a login of its own.
    (
        "(?:(?:登录|登陆)\\s*)?(?<![a-z])token\\s*(?:已经?)?(?:过期|失效|无效|不对|错误|错了)?",
        "token",
    ),
    # Persistent chat rooms are BEMS's group discussions; other chat rooms are NIM's.
    ("持久聊天(?:的)?(?:聊天室|房间|群聊|群)|持久聊天室", "group discussion"),
    ("(?:\\bad|活动目录)\\s*缓存", "adcache"),
    # An account, email or phone number "already registered" is one that already exists.
    ("已经?(?:被)?注册(?:过)?", "already exist"),
)

#: How to do something or how many ("云信怎么接入推送？", "如何创建应用", "群管理员最多多少个"),
#: like HOW_TO: the words after it ask for steps or a quantity, not about an error, unless
#: right after it come :data:`ZH_FIX_WORDS` ("怎么办", "如何解决") or anywhere after it
#: :data:`ZH_TROUBLE_WORDS` ("怎么进不去").
ZH_HOW_TO = "(?:怎么|怎样|如何|咋|多少(?!有点|有些))(?:才能|才可以|可以|能|要|去|来)?"
ZH_FIX_WORDS = (
    "办", "回事", "会", "又", "老", "一直", "总", "还", "就", "都", "是", "也", "样", "解决",
    "排查", "处理", "修复", "避免", "恢复", "规避", "绕过", "应对", "搞定", "定位", "理解",
)  # fmt: skip
ZH_TROUBLE_WORDS = ("不", "没", "无法", "失败", "错", "异常", "超时", "禁", "拒", "限")

#: Words that carry no meaning in a Chinese question about an error. Among them the Chinese
#: of English stop words (客户端 "client"), and 操作, every Chinese error's filler verb:
#: "操作太频繁" is 416's rate limit, not 417's repeated operation.
ZH_STOP_WORDS = of(
    "的 地 得 了 着 过 是 在 被 中 里 里面 上 吗 呢 啊 吧 呀 嘛 哦 么 我们 你 你们 他 她 它 "
    "这 那 这个 那个 这里 这种 那种 这样 就 都 也 还 还是 和 与 或 或者 及 把 给 让 该 时 时候 "
    "一直 老是 总是 经常 为什么 为啥 怎么 怎么办 怎么回事 怎样 如何 什么 啥 意思 请问 一下 报 "
    "报错 错误 错误码 错误代码 返回 返回码 状态码 提示 出现 显示 处理 解决 问题 码 亦 太 需要 "
    "要 能 会 可以 操作 哪个 哪 哪种 对应 因为 由于 导致 所以 然后 但是 可是 不过 有 遇到 碰到 "
    "说 一个 请 帮 帮忙 看看 看 查 结果 开 没问题 暂时 客户端 有误 别人 他人 有人 后 之后 以后 "
    "重试 再试 稍后 错 从 向 由 对于 关于 等 新 话"
)

#: One English term (or several, each added) and the Chinese words for it, space separated.
_GLOSSARY: tuple[tuple[str, str], ...] = (
    # -- who: people, accounts, organisations
    # In a support question "I" is the account in trouble: "我被禁言了" is "user is muted".
    ("user", "用户 账号 帐号 账户 帐户 我 使用者 本人 人"),
    ("user name", "用户名"),
    ("password", "密码 口令"),
    # In Chinese questions "token" is the CommsEase login token, which is the password of
    # the accid (302); in English ones it is mostly BEMS's GD token, so only here.
    ("password", "token"),
    ("gd token", "gdtoken"),
    ("token", "令牌"),
    ("login", "登录 登陆 登入 签入"),
    ("login unable", "登不上 登不进去 登录不上"),
    ("contact", "联系人 好友"),
    ("contact list", "联系人列表 通讯录 好友列表"),
    ("list", "列表 名单"),
    ("peer recipient", "对方"),
    ("recipient", "接收方 接收者 收件人 收信人"),
    ("caller", "主叫 主叫方 呼叫方"),
    ("admin", "管理员"),
    ("owner", "群主"),
    ("member", "成员 人员 参与者 参与人"),
    ("team member", "群成员 群员"),
    ("company", "公司 企业"),
    ("organization", "组织 机构 本组织"),
    ("outside", "外部 以外 之外"),
    ("federated", "联邦 联合 互通"),
    ("principal", "主体"),
    ("profile name", "昵称"),
    ("profile picture", "头像"),
    # -- where: rooms, teams, chats, calls
    ("chatroom", "聊天室 直播间"),
    ("room", "房间 房间内"),
    ("room name", "房间名 房名"),
    ("group discussion", "讨论组 讨论群 群讨论"),
    ("persistent", "持久"),
    ("chat", "聊天"),
    ("team", "群 群组 群聊 团队 高级群"),
    ("team name", "群名"),
    # 会话 is both BEMS's chat session (1004, 11000, 1017) and its chat conversation (31031).
    ("session conversation", "会话"),
    ("conversation", "对话"),
    ("category", "分类 类别 目录"),
    ("root", "根 根目录 顶层"),
    ("hierarchy", "层级 层次"),
    ("call", "通话 呼叫 电话 来电 音视频"),
    ("channel", "通道 渠道 频道"),
    # 讯息 is Taiwan's and Hong Kong's word for it (訊息, folded)
    ("message", "消息 信息 报文 讯息"),
    ("instant message", "即时消息 即时通讯 即时通信"),
    ("mention", "提及 提到 艾特"),
    ("receipt", "回执"),
    ("read", "已读"),
    ("read only", "只读"),
    ("push", "推送"),
    ("notification", "通知"),
    ("sms", "短信"),
    ("email", "邮箱 邮件 电子邮件"),
    ("mobile phone", "手机"),
    ("mobile phone number", "手机号 手机号码"),
    ("phone number", "电话号码"),
    ("number", "数量 个数 数目 号码"),
    ("number member", "人数"),
    ("address", "地址"),
    ("name", "名称 名字"),
    ("file", "文件 附件"),
    ("upload", "上传 传"),
    ("download", "下载"),
    ("transfer", "传输"),
    ("post", "发帖 发布"),
    ("post file", "发文件"),
    ("security", "安全"),
    ("device", "设备 终端"),
    ("end", "端"),
    ("other", "其他 其它 别的"),
    ("different", "不同 另一个 另外 另一台 换一个 不一致 不匹配 对不上"),
    ("proxy", "代理"),
    # -- what happens to them
    ("application", "申请"),
    ("app", "应用"),
    ("approved", "批准 审批通过 通过"),
    ("accepted", "接受"),
    ("invitation", "邀请"),
    ("reject", "拒绝 拒 被拒 驳回 谢绝 拒接"),
    ("join", "加入 进入 进 参加"),
    ("join team", "入群 进群 加群"),
    ("join not", "进不去 进不了 加不进去"),
    ("add", "添加 加 拉 拉人 增加"),
    ("add not", "加不了 拉不进"),
    ("created", "创建 新建 建"),
    ("remove", "删除 移除 删掉 删"),
    ("block", "屏蔽 阻止"),
    ("blocklist", "黑名单 拉黑"),
    ("unblock", "解除屏蔽 取消屏蔽 解除拉黑 取消拉黑"),
    ("banned", "封禁 封号 封"),
    ("disabled", "禁用 停用 关闭"),
    ("muted", "禁言"),
    ("dnd", "免打扰 勿扰 请勿打扰"),
    ("enabled", "开通 启用 开启 打开"),
    ("not enabled", "没开"),
    ("allowed", "允许"),
    ("not allowed", "不让 不准"),
    ("prohibited", "禁止"),
    ("filtered", "过滤 拦截"),
    ("anti spam", "反垃圾"),
    ("spam", "垃圾"),
    ("extension field", "扩展字段"),
    ("extension", "扩展"),
    ("field", "字段"),
    ("send", "发送 发 发出"),
    ("send message", "发言 发消息"),
    ("send not", "发不出去 发不了 发不出"),
    ("recall", "撤回"),
    ("kicked", "踢 踢出"),
    ("quit", "退出"),
    ("dismissed", "解散"),
    # -- how it went: states and failures
    ("not", "不 没 没有 未 无 非 不是 并未"),
    ("already", "已 已经 早已 早就"),
    ("exist", "存在"),
    ("exist", "找到 查到"),
    ("not exist", "找不到 没找到 未找到 查不到"),
    ("duplicate", "重复 同一个 同样 相同 一样 两次 再次"),
    ("duplicate name", "重名 同名"),
    ("invalid", "无效 非法 不合法 不对 不正确"),
    ("valid", "有效 合法"),
    ("wrong", "错了 搞错"),
    ("fail", "失败 出错 不成功"),
    ("unable", "无法 不能 没法 没办法 不了 不可"),
    ("abnormal", "异常 不正常"),
    ("timeout", "超时"),
    ("expired", "过期 失效 到期"),
    ("busy", "繁忙 太忙 忙"),
    ("limit", "上限 超限 超过 超出 限制 太多 过多 最多 最大 受限 限额 配额"),
    # Full is the number of members at its limit: "群满了" is 801, "房间满了" 10419.
    ("number member limit", "满 已满 满了"),
    ("long limit", "太长 过长 超长"),
    ("long", "长"),
    ("length", "长度"),
    ("characters", "字符 字"),
    ("rate", "频率 频繁 频控"),
    ("rate limit", "限频 限流 频率控制"),
    ("reach", "达到 到达"),
    ("reachable", "可达"),
    ("unreachable", "不可达"),
    ("delivered", "送达 投递"),
    ("received", "收到 接收"),
    ("respond", "响应 回应 应答 回复"),
    # Answering a call: "accept the call" (7001-7003), "the call is responded" (9103).
    ("respond accept", "接听"),
    ("not respond", "没有响应 无响应 不响应 没响应 没反应 无应答"),
    ("available", "可用"),
    ("not available", "不可用 用不了 不能用"),
    ("support", "支持"),
    ("offline", "离线 下线 掉线"),
    ("online", "在线"),
    ("state", "状态"),
    ("presence", "在线状态"),
    ("idle", "空闲"),
    ("interrupt", "中断 打断 断开"),
    ("flow", "流程"),
    ("establish", "建立"),
    ("connection", "连接 连线"),
    ("connection unable", "连不上"),
    ("network", "网络 断网"),
    ("protocol", "协议"),
    ("server", "服务器 服务端 后端 服务器端"),
    ("service", "服务"),
    ("internal", "内部"),
    ("fatal", "致命 严重"),
    ("general", "一般 通用"),
    ("unknown", "未知 不明"),
    ("undefined", "未定义"),
    ("defined", "定义"),
    ("scope", "范围 作用域"),
    ("occurred", "发生"),
    ("report", "报告 上报"),
    ("communication", "通信 通讯"),
    ("version", "版本"),
    ("upgrade", "升级"),
    ("update", "更新 修改 更改 改 改过 改名 变更"),
    ("refresh", "刷新"),
    ("copy", "副本"),
    ("data", "数据"),
    ("collision", "冲突"),
    ("database", "数据库"),
    ("microsoft", "微软"),
    ("setup", "初始化 配置 搭建"),
    ("cache", "缓存"),
    ("active directory", "活动目录"),
    ("settings", "设置"),
    ("register", "注册"),
    ("unregister", "注销 取消注册"),
    ("temp", "临时"),
    ("remote", "远程 远端"),
    ("background", "后台"),
    ("mode", "模式"),
    # -- the request itself
    ("request", "请求"),
    ("batch", "批处理 批量 批次"),
    ("depend", "依赖"),
    ("self", "自己 自身 本身 自我"),
    # "自己的" is "own" (10420's "自己的其他端", its own other device), not "self": reflexive
    # 自己 is "itself" ("依赖了自己"), and English folds "itself", not "own".
    ("own", "自己的"),
    ("reference", "引用"),
    ("self reference", "自引用"),
    ("progress", "进行中 处理中 正在处理"),
    ("pending", "挂起"),
    ("current", "当前 目前"),
    ("complete", "完成"),
    ("method", "方法"),
    ("remote procedure", "远程过程"),
    ("parse", "解析"),
    ("parameter", "参数 入参"),
    ("argument", "实参"),
    ("input", "输入"),
    ("null", "空 空值 为空"),
    ("empty", "空的"),
    ("value", "值"),
    ("type", "类型"),
    ("string", "字符串"),
    ("object", "对象"),
    ("command", "命令 指令"),
    ("action", "动作"),
    ("perform", "执行"),
    ("invoke", "调用"),
    ("multiple", "多个 多次 好几个 几个"),
    ("once", "一次"),
    ("reuse", "复用 重用"),
    ("terminate", "终止"),
    ("endpoint", "端点"),
    ("access", "访问"),
    ("access denied", "拒绝访问"),
    ("permission", "权限 授权"),
    ("authentication", "认证 鉴权 身份验证"),
    ("verify", "验证 校验 核验 验证码"),
    ("confirm", "确认"),
    ("format", "格式"),
    ("match", "匹配"),
    ("ordinary", "普通"),
    ("partial", "部分"),
    ("success", "成功"),
    ("related", "相关"),
    ("specified", "指定"),
    ("provided", "提供"),
    ("use", "使用 用"),
    ("must", "必须"),
    ("attempt", "尝试"),
    ("text", "文本"),
    ("addin", "插件 加载项"),
    ("unpacking", "解包"),
    ("packaging", "打包"),
    ("included", "包括 包含"),
    ("spaces", "空格"),
)


def _fold(glossary: tuple[tuple[str, str], ...]) -> dict[str, str]:
    folded: dict[str, str] = {}
    for english, chinese in glossary:
        for word in chinese.split():
            if word in folded:
                raise ValueError(f"{word} is in the glossary twice")
            folded[word] = english
    return folded


#: Chinese words (and words inside Chinese text) mapped onto English terms; a value of
#: several words adds each. Chinese words with no entry here stay terms of their own.
ZH_SYNONYMS: dict[str, str] = _fold(_GLOSSARY)

#: Words the segmenter must keep whole: product names, stop words it cuts ("没问题" is "no
#: problem", not 没 + 问题), and every glossary word (its dictionary cuts "不可用" into
#: 不可 + 用, "会话" into 会 + 话).
_GLOSSARY_WORDS = {w for w in ZH_SYNONYMS if len(w) > 1 and is_cjk(w[0])}
ZH_WORDS = of("云信 网易云信 强推 没问题 再试") | _GLOSSARY_WORDS
