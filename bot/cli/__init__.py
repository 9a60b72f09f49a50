"""The ``errcode`` command, and the composition root: settings, tables, store and app meet
here. May import: anything in :mod:`bot`.
"""

from bot.cli.commands import app, main

__all__ = ["app", "main"]
