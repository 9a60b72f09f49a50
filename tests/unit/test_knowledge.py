"""The bundled tables, the loader's errors, and the schema file."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from bot.errors import KnowledgeError
from bot.knowledge.base import KnowledgeBase, canonical_number, normalize_text_code
from bot.knowledge.loader import bundled_dir, load_dir, load_knowledge, table_schema
from bot.models import Severity

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
FIXTURES = ROOT / "tests" / "fixtures" / "knowledge"

VALID_ENTRY = """
  - code: "{code}"
    description: Something went wrong.
    categories: [General]
    severity: {severity}
    retryable: false
    audience: end_user
    remediation:
      - Check the widget configuration in the admin console and correct it.
"""


def write_table(directory: Path, name: str, product: str, *entries: str) -> Path:
    path = directory / name
    path.write_text(
        f"product: {{id: {product}, name: {product.title()}, vendor: V}}\nentries:"
        + "".join(entries),
        encoding="utf-8",
    )
    return path


def entry(code: str = "1", severity: str = "error") -> str:
    return VALID_ENTRY.format(code=code, severity=severity)


# -- the bundled tables ---------------------------------------------------------------


def test_bundled_tables_have_every_seed_row(kb: KnowledgeBase) -> None:
    counts = Counter(e.product.id for e in kb.entries)
    assert counts == {"bems": 98, "commsease": 71}
    assert set(kb.products) == {"bems", "commsease"}


def test_products_carry_the_names_people_type(kb: KnowledgeBase) -> None:
    for alias in ("BEMS", "BEMS-Connect", "BlackBerry Connect"):
        assert kb.product_for_alias(alias) == "bems"
    for alias in ("CommsEase", "NIM", "Yunxin", "云信", "NetEase IM"):
        assert kb.product_for_alias(alias) == "commsease"


def test_entries_shared_by_two_sections_list_both(kb: KnowledgeBase) -> None:
    for code in ("4005", "4006"):
        (item,) = kb.by_number(code, ["bems"])
        assert item.code.categories == ("SendMessage", "Accept Chats")


def test_text_codes_are_clean_and_broken_forms_still_resolve(kb: KnowledgeBase) -> None:
    broken = {
        "UNREGISTER_TEMP_REMOTE _PRESENCE_EXCEPTION": "28000",
        "UNREGISTER_TEMP_REMOTE_ _PRESENCE_USER_NOT_IN_CONTACTLIST_EXCEPTION": "28001",
        "NOTIFYBACKGROUND_ ALREADY_IN_MODE": "29001",
        "PC_DUPLICATE_ROOM_NAME_UPDATE_ UNKNOWN_SERVER_ERROR": "40129",
        "MSG_NOT_FEDERATED_OR_INVALID_user": "4005",
    }
    for typed, code in broken.items():
        assert [e.code.code for e, _ in kb.by_text_code(typed)] == [code]
    for item in kb.entries:
        if item.code.text_code:
            assert re.fullmatch(r"[A-Z0-9]+(_[A-Z0-9]+)+", item.code.text_code)
    assert {e.product.id for e in kb.entries if e.code.text_code} == {"bems"}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("\xa0", " "))


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_descriptions_are_the_vendors_words(kb: KnowledgeBase) -> None:
    # The only edits allowed: words the seed runs together (whitespace) and this typo.
    seeds = {
        p.name: _squash(p.read_text(encoding="utf-8")).replace("invali.", "invalid.")
        for p in SEEDS.glob("*.txt")
    }
    for item in kb.entries:
        assert _squash(item.code.description) in seeds[item.product.seed], item.key


def test_success_codes_are_exactly_the_vendors_success_statuses(kb: KnowledgeBase) -> None:
    success = {e.key for e in kb.entries if e.code.severity is Severity.SUCCESS}
    assert success == {"commsease:200", "commsease:808", "commsease:810", "commsease:10410"}


def test_remediation_is_written_per_code(kb: KnowledgeBase) -> None:
    steps = Counter(step for e in kb.entries for step in e.code.remediation)
    assert [s for s, n in steps.items() if n > 1] == []
    # Our value is the steps themselves: none hands the reader over to a vendor's support desk.
    deferral = re.compile(
        r"(?i)\b(contact|ask|open|raise|file|send|escalate)\b[^.;]*(?<!not )\bsupport\b"
        r"|support case"
    )
    for item in kb.entries:
        for step in item.code.remediation:
            assert not deferral.search(step), (item.key, step)


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("bems:10000", "7000"),
        ("bems:10001", "7001"),
        ("bems:28000", "Register"),
        ("bems:1004", "PARSE_ERROR"),
        ("bems:-32700", "1004"),
        ("bems:28001", "garbled"),
    ],
)
def test_vendor_mistakes_are_noted(kb: KnowledgeBase, key: str, words: str) -> None:
    product, code = key.split(":")
    (item,) = kb.by_number(code, [product])
    assert item.code.note and words in item.code.note


def test_related_codes_point_both_ways_where_named(kb: KnowledgeBase) -> None:
    def see(key: str) -> tuple[str, ...]:
        product, code = key.split(":")
        return kb.by_number(code, [product])[0].code.see_also

    assert "40129" in see("bems:40103") and "40103" in see("bems:40129")
    assert "27001" in see("bems:12001") and "12001" in see("bems:27001")


def test_schema_file_is_current() -> None:
    on_disk = json.loads((bundled_dir() / "schema.json").read_text(encoding="utf-8"))
    assert on_disk == table_schema()


# -- normal forms ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1027", "1027"),
        ("+01027", "1027"),
        ("-32700", "-32700"),
        ("007", "7"),
        ("0", "0"),
        ("-0", "0"),
        ("12a", None),
        ("", None),
        ("١٢", None),
    ],
)
def test_canonical_number(typed: str, expected: str | None) -> None:
    assert canonical_number(typed) == expected


def test_normalize_text_code() -> None:
    assert normalize_text_code(" wrong server ") == "WRONG_SERVER"
    assert normalize_text_code("Wrong-Server") == normalize_text_code("WRONG__SERVER")


# -- extra tables and broken files ---------------------------------------------------------


def test_a_team_adds_its_own_product(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ERRCODE_KNOWLEDGE_DIR", str(FIXTURES))
    kb = load_knowledge()
    assert set(kb.products) == {"bems", "commsease", "acme"}
    assert {e.key for e in kb.by_number("11001")} == {"bems:11001", "commsease:11001", "acme:11001"}


def test_product_id_clash_names_both_files(tmp_path: Path) -> None:
    write_table(tmp_path, "mine.yaml", "bems", entry())
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(extra_dir=tmp_path)
    (problem,) = caught.value.problems
    assert problem.file.endswith("mine.yaml") and "bems.yaml" in problem.reason


@pytest.mark.parametrize(
    ("entries", "where", "reason"),
    [
        ((entry("5"), entry("5")), "entry #2 (code 5)", "duplicate code"),
        ((entry("5", severity="fatal"),), "entry #1 (code 5)", "severity"),
        (
            (entry("5").replace("    audience: end_user\n", ""),),
            "entry #1 (code 5)",
            "audience: Field required",
        ),
        ((entry("5").replace('"5"', '"five"'),), "entry #1 (code five)", "code"),
    ],
)
def test_broken_entries_name_file_entry_and_reason(
    tmp_path: Path, entries: tuple[str, ...], where: str, reason: str
) -> None:
    write_table(tmp_path, "broken.yaml", "acme", *entries)
    with pytest.raises(KnowledgeError) as caught:
        load_dir(tmp_path)
    assert any(
        p.file.endswith("broken.yaml") and p.entry == where and reason in p.reason
        for p in caught.value.problems
    ), caught.value.problems


def test_invalid_yaml_gives_the_line(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("product:\n  id: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_dir(tmp_path)
    (problem,) = caught.value.problems
    assert problem.entry == "file" and "not valid YAML at line" in problem.reason


def test_every_problem_is_reported_at_once_and_nothing_half_loads(tmp_path: Path) -> None:
    write_table(tmp_path, "a.yaml", "acme", entry("1"), entry("2", severity="bad"))
    write_table(tmp_path, "b.yaml", "beta", entry("1").replace("    retryable: false\n", ""))
    write_table(tmp_path, "c.yaml", "gamma", entry("1"))
    with pytest.raises(KnowledgeError) as caught:
        load_dir(tmp_path)
    files = {Path(p.file).name for p in caught.value.problems}
    assert files == {"a.yaml", "b.yaml"}
    assert "2 problems" in str(caught.value)


def test_missing_extra_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="is not a directory"):
        load_knowledge(extra_dir=tmp_path / "nope")


# -- every kind of broken file: a precise message, and nothing loaded ------------------------


def _see_also(code: str, target: str) -> str:
    return entry(code).replace("    remediation:", f"    see_also: ['{target}']\n    remediation:")


_STEP = "      - Restart widget service number {n} on every node of the cluster.\n"


_PRODUCT = b"product: {id: acme, name: Acme, vendor: V}\n"


@pytest.mark.parametrize(
    ("content", "where", "reason"),
    [
        (b"", "file", "(it is empty)"),
        (b"- code: 1\n- code: 2\n", "file", "with 'product' and 'entries' (not a list)"),
        (b"product: {id: acme, name: Acme\xff}\n", "file", "is not UTF-8: byte 0xff on line 1"),
        (_PRODUCT, "file", "entries: Field required"),
        (_PRODUCT + b"entries: []\n", "file", "table: a table needs at least one entry"),
    ],
    ids=["empty file", "a list", "not UTF-8", "only a product", "no entries"],
)
def test_broken_files_say_what_is_wrong(
    tmp_path: Path, content: bytes, where: str, reason: str
) -> None:
    (tmp_path / "broken.yaml").write_bytes(content)
    with pytest.raises(KnowledgeError) as caught:
        load_dir(tmp_path)
    (problem,) = caught.value.problems
    assert Path(problem.file).name == "broken.yaml"
    assert problem.entry == where and reason in problem.reason, problem


@pytest.mark.parametrize(
    ("entries", "where", "reason"),
    [
        ((entry("1"), _see_also("5", "77")), "entry #2 (code 5)", "see_also: code 77 is not in"),
        (
            (
                entry("5").replace(
                    "    description:", "    text_code: queue_full\n    description:"
                ),
            ),
            "entry #1 (code 5)",
            "text_code: must be UPPER_SNAKE_CASE",
        ),
        (
            (entry("5") + "".join(_STEP.format(n=n) for n in range(2, 7)),),
            "entry #1 (code 5)",
            "remediation: Tuple should have at most 5 items",
        ),
    ],
    ids=["see_also to a missing code", "lower-case text code", "six remediation steps"],
)
def test_broken_entries_are_named_precisely(
    tmp_path: Path, entries: tuple[str, ...], where: str, reason: str
) -> None:
    write_table(tmp_path, "broken.yaml", "acme", *entries)
    with pytest.raises(KnowledgeError) as caught:
        load_dir(tmp_path)
    (problem,) = caught.value.problems  # one problem, said once (not again at table level)
    assert (Path(problem.file).name, problem.entry) == ("broken.yaml", where)
    assert reason in problem.reason, problem


def test_good_and_bad_extra_tables_load_nothing(tmp_path: Path) -> None:
    """A bad file beside good ones, and beside the bundled tables: an error, never a part."""
    write_table(tmp_path, "good.yaml", "acme", entry("1"))
    (tmp_path / "bad.yaml").write_bytes(b"- not a table\n")
    write_table(tmp_path, "worse.yaml", "beta", _see_also("1", "2"))
    result = None
    with pytest.raises(KnowledgeError) as caught:
        result = load_knowledge(extra_dir=tmp_path)
    assert result is None
    assert {Path(p.file).name for p in caught.value.problems} == {"bad.yaml", "worse.yaml"}


def test_link_problems_are_reported_beside_field_problems_once_each(tmp_path: Path) -> None:
    """The models validate links from the input, so fixing one problem never reveals another."""
    write_table(tmp_path, "broken.yaml", "acme", _see_also("5", "77"), entry("5", severity="x"))
    with pytest.raises(KnowledgeError) as caught:
        load_dir(tmp_path)
    found = sorted((p.entry, p.reason.split(":")[0]) for p in caught.value.problems)
    assert found == [
        ("entry #1 (code 5)", "see_also"),
        ("entry #2 (code 5)", "code"),
        ("entry #2 (code 5)", "severity"),
    ], caught.value.problems
