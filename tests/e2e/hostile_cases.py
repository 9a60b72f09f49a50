"""Bad input for ``errcode serve`` over HTTP, as data, and the checks that judge the answers.

Plain data and small helpers, shared by ``tests/e2e/test_hostile.py`` and the
reliability report script: each :class:`Case` says what to send (body, content
type, how it is signed) and what must come back (a 4xx, or a 200 with a reply
that pings nobody and fits Block Kit, or no reply at all). A slash command's reply
is the body of its ack; other replies are the posts the fake Slack records.
:func:`run_matrix` sends them all to a running server and returns one
:class:`Result` per case.

Every case that could be answered gets its own channel or response_url, so the
calls the fake Slack records are told apart without waiting case by case.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

from e2e.harness import Response, SlackSender, fresh_timestamp, http
from fakes import payloads as P
from fakes.fake_slack import FakeSlack, signed_headers
from fakes.slack_checks import block_kit_problems, pings_in

__all__ = [
    "CASES",
    "Case",
    "Result",
    "run_matrix",
    "secret_leaks",
]

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
#: How long the matrix waits for replies after sending everything.
SETTLE_SECONDS = 1.5

#: "borrowed": a genuine signature taken from another body. "replayed": a valid request
#: sent twice, byte for byte; the first copy is answered, the second must be refused.
Signing = Literal["valid", "invalid", "missing", "stale", "future", "borrowed", "replayed"]
#: What would carry a reply to the case: nothing, chat.postMessage, or the ack itself (a
#: slash command's answer is its HTTP response body; a response_url only if it was slow).
ReplyVia = Literal["none", "post", "ack"]


@dataclass(frozen=True)
class Case:
    """One request and the outcome it must get."""

    name: str
    #: What kind of bad input: "body", "content type", "fields", "size", "text", "mrkdwn",
    #: "bots", "signature".
    group: str
    #: The body, built against the fake Slack (slash commands need its response_url).
    build: Callable[[FakeSlack, str], bytes]
    content_type: str
    #: The status the server must answer with.
    status: int
    signing: Signing = "valid"
    #: Where the reply goes, and whether one must arrive ("none": nothing may be sent).
    reply: ReplyVia = "none"
    reply_required: bool = False

    def channel(self) -> str:
        """The case's own channel id (DMs start with D): its replies are told apart by it."""
        return "D" + hashlib.sha1(self.name.encode()).hexdigest()[:12].upper()

    @property
    def originals(self) -> int:
        """Replies allowed for a refused case: a replay's first copy may be answered."""
        return 1 if self.signing == "replayed" else 0

    @property
    def expected(self) -> str:
        """The expected outcome in words, for a report."""
        if self.status != 200:
            return str(self.status)
        if self.reply == "none":
            return "200, no reply"
        return "200, safe reply" if self.reply_required else "200, safe reply or none"


@dataclass
class Result:
    """What one case got."""

    case: Case
    status: int | None
    seconds: float
    replies: int = 0
    #: The response body: a slash command's answer, when it has one.
    body: bytes = b""
    #: Everything wrong with the outcome; empty when the case passed.
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# -- bodies -----------------------------------------------------------------------------


def _raw(body: bytes) -> Callable[[FakeSlack, str], bytes]:
    return lambda _fake, _channel: body


def _event(changes: dict[str, Any] | None = None, **event: Any) -> Callable[..., bytes]:
    """An Events API message callback in the case's own DM channel, changed as given."""

    def build(_fake: FakeSlack, channel: str) -> bytes:
        body = P.message("error 1027", channel=channel, channel_type="im")
        body["event"].update(event)
        body.update(changes or {})
        return json.dumps(body).encode()

    return build


def _dm(text: str) -> Callable[[FakeSlack, str], bytes]:
    return lambda _fake, channel: json.dumps(
        P.message(text, channel=channel, channel_type="im")
    ).encode()


def _command(text: str | bytes) -> Callable[[FakeSlack, str], bytes]:
    """``/errcode text``; bytes are put in the form as they are (invalid UTF-8)."""

    def build(fake: FakeSlack, channel: str) -> bytes:
        fields = P.slash_command("", response_url=fake.response_url(channel), channel=channel)
        if isinstance(text, bytes):
            return P.slash_form(fields).replace(b"text=", b"text=" + text, 1)
        fields["text"] = text
        return P.slash_form(fields)

    return build


def _action(payload: dict[str, Any] | str) -> Callable[[FakeSlack, str], bytes]:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return _raw(("payload=" + quote(text)).encode())


def _from_fixture(name: str, **event: Any) -> Callable[[FakeSlack, str], bytes]:
    def build(_fake: FakeSlack, channel: str) -> bytes:
        return json.dumps(P.event(name, channel=channel, **event)).encode()

    return build


