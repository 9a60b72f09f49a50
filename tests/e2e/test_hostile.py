"""Bad input, forged requests and other bots against ``errcode serve`` (HTTP mode, a subprocess).

The cases live in :mod:`e2e.hostile_cases` (the reliability report runs the same
matrix). Here each case is one test item: its expected 4xx or a 200 with a safe
reply, never a 500; then the server must still be up, its DEBUG logs free of
secrets, the buttons must act only for the user allowed to, and no bot's message
may start a conversation between bots.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from e2e.harness import BOT_TOKEN, SIGNING_SECRET, ServeProcess, SlackSender, http
from e2e.hostile_cases import CASES, Result, pings_in, run_matrix, secret_leaks
from fakes import payloads as P
from fakes.fake_slack import BOT_ID, BOT_USER, FakeSlack
from fakes.fake_socket import FakeSocketMode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.e2e

APP_TOKEN = "xapp-1-A111-333-hostileAppTokenValue"


@pytest.fixture(scope="module")
def matrix(server: ServeProcess, fake: FakeSlack) -> dict[str, Result]:
    """Every case sent once to this module's server, by case name."""
    fake.reset()
    return {r.case.name: r for r in run_matrix(server.url, SIGNING_SECRET, fake)}


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_case_gets_its_4xx_or_a_safe_reply(name: str, matrix: dict[str, Result]) -> None:
    result = matrix[name]
    assert result.ok, f"{name}: expected {result.case.expected}, got {result.problems}"


def test_the_server_survives_and_never_answered_500(
    matrix: dict[str, Result], server: ServeProcess
) -> None:
    assert matrix["server still healthy"].ok
    assert server.proc is not None and server.proc.poll() is None
    assert all(r.status is not None and r.status < 500 for r in matrix.values())
    logs = server.logs()
    assert "Exception in ASGI application" not in logs


def test_bad_signatures_reach_no_handler(server: ServeProcess, fake: FakeSlack) -> None:
    """Not one Web API or response_url call, nor a lookup, for any forged request."""
    # A replay's first copy is genuine, and answered: test_replay.py covers replays.
    forged = [c for c in CASES if c.signing not in ("valid", "replayed")]
    lookups = _metric(server, "errcode_lookups_total")
    fake.reset()
    results = run_matrix(server.url, SIGNING_SECRET, fake, forged)
    assert [r.status for r in results[:-1]] == [401] * len(forged)
    assert [c.method for c in fake.calls if c.method != "auth.test"] == []
    assert _metric(server, "errcode_lookups_total") == lookups


