"""What the bot says to what it hears: the Slack app's decisions, free of Slack I/O.

:class:`Conversation` takes the plain fields of a request (text, channel, user,
ids) and returns a :class:`~bot.blocks.Reply`, or ``None`` when the bot should
stay quiet. It is synchronous on purpose: the store may be Redis, so the
listeners run it in a worker thread and the event loop never waits on it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from bot.knowledge.base import KnowledgeBase
from bot.models import MatchKind, Mention, Resolution
from bot.resolver import resolve
from bot.scanner import scan
from bot.settings import Settings
from bot.slack import notices, render, views, workflow
from bot.slack.blocks import Block, Reply
from bot.slack.card import choose_language
from bot.slack.edits import Edits
from bot.slack.feedback import Feedback, encode_feedback
from bot.store.protocol import StateStore
from bot.store.stats import collect_feedback, collect_stats, stats_text
from bot.telemetry.metrics import LOOKUPS, SCANNER_HITS

__all__ = ["DEDUPE_TTL", "Conversation", "Outcome", "decode_share", "encode_share"]

#: How long an event id or a message is remembered as answered. Slack retries
#: for about 5 minutes; an hour leaves margin for slow redeliveries.
DEDUPE_TTL = 3600
_MAX_SHARE_VALUE = 2000
_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
#: An entry's key as buttons carry it: ``bems:1027``, ``commsease:-1``.
_ENTRY_KEY = re.compile(r"^[a-z][a-z0-9_]*:[-+]?\w{1,40}$")


@dataclass(frozen=True, slots=True)
class Outcome:
    """A reply, and what kind it is (the ``kind`` label of the replies metric)."""

    reply: Reply
    kind: str
    #: The lookup behind the reply, for front ends that render it their own way (chat).
    resolution: Resolution | None = None
    #: A public message for the channel besides the reply (who changed its settings).
    announce: Reply | None = None
    #: The entries an auto-reply explains (``bems:1027``), remembered with the reply.
    entries: tuple[str, ...] = ()


def encode_share(query: str, asker: str) -> str | None:
    """The Share button's value: the query to answer again, and who may share it.

    ``None`` when even a shortened query does not fit Slack's 2,000 characters.
    """
    value = json.dumps({"q": query[:1000], "u": asker}, ensure_ascii=False)
    return value if len(value) <= _MAX_SHARE_VALUE else None


def decode_share(value: str) -> tuple[str, str] | None:
    """``(query, asker)`` from a Share button's value; ``None`` if it was tampered with."""
    try:
        data = json.loads(value)
        query, asker = data["q"], data["u"]
    except (ValueError, KeyError, TypeError):
        return None
    return (query, asker) if isinstance(query, str) and isinstance(asker, str) else None


def _today() -> date:
    return datetime.now(UTC).date()


def strip_mentions(text: str) -> str:
    """The query in a mention or DM: the text without ``<@U…>`` user mentions."""
    return _MENTION.sub(" ", text).strip()


