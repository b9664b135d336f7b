"""Grid search and random search, and the ask/tell loop that every searcher uses.

A searcher proposes parameters (``ask``), the loop evaluates them and records the trial in
the shared :class:`~course_lib.hpo.history.History`, and the searcher learns from the result
(``tell``).  ``optimize(objective, n_trials)`` runs that loop, like Optuna's
``study.optimize(objective, n_trials)``; it returns the history (also ``searcher.history_``).

- **Grid search** tries the points of ``Space.grid(points)`` in ParameterGrid order
  (``sklearn.model_selection.GridSearchCV``); with ``n_trials`` smaller than the grid it stops early.
- **Random search** draws every point independently from the space
  (``RandomizedSearchCV``, Optuna's ``RandomSampler``).  Bergstra & Bengio (2012): when only a
  few of the d hyperparameters matter, n random points try n distinct values of each of them,
  a grid of the same size only n^(1/d).
"""
from __future__ import annotations

from .._checks import check_int
from .history import History
from .space import Space, as_rng

__all__ = ["Searcher", "GridSearch", "RandomSearch"]


class Searcher:
    """Base of every searcher: ``ask() -> params``, ``tell(trial)``, and the loop ``optimize``."""

    def __init__(self, space: Space, random_state=None):
        if not isinstance(space, Space):
            raise TypeError(f"`space` must be a course_lib.hpo.Space. Received: space={space!r}")
        self.space = space
        self.random_state = random_state
        self.rng = as_rng(random_state)
        self.history_ = History()

    def ask(self) -> dict:
        raise NotImplementedError

    def tell(self, trial) -> None:
        """Learn from a finished trial (random and grid search need nothing)."""

    def optimize(self, objective, n_trials) -> History:
        """Run ``n_trials`` more trials of ``objective(params) -> float``; return the history."""
        n_trials = check_int("n_trials", n_trials)
        for _ in range(n_trials):
            params = self.ask()
            if params is None:  # nothing left to try (a finished grid)
                break
            self.tell(self.history_.evaluate(objective, params))
        return self.history_


class GridSearch(Searcher):
    """Try every point of ``space.grid(points)``, in ParameterGrid order."""

    def __init__(self, space: Space, points=3):
        super().__init__(space)
        self.points = check_int("points", points)
        self.grid = space.grid(self.points)
        self._next = 0

    def ask(self):
        if self._next >= len(self.grid):
            return None
        self._next += 1
        return dict(self.grid[self._next - 1])


class RandomSearch(Searcher):
    """Draw each trial's parameters independently from the space (seeded by ``random_state``)."""

    def ask(self):
        return self.space.sample(self.rng)