def test_no_secret_in_any_log_line_at_debug(
    matrix: dict[str, Result], server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    # Failures log the most: a rejected Web API call, then a retried one.
    fake.fail("chat.postMessage", 429, times=1, retry_after=0)
    slack.event(P.message("error 1027 logged", channel="CLOG"))
    fake.wait_for("chat.postMessage", count=2)
    logs = server.logs()
    assert '"level": "DEBUG"' in logs
    assert secret_leaks(logs, [BOT_TOKEN, SIGNING_SECRET]) == []


def test_no_app_token_in_socket_mode_logs_at_debug() -> None:
    """The app-level token exists only in Socket Mode: its own run, at DEBUG."""
    with FakeSocketMode() as ws, FakeSlack(ws_url=ws.url) as fake:
        proc = ServeProcess(fake.api_url, SLACK_APP_TOKEN=APP_TOKEN, SLACK_SIGNING_SECRET="")
        try:
            proc.start(wait_healthz=False)
            assert ws.wait_connected(), proc.logs()
            ws.wait_ack(ws.send("events_api", P.message("<!channel> error 1027", channel="C9")))
            command = P.slash_command("<@U1> 1027", response_url=fake.response_url("sm"))
            ack = ws.wait_ack(ws.send("slash_commands", command))
            assert ack is not None and "payload" in ack  # the answer, in the ack
            assert pings_in(ack["payload"]) == []
        finally:
            proc.stop()
        assert secret_leaks(proc.logs(), [APP_TOKEN, BOT_TOKEN]) == []


# -- buttons act only for the user allowed to -------------------------------------------------


def _button_value(blocks: list[dict], action_id: str) -> str:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button")


def test_only_the_asker_can_share(slack: SlackSender, fake: FakeSlack) -> None:
    asked = slack.command(
        P.slash_form(P.slash_command("1027", user="U222", response_url=fake.response_url("ask")))
    ).json()  # the answer is the ack's body
    value = _button_value(asked["blocks"], "errcode_share")
    for clicker, forged in [("U999", value), ("U999", json.dumps({"q": "1027"})), ("U999", "{")]:
        url = fake.response_url(f"deny-{len(fake.calls)}")
        slack.action(P.block_action("errcode_share", forged, user=clicker, response_url=url))
        (refusal,) = fake.wait_for("response_url:" + url.rsplit("/", 1)[1])
        assert refusal.params["response_type"] == "ephemeral"
        assert refusal.params["replace_original"] is False  # the asker's answer stays
        assert "Only the person who asked" in refusal.params["text"]
    time.sleep(0.3)
    posted = fake.calls_to("response_url:*", lambda c: c.params.get("response_type") != "ephemeral")
    assert posted == []  # nothing public, no delete_original
    assert fake.calls_to("chat.postMessage") == []


def test_only_the_author_can_remove(slack: SlackSender, fake: FakeSlack) -> None:
    slack.event(P.message("deploy failed with SERVER_BUSY", user="U333", channel="CRM"))
    (reply,) = fake.wait_for("chat.postMessage")
    value = _button_value(reply.params["blocks"], "errcode_remove")

    def click(clicker: str, name: str) -> None:
        action = P.block_action(
            "errcode_remove", value, user=clicker, channel="CRM", message_ts="1700000000.5",
            response_url=fake.response_url(name),
        )  # fmt: skip
        assert slack.action(action).status == 200

    click("U444", "rm-other")
    click("", "rm-nobody")
    for name in ("rm-other", "rm-nobody"):
        (refusal,) = fake.wait_for(f"response_url:{name}")
        assert refusal.params["response_type"] == "ephemeral"
        assert "Only the author" in refusal.params["text"]
    time.sleep(0.3)
    assert fake.calls_to("chat.delete") == []
    click("U333", "rm-author")  # the control: the author's click does delete
    (deleted,) = fake.wait_for("chat.delete")
    assert deleted.params["ts"] == "1700000000.5"


# -- two bots cannot loop ----------------------------------------------------------------------


def test_our_reply_coming_back_is_not_answered(slack: SlackSender, fake: FakeSlack) -> None:
    """Slack delivers the bot's own reply as a message event: it names codes, and is ignored."""
    asked = P.message("error 1027 and SERVER_BUSY", channel="CLOOP")
    slack.event(asked)
    (reply,) = fake.wait_for("chat.postMessage")
    echoed = P.event(
        "event_callback_message_from_app_bot.json",
        text=reply.params["text"],
        channel="CLOOP",
        bot_id=BOT_ID,
        user=BOT_USER,
        thread_ts=asked["event"]["ts"],
    )
    other_bot = P.mention("1027?", channel="CLOOP")
    other_bot["event"].update(bot_id="B999", user="UB111")
    for body in (echoed, other_bot):
        assert slack.event(body).status == 200
    time.sleep(0.5)
    assert len(fake.calls_to("chat.postMessage")) == 1


# -- random envelopes --------------------------------------------------------------------------

_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=8), st.sampled_from(["1027", ""])
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
#: The fields Bolt's middleware and errcode's listeners read.
_KEYS = ["type", "event", "user", "team", "team_id", "channel", "actions", "authorizations",
         "enterprise", "container", "message", "response_url", "event_id", "api_app_id", "view",
         "is_enterprise_install", "enterprise_id", "user_id", "channel_id", "command",
         "text"]  # fmt: skip
_TYPES = st.sampled_from(
    ["event_callback", "block_actions", "url_verification", "view_submission", "shortcut",
     "message_action", "block_suggestion", "app_rate_limited", "message", "app_mention"]
)  # fmt: skip
_ENVELOPES = st.fixed_dictionaries(
    {"type": _TYPES},
    optional={
        "event": st.fixed_dictionaries(
            {"type": st.sampled_from(["message", "app_mention", "reaction_added"])},
            optional={k: _JSON for k in _KEYS if k != "type"},
        ),
        **{k: _JSON for k in _KEYS if k not in ("type", "event")},
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(envelope=_ENVELOPES, as_form=st.booleans())
def test_random_signed_envelopes_never_get_a_500(
    server: ServeProcess, envelope: dict, as_form: bool
) -> None:
    """Validly signed junk shaped like Slack's envelopes: a 2xx or a 4xx, never a 500."""
    sender = SlackSender(server.url)
    reply = sender.action(envelope) if as_form else sender.event(envelope)
    assert reply.status < 500, (reply.status, envelope)


def test_random_envelopes_left_the_server_healthy(server: ServeProcess) -> None:
    assert http(server.url + "/healthz").status == 200
    assert "Exception in ASGI application" not in server.logs()


def _metric(server: ServeProcess, name: str) -> float:
    total = 0.0
    for line in http(server.url + "/metrics").body.decode().splitlines():
        if line.startswith(name):
            total += float(line.rsplit(" ", 1)[1])
    return total


@pytest.fixture(autouse=True)
def _no_faults_left(fake: FakeSlack) -> Iterator[None]:
    yield
    fake.reset()
