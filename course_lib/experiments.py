"""Small tools for fair optimizer experiments: a learning-rate sweep, and two path measurements.

The fair-comparison rule of the course: every optimizer gets the same seeds, the same
batches, and its *own* best learning rate from a small sweep, because an optimizer
compared at somebody else's learning rate mostly measures that learning rate.

    best_lr = argmin_{lr in sweep} score(run(lr))          (a diverged run scores +inf)

and two measurements of a path of iterates:

    steps_to_tolerance(losses, tol) = min { t : loss_t <= tol }     (None if never)
    steps_to_stay_below(losses, tol) = min { t : loss_s <= tol for every s >= t }   (None if the last is above)
    sign_changes(x)                 = #{ t : x_t x_{t-1} < 0 }       (oscillation across 0)
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ._checks import check_finite, check_vector
from .optimizers import NonFiniteGradientError

__all__ = ["Sweep", "lr_sweep", "steps_to_tolerance", "steps_to_stay_below", "sign_changes"]


@dataclass
class Sweep:
    """The outcome of :func:`lr_sweep`: every run, its score, and the best one.

    ``results[lr]`` is what ``run(lr)`` returned, ``scores[lr]`` its score (lower is
    better, ``inf`` for a diverged run); ``best_lr`` is the learning rate with the lowest
    score (the smallest such rate on a tie) and ``best`` its result.
    """

    results: dict[float, Any] = field(default_factory=dict)
    scores: dict[float, float] = field(default_factory=dict)

    @property
    def best_lr(self) -> float:
        return min(self.scores, key=lambda lr: (self.scores[lr], lr))

    @property
    def best(self) -> Any:
        return self.results[self.best_lr]

    @property
    def best_score(self) -> float:
        return self.scores[self.best_lr]

    def __str__(self) -> str:
        cells = ", ".join(f"{lr:g}: {_fmt(s)}" for lr, s in self.scores.items())
        return f"best lr {self.best_lr:g} (score by lr: {cells})"


def _fmt(score: float) -> str:
    return "inf" if not math.isfinite(score) else f"{score:.4g}"


def lr_sweep(run: Callable[[float], Any], learning_rates, score: Callable[[Any], float],
             diverges_on: tuple[type[BaseException], ...] = (NonFiniteGradientError,)) -> Sweep:
    """Run ``run(lr)`` for each learning rate and keep the one whose ``score(result)`` is lowest.

    ``run`` must use the same seeds and batches for every ``lr``, so that the learning
    rate is the only thing that changes.  A score that is NaN or infinite (a diverged run)
    counts as ``+inf``.  Divergence is an outcome, not an error: numpy's overflow warnings
    are silenced during the runs, and a run that raises one of ``diverges_on`` is recorded
    with result None and score ``+inf``.  The default, :class:`NonFiniteGradientError`, is
    what course_lib optimizers raise when they refuse a NaN/inf gradient; any other error
    (a shape bug) stops the sweep.  Raises ValueError if no learning rate gives a finite
    score, chained to the last run's exception when there was one.
    """
    if not callable(run) or not callable(score):
        raise TypeError("Arguments `run` and `score` must be callables: run(lr) -> result, score(result) -> float.")
    rates = list(learning_rates) if not isinstance(learning_rates, (str, bytes)) else None
    if not rates:
        raise ValueError(f"Argument `learning_rates` must be a non-empty list of numbers > 0. "
                         f"Received: learning_rates={learning_rates!r}")
    for lr in rates:
        if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not (lr > 0 and math.isfinite(lr)):
            raise ValueError(f"Every learning rate must be a finite number > 0. Received: {lr!r}")
    if len(set(rates)) != len(rates):
        raise ValueError(f"Argument `learning_rates` has duplicates: {rates!r}")
    sweep, last_error = Sweep(), None
    for lr in rates:
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                result = run(lr)
                value = float(score(result))
        except diverges_on as error:
            result, value, last_error = None, math.inf, error
        sweep.results[lr], sweep.scores[lr] = result, value if math.isfinite(value) else math.inf
    if all(math.isinf(s) for s in sweep.scores.values()):
        raise ValueError(f"Every run of the sweep diverged (learning rates {rates}); "
                         "try smaller ones.") from last_error
    return sweep


def steps_to_tolerance(losses, tol: float) -> int | None:
    """The first step t with ``losses[t] <= tol`` (``losses[0]`` is the start); None if never.

    NaN losses (a diverged run) never count as reaching the tolerance.
    """
    losses = check_vector("losses", losses)
    check_finite("tol", tol)
    with np.errstate(invalid="ignore"):
        hits = np.flatnonzero(losses <= tol)
    return int(hits[0]) if hits.size else None


def steps_to_stay_below(losses, tol: float) -> int | None:
    """The first step t from which ``losses`` stays ``<= tol`` to the end of the run; None if it ends above.

    A robust count: unlike :func:`steps_to_tolerance` (the *first* touch), a path that swings
    through the minimum and climbs back out is not rewarded for the early dip.  NaN counts as above.
    """
    losses = check_vector("losses", losses)
    check_finite("tol", tol)
    with np.errstate(invalid="ignore"):
        above = np.flatnonzero(~(losses <= tol))                # NaN is "above" too
    if not above.size:
        return 0
    last = int(above[-1])
    return None if last == len(losses) - 1 else last + 1


def sign_changes(values) -> int:
    """How often consecutive values have opposite signs: a count of oscillations across 0.

    Exact zeros are skipped (they have no side); NaNs are not allowed.
    """
    values = check_vector("values", values)
    if np.isnan(values).any():
        raise ValueError("Argument `values` must not contain NaN.")
    signs = np.sign(values[values != 0])
    return int(np.count_nonzero(signs[1:] != signs[:-1]))