class Conversation:
    """The bot's decisions for one workspace's settings, knowledge and state."""

    def __init__(self, settings: Settings, kb: KnowledgeBase, store: StateStore) -> None:
        self.settings = settings
        self.kb = kb
        self.store = store
        self.feedback = Feedback(store)
        self.edits = Edits(self, DEDUPE_TTL)

    # -- dedupe --------------------------------------------------------------------

    def first_delivery(self, event_id: str | None, channel: str, ts: str) -> bool:
        """True once per event id and once per message (a mention also comes as a message)."""
        if event_id and not self.store.claim(f"event:{event_id}", DEDUPE_TTL):
            return False
        return self.store.claim(f"msg:{channel}:{ts}", DEDUPE_TTL)

    # -- direct questions: /errcode, DMs, mentions ----------------------------------

    def command(self, *, text: str, command: str, team: str, channel: str, user: str) -> Outcome:
        """The ephemeral reply to ``/errcode text``."""
        words = text.split()
        verb = words[0].lower() if len(words) == 1 else ""
        if not words or verb == "help":
            return Outcome(notices.usage(command, self._product_name(channel)), "help")
        if words[0].lower() == "product" and len(words) <= 2:
            choice = words[1] if len(words) == 2 else ""
            return self.set_product(choice, command=command, channel=channel, user=user)
        if verb in ("mute", "unmute"):
            return self.set_muted(verb == "mute", command=command, channel=channel, user=user)
        if verb == "stats":
            return Outcome(self.stats(team), "stats")
        resolution = self.lookup(text, team)
        share = encode_share(text, user)
        reply = render.answer(
            resolution,
            share_value=share,
            feedback_value=_feedback(resolution),
            language=self.settings.language,
        )
        return Outcome(reply, _kind(resolution))

    # -- channel settings: /errcode product, mute, unmute -------------------------------

    def may_change_settings(self, user: str) -> bool:
        """Anyone, unless ``ERRCODE_ADMINS`` names who may."""
        return not self.settings.admins or user in self.settings.admins

    def set_product(self, choice: str, *, command: str, channel: str, user: str) -> Outcome:
        """``/errcode product commsease|bems|off``: set or clear it, and tell the channel."""
        if not self.may_change_settings(user):
            return Outcome(notices.notice("settings_denied"), "notice")
        off = choice.lower() in ("off", "none")
        product = None if off or not choice else self.kb.product_for_alias(choice)
        if product is None and not off:
            ids = sorted(self.kb.products)
            return Outcome(notices.product_choices(choice, ids, command), "notice")
        name = self.kb.products[product].name if product else None
        current = self.store.channel_product(channel)
        if product == current:
            return Outcome(notices.product_setting(name), "notice")  # nothing to announce
        self.store.set_channel_product(channel, product)
        if product is None:
            change = notices.announcement("product_off", user=user, command=command, undo=current)
        else:
            change = notices.announcement("product", user=user, command=command, product=name)
        return Outcome(notices.product_setting(name), "notice", announce=change)

    def set_muted(self, muted: bool, *, command: str, channel: str, user: str) -> Outcome:
        """``/errcode mute`` / ``unmute``: turn the channel's auto-replies off or on, and say so."""
        if not self.may_change_settings(user):
            return Outcome(notices.notice("settings_denied"), "notice")
        reply = notices.notice("muted" if muted else "unmuted")
        if self.store.is_muted(channel) == muted:
            return Outcome(reply, "notice")  # nothing changed: nothing to tell the channel
        self.store.set_muted(channel, muted)
        change = "mute" if muted else "unmute"
        announce = notices.announcement(change, user=user, command=command)
        return Outcome(reply, "notice", announce=announce)

    def _product_name(self, channel: str) -> str | None:
        product = self.store.channel_product(channel) if channel else None
        found = self.kb.products.get(product) if product else None
        return found.name if found else None

    def question(
        self, *, text: str, team: str, channel: str, ts: str, event_id: str | None
    ) -> Outcome | None:
        """The reply to a DM or an @mention (its whole text is the query); None if answered."""
        if not self.first_delivery(event_id, channel, ts):
            return None
        query = strip_mentions(text)
        if not query:
            return Outcome(notices.help_reply(), "help")
        resolution = self.lookup(query, team)
        if resolution.truncated and not resolution.found:
            return Outcome(notices.notice("too_long"), "too_long")
        if not resolution.found and not resolution.suggestions and not resolution.unknown:
            return Outcome(notices.help_reply(), "help")  # small talk, not a code we lack
        reply = render.answer(
            resolution, feedback_value=_feedback(resolution), language=self.settings.language
        )
        return Outcome(reply, _kind(resolution), resolution)

    def shared(self, value: str, clicker: str, message: str = "") -> Outcome:
        """The public answer when the Share button is clicked, or a refusal for others.

        :param message: the answer's message (``channel:ts``): it is shared once, however
            often the button is clicked.
        """
        decoded = decode_share(value)
        if decoded is None or decoded[1] != clicker:
            return Outcome(notices.notice("share_denied"), "notice")
        if message and not self.store.claim(f"share:{message}", DEDUPE_TTL):
            return Outcome(notices.notice("already_shared"), "notice")
        query, asker = decoded
        resolution = resolve(query, self.kb)
        reply = render.answer(
            resolution,
            asked_by=asker,
            feedback_value=_feedback(resolution),
            language=self.settings.language,
        )
        return Outcome(reply, "share")

    def entry(self, key: str, team: str) -> Outcome:
        """One entry in full (``bems:1027``), for a Details or See-also button's clicker."""
        product, _, code = key.partition(":")
        if not _ENTRY_KEY.match(key):
            return Outcome(notices.notice("failure"), "error")
        resolution = self.lookup(f"{product} {code}", team)
        return Outcome(render.answer(resolution, language=self.settings.language), "details")

    # -- the App Home --------------------------------------------------------------------

    def home(self, team: str) -> Block:
        """The App Home tab: usage, the week's most asked and unknown codes, the feedback."""
        return views.home_view(
            collect_stats(self.store, team, _today()), collect_feedback(self.store, team)
        )

    def lookup_view(self, query: str, team: str) -> Block:
        """The Look up modal again, with the answer to ``query`` under its input."""
        return views.lookup_modal(render.to_blocks(self.lookup(query, team)))

    def explain_message(self, *, text: str, team: str) -> Outcome:
        """The "Explain error codes" shortcut: every code a message names, in direct mode.

        The person asked, so success codes and generic codes no product ties are
        answered too; only a guess from the words (free-text search) is left out.
        """
        found = self.lookup(text, team)
        matches = tuple(m for m in found.matches if m.kind is not MatchKind.DESCRIPTION)
        if not matches and not found.misses:
            return Outcome(notices.notice("shortcut_none"), "not_found")
        codes = found.model_copy(update={"matches": matches, "suggestions": ()})
        reply = render.answer(
            codes, feedback_value=_feedback(codes), language=self.settings.language
        )
        return Outcome(reply, "shortcut", codes)

    def workflow_step(self, inputs: Any, team: str) -> workflow.StepResult:
        """The Workflow Builder step: the outputs for ``inputs["query"]``, or why it failed."""
        error = workflow.bad_input(inputs)
        if error is not None:
            return workflow.StepResult(error=error)
        return workflow.StepResult(outputs=workflow.outputs(self.lookup(inputs["query"], team)))

    def lookup(self, query: str, team: str) -> Resolution:
        """Resolve ``query`` and count it: each answered entry, each code we lack."""
        resolution = resolve(query, self.kb)
        day = _today()
        LOOKUPS.labels(status="found" if resolution.found else "not_found").inc()
        for match in resolution.matches:
            self.store.record_lookup(team, match.key, day)
        for code in resolution.unknown[:5]:
            self.store.record_unknown(team, code, day)
        return resolution

    def stats(self, team: str) -> Reply:
        """``/errcode stats``: the last week's most asked and unknown codes in ``team``."""
        text = stats_text(collect_stats(self.store, team, _today()))
        # Unknown codes are what users typed: preformatted escapes them.
        return notices.preformatted(text)

    # -- channel auto-replies --------------------------------------------------------

    def auto_reply_allowed(self, channel: str) -> bool:
        """Auto-replies on, the channel allowed, not denied and not muted."""
        s = self.settings
        if not s.auto_reply or channel in s.channels_deny:
            return False
        if s.channels and channel not in s.channels:
            return False
        return not self.store.is_muted(channel)

    def channel_message(
        self,
        *,
        text: str,
        team: str,
        channel: str,
        ts: str,
        thread_ts: str | None,
        user: str,
        event_id: str | None,
    ) -> Outcome | None:
        """The thread reply explaining the codes a channel message mentions, if any."""
        if not self.auto_reply_allowed(channel):
            return None
        product = self.store.channel_product(channel)
        # Pure and cheap: before any store write.
        mentions = scan(text, self.kb, channel_product=product)
        if not mentions:
            return None
        SCANNER_HITS.inc(len(mentions))
        if not self.first_delivery(event_id, channel, ts):
            return None
        fresh = [m for m in mentions if self._cooled_down(channel, thread_ts or ts, m)]
        if not fresh:
            return None
        day = _today()
        for mention in fresh[: render.AUTO_REPLY_LIMIT]:
            for match in mention.matches:
                self.store.record_lookup(team, match.key, day)
        keys = [m.key for mention in fresh for m in mention.matches]
        reply = render.auto_reply(
            fresh,
            remove_value=user,
            feedback_value=encode_feedback(keys),
            language=choose_language(self.settings.language, text),
        )
        # Every code the message names, answered now or not: what an edit is compared with.
        named = tuple(m.key for mention in mentions for m in mention.matches)
        return Outcome(reply, "auto_reply", entries=named)

    def remember_reply(self, channel: str, ts: str, reply_ts: str, outcome: Outcome) -> None:
        """The auto-reply ``reply_ts`` answers message ``ts``: an edit of it updates the reply."""
        self.edits.remember(channel, ts, reply_ts, outcome.entries)

    def _cooled_down(self, channel: str, thread: str, mention: Mention) -> bool:
        """Claim the cooldown of each entry a mention names; fresh if any claim was new."""
        if self.settings.cooldown_seconds <= 0:
            return True
        claims = [
            self.store.claim(f"cooldown:{channel}:{thread}:{m.key}", self.settings.cooldown_seconds)
            for m in mention.matches
        ]
        return any(claims)


def _feedback(resolution: Resolution) -> str | None:
    """The Helpful / Not helpful buttons' value for an answer (None when nothing was found)."""
    return encode_feedback([m.key for m in resolution.matches])


def _kind(resolution: Resolution) -> str:
    return "answer" if resolution.found else "not_found"
