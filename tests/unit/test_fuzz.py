"""Hypothesis over the scanner, the resolver and the Block Kit renderer, thousands of cases each.

Inputs are random text, text built from real fragments (codes, text codes, product
words, mrkdwn references, emoji, numbers in many shapes) and broken text (lone
surrogates, control characters). Whatever the input: no exception, spans inside
the text, only entries of the tables, no success code in channel mode, a bounded
number of matches, the same answer twice, and messages within Block Kit's limits
that ping nobody.
"""

from __future__ import annotations

from fakes.slack_checks import block_kit_problems, pings_in
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.knowledge.base import KnowledgeBase
from bot.models import Resolution, Severity
from bot.resolver.resolution import resolve
from bot.scanner.candidates import scan
from bot.slack import render
from bot.slack.blocks import MAX_BLOCKS, MAX_FALLBACK, Reply

#: Many cases, no per-example deadline (a cold cache is slow once), health checks off for
#: the session-scoped kb fixture.
many = settings(
    max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck), database=None
)

#: The most matches one query may give: every code it names, and each code is in at
#: most two products; queries here are short, so this bounds them well.
MAX_MATCHES = 200

_FRAGMENTS = [
    "1027", "-32700", "+01027", "0x403", "007", "11001", "404", "200", "10410", "4.0.1",
    "10:05", "1e3", "1,027", "１０２７", "٤٠٤", "99999999999999", "-0", "2025-04-03",
    "SERVER_BUSY", "SEVRER_BUSY", "wrong server", "wrong-server", "PC_ROOM_NOT_EXIST",
    "pc_room_", "_", "__", "WRONG_SERVER=3",
    "bems", "BEMS-Connect", "BlackBerry Connect", "NIM", "CommsEase", "云信", "Yunxin",
    " in ", " and ", ", ", "error ", "code=", "what is ", "?", "\n", " ", "\n\n",
    "<!channel>", "<!here>", "<!subteam^S1|@t>", "<@U123>", "<#C1|x>", "<https://x.y|z>",
    "&lt;!channel&gt;", "&amp;", "<", ">", "&", "`", "```", "*", "_", "~", "> ",
    ":100:", ":white_check_mark:", "::", "\u200b", "\u202e", "\x00", "\x1b[31m", "\ud800",
]  # fmt: skip
_PIECES = st.lists(st.sampled_from(_FRAGMENTS), max_size=40).map("".join)
_BROKEN = st.text(
    alphabet=st.characters(codec=None, categories=["Cc", "Cs", "Cf", "Zs", "Nd", "Lu"]),
    max_size=200,
)
_TEXT = st.one_of(st.text(max_size=300), _PIECES, _BROKEN)


def _keys(kb: KnowledgeBase) -> set[str]:
    return {e.key for e in kb.entries}


@many
@given(text=_TEXT)
def test_scanner_on_any_text(kb: KnowledgeBase, text: str) -> None:
    mentions = scan(text, kb)
    keys = _keys(kb)
    for mention in mentions:
        start, end = mention.span
        assert 0 <= start < end <= len(text)
        for match in mention.matches:
            assert match.key in keys
            assert match.entry.severity is not Severity.SUCCESS  # never explained unasked
    assert [(m.span, [x.key for x in m.matches]) for m in scan(text, kb)] == [
        (m.span, [x.key for x in m.matches]) for m in mentions
    ]


@many
@given(query=_TEXT)
def test_resolver_on_any_query(kb: KnowledgeBase, query: str) -> None:
    resolution = resolve(query, kb)
    keys = _keys(kb)
    assert resolution.query == query
    assert len(resolution.matches) <= MAX_MATCHES
    assert len(resolution.suggestions) <= 3
    assert all(m.key in keys for m in (*resolution.matches, *resolution.suggestions))
    assert len({m.key for m in resolution.matches}) == len(resolution.matches)
    assert resolve(query, kb) == resolution


def _safe(reply: Reply, query: str) -> None:
    assert block_kit_problems(reply.blocks) == []
    assert 0 < len(reply.text) <= MAX_FALLBACK
    # Unshared answers mention nobody: any ping would be the user's text left unescaped.
    assert pings_in(reply.as_kwargs()) == [], query


@many
@given(query=st.one_of(_PIECES, st.text(max_size=300)), asker=st.sampled_from(["U222", "x"]))
def test_rendered_answers_fit_block_kit_and_ping_nobody(
    kb: KnowledgeBase, query: str, asker: str
) -> None:
    resolution = resolve(query, kb)
    _safe(render.answer(resolution, share_value="v"), query)
    shared = render.answer(resolution, asked_by=asker)
    assert block_kit_problems(shared.blocks) == []
    mentions = scan(query, kb)
    if mentions:
        _safe(render.auto_reply(mentions, remove_value="U1"), query)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    picks=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=120),
    query=st.text(max_size=2000),
)
def test_any_set_of_matches_fits_block_kit(kb: KnowledgeBase, picks: list[int], query: str) -> None:
    """Resolutions no query gives (up to 120 entries, any query text) still fit and summarise."""
    entries = [kb.entries[i % len(kb.entries)] for i in picks]
    matched = {e.key: e for e in entries}
    resolution = Resolution.model_validate(
        {
            "query": query,
            "matches": [
                {"product": e.product, "entry": e.code, "kind": "exact", "score": 100}
                for e in matched.values()
            ],
        }
    )
    blocks = render.to_blocks(resolution)
    assert block_kit_problems(blocks) == []
    assert len(blocks) <= MAX_BLOCKS
    if len(matched) > render.COMPACT_LIMIT:  # the compact list names the codes it has no room for
        assert "more:" in str(blocks[0])
