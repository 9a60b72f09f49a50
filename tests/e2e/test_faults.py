"""Slack Web API faults against ``errcode serve``: every reply lands exactly once.

The whole matrix of :mod:`e2e.fault_cases` runs once, all cases at the same time
(about as long as its slowest case, a 5-second answer), and each case is then
checked by its own test, so a failure names the fault. Slash commands are answered
in their ack; the cases where the answer misses it (``command-late``) run against a
second server whose state store is slow.
"""

from __future__ import annotations

import pytest
from e2e.fault_cases import (
    ACK_LIMIT,
    CASES,
    LATE_STORE_DELAY,
    FaultCase,
    FaultResult,
    run_matrix,
)
from e2e.harness import ServeProcess, SlackSender
from fakes import payloads as P
from fakes.fake_slack import FakeSlack
from fakes.slow_store import DELAY_ENV, serve_command

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def results(server: ServeProcess, fake: FakeSlack) -> dict[str, FaultResult]:
    fake.reset()
    slow = {DELAY_ENV: str(LATE_STORE_DELAY)}
    with ServeProcess(fake.api_url, command=serve_command(), **slow) as late:
        matrix = run_matrix(fake, SlackSender(server.url), late_sender=SlackSender(late.url))
    return {result.case.name: result for result in matrix}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_fault(case: FaultCase, results: dict[str, FaultResult]) -> None:
    result = results[case.name]
    assert result.problems() == [], f"{case.fault}: {result}"


def test_a_dropped_post_is_checked_for_before_posting_again(
    results: dict[str, FaultResult],
) -> None:
    # The bot cannot tell the two drops apart; it asks Slack (once each) instead.
    for name in ("reply-drop-before", "reply-drop-after", "dm-drop-before", "dm-drop-after"):
        assert results[name].lookups == 1, name
    assert results["reply-429"].lookups == 0  # an answered failure needs no check


def test_posts_carry_the_reply_id_the_check_looks_for(
    results: dict[str, FaultResult], fake: FakeSlack
) -> None:
    ids = [m["metadata"]["event_payload"]["reply_id"] for m in fake.messages]
    assert ids and all(ids) and len(set(ids)) == len(ids)


def test_slash_command_answered_in_the_ack_while_a_reply_hangs(
    slack: SlackSender, fake: FakeSlack
) -> None:
    # A channel reply stuck in a 5 s answer must not hold up a command meanwhile.
    fake.slow("chat.postMessage", 5.0)
    slack.event(P.message("error 1027 while Slack is slow", channel="CSLOW"))
    form = P.slash_form(P.slash_command("SERVER_BUSY", response_url=fake.response_url("meanwhile")))
    reply = slack.command(form)
    assert reply.status == 200 and reply.seconds < ACK_LIMIT
    assert "SERVER_BUSY" in reply.json()["text"]
    assert len(fake.wait_for("chat.postMessage", timeout=8)) == 1
    assert fake.calls_to("response_url:meanwhile") == []


def test_commands_make_no_call_while_every_post_fails(results: dict[str, FaultResult]) -> None:
    # The answer is the ack: not one response_url or Web API call, whatever Slack does.
    for case in CASES:
        if case.target == "command":
            assert results[case.name].in_ack and results[case.name].attempts == 0, case.name
