"""The knowledge tables ship inside the wheel, so an installed errcode answers anywhere."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("uv") is None, reason="uv builds the wheel")
def test_wheel_carries_the_tables(tmp_path: Path) -> None:
    subprocess.run(
        ["uv", "build", "--wheel", "--out-dir", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("errcode-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for table in sorted((ROOT / "knowledge").glob("*.yaml")):
        assert f"bot/_knowledge/{table.name}" in names
    assert "bot/_knowledge/schema.json" in names
