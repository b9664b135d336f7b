"""The test set, touched once: a wrapper around the held-out split that counts every read.

Why: a test score estimates how the *chosen* model does on new data only if nothing was chosen
by looking at it.  Evaluate ten models on the test set and keep the best, and the test set has
become a second validation set whose best score is optimistic (the winner's curse of notebook 06).
So the held-out arrays live inside :class:`HeldOutSet`; the only way to use them is
:meth:`HeldOutSet.evaluate`, which

    read k = 1:      allowed, recorded
    read k > 1:      refused with :class:`TestSetReuseError`, recorded as refused,
                     unless ``force=True`` (then allowed and recorded as forced)

and ``reads`` (the number of evaluations that ran) goes into the final report.  No library does
this job (scikit-learn and Keras hand out arrays); it is a discipline made visible, not a lock:
Python cannot stop a determined caller from reaching ``_x``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["HeldOutSet", "TestSetReuseError", "Access"]


class TestSetReuseError(RuntimeError):
    """A second evaluation of a :class:`HeldOutSet` without ``force=True``."""

    __test__ = False  # not a pytest test class, despite its name


@dataclass(frozen=True)
class Access:
    """One attempt to read the held-out set: its number, what asked, and whether it ran (or was forced)."""

    attempt: int
    what: str
    allowed: bool
    forced: bool


class HeldOutSet:
    """The held-out test split ``(x, y)``; :meth:`evaluate` runs once unless forced, and every attempt is logged.

    ``reads`` counts the evaluations that ran, ``refused`` those that were stopped, ``log`` lists
    every attempt as an :class:`Access`.  ``len(test)`` (the number of samples) is not a read.
    """

    def __init__(self, x, y, name="test set"):
        x, y = np.asarray(x), np.asarray(y)
        if x.ndim == 0 or y.ndim == 0 or len(x) != len(y):
            raise ValueError(f"Arguments `x` and `y` must have the same number of samples; got shapes "
                             f"{x.shape} and {y.shape}")
        if len(x) == 0:
            raise ValueError("Argument `x` must hold at least one sample; got an empty array")
        self._x, self._y, self.name = x, y, str(name)
        self.log: list[Access] = []

    def __len__(self):
        return len(self._x)

    @property
    def reads(self) -> int:
        """How many evaluations ran (forced ones included)."""
        return sum(a.allowed for a in self.log)

    @property
    def refused(self) -> int:
        """How many evaluations were refused."""
        return sum(not a.allowed for a in self.log)

    def evaluate(self, score, *, force=False):
        """Return ``score(x_test, y_test)``; refuse a second evaluation unless ``force=True``.

        ``score`` is any callable of the arrays, e.g. ``lambda x, y: model.evaluate(x, y, return_dict=True)``,
        returning a number or a dict of numbers.  Evaluate every finalist in *one* call when
        you compare several (a dict of scores): the choice was made before, on validation data.
        """
        if not callable(score):
            raise TypeError(f"Argument `score` must be a callable score(x, y); received {score!r}")
        what = getattr(score, "__name__", type(score).__name__)
        attempt = len(self.log) + 1
        if self.reads >= 1 and not force:
            self.log.append(Access(attempt, what, allowed=False, forced=False))
            first = next(a.what for a in self.log if a.allowed)
            raise TestSetReuseError(
                f"The {self.name} was already evaluated (read {self.reads} time(s), first by {first!r}). "
                "A second look lets the test score steer your choices, and it stops being an unbiased "
                "estimate. Choose on the validation set. To re-run a final report on purpose, pass "
                "force=True: the read is recorded and reported.")
        self.log.append(Access(attempt, what, allowed=True, forced=bool(force and self.reads >= 1)))
        return score(self._x.copy(), self._y.copy())  # copies: a score function cannot change the test set

    def summary(self) -> str:
        """One line for the final report: reads, forced reads and refused attempts."""
        forced = sum(a.forced for a in self.log)
        return (f"{self.name}: {len(self)} samples, read {self.reads} time(s) "
                f"({forced} forced), {self.refused} refused attempt(s)")

    def __repr__(self):
        return f"HeldOutSet({self.name!r}, samples={len(self)}, reads={self.reads})"
