"""The grammar of chat text: word lists, and (below) tokens, numbers and identifiers."""

from __future__ import annotations

__all__ = ["words_of"]


def words_of(text: str) -> frozenset[str]:
    """The words of ``text``, split on whitespace: how word lists are written as data."""
    return frozenset(text.split())
