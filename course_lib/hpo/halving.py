"""Successive halving and Hyperband: give many candidates a little resource, the best ones more.

A *resource* is what makes a trial expensive: epochs, or training samples.  The objective is
``f(params, resource) -> float``.  Successive halving with factor eta (Jamieson & Talwalkar 2016;
the rules of ``sklearn.model_selection.HalvingRandomSearchCV``):

    n_0 = n_candidates  (or max_resources // min_resources, "exhaust")
    rungs = min(1 + floor(log_eta n_0), 1 + floor(log_eta(max_resources // min_resources)))
    rung i:  r_i = min(eta^i min_resources, max_resources)   resource per candidate
             evaluate the n_i survivors with r_i;  n_{i+1} = ceil(n_i / eta) best go on

Compute spent: sum_i n_i r_i, against n_0 max_resources to train every candidate fully.

Hyperband (Li et al. 2018) runs several successive-halving *brackets* that trade the number of
candidates against their starting resource, with R = max_resources / min_resources:

    s_max = floor(log_eta R);   bracket s = s_max, ..., 0:
        n = ceil((s_max + 1) / (s + 1) eta^s) candidates starting at r = R eta^-s (x min_resources)
        rung i = 0..s:  n_i = floor(n eta^-i) candidates with r eta^i, the best floor(n_i / eta) go on

Optuna's ``SuccessiveHalvingPruner`` and ``HyperbandPruner`` apply the same rules to trials that
report intermediate values (``trial.report`` / ``trial.should_prune``).
"""
from __future__ import annotations

import math

import numpy as np

from .._checks import check_int
from .history import History
from .space import Space, as_rng

__all__ = ["halving_rungs", "hyperband_brackets", "SuccessiveHalving", "Hyperband"]


def halving_rungs(n_candidates, min_resources, max_resources, factor=3, aggressive_elimination=False):
    """The rungs ``[(n_candidates_i, n_resources_i), ...]``, exactly as HalvingRandomSearchCV runs them.

    ``n_candidates="exhaust"`` starts with ``max_resources // min_resources`` candidates.
    """
    min_resources = check_int("min_resources", min_resources)
    max_resources = check_int("max_resources", max_resources)
    factor = check_int("factor", factor, minimum=2)
    if min_resources > max_resources:
        raise ValueError(f"`min_resources` must be <= `max_resources`. "
                         f"Received: min_resources={min_resources}, max_resources={max_resources}")
    n = max_resources // min_resources if n_candidates == "exhaust" else check_int("n_candidates", n_candidates)
    n_required = 1 + math.floor(math.log(n, factor))                       # rungs to get down to one candidate
    n_possible = 1 + math.floor(math.log(max_resources // min_resources, factor))  # rungs the resource allows
    n_rungs = n_required if aggressive_elimination else min(n_possible, n_required)
    rungs = []
    for i in range(n_rungs):
        power = max(0, i - n_required + n_possible) if aggressive_elimination else i
        resources = min(int(factor ** power * min_resources), max_resources)  # r_i = min(eta^i r_0, R)
        rungs.append((n, resources))
        n = math.ceil(n / factor)                                             # n_{i+1} = ceil(n_i / eta)
    return rungs


def hyperband_brackets(min_resources, max_resources, factor=3):
    """Hyperband's brackets: for s = s_max..0, the list of rungs ``(n_i, r_i)`` (Li et al. 2018, Alg. 1)."""
    min_resources = check_int("min_resources", min_resources)
    max_resources = check_int("max_resources", max_resources)
    factor = check_int("factor", factor, minimum=2)
    ratio = max_resources // min_resources                                  # R in units of min_resources
    s_max = 0
    while factor ** (s_max + 1) <= ratio:                                   # s_max = floor(log_eta R), exactly
        s_max += 1
    brackets = []
    for s in range(s_max, -1, -1):
        n = math.ceil((s_max + 1) / (s + 1) * factor ** s)                  # n = ceil((s_max+1)/(s+1) eta^s)
        r = ratio / factor ** s                                             # r = R eta^-s
        brackets.append([(n // factor ** i, int(round(r * factor ** i)) * min_resources) for i in range(s + 1)])
    return brackets


def _check_space(space):
    if not isinstance(space, Space):
        raise TypeError(f"`space` must be a course_lib.hpo.Space. Received: space={space!r}")
    return space


def _run_rungs(objective, candidates, rungs, history, bracket=0):
    """Evaluate the rungs; after each, keep the ``n_{i+1}`` best (failed trials last)."""
    for i, (_, resources) in enumerate(rungs):
        scored = []
        for params in candidates:
            trial = history.evaluate(objective, params, resource=resources, rung=i, bracket=bracket)
            scored.append((trial.value if trial.state == "complete" else np.inf, params))
        if i + 1 < len(rungs):
            keep = rungs[i + 1][0]
            scored.sort(key=lambda pair: pair[0])
            candidates = [params for _, params in scored[:keep]]
    return candidates


class SuccessiveHalving:
    """Random candidates raced by successive halving; ``optimize(objective) -> History``."""

    def __init__(self, space: Space, n_candidates="exhaust", min_resources=1, max_resources=27, factor=3,
                 random_state=None):
        self.space = _check_space(space)
        self.rungs = halving_rungs(n_candidates, min_resources, max_resources, factor)
        self.rng = as_rng(random_state)
        self.history_ = History()

    def optimize(self, objective) -> History:
        """Run every rung of ``objective(params, resource)``; the best trial of the last rung is the winner."""
        candidates = [self.space.sample(self.rng) for _ in range(self.rungs[0][0])]
        self.survivors_ = _run_rungs(objective, candidates, self.rungs, self.history_)
        last = [t for t in self.history_ if t.info["rung"] == len(self.rungs) - 1 and t.state == "complete"]
        self.best_trial_ = min(last, key=lambda t: t.value) if last else None
        return self.history_

    @property
    def compute(self) -> float:
        """Resource spent: sum of n_i r_i."""
        return float(sum(t.resource for t in self.history_))


class Hyperband:
    """Hyperband over a :class:`Space`: one successive-halving run per bracket; ``optimize(objective)``."""

    def __init__(self, space: Space, min_resources=1, max_resources=27, factor=3, random_state=None):
        self.space = _check_space(space)
        self.max_resources = max_resources
        self.brackets = hyperband_brackets(min_resources, max_resources, factor)
        self.rng = as_rng(random_state)
        self.history_ = History()

    def optimize(self, objective) -> History:
        for b, rungs in enumerate(self.brackets):
            candidates = [self.space.sample(self.rng) for _ in range(rungs[0][0])]
            _run_rungs(objective, candidates, rungs, self.history_, bracket=b)
        full = [t for t in self.history_ if t.resource == self.max_resources and t.state == "complete"]
        self.best_trial_ = min(full, key=lambda t: t.value) if full else self.history_.best_trial
        return self.history_

    @property
    def compute(self) -> float:
        return float(sum(t.resource for t in self.history_))
