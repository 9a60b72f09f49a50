"""Shared pytest configuration for the errcode tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import load_knowledge

pytest_plugins = ["redis_fixtures"]

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's Slack tokens or errcode settings."""
    for name in list(os.environ):
        if name.startswith(("SLACK_", "ERRCODE_")):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The bundled knowledge tables."""
    return load_knowledge(extra_dir="")
