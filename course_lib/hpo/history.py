"""The trial history that every searcher shares: what was tried, what it gave, what it cost.

A *trial* is one evaluation of the objective ``f(params) -> float`` (smaller is better, as
Optuna's ``direction="minimize"``).  The history records, per trial: its number, the
parameters, the value, its state, the wall time it took and the *resource* it used (epochs,
training samples: what successive halving economises; 1 when the objective takes none).

An objective that returns NaN (a diverged training) does not stop the search: the trial is
marked ``"failed"`` and ignored when choosing the best, as Optuna does.  An objective that
*raises* is a bug in the objective; the error propagates.

    best_so_far[t] = min(value_0, ..., value_t)   over completed trials (inf before the first)
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Trial", "History", "COMPLETE", "FAILED"]

COMPLETE, FAILED = "complete", "failed"


@dataclass
class Trial:
    """One evaluation: ``number``, ``params``, ``value`` (NaN when failed), ``state``, ``duration`` (s), ``resource``."""

    number: int
    params: dict
    value: float
    state: str = COMPLETE
    duration: float = 0.0
    resource: float = 1.0
    info: dict = field(default_factory=dict)


class History:
    """An ordered list of trials, shared by every searcher (``searcher.history_``)."""

    def __init__(self):
        self.trials: list[Trial] = []

    def __len__(self):
        return len(self.trials)

    def __iter__(self):
        return iter(self.trials)

    def evaluate(self, objective, params: dict, resource=None, **info) -> Trial:
        """Call ``objective(params)`` (or ``objective(params, resource)``), record and return the trial."""
        start = time.perf_counter()
        raw = objective(params) if resource is None else objective(params, resource)
        duration = time.perf_counter() - start
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise TypeError(f"The objective must return a number; it returned {raw!r} for {params}") from None
        state = COMPLETE if math.isfinite(value) else FAILED  # NaN or inf: failed, the search goes on
        trial = Trial(len(self.trials), dict(params), value, state, duration,
                      1.0 if resource is None else float(resource), info)
        self.trials.append(trial)
        return trial

    @property
    def completed(self) -> list[Trial]:
        return [t for t in self.trials if t.state == COMPLETE]

    @property
    def values(self) -> np.ndarray:
        """Every trial's value, in order (NaN for failed trials)."""
        return np.array([t.value if t.state == COMPLETE else np.nan for t in self.trials])

    @property
    def best_trial(self) -> Trial:
        done = self.completed
        if not done:
            raise ValueError("No completed trial yet: every trial failed or none was run.")
        return min(done, key=lambda t: t.value)

    @property
    def best_params(self) -> dict:
        return self.best_trial.params

    @property
    def best_value(self) -> float:
        return self.best_trial.value

    def best_so_far(self) -> np.ndarray:
        """best_so_far[t] = min over completed trials 0..t of their value (inf before any)."""
        values = np.where(np.isnan(self.values), np.inf, self.values)
        return np.minimum.accumulate(values) if len(values) else values

    def cumulative_resource(self) -> np.ndarray:
        """Resource spent after each trial: sum of the resources of trials 0..t."""
        return np.cumsum([t.resource for t in self.trials])
