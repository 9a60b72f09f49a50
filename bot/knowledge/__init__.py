"""The knowledge tables: load, validate (once, in the models), cache, and index for lookups.

May import: :mod:`bot.models`, :mod:`bot.errors`, :mod:`bot.text`.
"""

from bot.knowledge.base import Entry, FuzzyHit, KnowledgeBase, canonical_number, normalize_text_code
from bot.knowledge.loader import bundled_dir, load_dir, load_knowledge, table_schema

__all__ = [
    "Entry",
    "FuzzyHit",
    "KnowledgeBase",
    "bundled_dir",
    "canonical_number",
    "load_dir",
    "load_knowledge",
    "normalize_text_code",
    "table_schema",
]
