"""The most work one message may cost: a cap on the candidates the scanner and resolver weigh.

Slack lets a message run to 40,000 characters, and a message of nothing but candidates
("1027, 1027, ...", "PC PC PC ...") would otherwise cost seconds of CPU. So each message
gets a :class:`Budget` of :data:`MAX_CANDIDATES`:

- the scanner (channel mode) spends one per number it weighs (a known code, not
  ruled out by its shape) and one per distinct identifier it looks up;
- the resolver (direct mode) spends one per number it looks up and one per word where a
  text code could start.

Past the cap the rest of the message is not read, and the result says so
(``Resolution.truncated``; the scanner keeps what it found). Every candidate's own cost is
bounded (a fixed look-back, at most nine words per text code), so the work per message is
linear in its length and capped: under 50 ms for any 40,000 characters
(``tests/scripts/bench_worst.py``).
"""

from __future__ import annotations

__all__ = ["MAX_CANDIDATES", "Budget"]

#: Candidates weighed per message at most. A real question names a handful of codes and a
#: pasted log a few dozen; 200 leaves room for both and keeps the worst case near 20 ms.
MAX_CANDIDATES = 200


class Budget:
    """The candidates one message may still have weighed."""

    __slots__ = ("exhausted", "limit", "spent")

    def __init__(self, limit: int | None = None) -> None:
        #: The most :meth:`take` grants (:data:`MAX_CANDIDATES`, read when the budget is made).
        self.limit = MAX_CANDIDATES if limit is None else limit
        #: How many it has granted.
        self.spent = 0
        #: Whether a candidate was refused: the message was not read to its end.
        self.exhausted = False

    def take(self) -> bool:
        """Spend one candidate; False (and :attr:`exhausted` set) once the cap is reached."""
        if self.spent >= self.limit:
            self.exhausted = True
            return False
        self.spent += 1
        return True
