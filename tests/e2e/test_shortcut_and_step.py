"""The "Explain error codes" message shortcut and the Workflow Builder step, over HTTP."""

from __future__ import annotations

import json

import pytest
from e2e.harness import ServeProcess, SlackSender, finished
from fakes import payloads as P
from fakes.fake_slack import FakeSlack

pytestmark = pytest.mark.e2e


def _command(slack: SlackSender, fake: FakeSlack, text: str, channel: str) -> None:
    form = P.slash_form(P.slash_command(text, response_url=fake.response_url("c"), channel=channel))
    assert slack.command(form).status == 200


# -- message shortcut ------------------------------------------------------------------


def test_shortcut_answers_ephemerally_in_a_muted_channel(
    server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    with finished(server, "command"):  # its announcement posted before the fake forgets
        _command(slack, fake, "mute", "CMUTED")
    fake.reset()
    # Channel mode would answer none of these: a success code, and two generic codes
    # no product is named for. The person asked, so each is answered.
    text = "login returned 200, then 302, and nginx returned 404"
    body = P.message_shortcut(text, channel="CMUTED", response_url=fake.response_url("sc"))
    with finished(server, "shortcut"):
        reply = slack.action(body)
        assert reply.status == 200 and reply.seconds < 3
    (answer,) = fake.calls_to("response_url:sc")
    assert answer.params["response_type"] == "ephemeral"
    assert answer.params["replace_original"] is False
    for code in ("commsease 200", "commsease 302", "commsease 404"):
        assert code in answer.params["text"]
    assert len(answer.params["blocks"]) <= 50
    assert fake.calls_to("chat.postMessage") == []  # nothing public


def test_shortcut_on_a_message_without_codes_says_so(
    server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    body = P.message_shortcut("lunch at noon? <!channel>", response_url=fake.response_url("none"))
    with finished(server, "shortcut"):
        slack.action(body)
    (answer,) = fake.calls_to("response_url:none")
    assert answer.params["text"] == "I found no error code in that message."


# -- Workflow Builder step -----------------------------------------------------------


def _completed(fake: FakeSlack, method: str) -> dict:
    (call,) = fake.wait_for(method)
    assert call.headers["authorization"] == "Bearer xwfp-e2e-token"  # the step's own token
    return call.params


def test_function_executed_completes_with_the_outputs(
    server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    with finished(server, "workflow_step"):
        reply = slack.event(P.function_executed({"query": "bems 1027"}, execution="Fx1027"))
        assert reply.status == 200 and reply.seconds < 3
    params = _completed(fake, "functions.completeSuccess")
    assert params["function_execution_id"] == "Fx1027"
    outputs = params["outputs"]
    outputs = json.loads(outputs) if isinstance(outputs, str) else outputs
    assert outputs["found"] is True
    assert outputs["summary"].startswith("1027 WRONG_SERVER (BlackBerry BEMS-Connect): ")
    assert outputs["remediation"].startswith("1. ")
    assert outputs["severity"] in ("info", "warning", "error")
    assert fake.calls_to("functions.completeError") == []


def test_function_executed_with_an_unknown_code_is_found_false(
    server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    with finished(server, "workflow_step"):
        slack.event(P.function_executed({"query": "99999"}))
    outputs = _completed(fake, "functions.completeSuccess")["outputs"]
    outputs = json.loads(outputs) if isinstance(outputs, str) else outputs
    assert outputs == {
        "found": False,
        "summary": "No entry for “99999”.",
        "remediation": "",
        "severity": "",
    }


@pytest.mark.parametrize(
    ("inputs", "reason"),
    [({}, "is missing"), ({"query": "  "}, "is empty"), ({"query": 7}, "is missing")],
)
def test_function_executed_with_bad_input_completes_with_an_error(
    inputs: dict, reason: str, server: ServeProcess, slack: SlackSender, fake: FakeSlack
) -> None:
    with finished(server, "workflow_step"):
        slack.event(P.function_executed(inputs, execution="FxBad"))
    params = _completed(fake, "functions.completeError")
    assert params["function_execution_id"] == "FxBad"
    assert params["error"].startswith("The input `query` ") and reason in params["error"]
    assert fake.calls_to("functions.completeSuccess") == []
