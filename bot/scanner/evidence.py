"""Weigh what the features around a number say: is it used as an error code?

A number's features (:mod:`bot.scanner.features`) are combined in one way for every
message: a veto settles it (a quantity with its unit, an id, part of a URL, another
system's code); otherwise each present feature adds its weight to a bias, and the number
is a code when the sum reaches the threshold. The score is the log-odds of a logistic
regression, so a strong feature ("errorCode=") outweighs a weak counter-sign ("1027
happens"), while a weak one ("got") does not ("got 300 ppl").

The weights are data, fitted on labelled channel messages by ``tests/scripts/
fit_evidence.py`` and shipped as ``weights.json`` beside this module; the held-out corpora
never take part in the fit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from bot.scanner.words import FEATURES

__all__ = ["Evidence", "Weights", "load_weights", "weigh"]

_BY_NAME = {f.name: f for f in FEATURES}
_VETOES = frozenset(f.name for f in FEATURES if f.kind == "veto")


@dataclass(frozen=True, slots=True)
class Weights:
    """A fitted model: the log-odds a feature adds, the bias, and the decision threshold."""

    bias: float
    threshold: float
    weights: Mapping[str, float]

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Weights:
        raw = data["weights"]
        if not isinstance(raw, dict):
            raise ValueError("weights.json: 'weights' must be an object of feature: weight")
        unknown = sorted(set(raw) - set(_BY_NAME))
        if unknown:
            raise ValueError(f"weights.json: unknown features {unknown}")
        bias, threshold = data["bias"], data["threshold"]
        if not isinstance(bias, int | float) or not isinstance(threshold, int | float):
            raise ValueError("weights.json: 'bias' and 'threshold' must be numbers")
        weights = {str(k): float(v) for k, v in raw.items()}
        return cls(float(bias), float(threshold), MappingProxyType(weights))


@cache
def load_weights() -> Weights:
    """The weights shipped with the package."""
    text = resources.files("bot.scanner").joinpath("weights.json").read_text(encoding="utf-8")
    return Weights.from_json(json.loads(text))


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the features around one number add up to."""

    features: frozenset[str]
    score: float
    vetoed: bool
    taken: bool
    #: Why it was taken, in :class:`bot.models.Mention` vocabulary ("" when not taken).
    reason: str

    @property
    def unsure(self) -> bool:
        """Neither taken nor vetoed: a parallel clause or a list may still make it a code."""
        return not self.taken and not self.vetoed


def weigh(features: Iterable[str], weights: Weights | None = None) -> Evidence:
    """Combine ``features`` by ``weights`` (the shipped ones by default)."""
    model = weights or load_weights()
    present = frozenset(features)
    if present & _VETOES:
        return Evidence(present, float("-inf"), vetoed=True, taken=False, reason="")
    contributions = [(model.weights.get(name, 0.0), name) for name in present]
    score = model.bias + sum(w for w, _ in contributions)
    taken = score >= model.threshold
    reason = ""
    if taken:
        best = max((c for c in contributions if c[0] > 0), default=None)
        reason = _BY_NAME[best[1]].reason if best else "context word"
    return Evidence(present, score, vetoed=False, taken=taken, reason=reason)
