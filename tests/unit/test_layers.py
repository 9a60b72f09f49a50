"""The package's shape: one-way imports, Slack kept out of the core, a complete __all__."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import bot

PACKAGE = Path(bot.__file__).resolve().parent

# Lowest first. A module may import from its own layer or below, never above.
LAYERS: list[set[str]] = [
    {"errors", "models", "metrics", "scan_words", "mrkdwn", "scan_text", "thesaurus"},
    {"knowledge_base", "knowledge_cache", "settings", "store", "logs"},
    {"knowledge", "scan_tables", "scan_evidence", "textsearch", "store_redis"},
    {"scanner", "resolver", "store_resilient", "store_factory", "stats"},
    {"explain", "scan_stream", "render", "console"},
    {"conversation", "slack_client"},
    {"listeners", "slack_app", "transports", "transports.http", "transports.socket_mode", "chat"},
    {"serve"},
    {"cli", "__init__", "__main__"},
]
LAYER_OF = {name: index for index, names in enumerate(LAYERS) for name in names}
CORE = {
    "errors",
    "models",
    "knowledge",
    "knowledge_base",
    "knowledge_cache",
    "scanner",
    "scan_text",
    "scan_evidence",
    "scan_words",
    "resolver",
    "textsearch",
    "thesaurus",
    "scan_tables",
    "render",
    "explain",
    "mrkdwn",
    "console",
}


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


def test_every_module_has_a_layer() -> None:
    assert set(modules()) - set(LAYER_OF) == set()


@pytest.mark.parametrize("module", sorted(modules()))
def test_imports_only_go_down(module: str) -> None:
    mine = LAYER_OF[module]
    for target in imports(modules()[module], module):
        if not target.startswith("bot.") or target == "bot":
            continue
        name = target.removeprefix("bot.")
        if name not in LAYER_OF:
            name = name.rsplit(".", 1)[0]
        assert LAYER_OF.get(name, -1) <= mine, f"{module} imports {name} from a higher layer"


@pytest.mark.parametrize("module", sorted(CORE))
def test_core_never_imports_slack(module: str) -> None:
    for target in imports(modules()[module], module):
        assert not target.startswith(("slack_bolt", "slack_sdk")), f"{module} imports {target}"


def test_only_store_redis_imports_redis() -> None:
    users = {
        m for m, p in modules().items() if any(t.split(".")[0] == "redis" for t in imports(p, m))
    }
    assert users == {"store_redis"}


def test_public_names_are_exported() -> None:
    assert sorted(bot.__all__) == bot.__all__
    for name in bot.__all__:
        assert getattr(bot, name) is not None
