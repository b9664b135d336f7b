"""Experiments of notebook 06: the same budget for every searcher, several seeds, medians and spread.

``race(make_objective, searchers, n_trials, seeds)`` runs every searcher on ``make_objective(seed)``
for each seed and returns, per searcher, the (seeds x trials) array of best-so-far values and the
wall time.  ``summary(curves)`` gives the median and the interquartile range over seeds, and
``trials_to_target(curve, target)`` the first trial count whose best-so-far reaches a target.
"""
from __future__ import annotations

import time

import numpy as np

__all__ = ["race", "summary", "trials_to_target"]


def race(make_objective, searchers: dict, n_trials: int, seeds) -> dict:
    """``{name: {"best_so_far": (len(seeds), n_trials) array, "seconds": float, "histories": [...]}}``.

    ``searchers[name](objective, seed) -> History`` runs one search of ``n_trials`` trials.
    """
    results = {name: {"best_so_far": [], "seconds": 0.0, "histories": []} for name in searchers}
    for seed in seeds:
        objective = make_objective(seed)
        for name, run in searchers.items():
            start = time.perf_counter()
            history = run(objective, seed)
            results[name]["seconds"] += time.perf_counter() - start
            curve = history.best_so_far()
            curve = np.concatenate([curve, np.full(n_trials - len(curve), curve[-1])])  # a short grid: flat end
            results[name]["best_so_far"].append(curve[:n_trials])
            results[name]["histories"].append(history)
    for entry in results.values():
        entry["best_so_far"] = np.array(entry["best_so_far"])
    return results


def summary(curves) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Median, 25th and 75th percentile over the first axis (the seeds)."""
    curves = np.asarray(curves, dtype=float)
    return np.median(curves, axis=0), np.percentile(curves, 25, axis=0), np.percentile(curves, 75, axis=0)


def trials_to_target(curve, target) -> float:
    """1 + the first index where ``curve <= target`` (trials needed); inf if never reached."""
    hits = np.flatnonzero(np.asarray(curve) <= target)
    return float(hits[0] + 1) if hits.size else float("inf")
