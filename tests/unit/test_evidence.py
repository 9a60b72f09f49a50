"""How the evidence model weighs features, and that word lists are data."""

from __future__ import annotations

import pytest

from bot.binding import systems
from bot.knowledge.base import KnowledgeBase
from bot.scanner import scan, words
from bot.scanner.evidence import Weights, load_weights, weigh


def test_shipped_weights_cover_every_weighed_feature() -> None:
    model = load_weights()
    weighed = {f.name for f in words.FEATURES if f.kind != "veto"}
    assert set(model.weights) == weighed
    for f in words.FEATURES:
        if f.kind == "against":
            assert model.weights[f.name] <= 0, f.name  # the fit's sign constraint


def test_a_veto_settles_whatever_else_is_present() -> None:
    result = weigh({"code_word_before", "key_value_code", "unit_after"})
    assert result.vetoed and not result.taken and not result.unsure


def test_score_is_bias_plus_weights_and_threshold_decides() -> None:
    model = Weights(
        bias=-1.0, threshold=0.5, weights={"code_word_before": 2.0, "plural_after": -1.0}
    )
    taken = weigh({"code_word_before"}, model)
    assert taken.score == pytest.approx(1.0) and taken.taken and taken.reason == "context word"
    against = weigh({"code_word_before", "plural_after"}, model)
    assert against.score == pytest.approx(0.0) and not against.taken and against.unsure


def test_unknown_feature_in_weights_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown features"):
        Weights.from_json({"bias": 0, "threshold": 0, "weights": {"no_such_feature": 1.0}})


def test_a_new_context_word_is_a_data_change(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "the gizmo flagged 1027 again"
    assert scan(text, kb) == []
    monkeypatch.setattr(words, "VERBS", words.VERBS | {"flagged"})
    assert [m.key for mention in scan(text, kb) for m in mention.matches] == ["bems:1027"]


def test_a_new_code_word_after_a_number_is_a_data_change(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "Lync: 1027 glitch"
    assert scan(text, kb) == []
    monkeypatch.setattr(words, "CODE_WORDS_AFTER", words.CODE_WORDS_AFTER | {"glitch"})
    assert [m.key for mention in scan(text, kb) for m in mention.matches] == ["bems:1027"]


def test_a_new_unit_is_a_data_change(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "error 1027 zorp"
    assert scan(text, kb)
    monkeypatch.setattr(words, "UNITS", words.UNITS | {"zorp"})
    assert scan(text, kb) == []


def test_a_new_other_system_is_a_data_change(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "frobnicator returned error 1027"
    assert scan(text, kb)
    monkeypatch.setattr(words, "OTHER_SYSTEMS", words.OTHER_SYSTEMS | {"frobnicator"})
    assert scan(text, kb) == []


def test_a_new_result_constant_word_is_a_data_change(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "```\nkFaultTeamGone = 803,\n```"
    assert scan(text, kb) == []  # a constant like any setting: kMaxMembers = 500
    monkeypatch.setattr(words, "RESULT_CONSTANT_WORDS", words.RESULT_CONSTANT_WORDS | {"fault"})
    assert [m.key for mention in scan(text, kb) for m in mention.matches] == ["commsease:803"]


def test_a_new_json_rpc_peer_is_a_data_change(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "Upgraded the zorbnode server.\n```\nerror: METHOD_NOT_FOUND\n```"
    assert scan(text, kb)
    monkeypatch.setattr(systems, "JSON_RPC_PEERS", (*systems.JSON_RPC_PEERS, "zorbnode"))
    assert scan(text, kb) == []


def test_a_new_standard_sharing_our_numbers_is_a_data_change(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "error 1027: the quux handshake timed out"
    assert scan(text, kb)
    monkeypatch.setitem(systems.OTHER_STANDARDS, "quux", (("quux handshake",), {"1027": ()}))
    assert scan(text, kb) == []


def test_new_os_error_and_qualifier_words_are_data_changes(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    os_error = "curl failed: [CurlError 1027] could not connect"
    assert scan(os_error, kb)
    monkeypatch.setattr(words, "OS_ERROR_WORDS", words.OS_ERROR_WORDS | {"curlerror"})
    assert scan(os_error, kb) == []
    qualified = "```js\nconfig.WRONG_SERVER\n```"
    assert scan(qualified, kb) == []  # a type's member, as EMError.SERVER_BUSY is
    monkeypatch.setattr(words, "NOT_TYPE_QUALIFIERS", words.NOT_TYPE_QUALIFIERS | {"config"})
    assert [m.key for mention in scan(qualified, kb) for m in mention.matches] == ["bems:1027"]
