"""Product binding: which product a code written in chat belongs to, in both modes.

Owns RULES rule 5 (a product is named by its aliases or its vocabulary; a number goes
with the product of its own clause), rule 5b (a generic code counts in a channel only
when tied to its product) and the channel's product. The scanner and the resolver both
ask here, so a message binds the same way whether it was addressed to the bot or not.
May import: :mod:`bot.models`, :mod:`bot.text` (the grammar), :mod:`bot.knowledge`.
"""

from bot.binding.products import (
    DESCRIPTIVE_VOCABULARY,
    GENERIC_CODES,
    PRODUCT_VOCABULARY,
    ProductSpan,
    counts_here,
    is_generic,
    named_products,
    narrow,
    product_of,
)

__all__ = [
    "DESCRIPTIVE_VOCABULARY",
    "GENERIC_CODES",
    "PRODUCT_VOCABULARY",
    "ProductSpan",
    "counts_here",
    "is_generic",
    "named_products",
    "narrow",
    "product_of",
]
