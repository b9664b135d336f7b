"""The result type shared by every side-by-side check."""
from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class Comparison:
    """Max abs differences between ``course_lib`` and Keras, one row per checked step.

    ``rows`` holds ``(step, max_abs_diff)`` pairs (or ``(label, max_abs_diff)`` where a row
    is not a step, e.g. ``"value"``, ``"d/dW1"``); ``max_diff`` is the worst of them.
    ``ours`` and ``versus`` name the two sides in the printed header (by default
    ``max |ours - keras|``); a notebook comparing a hand derivation with autodiff says so.
    Printing it shows a short table with numbers in scientific notation, rounded so
    that the printed text is stable from run to run.
    """

    name: str
    dtype: str
    rows: list[tuple[int | str, float]] = field(default_factory=list)
    ours: str = "ours"
    versus: str = "keras"

    @property
    def max_diff(self) -> float:
        return max((d for _, d in self.rows), default=0.0)

    def within(self, tolerance: float) -> bool:
        """True when every checked step agrees to ``tolerance``."""
        return self.max_diff <= tolerance

    def __str__(self) -> str:
        lines = [f"{self.name} ({self.dtype}): max |{self.ours} - {self.versus}| = {_fmt(self.max_diff)}"]
        shown = self.rows if len(self.rows) <= 6 else self.rows[:3] + self.rows[-3:]
        lines += [f"  {_label(key)}: {_fmt(diff)}" for key, diff in shown]
        return "\n".join(lines)

    __repr__ = __str__


def _label(key) -> str:
    return f"step {key:>4}" if isinstance(key, int) else f"{key:>9}"


def _fmt(x: float) -> str:
    """Order of magnitude only: last-bit noise must not change a stored notebook output."""
    return "0" if x == 0 else f"≤1e{math.ceil(math.log10(x))}"
