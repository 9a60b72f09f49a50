"""Chat text: the one reader of Slack mrkdwn and the one grammar of numbers and identifiers.

Owns how a message's characters become words, numbers, identifiers and product mentions,
in English and Chinese alike. Everything that reads user text (the scanner, the resolver)
reads it through here. May import: the standard library and :mod:`bot.models`.
"""

from bot.text.grammar import IDENTIFIER, NUMBER, Shape, number_shape, words_of, zh_quantity
from bot.text.slack import SlackText, parse, plain_text, unescape

__all__ = [
    "IDENTIFIER",
    "NUMBER",
    "Shape",
    "SlackText",
    "number_shape",
    "parse",
    "plain_text",
    "unescape",
    "words_of",
    "zh_quantity",
]
