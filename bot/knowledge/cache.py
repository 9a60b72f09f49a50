"""Validated tables cached by content, so a large table is parsed and validated once.

A cache file holds the :class:`ProductTable` exactly as validation built it, pickled:
reading it back is one C-speed pass that rebuilds the models without validating them
again (the bytes it came from were validated when it was written). It is named by a
hash of the YAML bytes and of the schema: the models' source, pydantic's and Python's
versions. Editing the table or the models, or upgrading pydantic, therefore misses the
cache rather than reading a stale table. Tables under :data:`MIN_BYTES` are parsed
directly (the bundled ones load in milliseconds), and any trouble with the cache only
means parsing the YAML again.

The cache directory is trusted like the code itself (it is the user's own, as
``~/.cache/errcode`` is): a pickle runs code when loaded, so the directory must not
be writable by anyone the user does not trust.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import sys
import tempfile
from functools import cache
from pathlib import Path

import pydantic
import pydantic_core

from bot import models
from bot.models import ProductTable

__all__ = ["MIN_BYTES", "cache_dir", "load_cached", "save_cached", "schema_version"]

#: Files smaller than this are not worth caching.
MIN_BYTES = 256 * 1024
#: Names the cache directory; "off" turns the cache off.
CACHE_DIR_ENV = "ERRCODE_CACHE_DIR"
# Bumped whenever the cache file's layout changes.
_FORMAT = "errcode-table-v3-pickle"
_SUFFIX = ".pickle"


def cache_dir() -> Path | None:
    """Where cached tables live, or ``None`` when caching is off."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "false") else Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "errcode"


@cache
def schema_version() -> str:
    """A digest of everything that decides what a validated table is.

    The models' source (fields, constraints and validators alike), their JSON schema,
    the pydantic and pydantic-core versions and the Python version: a change to any of
    them names every cache file anew.
    """
    digest = hashlib.sha256(_FORMAT.encode())
    with contextlib.suppress(OSError):  # run from a zip: the schema alone then
        digest.update(Path(models.__file__).read_bytes())
    schema = json.dumps(ProductTable.model_json_schema(), sort_keys=True)
    for part in (
        schema,
        pydantic.VERSION,
        pydantic_core.__version__,
        f"{sys.version_info[0]}.{sys.version_info[1]}",
        str(pickle.HIGHEST_PROTOCOL),
    ):
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()


def _path_for(data: bytes) -> Path | None:
    directory = cache_dir()
    if directory is None or len(data) < MIN_BYTES:
        return None
    digest = hashlib.sha256(schema_version().encode() + b"\0" + data).hexdigest()
    return directory / f"{digest}{_SUFFIX}"


def load_cached(data: bytes) -> ProductTable | None:
    """The table validated earlier from exactly these bytes, under this schema, if cached."""
    path = _path_for(data)
    if path is None:
        return None
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    try:
        table = pickle.loads(blob)  # our own cache file, named by content: see above
    except Exception:  # a truncated or foreign file fails in many ways: parse the YAML
        return None
    return table if isinstance(table, ProductTable) else None


def save_cached(data: bytes, table: ProductTable) -> None:
    """Remember ``table`` as the validated form of ``data`` (best effort, atomic)."""
    path = _path_for(data)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, suffix=".tmp") as tmp:
            pickle.dump(table, tmp, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp.name, path)
    except (OSError, pickle.PicklingError):
        return
