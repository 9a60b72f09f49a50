"""The words free-text search folds together or leaves out, as plain data.

People write "too many admins" for "exceeds the upper limit" and "can't join the chatroom"
for "prohibited from joining the chat room". Each table here is read by
:func:`bot.textsearch.terms` before stemming; grow them here, in one place.
"""

from __future__ import annotations

from bot.text.grammar import words_of as of

__all__ = ["PHRASES", "STOP_WORDS", "SYNONYMS"]

#: Words that carry no meaning in a question about an error.
STOP_WORDS = of(
    "a about all am an and any anyone app are as at be been being but by can client code codes "
    "could did do does doing error errors explain fix for from get gets getting got had happen "
    "happened happens has have having he her here his how i if in into is issue it it's its "
    "just keep keeps know me mean meaning means message's my occur occurs of on one or our "
    "please problem says sdk see seeing she should so some status tell that the their them "
    "then there these they this those to too us was we were what what's whats when where which "
    "while who why will with would you your"
)

#: Spellings of one thing, folded onto one term before the words are split (regex, term).
PHRASES: tuple[tuple[str, str], ...] = (
    ("\\bdo not disturb\\b", "dnd"),
    ("\\btoo many\\b", "limit"),
    ("\\btoo long\\b", "long limit"),
    ("\\bupper limit\\b", "limit"),
    ("\\btimed? ?out\\b|\\btimes out\\b", "timeout"),
    ("\\bchat ?rooms?\\b", "chatroom"),
    ("\\blogged in\\b|\\blog in\\b|\\blogin\\b|\\bsign(?:ed)? in\\b", "login"),
    ("\\bcan ?not\\b|\\bcan't\\b|\\bcannot\\b|\\bunable to\\b|\\bwon't\\b", "unable"),
    ("\\be-?mail\\b|\\bmailbox\\b", "email"),
    ("\\bmobile phone\\b|\\bphone number\\b|\\bmobile\\b", "phone"),
    ("\\bblack ?list(?:ed)?\\b|\\bblock ?list(?:ed)?\\b", "blocklist"),
    ("\\bsql server\\b", "sql"),
    ("\\bmore than one\\b|\\bseveral\\b|\\bmany\\b", "multiple"),
    ("\\bdoes ?n[o']?t\\b|\\bdoesnt\\b", "not"),
)

#: Words that mean the same thing here, mapped onto one term before stemming.
SYNONYMS: dict[str, str] = {
    "account": "user",
    "accounts": "user",
    "administrator": "admin",
    "administrators": "admin",
    "admins": "admin",
    "again": "duplicate",
    "answer": "respond",
    "answered": "respond",
    "banned": "ban",
    "bans": "ban",
    "busy": "busy",
    "cap": "limit",
    "chars": "characters",
    "db": "database",
    "decline": "reject",
    "declined": "reject",
    "deleted": "exist",
    "duplicated": "duplicate",
    "exceed": "limit",
    "exceeded": "limit",
    "exceeds": "limit",
    "exist": "exist",
    "existing": "exist",
    "exists": "exist",
    "frequency": "rate",
    "frequent": "rate",
    "im": "message",
    "invite": "invitation",
    "invited": "invitation",
    "invites": "invitation",
    "itself": "self",
    "max": "limit",
    "maximum": "limit",
    "members": "member",
    "missing": "exist",
    "msg": "message",
    "msgs": "message",
    "mute": "muted",
    "muting": "muted",
    "overloaded": "busy",
    "participant": "member",
    "participants": "member",
    "passwords": "password",
    "picked": "respond",
    "pw": "password",
    "pwd": "password",
    "quota": "limit",
    "refused": "reject",
    "rejected": "reject",
    "responded": "respond",
    "same": "duplicate",
    "teams": "team",
    "themselves": "self",
    "throttle": "rate",
    "throttled": "rate",
    "twice": "duplicate",
    "uid": "user",
    "uids": "user",
    "users": "user",
}
