"""The ``errcode`` command line: output, JSON shape and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from public_shape import DUMP_FIELDS
from typer.testing import CliRunner

from bot.cli.commands import app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def errcode(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run the real entry point, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_lookup_prints_the_answer_plain_when_piped(runner: CliRunner) -> None:
    result = runner.invoke(app, ["lookup", "1027"])
    assert result.exit_code == 0
    assert "1027 WRONG_SERVER · BlackBerry BEMS-Connect" in result.output
    assert "  1. " in result.output and "source: 000_4e9fb936f26b688c.txt" in result.output
    assert "\x1b[" not in result.output


def test_lookup_json_shape(runner: CliRunner) -> None:
    result = runner.invoke(app, ["lookup", "--json", "bems", "11001"])
    data = json.loads(result.output)
    assert data["query"] == "bems 11001" and data["status"] == "found"
    assert [(m["product"], m["code"], m["match"], m["score"]) for m in data["matches"]] == [
        ("bems", "11001", "exact", 100)
    ]
    assert data["suggestions"] == [] and data["corrections"] == []


def test_lookup_states_corrections(runner: CliRunner) -> None:
    result = runner.invoke(app, ["lookup", "SEVRER_BUSY"])
    assert "No exact SEVRER_BUSY; showing SERVER_BUSY." in result.output


def test_lookup_not_found_exits_1_with_suggestions(runner: CliRunner) -> None:
    result = runner.invoke(app, ["lookup", "--json", "4007"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["status"] == "not_found" and data["matches"] == []
    assert 1 <= len(data["suggestions"]) <= 3


def test_knowledge_dump_has_every_entry_and_field(runner: CliRunner) -> None:
    result = runner.invoke(app, ["knowledge", "dump"])
    entries = json.loads(result.output)
    assert len(entries) == 169
    for entry in entries:
        assert set(entry) == DUMP_FIELDS
        assert "match" not in entry and entry["source"]["sections"] == entry["categories"]


def test_knowledge_validate_reports_problems_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("product: {id: a}\nentries: []\n", encoding="utf-8")
    result = errcode("knowledge", "validate", str(tmp_path))
    assert result.returncode == 1
    assert "a.yaml: product: name: Field required" in result.stderr
    assert "Traceback" not in result.stderr


def test_knowledge_validate_bundled_is_ok() -> None:
    result = errcode("knowledge", "validate")
    assert result.returncode == 0 and "169 entries" in result.stdout


@pytest.mark.parametrize(
    "args", [("lookup",), ("bogus",), ("lookup", "--nope", "1"), ("scan", "--mode", "sideways")]
)
def test_usage_errors_exit_2_without_traceback(args: tuple[str, ...]) -> None:
    result = errcode(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.strip()


def test_blank_query_is_a_usage_error() -> None:
    result = errcode("lookup", "  ")
    assert result.returncode == 2 and "needs a query" in result.stderr


def test_broken_extra_knowledge_dir_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text("entries: [", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "lookup", "1027"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "ERRCODE_KNOWLEDGE_DIR": str(tmp_path)},
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "x.yaml: file: is not valid YAML" in result.stderr and "Traceback" not in result.stderr


def test_a_negative_code_is_a_query_not_an_option(runner: CliRunner) -> None:
    result = runner.invoke(app, ["lookup", "--json", "-32601"])
    assert result.exit_code == 0, result.output
    assert [m["code"] for m in json.loads(result.output)["matches"]] == ["-32601"]


def test_scan_reads_standard_input_given_as_a_dash(runner: CliRunner) -> None:
    line = json.dumps({"text": "error 11001", "channel_product": "bems"})
    result = runner.invoke(app, ["scan", "--mode", "channel", "-"], input=line + "\n")
    assert result.exit_code == 0, result.output
    assert [m["product"] for m in json.loads(result.output)["matches"]] == ["bems"]
