"""``python -m bot`` as a user runs it: exit codes and stderr, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def errcode(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real entry point, as a user would (``env``: the whole environment, if given)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )


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
    env = {"PATH": "/usr/bin:/bin", "ERRCODE_KNOWLEDGE_DIR": str(tmp_path)}
    result = errcode("lookup", "1027", env=env)
    assert result.returncode == 1
    assert "x.yaml: file: is not valid YAML" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [("serve",), ("stats",)])
def test_a_bad_redis_url_exits_2_naming_the_setting(args: tuple[str, ...]) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "SLACK_BOT_TOKEN": "xoxb-1-2-process",
        "SLACK_SIGNING_SECRET": "process-secret",
        "ERRCODE_REDIS_URL": "not a url",
    }
    result = errcode(*args, env=env)
    assert result.returncode == 2, result.stderr
    assert "ERRCODE_REDIS_URL must be a redis://" in result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
