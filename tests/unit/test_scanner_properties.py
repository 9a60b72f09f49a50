"""Properties of the channel scanner over random and adversarial text, up to Slack's 40,000 chars.

Cost is checked by structure, not by the clock: every regular expression the scanner
uses is free of nested unbounded quantifiers (the shape that backtracks
catastrophically), and the evidence for a number depends only on a bounded window
around it, so the work per number is constant.
"""

from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.binding import named_products
from bot.knowledge.base import KnowledgeBase
from bot.models import Severity
from bot.scanner import candidates as scanner
from bot.scanner import features as scan_evidence
from bot.scanner.candidates import _known_numbers
from bot.text import slack as scan_text
from bot.text.grammar import NUMBER, any_of
from bot.text.slack import parse

SLACK_MAX = 40_000

# Characters the scanner treats specially, plus a few letters and digits.
_TRICKY = "0123456789-_:`<>&;.,/#$%xXsSeE=\"'()[]{}\n\t *~|@!?+^\\云"
_FRAGMENTS = [
    "error ",
    "code=",
    "1027",
    "-32700",
    "`",
    "```",
    "<@U1|",
    "<",
    ">",
    "&gt;",
    "&amp;",
    ":100:",
    "::",
    "_",
    "__",
    "PC_ROOM_NOT_EXIST",
    "pc_room_",
    "WRONG_SEVER",
    "x ",
    "10:05",
    "4.0.1",
    "0x",
    "#",
    "$",
    "%",
    "?",
    "what's ",
    "NIM ",
    "BEMS ",
    "\n",
    " ",
    "errors: ",
    " and ",
    ", ",
    'HTTP/1.1" ',
    "(",
    ")",
    "[",
    "]",
    '"code":',
    "users",
]

fast = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=60)


# -- structure: no catastrophic backtracking ----------------------------------------------


def _children(op: Any, av: Any, inside: bool) -> list[tuple[Any, bool]]:
    """The sub-patterns of one node, each with whether it sits in an unbounded repeat."""
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        _low, high, sub = av
        return [(sub, inside or high is sre.MAXREPEAT or high > 1000)]
    if op is sre.POSSESSIVE_REPEAT:
        return [(av[2], False)]  # never backtracked into: what it matched it keeps
    if op is sre.ATOMIC_GROUP:
        return [(av, False)]
    if op is sre.SUBPATTERN:
        return [(av[-1], inside)]
    if op is sre.BRANCH:
        return [(branch, inside) for branch in av[1]]
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [(av[1], inside)]
    return []


def _nested_unbounded(items: Any, inside: bool = False) -> bool:
    """Whether a parsed pattern repeats, without bound, something that itself repeats."""
    for op, av in items:
        unbounded = op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and (
            av[1] is sre.MAXREPEAT or av[1] > 1000
        )
        if unbounded and inside:
            return True
        if any(_nested_unbounded(sub, deeper) for sub, deeper in _children(op, av, inside)):
            return True
    return False


def _patterns(module: ModuleType) -> list[re.Pattern[str]]:
    return [v for v in vars(module).values() if isinstance(v, re.Pattern)]


@pytest.mark.parametrize("module", [scanner, scan_evidence, scan_text], ids=lambda m: m.__name__)
def test_regexes_cannot_backtrack_catastrophically(module: ModuleType) -> None:
    patterns = _patterns(module)
    assert patterns
    for pattern in patterns:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
        assert not _nested_unbounded(parsed), pattern.pattern


def test_the_checker_catches_the_classic_shapes() -> None:
    for bad in [r"(a+)+b", r"(?:\w*\s?)*$", r"(x|y+)*z"]:
        assert _nested_unbounded(sre_parse.parse(bad)), bad
    for good in [r"a++(?:_++b++)++", r"(?:[ab]|c){0,100}", r"\d+(?:\.\d+)?"]:
        assert not _nested_unbounded(sre_parse.parse(good)), good


# -- invariants over any text -------------------------------------------------------------


