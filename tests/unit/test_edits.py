"""Edit-aware replies: what an edit or a deletion does to the bot's thread reply."""

from __future__ import annotations

from typing import Any

from bot.knowledge.base import KnowledgeBase
from bot.settings import Settings
from bot.slack.conversation import Conversation
from bot.store.protocol import MemoryStore

NOW = 1_800_000_000.0
TS = f"{NOW - 10:.6f}"


def _talk(kb: KnowledgeBase, store: MemoryStore | None = None) -> Conversation:
    settings = Settings(slack_bot_token="xoxb-unit", slack_signing_secret="s", _env_file=None)
    return Conversation(settings, kb, store if store is not None else MemoryStore())


def _edit(talk: Conversation, text: str, **fields: Any) -> Any:
    values: dict[str, Any] = {
        "channel": "C1",
        "ts": TS,
        "thread_ts": None,
        "author": "U1",
        "editor": "U1",
        "event_id": None,
        "now": NOW,
    }
    return talk.edits.edited(text=text, **{**values, **fields})


def test_changed_codes_update_the_remembered_reply(kb: KnowledgeBase) -> None:
    talk = _talk(kb)
    talk.edits.remember("C1", TS, "9.9", ("bems:1027",))
    edit = _edit(talk, "BEMS returned error 1028")
    assert edit.kind == "update" and edit.reply_ts == "9.9" and edit.thread == TS
    assert "1028" in edit.reply.text
    assert _edit(talk, "BEMS said error 1028") is None  # the same codes: nothing to do


def test_no_code_left_deletes_the_reply_and_a_new_one_is_posted_once(kb: KnowledgeBase) -> None:
    talk = _talk(kb)
    talk.edits.remember("C1", TS, "9.9", ("bems:1027",))
    assert _edit(talk, "all good now").kind == "delete"
    assert _edit(talk, "all good now, really") is None
    posted = _edit(talk, "no: error 1027 again in bems")
    assert posted.kind == "post" and posted.thread == TS
    assert _edit(talk, "no: error 1027 again in bems!") is None  # claimed: never twice
    assert talk.edits.deleted("C1", TS) is None  # the tombstone has no reply to delete


def test_a_message_without_reply_gets_one_unless_it_was_answered(kb: KnowledgeBase) -> None:
    store = MemoryStore()
    talk = _talk(kb, store)
    assert _edit(talk, "error 1027 from bems").kind == "post"
    other = f"{NOW - 20:.6f}"
    store.claim(f"msg:C1:{other}", 3600)  # the original message is being answered
    assert _edit(talk, "error 1027 from bems", ts=other) is None


def test_edits_left_alone(kb: KnowledgeBase) -> None:
    talk = _talk(kb)
    talk.edits.remember("C1", TS, "9.9", ("bems:1027",))
    assert _edit(talk, "error 1028 in bems", editor="UADMIN") is None  # not the author
    assert _edit(talk, "error 1028 in bems", now=NOW + 7200) is None  # past the mapping's life
    talk.store.set_muted("C1", True)
    assert _edit(talk, "error 1028 in bems") is None
    talk.store.set_muted("C1", False)
    assert _edit(talk, "error 1028 in bems", event_id="Ev1").kind == "update"
    assert _edit(talk, "error 1026 in bems", event_id="Ev1") is None  # a redelivery


def test_a_deleted_message_takes_its_reply(kb: KnowledgeBase) -> None:
    talk = _talk(kb)
    talk.edits.remember("C1", TS, "9.9", ("bems:1027",))
    assert talk.edits.deleted("C1", TS) == "9.9"
    assert talk.edits.deleted("C1", TS) is None
    assert talk.edits.deleted("C1", "1.1") is None


def test_an_auto_reply_remembers_every_code_the_message_names(kb: KnowledgeBase) -> None:
    talk = _talk(kb)
    outcome = talk.channel_message(
        text="BEMS returned error 1027, then 1028",
        team="T1",
        channel="C1",
        ts=TS,
        thread_ts=None,
        user="U1",
        event_id=None,
    )
    assert outcome is not None and outcome.entries == ("bems:1027", "bems:1028")
    talk.remember_reply("C1", TS, "9.9", outcome)
    assert talk.store.reply_to("C1", TS) == "9.9 bems:1027,bems:1028"
