"""Slack Web API faults against ``errcode serve``: every reply lands exactly once.

The whole matrix of :mod:`e2e.fault_cases` runs once, all cases at the same time
(about as long as its slowest case, a 5-second answer), and each case is then
checked by its own test, so a failure names the fault.
"""

from __future__ import annotations

import pytest
from e2e import payloads as P
from e2e.fake_slack import FakeSlack
from e2e.fault_cases import ACK_LIMIT, CASES, FaultCase, FaultResult, run_matrix
from e2e.harness import ServeProcess, SlackSender

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def results(server: ServeProcess, fake: FakeSlack) -> dict[str, FaultResult]:
    fake.reset()
    return {result.case.name: result for result in run_matrix(fake, SlackSender(server.url))}


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


def test_slash_command_acked_in_time_while_a_reply_hangs(
    slack: SlackSender, fake: FakeSlack
) -> None:
    # A channel reply stuck in a 5 s answer must not hold up a command meanwhile.
    fake.slow("chat.postMessage", 5.0)
    slack.event(P.message("error 1027 while Slack is slow", channel="CSLOW"))
    form = P.slash_form(P.slash_command("SERVER_BUSY", response_url=fake.response_url("meanwhile")))
    reply = slack.command(form)
    assert reply.status == 200 and reply.seconds < ACK_LIMIT
    assert fake.wait_for("response_url:meanwhile", timeout=3)
    assert len(fake.wait_for("chat.postMessage", timeout=8)) == 1
