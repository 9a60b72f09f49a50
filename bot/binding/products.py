"""Where a message names a product, and which product each code in it goes with."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Collection, Sequence
from functools import cache

from bot.knowledge.base import Entry, KnowledgeBase
from bot.text.grammar import any_of

__all__ = [
    "DESCRIPTIVE_VOCABULARY",
    "GENERIC_CODES",
    "NEGATIONS_BEFORE",
    "NEGATION_FILLERS",
    "PRODUCT_VOCABULARY",
    "VOCABULARY_HINTS",
    "ZH_UNRELATED_AFTER",
    "ZH_UNRELATED_BEFORE",
    "ProductSpan",
    "counts_here",
    "is_generic",
    "named_products",
    "narrow",
    "product_of",
]

#: Where a product is named: (start, end, product id).
ProductSpan = tuple[int, int, str]

#: Vocabulary that names what a product's entries are about, not only the product:
#: "persistent chat" is BEMS's group discussions, which its descriptions name, so a
#: free-text question keeps these words while it drops the other product names.
DESCRIPTIVE_VOCABULARY = r"(?i:\bpersistent chat\b)|持久聊天"
#: Product vocabulary (RULES rule 5): words that name a product without its name. Each
#: is a regular expression, matched case-sensitively as written.
PRODUCT_VOCABULARY: dict[str, tuple[str, ...]] = {
    "commsease": (
        # NIM* identifiers, its C constants' (kNIMResRoomLocalNeedRequestAgain) and the V2
        # API's (V2NIMError, V2NIM_ERROR_CODE_…)
        r"(?<![A-Za-z0-9])(?:k|V2)?(?:NIM|Nim)[A-Z_]",
        r"(?<![A-Za-z0-9_])nim_[a-z]",
        r"\b(?:RequestCallback|onFailed|onException|AuthService|MsgService|TeamService)\b",
        r"\b(?:ChatRoomService|AbortableFuture|accid|appKey)\b",
        r"/nimserver/",
        # the NIM server API's modules only: "struts /admin/login.action" is another site
        r"\b(?:user|team|superteam|msg|friend|chatroom|history|event|subscribe|qchat|"
        r"sensitive|sms|room|nimserver)/[a-zA-Z]+\.action\b",
        # 网易云通信: its name in NetEase's older SDK docs ("网易云通信服务器")
        r"云信|网易IM|网易云通信|(?i:\bnim\b)|(?i:\byunxin\b)|(?i:nim-)",
    ),
    "bems": (
        r"(?i:\bconnect service\b)|(?i:\bconnect ?服务)|\bLync\b",
        r"(?i:\bskype for business\b)|\bUCMA\b",
        r"\bGood Dynamics\b|(?i:\bbems)|\bBlackBerry\b",
        # the Connect service's own JSON-RPC methods
        r"\b(?:BeginSession|TerminateSession|AcceptChat|(?:Un)?RegisterTempRemotePresence)\b",
        DESCRIPTIVE_VOCABULARY,
    ),
}
#: Lower-case strings one of which every vocabulary match contains: a text holding none
#: of them names no product by vocabulary, and the patterns are not run over it.
VOCABULARY_HINTS = (
    "nim", "requestcallback", "onfailed", "onexception", "authservice", "msgservice",
    "teamservice", "chatroomservice", "abortablefuture", "accid", "appkey", ".action",
    "云信", "网易im", "网易云通信", "yunxin", "connect service", "connect 服务", "connect服务",
    "lync", "skype for business", "ucma", "beginsession", "terminatesession", "acceptchat",
    "registertempremotepresence",
    "persistent chat", "good dynamics", "bems", "blackberry", "持久聊天",
)  # fmt: skip
#: Every character a vocabulary match can start with (a test checks it against the patterns).
VOCABULARY_FIRST = "NnRrOoAaMmTtCcUuLlSsPpGgBbYyFfHhEeQqVvk/云网持"
#: Written right before a product's name, say the message is not about it: "not a BEMS
#: problem", "不是我们 BEMS 的问题", "nothing to do with BlackBerry Connect"; 不系 is the
#: Cantonese 唔係 folded ("唔係 NIM").
NEGATIONS_BEFORE = (
    "not", "isn't", "wasn't", "aren't", "nothing to do with", "unrelated to", "not from",
    "不是", "不系", "并非", "并不是", "而非", "不关",
)  # fmt: skip
#: A Chinese frame around a product's name that says the same: "跟 BEMS 无关", "和我们
#: BEMS 那个没关系": a joining word before it, one of these after it in its clause.
ZH_UNRELATED_AFTER = ("无关", "没关系", "没有关系", "没啥关系", "不相关", "没什么关系")
ZH_UNRELATED_BEFORE = ("跟", "和", "与")
#: Words that may stand between a negation and the name it negates: "not our BEMS".
NEGATION_FILLERS = ("the", "our", "a", "from", "我们", "咱们", "我们的", "的")
#: Codes that are also other systems' standard codes (RULES rule 5b): in channel mode
#: they count only when the message or the channel ties them to their product.
GENERIC_CODES: dict[str, tuple[int, int]] = {
    "commsease": (100, 599),
    "bems": (-32700, -32600),
}

# What ends the clause a product word qualifies; past this reach a product is "far". The
# scanner's clause break (bot/scanner/features.py) differs on purpose: there a dot inside a
# dotted name ("MsgService.sendMessage") ends nothing, here a path's "/" ends a clause.
_CLAUSE_BREAK = re.compile(
    r"[,;.!?\n/|，；。！？]|\b(?:and|but|or|while|whereas|vs|versus)\b", re.ASCII | re.IGNORECASE
)
_CLAUSE_REACH = 400


@cache
def _vocabulary() -> tuple[re.Pattern[str], tuple[str, ...]]:
    """All vocabulary as one pattern (one pass over the text), and the product of each
    alternative, by group index."""
    owners = tuple(pid for pid, patterns in PRODUCT_VOCABULARY.items() for _ in patterns)
    patterns = [p for ps in PRODUCT_VOCABULARY.values() for p in ps]
    combined = "|".join(f"(?P<v{i}>{p})" for i, p in enumerate(patterns))
    # A look-ahead on the characters a match can start with lets the engine skip every
    # other position at once instead of trying each alternative there (a 40,000-character
    # Chinese paste: 11 ms -> about 2 ms).
    # ASCII word boundaries: a word glued to Chinese is still a word ("群主accid", "用Lync登录"),
    # as a number glued to Chinese is still a number (RULES rule 9).
    return re.compile(f"(?=[{VOCABULARY_FIRST}])(?:{combined})", re.ASCII), owners


@cache
def _hints(hints: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for a list of substrings: one pass in C instead of one per hint."""
    return re.compile(any_of(hints))


