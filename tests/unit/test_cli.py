"""The ``errcode`` command line in process (CliRunner): output, JSON shape and exit codes.

The real entry point, run as a subprocess, is tested in ``tests/integration/test_cli_process.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from public_shape import DUMP_FIELDS
from typer.testing import CliRunner

from bot.cli.commands import app
from bot.knowledge.loader import bundled_dir


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


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


def test_a_negative_code_is_a_query_not_an_option(runner: CliRunner) -> None:
    result = runner.invoke(app, ["lookup", "--json", "-32601"])
    assert result.exit_code == 0, result.output
    assert [m["code"] for m in json.loads(result.output)["matches"]] == ["-32601"]


def test_scan_reads_standard_input_given_as_a_dash(runner: CliRunner) -> None:
    line = json.dumps({"text": "error 11001", "channel_product": "bems"})
    result = runner.invoke(app, ["scan", "--mode", "channel", "-"], input=line + "\n")
    assert result.exit_code == 0, result.output
    assert [m["product"] for m in json.loads(result.output)["matches"]] == ["bems"]


_TABLE = """product: {id: PID, name: Acme Messaging, vendor: Acme, aliases: [Acme]}
entries:
  - code: "7"
    description: The delivery queue is full.
    categories: [Delivery]
    severity: warning
    retryable: true
    audience: server_admin
    remediation:
      - Raise queue.max in acme.conf or add a delivery worker.
"""


def test_knowledge_validate_reports_a_clash_with_the_bundled_tables(
    runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "acme.yaml").write_text(_TABLE.replace("PID", "bems"), encoding="utf-8")
    result = runner.invoke(app, ["knowledge", "validate", str(tmp_path)])
    # the error carries its exit code (1) and is printed by the entry point
    assert "product id 'bems' is already defined" in str(result.exception)
    (tmp_path / "acme.yaml").write_text(_TABLE.replace("PID", "acme"), encoding="utf-8")
    result = runner.invoke(app, ["knowledge", "validate", str(tmp_path)])
    assert result.exit_code == 0 and "1 entries in 1 products: acme (1)" in result.output


def test_knowledge_validate_of_the_bundled_directory_checks_it_once(runner: CliRunner) -> None:
    # `errcode knowledge validate knowledge` in a checkout names the bundled tables by their
    # path: they are checked, not reported as clashing with themselves.
    result = runner.invoke(app, ["knowledge", "validate", str(bundled_dir())])
    assert result.exit_code == 0, result.output
    assert "products: bems (" in result.output and "commsease (" in result.output
