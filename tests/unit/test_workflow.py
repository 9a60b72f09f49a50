"""The Workflow Builder step's outputs and input checks, without Slack."""

from __future__ import annotations

from typing import Any

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.resolver import resolve
from bot.slack.workflow import MAX_QUERY, bad_input, outputs


def test_outputs_of_a_found_code(kb: KnowledgeBase) -> None:
    out = outputs(resolve("11001", kb))
    assert out["found"] is True
    assert out["summary"].count("\n") == 1  # a code in two products: both named
    assert out["remediation"].startswith("1. ")
    assert isinstance(out["severity"], str) and out["severity"]


def test_outputs_of_a_code_the_named_product_lacks(kb: KnowledgeBase) -> None:
    out = outputs(resolve("commsease 1027", kb))
    assert out["found"] is False and "BEMS 1027 is WRONG_SERVER" in out["summary"]


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        ({"query": "1027"}, None),
        ({}, "missing"),
        (None, "missing"),
        ({"query": ["1027"]}, "missing"),
        ({"query": "\n"}, "empty"),
        ({"query": "1" * (MAX_QUERY + 1)}, "at most"),
    ],
)
def test_bad_input(inputs: Any, expected: str | None) -> None:
    error = bad_input(inputs)
    assert (error is None) if expected is None else (error is not None and expected in error)


def test_the_manifest_declares_what_the_app_handles(kb: KnowledgeBase) -> None:
    from pathlib import Path

    import yaml

    from bot.slack.render import SHORTCUT_ID
    from bot.slack.workflow import FUNCTION_ID

    manifest = yaml.safe_load(
        (Path(__file__).parents[2] / "deploy" / "slack-manifest.yml").read_text(encoding="utf-8")
    )
    shortcuts = manifest["features"]["shortcuts"]
    assert any(s["callback_id"] == SHORTCUT_ID and s["type"] == "message" for s in shortcuts)
    step = manifest["functions"][FUNCTION_ID]
    assert set(step["input_parameters"]) == {"query"}
    assert set(step["output_parameters"]) == set(outputs(resolve("1027", kb)))
    assert manifest["settings"]["function_runtime"] == "remote"
