"""errcode: a Slack bot that explains error codes.

Packages, lowest layer first (nothing imports from a layer above it):

- ``errors``, ``models``, ``settings``: the error tree, plain data passed between layers
  (and the one validator of the knowledge tables), configuration
- ``text``: the one reader of Slack mrkdwn and the one grammar of chat text
- ``knowledge``: load (validated by the models), cache and index the tables
- ``scanner``: channel mode, the code mentions in a message (the evidence model)
- ``resolver``: direct mode, what a question asks about
- ``store``: shared state (memory, Redis, resilient fallback) and usage stats
- ``telemetry``: logs and metrics
- ``slack``: the Bolt app, listeners, conversation decisions, Block Kit rendering, Web API
- ``transports``: run a built app over HTTP or Socket Mode
- ``cli``: the ``errcode`` command, the composition root
"""

from bot.errors import ConfigError, ErrcodeError, KnowledgeError, Problem, UsageError
from bot.knowledge import Entry, KnowledgeBase, load_dir, load_knowledge
from bot.models import (
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
from bot.resolver import resolve
from bot.scanner import scan

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
    "load_dir",
    "load_knowledge",
    "resolve",
    "scan",
]
