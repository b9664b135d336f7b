"""Known, explained differences: cases where course_lib keeps a result Keras does not give.

Agreement with Keras is the rule, and every ``compare_*`` check asserts it.  A few
cases are deliberate exceptions, where Keras (or its backend) is arguably wrong or
undefined and the course keeps the correct result.  A kept difference must not be a
silent one: each is registered here with

* ``component`` — the course_lib object (``"CategoricalCrossentropy"``);
* ``case`` — the input on which the two differ, in words;
* ``explanation`` — what Keras does and why we differ;
* ``compute()`` — a function returning ``(ours, keras)``: both numbers, computed now;
* ``backends`` — the Keras backends on which Keras differs (empty: all of them).

:func:`check_known_differences` computes every registered case on the active backend
and reports each as *known* (it differs as explained, or agrees where it is expected
to), or *unexpected* (Keras changed: the entry and the docstring need a review).
``tools/check_against_keras.py`` prints them in their own table, neither as passes
nor as failures.  Register a new case with the :func:`known_difference` decorator
next to the comparison it belongs to (``_losses.py``, ``_optimizers.py``...).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._table import absdiff

__all__ = ["KnownDifference", "KnownDifferenceResult", "KNOWN_DIFFERENCES", "known_difference",
           "check_known_differences"]


@dataclass(frozen=True)
class KnownDifference:
    """One registered difference: where, on what input, why, and how to compute both sides."""

    component: str
    case: str
    explanation: str
    compute: Callable[[], tuple]
    backends: tuple[str, ...] = ()

    def expected_on(self, backend: str) -> bool:
        """Whether Keras is expected to differ from us on ``backend``."""
        return not self.backends or backend in self.backends


KNOWN_DIFFERENCES: list[KnownDifference] = []


def known_difference(component, case, explanation, backends=()):
    """Decorator: register ``compute() -> (ours, keras)`` as a known, explained difference."""
    def register(compute):
        KNOWN_DIFFERENCES.append(KnownDifference(component, case, explanation, compute, tuple(backends)))
        return compute
    return register


@dataclass
class KnownDifferenceResult:
    """Both numbers for one :class:`KnownDifference` on one backend, and whether that is as expected."""

    difference: KnownDifference
    backend: str
    ours: np.ndarray
    keras: np.ndarray
    tolerance: float

    @property
    def max_diff(self) -> float:
        return absdiff(self.ours, self.keras)

    @property
    def differs(self) -> bool:
        return self.max_diff > self.tolerance

    @property
    def as_expected(self) -> bool:
        """Differs where Keras is known to differ, agrees elsewhere."""
        return self.differs == self.difference.expected_on(self.backend)

    @property
    def status(self) -> str:
        if not self.as_expected:
            return "UNEXPECTED: review the entry"
        return "known difference" if self.differs else "agrees on this backend"

    def __str__(self) -> str:
        fmt = lambda a: np.array2string(np.round(np.asarray(a, dtype=np.float64), 4), separator=", ")
        d = self.difference
        return (f"{d.component} — {d.case}: ours {fmt(self.ours)}, keras {fmt(self.keras)} "
                f"[{self.status}]\n  {d.explanation}")

    __repr__ = __str__


def check_known_differences(tolerance=1e-6):
    """Compute every registered difference on the active Keras backend (a list of results)."""
    import keras

    backend = keras.backend.backend()
    results = []
    for difference in KNOWN_DIFFERENCES:
        ours, theirs = difference.compute()
        results.append(KnownDifferenceResult(difference, backend, np.asarray(ours), np.asarray(theirs), tolerance))
    return results