def _nested(depth: int) -> bytes:
    """An event nested ``depth`` deep; past about 1,000 the JSON parser's stack runs out."""
    return b'{"type":"event_callback","event":' * depth + b"{}" + b"}" * depth


_LONG_WORD = "A" * 5000
_SLACK_MAX = 40_000
#: Hostile mrkdwn, each asked as a slash command and as a DM (both echo the query).
_HOSTILE_QUERIES = {
    "channel broadcast": "<!channel> 1027",
    "here broadcast": "<!here> SERVER_BUSY",
    "everyone broadcast": "<!everyone> what is 1028",
    "subteam ping": "<!subteam^S123|@team> 1027",
    "user mention": "<@U123> <@W456|bob> 4005",
    "channel link": "<#C1|x> 1027",
    "already escaped": "&lt;!channel&gt; &lt;@U123&gt; 1027",
    "link": "<https://evil.example/|click me> 1027 <mailto:a@b.c|mail>",
    "code fence": "```<!channel>``` `<!here>` 1027",
    "not found echoes": "<!channel> <@U123> zzqx 99999",
    "typo echoes": "SEVRER_BUSY<!here>",
    "broken reference": "<!chan<!here>nel> <@U1<@U2>> 1027",
    "very long word": _LONG_WORD + " 1027",
    "formatting": "*<!here>* _<!channel>_ ~<@U123>~ > 1027",
}


