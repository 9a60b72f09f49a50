"""``run_scan``: JSON lines in, one JSON line out per line, in order, streaming."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest

from bot.cli.scan import run_scan
from bot.knowledge.base import KnowledgeBase


def run(lines: list[str], mode: str, kb: KnowledgeBase) -> list[dict]:
    out = io.StringIO()
    run_scan(lines, out, mode, kb)  # type: ignore[arg-type]
    return [json.loads(line) for line in out.getvalue().splitlines()]


def event(text: object, **extra: object) -> str:
    return json.dumps({"text": text, **extra}) + "\n"


def test_channel_mode_gives_spans(kb: KnowledgeBase) -> None:
    text = "error 1027 and then SERVER_BUSY"
    (answer,) = run([event(text, user="U1", ts="1.2")], "channel", kb)
    assert answer == {
        "matches": [
            {"product": "bems", "code": "1027", "text_code": "WRONG_SERVER", "span": [6, 10]},
            {"product": "bems", "code": "1028", "text_code": "SERVER_BUSY", "span": [20, 31]},
        ]
    }
    assert text[6:10] == "1027" and text[20:31] == "SERVER_BUSY"


def test_channel_mode_follows_the_channel_rules(kb: KnowledgeBase) -> None:
    answers = run(
        [event("500 users online"), event("returned 808"), event("error 11001")], "channel", kb
    )
    assert answers[0] == {"matches": []}
    assert answers[1] == {"matches": []}  # a success code
    assert [m["product"] for m in answers[2]["matches"]] == ["bems", "commsease"]


def test_direct_mode_answers_queries_with_null_spans(kb: KnowledgeBase) -> None:
    answers = run([event("200"), event("wrong server"), event("asdfgh")], "direct", kb)
    assert answers[0] == {
        "matches": [{"product": "commsease", "code": "200", "text_code": None, "span": None}]
    }
    assert [(m["code"], m["span"]) for m in answers[1]["matches"]] == [("1027", None)]
    assert answers[2] == {"matches": []}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json\n", "invalid JSON"),
        ("\n", "invalid JSON"),
        ('{"text": "error 1027"\n', "invalid JSON"),
        ("[1, 2]\n", "expected a JSON object"),
        ('{"user": "U1"}\n', '"text" field missing'),
        ('{"text": 1027}\n', '"text" field not a string'),
        ("[" * 100_000 + "\n", "invalid JSON"),
    ],
)
def test_bad_lines_give_an_error_and_the_scan_goes_on(
    line: str, message: str, kb: KnowledgeBase
) -> None:
    answers = run([event("error 1027"), line, event("error 1028")], "channel", kb)
    assert len(answers) == 3
    assert message in answers[1]["error"]
    assert [m["code"] for m in answers[0]["matches"]] == ["1027"]
    assert [m["code"] for m in answers[2]["matches"]] == ["1028"]


def test_streams_one_answer_per_line_as_it_reads(kb: KnowledgeBase) -> None:
    """Each answer is written before the next line is read: nothing is buffered."""
    out = io.StringIO()
    written_before_read: list[int] = []

    def lines() -> Iterator[str]:
        for i in range(5):
            written_before_read.append(out.getvalue().count("\n"))
            yield event(f"error {1024 + i}")

    run_scan(lines(), out, "channel", kb)
    assert written_before_read == [0, 1, 2, 3, 4]
    codes = [json.loads(x)["matches"][0]["code"] for x in out.getvalue().splitlines()]
    assert codes == ["1024", "1025", "1026", "1027", "1028"]


def test_unicode_is_kept(kb: KnowledgeBase) -> None:
    out = io.StringIO()
    run_scan([event("云信 error 414")], out, "channel", kb)
    assert json.loads(out.getvalue())["matches"][0]["product"] == "commsease"


def test_unknown_mode_is_refused(kb: KnowledgeBase) -> None:
    with pytest.raises(ValueError, match="mode"):
        run_scan([], io.StringIO(), "thread", kb)  # type: ignore[arg-type]


def test_channel_mode_reads_the_channel_product(kb: KnowledgeBase) -> None:
    lines = [
        json.dumps({"text": "error 11001", "channel_product": "commsease"}),
        json.dumps({"text": "error 11001", "channel_product": "acme"}),
    ]
    answers = run(lines, "channel", kb)
    assert [m["product"] for m in answers[0]["matches"]] == ["commsease"]
    assert "channel_product" in answers[1]["error"]


def test_explain_lists_every_number_weighed_with_its_features(kb: KnowledgeBase) -> None:
    out = io.StringIO()
    run_scan([event("took 1005 ms, then error 1027")], out, "channel", kb, explain=True)
    answer = json.loads(out.getvalue())
    weighed = {w["code"]: w for w in answer["weighed"]}
    assert weighed["1005"]["taken"] is False and weighed["1005"]["score"] is None
    assert "unit_after" in weighed["1005"]["features"]
    assert weighed["1027"]["taken"] is True and "code_word_before" in weighed["1027"]["features"]
    assert [m["code"] for m in answer["matches"]] == ["1027"]
    plain = io.StringIO()
    run_scan([event("error 1027")], plain, "channel", kb)
    assert "weighed" not in json.loads(plain.getvalue())
