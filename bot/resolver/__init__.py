"""Direct mode: what a question (``/errcode``, a DM, ``errcode lookup``) asks about.

Owns numbers, text codes, typo correction and free-text search over the descriptions.
May import: :mod:`bot.text`, :mod:`bot.knowledge`, :mod:`bot.models`.
"""

from bot.resolver.resolution import resolve

__all__ = ["resolve"]
