"""Everything errcode says that is not an answer: usage, hints, notices, settings lines.

Text users typed is escaped before it enters mrkdwn, or echoed through :mod:`bot.slack.echo`.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.slack import echo
from bot.slack.blocks import MAX_FALLBACK, MAX_SECTION, Reply, cut, escape, mention, section

__all__ = [
    "EXAMPLES",
    "NOTICES",
    "announcement",
    "help_reply",
    "hint",
    "notice",
    "preformatted",
    "product_choices",
    "product_setting",
    "usage",
]

EXAMPLES = ("1027", "bems 1027", "SERVER_BUSY", "11001 in commsease", "room does not exist")


def hint() -> str:
    return "Ask with a code, a text code or a few words: " + ", ".join(f"`{e}`" for e in EXAMPLES)


def usage(command: str = "/errcode", channel_product: str | None = None) -> Reply:
    """``/errcode`` alone or ``/errcode help``.

    :param channel_product: the name of the product this channel is set to, if any.
    """
    cmd = escape(command)
    here = (
        f"This channel is set to {escape(channel_product)}: codes that could be another "
        f"product's are read as its. `{cmd} product off` undoes it."
        if channel_product
        else f"This channel is set to no product (`{cmd} product commsease` or `bems` sets one)."
    )
    lines = [
        "*errcode explains error codes* (BlackBerry BEMS-Connect, NetEase CommsEase IM).",
        *(f"• `{cmd} {example}`" for example in EXAMPLES),
        f"• `{cmd} mute` / `{cmd} unmute`: stop or restart automatic replies in this channel",
        f"• `{cmd} product commsease|bems|off`: what this channel is about, for its replies",
        f"• `{cmd} stats`: the most asked and the unknown codes of the last 7 days",
        "Mention me or send me a direct message with a code, and I answer there too.",
        here,
    ]
    return Reply(cut("\n".join(lines).replace("*", ""), MAX_FALLBACK), (section("\n".join(lines)),))


def help_reply() -> Reply:
    """The short reply to a DM or mention that names no code."""
    text = "I explain error codes. " + hint()
    return Reply(text, (section(text),))


NOTICES = {
    "muted": "Automatic replies are off in this channel. `/errcode unmute` turns them back on.",
    "unmuted": "Automatic replies are on in this channel.",
    "share_denied": "Only the person who asked can share this answer.",
    "shared": "Shared in the channel.",
    "already_shared": "This answer is already shared in the channel.",
    "voted_helpful": "Thanks! Your vote tells the knowledge authors this entry works.",
    "voted_not_helpful": "Thanks. Tell us what was wrong or missing, and the entry gets fixed.",
    "vote_kept": "Your vote on this answer is already counted.",
    "remove_denied": "Only the author of the original message can remove this reply.",
    "failure": "Sorry, something went wrong while answering. It has been logged.",
    "busy": "Sorry, I have too many questions at once right now. Please ask again in a minute.",
    "too_long": "Sorry, that is too long for me to explain in one go. Ask about one code, "
    "or paste just the lines around the error.",
    "settings_denied": (
        "Sorry, only errcode's admins can change this channel's settings. "
        "Ask one of them, or your Slack admin, if it should change."
    ),
    "shortcut_none": "I found no error code in that message.",
}


def product_setting(product: str | None) -> Reply:
    """What the channel is set to now (``product``: the product's name, or None)."""
    if product is None:
        text = (
            "This channel is set to no product: a generic code counts only where a "
            "message names its product."
        )
    else:
        name = escape(product)
        text = (
            f"This channel is set to {name}: where a message names no product, its generic "
            "codes, and numbers both products have, are read as this product's."
        )
    return notice("product", text)


def product_choices(choice: str, products: Sequence[str], command: str = "/errcode") -> Reply:
    """The answer to ``/errcode product`` without a product, or with one errcode lacks."""
    ids = "|".join([*products, "off"])
    head = f"No product “{echo.mrkdwn(cut(choice, 40))}”. " if choice else ""
    return notice("product", f"{head}Use `{escape(command)} product {ids}`.")


def announcement(
    change: str,
    *,
    user: str,
    command: str = "/errcode",
    product: str | None = None,
    undo: str | None = None,
) -> Reply:
    """The public line telling a channel who changed its settings, and how to undo it.

    :param change: ``product``, ``product_off``, ``mute`` or ``unmute``.
    :param product: the product's name (``product``).
    :param undo: the product id to set again (``product_off``).
    """
    who = mention(user) or "Someone"
    cmd = escape(command)
    text = {
        "product": f"{who} set this channel to {escape(product or '')}; "
        f"`{cmd} product off` to undo.",
        "product_off": f"{who} cleared this channel's product; "
        f"`{cmd} product {escape(undo or '')}` to undo.",
        "mute": f"{who} turned errcode's automatic replies off in this channel; "
        f"`{cmd} unmute` to undo.",
        "unmute": f"{who} turned errcode's automatic replies back on in this channel; "
        f"`{cmd} mute` to undo.",
    }[change]
    return Reply(cut(text, MAX_FALLBACK), (section(text),))


def notice(kind: str, detail: str | None = None) -> Reply:
    """A one-line reply from :data:`NOTICES`, or ``detail`` (already plain text) as is."""
    text = detail if detail is not None else NOTICES[kind]
    return Reply(cut(text, MAX_FALLBACK), (section(text),))


def preformatted(text: str) -> Reply:
    """Plain text whose columns line up (``/errcode stats``): escaped, in a code block."""
    body = cut(escape(text), MAX_SECTION - 8)
    return Reply(cut(text, MAX_FALLBACK), (section(f"```\n{body}\n```"),))