def _cases() -> Iterator[Case]:
    ok_event = json.dumps(P.message("error 1027"))
    yield from (
        Case("malformed JSON", "body", _raw(ok_event[:-7].encode()), JSON, 400),
        Case("empty body", "body", _raw(b""), JSON, 400),
        Case("JSON array", "body", _raw(b"[1, 2, 3]"), JSON, 400),
        Case("JSON string", "body", _raw(b'"event_callback"'), JSON, 400),
        Case("JSON null", "body", _raw(b"null"), JSON, 400),
        Case("deeply nested objects", "body", _raw(_nested(5000)), JSON, 400),
        Case("deeply nested arrays", "body", _raw(b"[" * 200_000 + b"]" * 200_000), JSON, 400),
        Case("nested past the limit", "body", _raw(_nested(100)), JSON, 400),
        Case(
            "invalid UTF-8 JSON",
            "body",
            _raw(ok_event.replace("1027", "\udcff").encode("utf-8", "surrogateescape")),
            JSON,
            400,
        ),
        Case("invalid UTF-8 form", "body", _command(b"\xff\xfe1027"), FORM, 400),
        Case("form payload not JSON", "body", _action("{not json"), FORM, 400),
        Case("form payload a list", "body", _action("[1]"), FORM, 400),
        Case("text/plain", "content type", _raw(ok_event.encode()), "text/plain", 415),
        Case("no content type", "content type", _raw(ok_event.encode()), "", 415),
        Case("XML", "content type", _raw(b"<event>1027</event>"), "application/xml", 415),
        Case("multipart", "content type", _raw(b"--x\r\n\r\n--x--"), "multipart/form-data", 415),
        Case("JSON sent as form", "content type", _raw(ok_event.encode()), FORM, 404),
        Case(
            "event_callback without event",
            "fields",
            _raw(b'{"type": "event_callback", "event_id": "Ev1"}'),
            JSON,
            400,
        ),
        Case(
            "event is a string",
            "fields",
            _raw(b'{"type": "event_callback", "event": "message"}'),
            JSON,
            400,
        ),
        Case(
            "event without type",
            "fields",
            _raw(b'{"type": "event_callback", "event": {}}'),
            JSON,
            400,
        ),
        Case("message without channel", "fields", _event(channel=None), JSON, 200),
        Case("message without ts", "fields", _event(ts=None), JSON, 200),
        # A DM whose text is not a string has no question in it: the help reply, at most.
        Case("message text a number", "fields", _event(text=1027), JSON, 200, reply="post"),
        Case("message text null", "fields", _event(text=None), JSON, 200, reply="post"),
        Case("authorizations malformed", "fields", _event({"authorizations": [1]}), JSON, 400),
        Case("team is a list", "fields", _event({"team_id": ["T1"]}), JSON, 200, reply="post"),
        Case("unknown request type", "fields", _raw(b'{"type": "wormhole"}'), JSON, 404),
        Case(
            "unknown event type",
            "fields",
            _raw(
                json.dumps(
                    {
                        "type": "event_callback",
                        "event_id": "Ev9",
                        "team_id": "T111",
                        "event": {"type": "wormhole_opened"},
                    }
                ).encode()
            ),
            JSON,
            200,
        ),
        Case("unknown payload type", "fields", _action({"type": "wormhole"}), FORM, 404),
        Case("form without command", "fields", _raw(b"text=1027&user_id=U1"), FORM, 404),
        Case(
            "block_actions without actions", "fields", _action({"type": "block_actions"}), FORM, 400
        ),
        Case(
            "block_actions without user",
            "fields",
            _action(
                {
                    "type": "block_actions",
                    "actions": [
                        {"action_id": "errcode_share", "value": '{"q": "1027", "u": "U1"}'}
                    ],
                }
            ),
            FORM,
            200,
        ),
        Case(
            "remove without message",
            "fields",
            _action(
                {
                    "type": "block_actions",
                    "user": {"id": "U1"},
                    "channel": {"id": "C1"},
                    "actions": [{"action_id": "errcode_remove", "value": "U1"}],
                }
            ),
            FORM,
            200,
        ),
        # No response_url and no text: the usage, in the ack.
        Case("command without text", "fields", _raw(b"command=%2Ferrcode"), FORM, 200, reply="ack"),
        Case(
            "command says payload",
            "fields",
            _command("invalid payload 1027"),
            FORM,
            200,
            reply="ack",
            reply_required=True,
        ),
        Case(
            "url_verification without challenge",
            "fields",
            _raw(b'{"type": "url_verification"}'),
            JSON,
            200,
        ),
        Case("body over 1 MiB", "size", _dm("1027 " + "x" * (1 << 20)), JSON, 413),
        Case(
            "40,000-character DM",
            "size",
            _dm(("error 1027 SERVER_BUSY " * 2000)[:_SLACK_MAX]),
            JSON,
            200,
            reply="post",
            reply_required=True,
        ),
        Case(
            "40,000-character command",
            "size",
            _command(("4005 " * 9000)[:_SLACK_MAX]),
            FORM,
            200,
            reply="ack",
            reply_required=True,
        ),
        Case("40,000 digits", "size", _dm("1" * _SLACK_MAX), JSON, 200, reply="post"),
        Case(
            "control characters",
            "text",
            _dm("\x00\x01\x07\x1b[31m 1027 \x7f\u200b\u202e"),
            JSON,
            200,
            reply="post",
            reply_required=True,
        ),
        Case(
            "lone surrogates",
            "text",
            _dm("\ud800 1027 \udfff"),
            JSON,
            200,
            reply="post",
            reply_required=True,
        ),
        Case(
            "NUL in a command",
            "text",
            _command("10\x0027 SERVER\x00_BUSY"),
            FORM,
            200,
            reply="ack",
            reply_required=True,
        ),
        Case("only whitespace", "text", _dm(" \n\t\u3000 "), JSON, 200, reply="post"),
        Case(
            "message from another bot",
            "bots",
            _from_fixture("event_callback_message_from_app_bot.json", text="1027 from a bot"),
            JSON,
            200,
        ),
        Case(
            "bot_message subtype",
            "bots",
            _from_fixture("event_callback_bot_message.json", text="1027 from a bot"),
            JSON,
            200,
        ),
        Case("bot DM", "bots", _event(bot_id="B999", text="SERVER_BUSY"), JSON, 200),
        Case("bot mention", "bots", _bot_mention, JSON, 200),
    )
    for label, query in _HOSTILE_QUERIES.items():
        yield Case(
            f"mrkdwn in a command: {label}",
            "mrkdwn",
            _command(query),
            FORM,
            200,
            reply="ack",
            reply_required=True,
        )
        yield Case(
            f"mrkdwn in a DM: {label}",
            "mrkdwn",
            _dm(query),
            JSON,
            200,
            reply="post",
            reply_required=True,
        )
    # A valid body for each kind of request, each signed wrongly: 401, and nothing answered.
    for signing in ("invalid", "missing", "stale", "future", "borrowed", "replayed"):
        yield Case(
            f"{signing} signature on an event",
            "signature",
            _dm("error 1027"),
            JSON,
            401,
            signing=signing,
            reply="post",
        )
        yield Case(
            f"{signing} signature on a command",
            "signature",
            _command("1027"),
            FORM,
            401,
            signing=signing,
            reply="ack",
        )


def _bot_mention(_fake: FakeSlack, channel: str) -> bytes:
    """Another bot @-mentions errcode: answering would let two bots talk forever."""
    body = P.mention("what is 1027?", channel=channel)
    body["event"].update(bot_id="B999", user="UB111")
    return json.dumps(body).encode()


#: Every case, in report order.
CASES: tuple[Case, ...] = tuple(_cases())


# -- judging replies ------------------------------------------------------------------------


