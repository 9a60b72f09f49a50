"""Large tables are read back from the cache; the cache never changes what loads."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from bot.errors import KnowledgeError
from bot.knowledge import cache as knowledge_cache
from bot.knowledge import loader
from bot.knowledge.loader import load_dir

ENTRY = """
  - code: "{code}"
    description: Generated entry {code} for the cache test, long enough to matter.
    categories: [General]
    severity: error
    retryable: false
    audience: end_user
    remediation:
      - Check the widget configuration for entry {code} and correct it.
"""


def big_table(directory: Path, count: int) -> Path:
    path = directory / "big.yaml"
    body = "".join(ENTRY.format(code=i) for i in range(count))
    path.write_text("product: {id: big, name: Big, vendor: V}\nentries:" + body, encoding="utf-8")
    return path


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("ERRCODE_CACHE_DIR", str(directory))
    monkeypatch.setattr(knowledge_cache, "MIN_BYTES", 1024)
    return directory


def test_a_large_table_is_cached_and_read_back(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables = tmp_path / "tables"
    tables.mkdir()
    big_table(tables, 50)
    first = load_dir(tables)
    assert len(list(cache.glob("*.pickle"))) == 1

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the YAML was parsed again instead of read from the cache")

    # Unchanged bytes must come back from the cache alone, never from the YAML.
    monkeypatch.setattr(loader.yaml, "load", no_parsing)
    second = load_dir(tables)
    assert [e.code for e in second.entries] == [e.code for e in first.entries]
    assert [e.code.description for e in second.entries] == [
        e.code.description for e in first.entries
    ]


def test_an_edited_table_is_not_served_from_the_cache(tmp_path: Path, cache: Path) -> None:
    tables = tmp_path / "tables"
    tables.mkdir()
    path = big_table(tables, 50)
    load_dir(tables)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("severity: error", "severity: nope", 1), encoding="utf-8")
    with pytest.raises(KnowledgeError, match="severity"):
        load_dir(tables)


def test_a_corrupt_cache_file_is_ignored(tmp_path: Path, cache: Path) -> None:
    tables = tmp_path / "tables"
    tables.mkdir()
    big_table(tables, 50)
    load_dir(tables)
    for cached in cache.glob("*.pickle"):
        cached.write_bytes(b"\x80\x05not a pickle")
    assert len(load_dir(tables)) == 50


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ERRCODE_CACHE_DIR", "off")
    assert knowledge_cache.cache_dir() is None


def test_a_schema_change_misses_the_cache(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables = tmp_path / "tables"
    tables.mkdir()
    big_table(tables, 50)
    load_dir(tables)
    (first,) = cache.glob("*.pickle")
    # Another schema (models edited, pydantic upgraded) names another file: the YAML is
    # parsed and validated again, and the old file is never read as the new schema's.
    monkeypatch.setattr(knowledge_cache, "schema_version", lambda: "another schema")
    parsed: list[str] = []
    real_load = loader.yaml.load

    def counting(*args: object, **kwargs: object) -> object:
        parsed.append("yaml")
        return real_load(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader.yaml, "load", counting)
    assert len(load_dir(tables)) == 50
    assert parsed == ["yaml"]
    assert {p.name for p in cache.glob("*.pickle")} - {first.name}


def test_a_cache_file_of_something_else_is_ignored(tmp_path: Path, cache: Path) -> None:
    tables = tmp_path / "tables"
    tables.mkdir()
    big_table(tables, 50)
    load_dir(tables)
    for cached in cache.glob("*.pickle"):
        cached.write_bytes(pickle.dumps({"not": "a table"}))
    assert len(load_dir(tables)) == 50
