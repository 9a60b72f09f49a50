"""The scanner's fast paths: each skips work it can prove changes nothing, and each test
here fails if its path ever drops a mention the full reading would find.

Every path is also checked against the whole-text reading it replaces, over random text
built from the characters that matter to it (line breaks, underscores, digits, names).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.binding.systems import SystemNames
from bot.knowledge.base import KnowledgeBase, standalone
from bot.scanner import candidates, features, words
from bot.scanner.candidates import scan
from bot.text.grammar import IDENTIFIER, any_of


def keys(text: str, kb: KnowledgeBase) -> list[str]:
    return [m.key for mention in scan(text, kb) for m in mention.matches]


# -- identifiers are read only on the lines that hold an underscore ----------------------

_PASTE = "\n".join(f"2024-06-01 10:00:{i:02d} INFO handler - took {i} ms" for i in range(40))


def test_an_identifier_on_one_line_of_a_long_paste_is_found(kb: KnowledgeBase) -> None:
    for text in (
        f"```{_PASTE}\nresult=WRONG_SERVER\n{_PASTE}```",  # a middle line
        f"```WRONG_SERVER\n{_PASTE}```",  # the first line, right after the fence
        f"```{_PASTE}\nERROR: WRONG_SERVER```",  # the last line, before the fence
        f":thinking_face: {_PASTE}\nWRONG_SERVER",  # an emoji's underscore, blanked
    ):
        assert keys(text, kb) == ["bems:1027"], text[-60:]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab_1 \n.:-", max_size=60))
def test_identifiers_by_line_are_the_whole_text_scan(text: str) -> None:
    whole = [(m.span(), m.group("id")) for m in IDENTIFIER.finditer(text)]
    assert [(m.span(), m.group("id")) for m in candidates._identifiers(text)] == whole


# -- other systems are read only on the lines a number asks about ----------------------


def test_another_system_on_the_line_of_a_code_deep_in_a_paste_claims_it(
    kb: KnowledgeBase,
) -> None:
    ours = f"```{_PASTE}\nhandler error 1027\n{_PASTE}```"
    assert keys(ours, kb) == ["bems:1027"]
    assert keys(ours.replace("handler error", "nginx error"), kb) == []
    # on the line before, it names nothing the number's sentence says
    assert keys(ours.replace("handler error", "nginx\nerror"), kb) == ["bems:1027"]


def _whole_text_other_systems(text: str) -> list[tuple[int, int]]:
    """The reading the per-line one replaces: every pattern over the whole text at once."""
    english, cased, chinese = features._current_other_system_patterns()
    lowered = text.lower()
    found = english.finditer(lowered) if len(lowered) == len(text) else iter(())
    spans = [
        m.span()
        for m in (*found, *cased.finditer(text))
        if not (m.start() and text[m.start() - 1].isascii() and text[m.start() - 1].isalnum())
    ]
    spans.extend(m.span() for m in chinese.finditer(text))
    return sorted(spans)


# Names that hold other names ("aws", "网易云音乐"): a reading that starts inside one
# finds the other, which a whole-text reading never does.
_NAMES = ("nginx", "aws", "ws", "macos", "Word", "Windows", "网易云音乐", "云音乐", "网关")
_PIECES = st.sampled_from([*_NAMES, "\n", " ", "x", "İ", "'", "1027"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=25), st.integers(0, 200), st.integers(0, 200))
def test_other_systems_by_line_are_the_whole_text_scan(pieces: list[str], a: int, b: int) -> None:
    text = "".join(pieces)
    lo, hi = sorted((min(a, len(text)), min(b, len(text))))
    whole = _whole_text_other_systems(text)
    patterns = features._current_other_system_patterns()
    index = SystemNames(text, patterns)
    assert index.between(lo, hi) == [span for span in whole if lo <= span[0] < hi]
    assert features._other_systems_in(text, patterns)[1] == whole


def test_no_other_system_name_holds_a_line_break() -> None:
    # what reading them a line at a time rests on
    names = [*words.OTHER_SYSTEMS, *words.OTHER_SYSTEMS_CASED, *words.ZH_OTHER_SYSTEMS]
    assert not [name for name in names if "\n" in name]


# -- a message whose every number is also another system's standard code ----------------


@pytest.mark.parametrize(
    ("text", "channel_product", "expected"),
    [
        ("what's 500?", None, []),  # the fast path: nothing ties 500 to CommsEase
        ("error -32700", None, []),
        ("nim error 500", None, ["commsease:500"]),  # a product named
        ("netease error 500", None, ["commsease:500"]),  # by a name no vocabulary hint holds
        ("error 500 on 云信", None, ["commsease:500"]),
        ("onFailed(code=500)", None, ["commsease:500"]),  # a product named by its vocabulary
        ("bems returned -32700", None, ["bems:-32700"]),
        ("error 500", "commsease", ["commsease:500"]),  # the channel's product
        ("METHOD_NOT_FOUND -32601", None, ["bems:-32601"]),  # a text code ties it
        ("error 500, then error 1027", None, ["bems:1027"]),  # one number of its own
    ],
)
def test_generic_numbers_answer_only_when_tied_to_their_product(
    text: str, channel_product: str | None, expected: list[str], kb: KnowledgeBase
) -> None:
    found = [m.key for x in scan(text, kb, channel_product=channel_product) for m in x.matches]
    assert found == expected


# -- one pass for every product hint ---------------------------------------------------


def test_a_product_named_once_in_a_long_paste_still_ties_its_code(kb: KnowledgeBase) -> None:
    for name in ("Netease", "CommsEase", "GPS", "onFailed", "AuthService", "Lync"):
        text = f"```{_PASTE}\n{name} error 500, error -32700\n{_PASTE}```"
        assert keys(text, kb), name
    assert keys(f"```{_PASTE}\nerror 500, error -32700\n{_PASTE}```", kb) == []


# -- the code index skips to the next digit ----------------------------------------------


def test_a_code_after_letters_or_signs_is_still_indexed(kb: KnowledgeBase) -> None:
    for text in ("error:1027", "x-1027", "errorCode=1027", "(1027)", "1027", "a\n1027"):
        assert kb.code_index.search(text) is not None, text
    for text in ("11027", "10270", "91027"):
        assert kb.code_index.search(text) is None, text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0124578 -x\n", max_size=40))
def test_the_code_index_is_the_plain_look_behind_pattern(text: str) -> None:
    digits = ["1027", "102", "40", "500", "8"]
    plain = re.compile(rf"(?<![0-9])(?:{any_of(digits)})(?![0-9])", re.ASCII)
    assert [m.span() for m in standalone(digits).finditer(text)] == [
        m.span() for m in plain.finditer(text)
    ]


# -- product names are looked for only where an alias can open -------------------------

_ALIAS_PIECES = st.sampled_from(
    [
        "BEMS",
        "bems-Connect",
        "NetEase IM",
        "Nim",
        "GPS",
        "云信",
        "网易云信",
        "x",
        "_",
        " ",
        "\n",
        "K",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALIAS_PIECES, max_size=20))
def test_product_names_are_those_the_plain_alias_pattern_finds(
    kb: KnowledgeBase, pieces: list[str]
) -> None:
    text = "".join(pieces)
    opened = kb._product_pattern
    plain = re.compile(opened.pattern[opened.pattern.index(")") + 1 :], opened.flags)
    assert opened.pattern.startswith("(?=[")
    assert [m.span() for m in opened.finditer(text)] == [m.span() for m in plain.finditer(text)]