def secret_leaks(logs: str, secrets: Iterable[str]) -> list[str]:
    """The log lines holding a secret, or its last 12 characters (a secret cut in two)."""
    needles = {s for secret in secrets if secret for s in (secret, secret[-12:])}
    return [line[:200] for line in logs.splitlines() if any(n in line for n in needles)]


# -- running the matrix ---------------------------------------------------------------------


def _send(case: Case, sender: SlackSender, fake: FakeSlack) -> Response:
    body = case.build(fake, case.channel())
    # An empty value, not a missing header: urllib adds a form content type where none is set.
    headers = {"Content-Type": case.content_type}
    if case.signing == "valid":
        headers |= signed_headers(sender.secret, body, fresh_timestamp())
    elif case.signing == "invalid":
        headers |= signed_headers("not-the-signing-secret", body)
    elif case.signing == "stale":  # Slack's limit is 5 minutes
        headers |= signed_headers(sender.secret, body, int(time.time()) - 6 * 60)
    elif case.signing == "future":
        headers |= signed_headers(sender.secret, body, int(time.time()) + 6 * 60)
    elif case.signing == "borrowed":  # a genuine signature, taken from another body
        headers |= signed_headers(sender.secret, json.dumps(P.message("hello")).encode())
    elif case.signing == "replayed":  # the same bytes again: the first copy is genuine
        headers |= signed_headers(sender.secret, body, fresh_timestamp())
        original = http(sender.endpoint, body, headers)
        if original.status != 200:
            raise AssertionError(f"{case.name}: the original got {original.status}")
    return http(sender.endpoint, body, headers)


def _replies(result: Result, fake: FakeSlack) -> list[dict[str, Any]]:
    """Every reply to the case: in its ack, posted in its channel, or on its response_url."""
    case, channel = result.case, result.case.channel()
    posts = fake.calls_to("chat.postMessage", lambda c: c.params.get("channel") == channel)
    hooks = fake.calls_to(f"response_url:{channel}")
    replies = [c.params for c in (*posts, *hooks)]
    if case.reply == "ack" and result.status == 200 and result.body:
        replies.insert(0, json.loads(result.body))
    return replies


def _judge(result: Result, fake: FakeSlack) -> None:
    case = result.case
    if result.status != case.status:
        result.problems.append(f"status {result.status}, expected {case.status}")
    replies = _replies(result, fake)
    result.replies = len(replies)
    if case.reply == "none" or case.status != 200:
        if len(replies) > case.originals:
            result.problems.append(f"{len(replies)} replies, expected {case.originals or 'none'}")
        return
    if case.reply_required and not replies:
        result.problems.append("no reply")
    if case.reply == "ack" and len(replies) > 1:
        result.problems.append(f"answered {len(replies)} times")
    for reply in replies:
        result.problems += [f"unescaped {ping}" for ping in pings_in(reply)]
        result.problems += block_kit_problems(reply.get("blocks", []))
        if not reply.get("text"):
            result.problems.append("reply without a text fallback")


def run_matrix(
    base_url: str, signing_secret: str, fake: FakeSlack, cases: Iterable[Case] = CASES
) -> list[Result]:
    """Send every case to the server at ``base_url``; judge statuses, replies and health.

    Sends them all, waits :data:`SETTLE_SECONDS` once for the replies (events are
    answered after the ack; commands in it, and anything they posted besides would
    show up meanwhile), then judges each. A request that fails at the connection
    (the server crashed or dropped it) is a result with status ``None``. A last
    pseudo-case checks that ``/healthz`` still answers.
    """
    sender = SlackSender(base_url, signing_secret)
    results = []
    for case in cases:
        start = time.perf_counter()
        try:
            response = _send(case, sender, fake)
        except OSError as exc:
            results.append(Result(case, None, time.perf_counter() - start, problems=[repr(exc)]))
            continue
        results.append(
            Result(case, response.status, time.perf_counter() - start, body=response.body)
        )
    # Replies to events come after the acks. Wait until every case that must be answered is (or a
    # bound passes), and at least SETTLE_SECONDS, so a reply that must not come has time to.
    quiet = time.monotonic() + SETTLE_SECONDS
    late = quiet + 3.0
    while time.monotonic() < late:
        waiting = [
            r
            for r in results
            if r.case.reply_required and r.status == 200 and not _replies(r, fake)
        ]
        if not waiting and time.monotonic() >= quiet:
            break
        time.sleep(0.05)
    for result in results:
        _judge(result, fake)
    health = Case("server still healthy", "after", _raw(b""), "", 200)
    try:
        status = http(base_url + "/healthz").status
    except OSError:
        status = None
    results.append(Result(health, status, 0.0, problems=[] if status == 200 else ["down"]))
    return results
