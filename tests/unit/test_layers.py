"""The package's shape: one-way imports, Slack kept out of the core, a complete __all__."""

from __future__ import annotations

import ast
import importlib
import types
from pathlib import Path

import pytest

import bot

PACKAGE = Path(bot.__file__).resolve().parent

#: What each part of the package may import from the others: the architecture as data.
#: A module may always import from its own package. ``cli`` is the composition root.
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "models": set(),
    "settings": {"errors"},
    "text": {"models"},
    "knowledge": {"models", "errors", "text"},
    "binding": {"models", "text", "knowledge"},
    "scanner": {"models", "text", "knowledge", "binding"},
    "resolver": {"models", "text", "knowledge", "binding"},
    "store": {"models", "errors"},
    "telemetry": {"errors"},
    "slack": {
        "models",
        "errors",
        "settings",
        "text",
        "knowledge",
        "binding",
        "scanner",
        "resolver",
        "store",
        "telemetry",
    },
    "transports": {"errors", "settings", "telemetry"},
    "cli": {
        "models",
        "errors",
        "settings",
        "text",
        "knowledge",
        "binding",
        "scanner",
        "resolver",
        "store",
        "telemetry",
        "slack",
        "transports",
    },
    "__init__": {"models", "errors", "knowledge", "scanner", "resolver"},
    "__main__": {"cli"},
}
#: Parts that never touch Slack's libraries.
CORE = {"errors", "models", "text", "knowledge", "binding", "scanner", "resolver", "store"}


def part(module: str) -> str:
    """The package (or top-level module) a module belongs to: ``scanner.words`` -> ``scanner``."""
    return module.split(".")[0]


def modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).with_suffix("")
        parts = rel.parts[:-1] if rel.name == "__init__" and len(rel.parts) > 1 else rel.parts
        out[".".join(parts)] = path
    return out


def imports(path: Path, module: str) -> set[str]:
    """Every module of this package and every top-level package that ``path`` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parts = [] if module == "__init__" else module.split(".")
    package = parts if path.name == "__init__.py" else parts[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)]
            if node.module:
                found.add(".".join(["bot", *base, node.module]))
            else:
                found.update(".".join(["bot", *base, a.name]) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_every_module_has_a_place() -> None:
    assert {part(m) for m in modules()} - set(ALLOWED) == set()


@pytest.mark.parametrize("module", sorted(modules()))
def test_imports_only_go_down(module: str) -> None:
    mine = part(module)
    for target in imports(modules()[module], module):
        if not target.startswith("bot.") or target == "bot":
            continue
        theirs = part(target.removeprefix("bot."))
        assert theirs == mine or theirs in ALLOWED[mine], f"{module} imports {target}"


@pytest.mark.parametrize("module", sorted(m for m in modules() if part(m) in CORE))
def test_core_never_imports_slack(module: str) -> None:
    for target in imports(modules()[module], module):
        assert not target.startswith(("slack_bolt", "slack_sdk")), f"{module} imports {target}"


def test_only_the_redis_engines_import_redis() -> None:
    users = {
        m for m, p in modules().items() if any(t.split(".")[0] == "redis" for t in imports(p, m))
    }
    assert users == {"store.redis_store", "store.redis_outbox"}


PACKAGES = sorted(m for m, p in modules().items() if p.name == "__init__.py")


@pytest.mark.parametrize("name", PACKAGES)
def test_packages_export_exactly_their_public_names(name: str) -> None:
    """As httpx does: ``__all__`` is sorted and complete, and names no module."""
    package = importlib.import_module("bot" if name == "__init__" else f"bot.{name}")
    exported = getattr(package, "__all__", [])
    assert exported == sorted(exported)
    public = {
        n
        for n, value in vars(package).items()
        if not n.startswith("_") and not isinstance(value, types.ModuleType) and n != "annotations"
    }
    assert set(exported) == public


@pytest.mark.parametrize("name", PACKAGES)
def test_packages_say_what_they_own(name: str) -> None:
    package = importlib.import_module("bot" if name == "__init__" else f"bot.{name}")
    doc = package.__doc__ or ""
    assert doc.strip(), f"bot.{name} has no docstring"
    if name not in ("__init__",):
        assert "import" in doc, f"bot.{name} does not say what it may import"


#: Scripts, not modules: nothing imports them.
SCRIPTS = {"__main__"}


def _module(name: str) -> types.ModuleType:
    return importlib.import_module("bot" if name == "__init__" else f"bot.{name}")


@pytest.mark.parametrize("name", sorted(set(modules()) - SCRIPTS))
def test_every_module_exports_names_it_has(name: str) -> None:
    module = _module(name)
    exported = getattr(module, "__all__", None)
    assert isinstance(exported, list), f"bot.{name} has no __all__"
    assert len(exported) == len(set(exported)), f"bot.{name} exports a name twice"
    missing = [export for export in exported if not hasattr(module, export)]
    assert missing == [], f"bot.{name}.__all__ names what it lacks"
    assert not [e for e in exported if isinstance(getattr(module, e), types.ModuleType)]


@pytest.mark.parametrize("name", PACKAGES)
def test_packages_re_export_what_their_modules_export(name: str) -> None:
    """``__init__`` only re-exports: each name is the very object a module below exports."""
    package = _module(name)
    prefix = "" if name == "__init__" else name + "."
    below = [
        _module(m) for m in modules() if m.startswith(prefix) and m != name and m not in SCRIPTS
    ]
    for export in package.__all__:
        value = getattr(package, export)
        homes = [m.__name__ for m in below if export in m.__all__ and getattr(m, export) is value]
        assert homes, f"bot.{name} exports {export}, which no module below it exports"


def test_the_top_level_api() -> None:
    """What ``import bot`` promises."""
    from bot import KnowledgeBase, load_knowledge, resolve, scan

    kb = load_knowledge(extra_dir="")
    assert isinstance(kb, KnowledgeBase)
    assert [m.key for m in resolve("bems 1027", kb).matches] == ["bems:1027"]
    assert [m.key for mention in scan("error 1027 on login", kb) for m in mention.matches] == [
        "bems:1027"
    ]
