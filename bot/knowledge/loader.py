"""Load the knowledge tables (one YAML file per product) into a :class:`KnowledgeBase`.

Every problem in every file is collected before anything is returned, so a table
author sees the whole list at once, and a broken directory never yields a
half-loaded knowledge base.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.errors import KnowledgeError, Problem
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.cache import load_cached, save_cached
from bot.knowledge.yamlfast import FastSafeLoader
from bot.models import ProductTable

__all__ = ["bundled_dir", "load_dir", "load_knowledge", "table_schema"]

#: Names the directory of extra product tables read besides the bundled ones.
EXTRA_DIR_ENV = "ERRCODE_KNOWLEDGE_DIR"

#: libyaml's C parser, with the Python half of PyYAML's loader cut short (same results);
#: the pure-Python loader where PyYAML was built without libyaml.
_Loader: Any = FastSafeLoader


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while the tables are built, and none of them after.

    A large table is millions of new objects, none of them garbage: each collection their
    allocation triggers walks all of them again, which costs more than the parse itself.
    Once loaded they live as long as the process, so they are moved out of the collector's
    reach (:func:`gc.freeze`, which is O(1)); otherwise the first collection after the
    load, and every full one later, in the middle of some lookup, would walk them all.
    Frozen objects are still freed as usual when their last reference goes.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()  # only after a load that succeeded: a failed one leaves garbage
    finally:
        if enabled:
            gc.enable()


def bundled_dir() -> Path:
    """The tables shipped with errcode: inside the wheel, or ``knowledge/`` in a checkout."""
    packaged = resources.files("bot") / "_knowledge"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "knowledge"


def load_knowledge(extra_dir: str | Path | None = None) -> KnowledgeBase:
    """The bundled tables plus those in ``extra_dir`` (default: ``$ERRCODE_KNOWLEDGE_DIR``)."""
    dirs = [bundled_dir()]
    extra = extra_dir if extra_dir is not None else os.environ.get(EXTRA_DIR_ENV)
    if extra:
        extra_path = Path(extra)
        if not extra_path.is_dir():
            raise KnowledgeError([Problem(str(extra_path), "directory", "is not a directory")])
        # The bundled directory named again (`errcode knowledge validate knowledge` in a
        # checkout) is the same tables, not a second set clashing with the first.
        if extra_path.resolve() != dirs[0].resolve():
            dirs.append(extra_path)
    with _gc_paused():
        return KnowledgeBase(_load_tables(dirs))


def load_dir(directory: str | Path) -> KnowledgeBase:
    """Only the tables in ``directory``; what ``errcode knowledge validate DIR`` checks."""
    path = Path(directory)
    if not path.is_dir():
        raise KnowledgeError([Problem(str(path), "directory", "is not a directory")])
    with _gc_paused():
        return KnowledgeBase(_load_tables([path]))


def table_schema() -> dict[str, Any]:
    """The JSON schema of one knowledge file, for editors (``knowledge/schema.json``)."""
    schema = ProductTable.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "errcode knowledge table"
    return schema


def _load_tables(dirs: Iterable[Path]) -> list[ProductTable]:
    problems: list[Problem] = []
    tables: list[ProductTable] = []
    owners: dict[str, str] = {}
    for directory in dirs:
        files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
        for path in files:
            table = _load_file(path, problems)
            if table is None:
                continue
            first = owners.get(table.product.id)
            if first is not None:
                problems.append(
                    Problem(
                        str(path),
                        "product",
                        f"product id {table.product.id!r} is already defined in {first}",
                    )
                )
                continue
            owners[table.product.id] = str(path)
            tables.append(table)
    if problems:
        raise KnowledgeError(problems)
    return tables


def _load_file(path: Path, problems: list[Problem]) -> ProductTable | None:
    name = str(path)
    try:
        data = path.read_bytes()
        cached = load_cached(data)
        if cached is not None:
            return cached
        raw = yaml.load(data.decode("utf-8"), Loader=_Loader)
    except UnicodeDecodeError as exc:
        line_no = exc.object[: exc.start].count(b"\n") + 1
        byte = exc.object[exc.start]
        problems.append(Problem(name, "file", f"is not UTF-8: byte 0x{byte:02x} on line {line_no}"))
        return None
    except OSError as exc:
        problems.append(Problem(name, "file", f"cannot be read: {exc}"))
        return None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        reason = getattr(exc, "problem", None) or str(exc)
        problems.append(Problem(name, "file", f"is not valid YAML{line}: {reason}"))
        return None
    if not isinstance(raw, dict):
        # An empty file loads as None: say so, rather than name a type the author never wrote.
        kind = "it is empty" if raw is None else f"not a {type(raw).__name__}"
        reason = f"must be a mapping with 'product' and 'entries' ({kind})"
        problems.append(Problem(name, "file", reason))
        return None
    try:
        table = ProductTable.model_validate(raw)
    except ValidationError as exc:
        problems.extend(_explain(name, raw, exc))
        return None
    save_cached(data, table)
    return table


def _explain(name: str, raw: dict[str, Any], exc: ValidationError) -> list[Problem]:
    """Turn the models' validation errors into (file, entry, reason) the author can find."""
    entries = raw.get("entries")
    out: list[Problem] = []
    for err in exc.errors():
        loc = err["loc"]
        if len(loc) >= 2 and loc[0] == "entries" and isinstance(loc[1], int):
            index = loc[1]
            code = None
            if (
                isinstance(entries, list)
                and index < len(entries)
                and isinstance(entries[index], dict)
            ):
                code = entries[index].get("code")
            entry = f"entry #{index + 1}" + (f" (code {code})" if code is not None else "")
            field = ".".join(str(part) for part in loc[2:]) or "entry"
        elif loc and loc[0] == "product":
            entry, field = "product", ".".join(str(part) for part in loc[1:]) or "product"
        else:
            entry, field = "file", ".".join(str(part) for part in loc) or "table"
        message = err["msg"].removeprefix("Value error, ")
        if field == "text_code" and err["type"] == "string_pattern_mismatch":
            message = "must be UPPER_SNAKE_CASE, like QUEUE_FULL"
        out.append(Problem(name, entry, f"{field}: {message}"))
    return out
