"""Validated tables cached by content, so a large table's YAML is parsed once.

PyYAML builds Python objects one node at a time: a 100,000-entry table takes tens of
seconds to parse, while pydantic reads the same table back from JSON in about a second.
Tables under :data:`MIN_BYTES` are parsed directly (the bundled ones load in
milliseconds), and any trouble with the cache only means parsing the YAML again.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from bot.models import ProductTable

__all__ = ["MIN_BYTES", "cache_dir", "load_cached", "save_cached"]

#: Files smaller than this are not worth caching.
MIN_BYTES = 256 * 1024
#: Names the cache directory; "off" turns the cache off.
CACHE_DIR_ENV = "ERRCODE_CACHE_DIR"
# Bumped whenever the models change shape, so old cache files are never read as new.
_FORMAT = "errcode-table-v2"


def cache_dir() -> Path | None:
    """Where cached tables live, or ``None`` when caching is off."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "false") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "errcode"


def _path_for(data: bytes) -> Path | None:
    directory = cache_dir()
    if directory is None or len(data) < MIN_BYTES:
        return None
    digest = hashlib.sha256(_FORMAT.encode() + b"\0" + data).hexdigest()
    return directory / f"{digest}.json"


def load_cached(data: bytes) -> ProductTable | None:
    """The table validated earlier from exactly these bytes, if cached."""
    path = _path_for(data)
    if path is None:
        return None
    try:
        return ProductTable.model_validate_json(path.read_bytes())
    except (OSError, ValidationError, ValueError):
        return None


def save_cached(data: bytes, table: ProductTable) -> None:
    """Remember ``table`` as the validated form of ``data`` (best effort, atomic)."""
    path = _path_for(data)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, suffix=".tmp") as tmp:
            tmp.write(table.model_dump_json().encode())
        os.replace(tmp.name, path)
    except OSError:
        return
