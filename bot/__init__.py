"""errcode: a Slack bot that explains error codes.

Module map, lowest layer first (nothing imports from a layer above it):

- ``errors``: the exception tree; ``models``: plain data passed between layers
- ``knowledge``, ``knowledge_cache``, ``knowledge_base``: load, cache and index the tables
- ``mrkdwn``, ``scan_text``, ``scan_words``, ``scan_tables``, ``scan_evidence``, ``scanner``:
  the code mentions in a channel message
- ``thesaurus``, ``textsearch``, ``resolver``: what a question asks about
- ``explain``: the one path from text to answers, for Slack and the command line
- ``render``, ``console``: answers for Slack (Block Kit) and the terminal
- ``store``, ``store_redis``, ``store_resilient``, ``store_factory``, ``stats``: shared state
- ``settings``, ``logs``, ``metrics``: configuration and observability
- ``slack_app``, ``listeners``, ``transports``, ``serve``, ``chat``: the bot itself
- ``cli``: the ``errcode`` command, the composition root
"""

from .errors import ConfigError, ErrcodeError, KnowledgeError, Problem, UsageError
from .explain import explain_message, explain_query
from .knowledge import load_dir, load_knowledge
from .knowledge_base import Entry, KnowledgeBase
from .models import (
    Audience,
    Correction,
    ErrorCode,
    Match,
    MatchKind,
    Mention,
    Product,
    ProductTable,
    Resolution,
    Severity,
    Suggestion,
)

__all__ = [
    "Audience",
    "ConfigError",
    "Correction",
    "Entry",
    "ErrcodeError",
    "ErrorCode",
    "KnowledgeBase",
    "KnowledgeError",
    "Match",
    "MatchKind",
    "Mention",
    "Problem",
    "Product",
    "ProductTable",
    "Resolution",
    "Severity",
    "Suggestion",
    "UsageError",
    "explain_message",
    "explain_query",
    "load_dir",
    "load_knowledge",
]
