"""The result type shared by every side-by-side check."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


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
        # NaN compares False with everything, so Python's max() would skip it: count it as inf.
        return max((math.inf if math.isnan(d) else d for _, d in self.rows), default=0.0)

    def within(self, tolerance: float) -> bool:
        """True when every checked step agrees to ``tolerance``."""
        return self.max_diff <= tolerance

    def __str__(self) -> str:
        lines = [f"{self.name} ({self.dtype}): max |{self.ours} - {self.versus}| = {magnitude(self.max_diff)}"]
        shown = self.rows if len(self.rows) <= 6 else self.rows[:3] + self.rows[-3:]
        lines += [f"  {_label(key)}: {magnitude(diff)}" for key, diff in shown]
        return "\n".join(lines)

    __repr__ = __str__


def absdiff(a, b) -> float:
    """max |a - b| over all elements, for the tables.

    Equal values count as 0 (also inf == inf, and NaN on both sides); a value that is
    non-finite on one side only counts as inf, so a comparison can never pass on NaN.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: ours {a.shape}, keras {b.shape}")
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    with np.errstate(invalid="ignore"):  # inf - inf where both sides are inf: masked by `same`
        diff = np.where(same, 0.0, np.abs(a - b))
    diff = np.where(np.isnan(diff), np.inf, diff)
    return float(diff.max(initial=0.0))


def _label(key) -> str:
    return f"step {key:>4}" if isinstance(key, int) else f"{key:>9}"


def magnitude(x: float) -> str:
    """``x`` as an order of magnitude (``"0"``, ``"≤1e-15"``), the way tables print differences.

    Only the magnitude: last-bit noise must not change a stored notebook output.
    """
    return "0" if x == 0 else f"≤1e{math.ceil(math.log10(x))}"