def _any_hint(kb: KnowledgeBase) -> re.Pattern[str]:
    """A product word or a vocabulary hint: a text holding none names no product."""
    return re.compile(any_of((*kb.product_words, *VOCABULARY_HINTS)))


def named_products(
    text: str, kb: KnowledgeBase, aliases: list[ProductSpan] | None = None
) -> list[ProductSpan]:
    """Every place ``text`` names a product, by alias or vocabulary, in order.

    :param aliases: ``kb.find_products(text)``, when the caller already has it.
    """
    lowered = text.lower()
    first = kb.derived(_any_hint).search(lowered) if aliases is None else None
    if aliases is None and first is None:
        return []  # most texts: one pass in C for both tests below
    spans = list(kb.find_products(text) if aliases is None else aliases)
    # No hint of either kind starts before the first one found: a 40 KB paste is read
    # for the vocabulary's from there on, not again from its start.
    if _hints(VOCABULARY_HINTS).search(lowered, first.start() if first else 0) is None:
        return _affirmed(text, sorted(spans))
    pattern, owners = _vocabulary()
    # Group i + 1 is alternative i (the alternatives hold no capturing group of their own).
    known = tuple(pid if pid in kb.products else None for pid in owners)
    for m in pattern.finditer(text):
        if (pid := known[m.lastindex - 1 if m.lastindex else 0]) is not None:
            spans.append((m.start(), m.end(), pid))
    return _affirmed(text, sorted(set(spans)))


def _affirmed(text: str, spans: list[ProductSpan]) -> list[ProductSpan]:
    """``spans`` less the names the message negates: a product it says the matter is not
    about names no product ("-32601 是我们自己的服务报的，跟 BEMS 无关")."""
    if not spans:
        return spans
    # Read at call time: a word added to the lists (a test's monkeypatch) takes effect.
    cue, before, zh_frame = _negation_patterns(
        NEGATIONS_BEFORE, NEGATION_FILLERS, ZH_UNRELATED_BEFORE, ZH_UNRELATED_AFTER
    )
    if cue.search(text) is None:
        return spans  # most messages: one pass in C, and no name is read twice
    out = []
    for span in spans:
        start, end, _ = span
        if before.search(text, max(0, start - 40), start):
            continue
        if zh_frame[0].search(text, max(0, start - 12), start) and zh_frame[1].match(
            text, end, end + 16
        ):
            continue
        out.append(span)
    return out