def _check_invariants(text: str, kb: KnowledgeBase) -> None:
    mentions = scanner.scan(text, kb)
    seen: set[str] = set()
    last_start = -1
    for mention in mentions:
        start, end = mention.span
        assert 0 <= start < end <= len(text)
        assert start >= last_start, "mentions are in order of position"
        last_start = start
        assert mention.matches
        written = text[start:end]
        assert re.fullmatch(r"-?\d+|[A-Za-z][A-Za-z0-9_]*", written), written
        for match in mention.matches:
            assert match.entry.severity is not Severity.SUCCESS
            assert match.key not in seen, "an entry appears once"
            seen.add(match.key)


@fast
@given(st.text(max_size=400))
def test_any_unicode_text(kb: KnowledgeBase, text: str) -> None:
    _check_invariants(text, kb)


@fast
@given(st.text(alphabet=_TRICKY, max_size=600))
def test_tricky_characters(kb: KnowledgeBase, text: str) -> None:
    _check_invariants(text, kb)


@fast
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=200).map("".join))
def test_fragments_of_real_messages(kb: KnowledgeBase, text: str) -> None:
    _check_invariants(text, kb)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=25)
@given(st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=12).map("".join))
def test_slack_maximum_messages(kb: KnowledgeBase, unit: str) -> None:
    """A pathological unit repeated to 40,000 characters scans without error."""
    text = (unit * (SLACK_MAX // len(unit) + 1))[:SLACK_MAX]
    _check_invariants(text, kb)


@pytest.mark.parametrize(
    "unit",
    ["<", "`", "```x", "_a", "a_", "1027 ", "error 1027, ", ":a", "&gt;", "x" * 99 + "_"],
)
def test_slack_maximum_messages_of_one_shape(kb: KnowledgeBase, unit: str) -> None:
    _check_invariants((unit * SLACK_MAX)[:SLACK_MAX], kb)


# -- locality: evidence is read from a bounded window --------------------------------------


_PLAIN = st.text(alphabet="abcdefghij klmnop", min_size=1, max_size=80)


@fast
@given(
    st.sampled_from(
        [
            "error 1027",
            "returned 404 from the api",
            "`1025`",
            "what's 4006?",
            "SERVER_BUSY",
            "errors: 1027 and 1028",
            "port 1027",
            "500 users",
            '{"code": 806}',
            "1028 x 3",
        ]
    ),
    _PLAIN,
)
def test_far_away_text_changes_nothing(kb: KnowledgeBase, message: str, filler: str) -> None:
    """Text before a message, beyond a blank line, does not change what is found in it.

    Evidence is local; a product name is not (RULES rule 5: a product named anywhere in
    the message narrows its codes), so fillers that name a product are left out."""
    assume(not named_products(filler, kb))
    prefix = (filler + " ") * (SLACK_MAX // (len(filler) + 1) // 2) + "\n\n"
    alone = [(m.span, [x.key for x in m.matches]) for m in scanner.scan(message, kb)]
    shift = len(prefix)
    after = [
        ((m.span[0] - shift, m.span[1] - shift), [x.key for x in m.matches])
        for m in scanner.scan(prefix + message, kb)
    ]
    assert after == alone


@fast
@given(st.text(max_size=300))
def test_masking_keeps_length(text: str) -> None:
    view = parse(text)
    assert len(view.masked) == len(text)
    for a, b in (*view.inline_code, *view.blocks):
        assert 0 <= a <= b <= len(text)


@given(
    words=st.sets(st.text(alphabet="0123ab.+", min_size=1, max_size=5), min_size=1, max_size=12),
    probes=st.lists(st.text(alphabet="0123ab.+", min_size=0, max_size=6), max_size=20),
)
def test_any_of_matches_exactly_its_words(words: set[str], probes: list[str]) -> None:
    pattern = re.compile(rf"(?:{any_of(words)})\Z")
    for probe in [*words, *probes]:
        assert (pattern.match(probe) is not None) == (probe in words), probe


@given(st.text(alphabet="0123456789-+x ab_.,:s", max_size=40))
def test_known_numbers_are_the_number_matches_the_tables_know(kb: KnowledgeBase, text: str) -> None:
    want = [m.span() for m in NUMBER.finditer(text) if (m.group("dec") or "") in kb.code_digits]
    assert [m.span() for m in _known_numbers(text, kb)] == want
