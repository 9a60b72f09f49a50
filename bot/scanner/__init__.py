"""Channel mode: the code mentions in a message nobody addressed to the bot.

Owns the evidence model (named features, word lists as data, fitted weights) and the
decision of which numbers and identifiers are codes. May import: :mod:`bot.text`,
:mod:`bot.knowledge`, :mod:`bot.models`.
"""

from bot.scanner.candidates import scan

__all__ = ["scan"]
