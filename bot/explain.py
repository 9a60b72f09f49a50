"""The one path from text to answers, shared by Slack and the command line.

``explain_query`` answers what a user asks (slash command, DM, mention);
``explain_message`` finds what a channel message mentions.
"""

from __future__ import annotations

from .knowledge_base import KnowledgeBase
from .models import Mention, Resolution
from .resolver import resolve
from .scanner import scan

__all__ = ["explain_message", "explain_query"]


def explain_query(text: str, kb: KnowledgeBase) -> Resolution:
    """Resolve a question: every code it names, else the one entry its words describe."""
    return resolve(text, kb)


def explain_message(text: str, kb: KnowledgeBase) -> list[Mention]:
    """The code mentions in a channel message, success codes left out."""
    return scan(text, kb)
