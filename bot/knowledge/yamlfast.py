"""A faster way to build Python data from libyaml's events, with PyYAML's exact results.

PyYAML's C loader parses in C but then builds a node object per scalar, resolves its tag
through three Python calls and constructs it through several more: for a 100,000-entry
table that is most of the load. :class:`FastSafeLoader` reads the same libyaml event
stream and builds dicts, lists and scalars directly, resolving plain scalars with
PyYAML's own resolver table and constructors, so every value comes out as
``yaml.CSafeLoader`` would make it.

Anything out of the ordinary for a knowledge table (anchors and aliases, explicit tags,
merge keys, non-scalar keys, several documents, a syntax error) makes it start again
with the stock loader, so such documents, and every error message, stay PyYAML's own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml
from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode

__all__ = ["HAS_LIBYAML", "FastSafeLoader", "StockLoader"]

#: True when PyYAML was built with libyaml (its C parser).
HAS_LIBYAML = hasattr(yaml, "CSafeLoader")

StockLoader: Any = yaml.CSafeLoader if HAS_LIBYAML else yaml.SafeLoader

_STR = "tag:yaml.org,2002:str"
#: Plain scalars this long or shorter are memoised per load (keys, enum values, flags).
_MEMO_LEN = 40


class _Unusual(Exception):
    """The document uses a feature the fast path leaves to the stock loader."""


class FastSafeLoader(StockLoader):  # type: ignore[misc]
    """``yaml.load(text, Loader=FastSafeLoader)`` equals ``yaml.load(text, Loader=CSafeLoader)``."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._source = stream

    def get_single_data(self) -> Any:
        if not HAS_LIBYAML or not isinstance(self._source, str):
            return super().get_single_data()
        try:
            return self._build()
        except (_Unusual, yaml.YAMLError, RecursionError):
            # Start again with the stock loader: it builds what it builds, and raises
            # its own error, with its own line numbers, for a broken file.
            stock = StockLoader(self._source)
            try:
                return stock.get_single_data()
            finally:
                stock.dispose()

    def _build(self) -> Any:
        get_event = self.get_event
        implicit_resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = (
            self.yaml_implicit_resolvers
        )
        if implicit_resolvers.get(None):
            raise _Unusual  # a resolver for any first character: rare, left to PyYAML
        constructors: dict[str, Callable[[Any, ScalarNode], Any]] = self.yaml_constructors
        memo: dict[str, Any] = {}

        def plain(value: str) -> Any:
            # BaseResolver.resolve for a plain scalar, then the constructor of its tag.
            for tag, regexp in implicit_resolvers.get(value[0] if value else "", ()):
                if regexp.match(value):
                    if tag == _STR:
                        return value
                    construct = constructors.get(tag)
                    if construct is None or tag in _UNUSUAL_TAGS:
                        raise _Unusual
                    return construct(self, ScalarNode(tag, value))
            return value

        def scalar(event: Any) -> Any:
            if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                raise _Unusual
            value: str = event.value
            if not event.implicit[0] or event.tag is not None:
                return value  # quoted, or the non-specific "!": a string
            if len(value) > _MEMO_LEN:
                return plain(value)
            try:
                return memo[value]
            except KeyError:
                item = memo[value] = plain(value)
                return item

        def node(event: Any) -> Any:
            kind = type(event)
            if kind is ScalarEvent:
                return scalar(event)
            if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                raise _Unusual  # anchors, aliases and explicit tags: PyYAML's own
            if kind is MappingStartEvent:
                mapping: dict[Any, Any] = {}
                while True:
                    event = get_event()
                    kind = type(event)
                    if kind is ScalarEvent:
                        key = scalar(event)
                    elif kind is MappingEndEvent:
                        return mapping
                    else:
                        raise _Unusual  # a collection as a key, or an alias
                    event = get_event()
                    mapping[key] = scalar(event) if type(event) is ScalarEvent else node(event)
            if kind is SequenceStartEvent:
                sequence: list[Any] = []
                append = sequence.append
                while True:
                    event = get_event()
                    kind = type(event)
                    if kind is ScalarEvent:
                        append(scalar(event))
                    elif kind is SequenceEndEvent:
                        return sequence
                    else:
                        append(node(event))
            raise _Unusual

        if type(get_event()) is not StreamStartEvent:
            raise _Unusual
        event = get_event()
        if type(event) is StreamEndEvent:
            return None
        if type(event) is not DocumentStartEvent:
            raise _Unusual
        root = node(get_event())
        if type(get_event()) is not DocumentEndEvent or type(get_event()) is not StreamEndEvent:
            raise _Unusual  # several documents: the stock loader says so
        return root


# A merge key ("<<") and the value key ("=") need the whole mapping: left to PyYAML.
_UNUSUAL_TAGS = frozenset({"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"})
