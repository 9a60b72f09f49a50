"""The English words free-text search folds together or leaves out, as plain data.

People write "too many admins" for "exceeds the upper limit" and "can't join the chatroom"
for "prohibited from joining the chat room". Each table here is read by
:func:`bot.resolver.terms.terms` before stemming; grow them here, in one place. The
Chinese words, folded onto these English terms, are in :mod:`bot.text.thesaurus_zh`. Both
modes read it: the scanner folds a description's words with :data:`SYNONYMS` before it
compares them with a Chinese reason glossed onto the same terms ("10435 账号或密码错误").
"""

from __future__ import annotations

from bot.text.grammar import words_of as of

__all__ = [
    "FIX_WORDS",
    "HOW_MANY",
    "HOW_TO",
    "PHRASES",
    "STOP_WORDS",
    "SYNONYMS",
    "TROUBLE_WORDS",
]

#: Words that carry no meaning in a question about an error.
STOP_WORDS = of(
    "a about all am an and any anyone are as at be been being but by can client code codes "
    "could did do does doing error errors explain fix for from get gets getting got had happen "
    "happened happens has have having he her here his how i if in into is issue it it's its "
    "just keep keeps know me mean meaning means message's my occur occurs of on one or our "
    "please problem says sdk see seeing she should so some status tell that the their them "
    "then there these they this those to too us was we were what what's whats when where which "
    "while who why will with would you your"
)

#: A question about how to do something ("how do I reset my password?") describes no error,
#: unless it asks how to get past one (:data:`FIX_WORDS`): it gets suggestions, no answer.
HOW_TO = "\\bhow (?:do|can|could|should|would|shall|to)\\b"
#: How many or how much, like HOW_TO, unless it also says something went wrong
#: (:data:`TROUBLE_WORDS`): "how many retries before it keeps saying rate limit".
HOW_MANY = "\\bhow (?:many|much)\\b"
TROUBLE_WORDS = of(
    "error errors fail fails failed failing says saying said keeps rejected denied reached "
    "exceeded exceeds blocked incorrect wrong invalid lockout"
)
#: Words that make a how-to question one about an error: "how do I fix ...", "how can I
#: avoid the rate limit", "how does this happen".
FIX_WORDS = of(
    "fix fixed fixing solve resolve resolved troubleshoot debug avoid prevent handle recover "
    "rid stop workaround deal happen happens happened mean means"
)

#: Spellings of one thing, folded onto one term before the words are split (regex, term).
PHRASES: tuple[tuple[str, str], ...] = (
    ("\\bdo not disturb\\b", "dnd"),
    ("\\btoo many\\b", "limit"),
    ("\\btoo long\\b", "long limit"),
    ("\\bupper limit\\b", "limit"),
    ("\\btimed? ?out\\b|\\btimes out\\b", "timeout"),
    # BEMS's persistent chat rooms are its "group discussions"; other chat rooms are NIM's.
    ("\\bpersistent chat(?: ?rooms?)?\\b", "group discussion"),
    ("\\bchat ?rooms?\\b", "chatroom"),
    ("\\blogged in\\b|\\blog in\\b|\\blogin\\b|\\bsign(?:ed)? in\\b", "login"),
    # Offline is not signed in: 31033 CONTACT_OFFLINE "is not logged in".
    ("\\boffline\\b", "offline not login"),
    # Not found is not there: "cannot be found", "couldn't find" say "does not exist".
    (
        "\\b(?:can ?not|can't|cannot|could ?n[o']?t|unable to|failed to) (?:be )?(?:found|find)\\b",
        "not exist",
    ),
    ("\\bcan ?not\\b|\\bcan't\\b|\\bcannot\\b|\\bunable to\\b|\\bwon't\\b", "unable"),
    ("\\be-?mail\\b|\\bmailbox\\b", "email"),
    ("\\bmobile phone\\b|\\bphone number\\b|\\bmobile\\b", "phone"),
    ("\\bblack ?list(?:ed)?\\b|\\bblock ?list(?:ed)?\\b", "blocklist"),
    ("\\bsql server\\b", "sql"),
    ("\\bmore than one\\b|\\bseveral\\b|\\bmany\\b", "multiple"),
    # A mismatch is a difference: 805 "does not match", 31032 "has a different chat ID".
    (
        "\\b(?:(?:does|do|did|is|are) ?n[o']?t|not|never) match(?:es|ed)?\\b|\\bmismatch\\w*",
        "different",
    ),
    ("\\b(?:does|do|did|is|are|was|were|has|have|had) ?n[o']?t\\b|\\bdoesnt\\b", "not"),
    # What people add to any report: "someone else changed it, try again".
    ("\\bsomeone else\\b|\\btry(?:ing)? again\\b", " "),
    ("\\bunavailable\\b", "not available"),
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
    "authorised": "permission",
    "authorization": "permission",
    "authorized": "permission",
    "banned": "ban",
    "bans": "ban",
    "busy": "busy",
    "cap": "limit",
    "change": "update",
    "changed": "update",
    "changes": "update",
    "chars": "characters",
    "conflict": "collision",
    "conflicts": "collision",
    "db": "database",
    "decline": "reject",
    "declined": "reject",
    "deleted": "exist",
    "deliver": "send",
    "delivered": "send",
    "delivering": "send",
    "delivers": "send",
    "duplicated": "duplicate",
    "edit": "update",
    "edited": "update",
    "editing": "update",
    "exceed": "limit",
    "exceeded": "limit",
    "exceeds": "limit",
    "exception": "abnormal",
    "exceptions": "abnormal",
    "excpt": "abnormal",
    "exist": "exist",
    "existing": "exist",
    "exists": "exist",
    "failure": "fail",
    "failures": "fail",
    "find": "exist",
    "found": "exist",
    "freq": "rate",
    "frequency": "rate",
    "frequent": "rate",
    "im": "message",
    "incorrect": "invalid",
    "invite": "invitation",
    "invited": "invitation",
    "invites": "invitation",
    "itself": "self",
    "longer": "long",
    "max": "limit",
    "maximum": "limit",
    "members": "member",
    "missing": "exist",
    "modified": "update",
    "modify": "update",
    "modifying": "update",
    "msg": "message",
    "msgs": "message",
    "mute": "muted",
    "muting": "muted",
    "no": "not",
    "over": "limit",
    "overloaded": "busy",
    "param": "parameter",
    "params": "parameter",
    "participant": "member",
    "participants": "member",
    "passwords": "password",
    "picked": "respond",
    "pw": "password",
    "pwd": "password",
    "quantity": "number",
    "quota": "limit",
    "refused": "reject",
    "rejected": "reject",
    "repeat": "duplicate",
    "repeated": "duplicate",
    "responded": "respond",
    "restrict": "limit",
    "restricted": "limit",
    "restriction": "limit",
    "restrictions": "limit",
    "same": "duplicate",
    "sent": "send",
    "succeed": "success",
    "succeeded": "success",
    "teams": "team",
    "themselves": "self",
    "throttle": "rate",
    "throttled": "rate",
    "twice": "duplicate",
    "uid": "user",
    "uids": "user",
    "unauthorised": "permission",
    "unauthorized": "permission",
    "updated": "update",
    "updating": "update",
    "users": "user",
    "verification": "verify",
}
