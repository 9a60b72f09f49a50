"""Shared state between messages and replicas: the ``StateStore`` protocol and its engines.

Memory (the embedded default), Redis (the only module importing ``redis``), a resilient
wrapper that falls back to memory during an outage, the factory that builds the bot's store
(and the stats command's direct one) from the settings, and usage stats read from any store.
May import: :mod:`bot.models`, :mod:`bot.errors`.
"""

from bot.store.factory import make_store, open_shared_store
from bot.store.protocol import MemoryStore, StateStore, days_back, top_counts
from bot.store.stats import Stats, collect_stats, stats_text

__all__ = [
    "MemoryStore",
    "StateStore",
    "Stats",
    "collect_stats",
    "days_back",
    "make_store",
    "open_shared_store",
    "stats_text",
    "top_counts",
]