@cache
def _negation_patterns(
    negations: tuple[str, ...],
    fillers: tuple[str, ...],
    zh_before: tuple[str, ...],
    zh_after: tuple[str, ...],
) -> tuple[re.Pattern[str], re.Pattern[str], tuple[re.Pattern[str], re.Pattern[str]]]:
    """Where any negation word is (a first test), where one ends right before a name, and
    the Chinese frame around one."""
    between = rf"(?:(?:{any_of(fillers)})[ \t]*)*"
    english = [re.escape(w).replace(r"\ ", r"[ \t]+") for w in negations if w.isascii()]
    chinese = [re.escape(w) for w in negations if not w.isascii()]
    before = re.compile(
        rf"(?:(?<![A-Za-z])(?i:{'|'.join(english)})[ \t]+|(?:{'|'.join(chinese)})[ \t]*)"
        rf"{between}\Z"
    )
    frame_before = re.compile(rf"(?:{any_of(zh_before)})[ \t]*{between}\Z")
    # the rest of the clause, short: "BEMS 那个没关系吧", not past a comma or a full stop
    frame_after = re.compile(rf"[^,，;；。.!！?？\n]{{0,8}}?(?:{any_of(zh_after)})")
    cue = re.compile(rf"(?i:{any_of((*negations, *zh_after))})")
    return cue, before, (frame_before, frame_after)


def is_generic(product: str, code: str) -> bool:
    """Is ``code`` of ``product`` also another system's standard code (rule 5b)?"""
    bounds = GENERIC_CODES.get(product)
    if bounds is None or not code.lstrip("-").isdigit():
        return False
    return bounds[0] <= int(code) <= bounds[1]


def counts_here(
    product: str, code: str, named: Collection[str], channel_product: str | None = None
) -> bool:
    """Rule 5b: does ``product``'s ``code`` count in a channel message that names the
    products ``named``, in a channel set to ``channel_product``? A generic code counts
    only when the message or the channel ties it to its product; any other code counts."""
    return not is_generic(product, code) or product in named or product == channel_product


def product_of(
    text: str,
    start: int,
    end: int,
    products: Sequence[ProductSpan],
    named: frozenset[str] | None = None,
) -> set[str] | None:
    """The product a code at ``text[start:end]`` belongs to, given ``named_products(text)``.

    ``None`` when no product is named; one product named: that one. Several: the one
    named nearest to the code, where a product across a clause boundary ("NIM error 404,
    BEMS error 1027", "503 on nim, 1028 on bems") counts as far, and on a tie the product
    written before the code wins ("BEMS 1027, NIM 404").

    :param named: the product ids of ``products``, when the caller already has them (a
        message naming a product a thousand times asks here for every code in it).
    """
    if not products:
        return None
    if named is None:
        named = frozenset(pid for _, _, pid in products)
    if len(named) == 1:
        return set(named)
    at = bisect_left(products, (start,))
    near = [p for p in products[max(at - 2, 0) : at + 2] if p[1] <= start or p[0] >= end]

    def distance(p: ProductSpan) -> tuple[int, int]:
        ps, pe, _ = p
        before = pe <= start
        lo, hi = (pe, start) if before else (end, ps)
        crossing = hi - lo > _CLAUSE_REACH or _CLAUSE_BREAK.search(text, lo, hi)
        return (hi - lo + (_CLAUSE_REACH if crossing else 0), 0 if before else 1)

    if not near:
        return set(named)
    nearest = min(near, key=distance)
    return {nearest[2], *_joined_to(text, products, nearest)}


#: What joins two product names that both own the code after them: "BEMS 和云信都报
#: 11001", "BEMS and NIM both return 11001".
_PRODUCT_JOINER = re.compile(r"\s*(?:和|与|及|以及|跟|、|/|&|,|，|and|or|或)\s*\Z", re.IGNORECASE)


def _joined_to(text: str, products: Sequence[ProductSpan], name: ProductSpan) -> set[str]:
    """The other products written right beside ``name``, joined to it by "and"."""
    at = bisect_left(products, name)  # sorted, as named_products gives them: no scan
    out: set[str] = set()
    for other in products[max(at - 1, 0) : at + 2]:
        if other[2] == name[2]:
            continue
        lo, hi = (other[1], name[0]) if other[1] <= name[0] else (name[1], other[0])
        if lo <= hi and _PRODUCT_JOINER.match(text, lo, hi):
            out.add(other[2])
    return out


def narrow(
    entries: list[Entry],
    text: str,
    start: int,
    end: int,
    products: Sequence[ProductSpan],
    named: frozenset[str] | None = None,
) -> list[Entry]:
    """Keep the entries of the product the code at ``text[start:end]`` belongs to."""
    owner = product_of(text, start, end, products, named)
    return entries if owner is None else [e for e in entries if e.product.id in owner]
