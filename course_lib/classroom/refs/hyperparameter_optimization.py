"""References for ``exercises/06_hyperparameter_optimization.ipynb``: log-uniform draws, a diagnosis,
expected improvement, a mutation that stays in bounds, successive halving's rungs.

Every expected value comes from :mod:`course_lib.hpo` (``LogUniform``, ``expected_improvement``,
``halving_rungs``; the last equals ``sklearn.model_selection.HalvingRandomSearchCV``'s rungs).
The ``*_MISTAKES`` lists name common wrong answers, ``(wrong_function, description)``,, so the checks can say which one a learner made.
"""
import math

import numpy as np
from scipy.stats import norm

from course_lib import hpo
from course_lib.classroom.feedback import Case


# ---------------------------------------------------------------- Task 1: log-uniform
def log_uniform(low, high, u):
    """x = low (high / low)^u: uniform draws u in [0, 1] mapped to a log-uniform law on [low, high]."""
    return hpo.LogUniform(low, high).from_unit(np.asarray(u, dtype=float))


LOG_UNIFORM_CASES = [
    Case(1e-4, 1e-1, 0.0, label="u = 0 gives low"),
    Case(1e-4, 1e-1, 1.0, label="u = 1 gives high"),
    Case(1e-4, 1e-2, 0.5, label="the middle of [1e-4, 1e-2] on a log scale"),
    (1e-5, 1.0, 0.2),
    Case(0.5, 8.0, np.array([0.0, 0.25, 0.5, 0.75, 1.0]), label="an array of draws"),
]
LOG_UNIFORM_MISTAKES = [
    (lambda low, high, u: low + (high - low) * np.asarray(u), "a uniform draw on the linear scale, low + (high - low) u"),
    (lambda low, high, u: np.log(low) + (np.log(high) - np.log(low)) * np.asarray(u),
     "the logarithm of the answer (take the exponential at the end)"),
    (lambda low, high, u: 10 ** (low + (high - low) * np.asarray(u)), "treating low and high as exponents of 10"),
]


# ---------------------------------------------------------------- Task 2: diagnosis
def expected_trials_below():
    """100 trials, learning rate in [1e-5, 1]: expected count below 1e-3, uniform then log-uniform."""
    uniform = 100 * (1e-3 - 1e-5) / (1 - 1e-5)                       # P(x < t) = (t - low) / (high - low)
    log_uniform_count = 100 * math.log(1e-3 / 1e-5) / math.log(1 / 1e-5)  # P = ln(t / low) / ln(high / low)
    return (uniform, log_uniform_count)


# ---------------------------------------------------------------- Task 3: expected improvement
def expected_improvement(mean, std, best, xi):
    """EI = (best - mean - xi) Phi(z) + std phi(z), z = (best - mean - xi) / std; max(best - mean - xi, 0) if std = 0."""
    return hpo.expected_improvement(mean, std, best, xi)


EI_CASES = [
    Case(np.array([0.5]), np.array([0.2]), 0.6, 0.0, label="mean below the best"),
    Case(np.array([0.9]), np.array([0.2]), 0.6, 0.0, label="mean above the best: only uncertainty helps"),
    Case(np.array([0.3, 0.3, 0.3]), np.array([0.1, 0.5, 1.0]), 0.4, 0.01, label="same mean, growing std"),
    Case(np.array([0.2, 0.8]), np.array([0.0, 0.0]), 0.5, 0.0, label="std = 0: the improvement is certain"),
    Case(np.array([-1.0, 0.0, 2.0]), np.array([0.5, 0.3, 1.5]), 0.1, 0.05),
]


def _ei_maximizing(mean, std, best, xi):
    mean, std = np.asarray(mean, float), np.asarray(std, float)
    safe = np.where(std > 0, std, 1.0)
    imp = mean - best - xi
    return np.where(std > 0, imp * norm.cdf(imp / safe) + std * norm.pdf(imp / safe), np.maximum(imp, 0))


def _ei_no_exploration(mean, std, best, xi):
    mean, std = np.asarray(mean, float), np.asarray(std, float)
    safe = np.where(std > 0, std, 1.0)
    imp = best - mean - xi
    return np.where(std > 0, imp * norm.cdf(imp / safe), np.maximum(imp, 0))


def _ei_variance(mean, std, best, xi):
    mean, var = np.asarray(mean, float), np.asarray(std, float) ** 2
    safe = np.where(var > 0, var, 1.0)
    imp = best - mean - xi
    return np.where(var > 0, imp * norm.cdf(imp / safe) + var * norm.pdf(imp / safe), np.maximum(imp, 0))


EI_MISTAKES = [
    (_ei_maximizing, "the formula for maximization (here smaller is better: improvement is best - mean)"),
    (_ei_no_exploration, "the first term only (the sigma * phi(z) term rewards uncertainty)"),
    (_ei_variance, "the variance in place of the standard deviation"),
]


# ---------------------------------------------------------------- Task 4: mutation within bounds
def mutate(value, low, high, noise, log=False):
    """u = (t(value) - t(low)) / (t(high) - t(low)), t = ln if log; u' = clip(u + noise, 0, 1); back to a value."""
    dim = hpo.LogUniform(low, high) if log else hpo.Uniform(low, high)
    return float(dim.from_unit(np.clip(dim.to_unit(value) + noise, 0.0, 1.0)))


MUTATE_CASES = [
    Case(0.2, 0.0, 0.5, 0.1, label="a small step up"),
    Case(0.2, 0.0, 0.5, -0.1),
    Case(0.45, 0.0, 0.5, 0.3, label="a step past high: clipped to high"),
    Case(0.05, 0.0, 0.5, -0.5, label="a step past low: clipped to low"),
    Case(1e-3, 1e-5, 1e-1, 0.25, log=True, label="log scale: a quarter of the range is one decade"),
    Case(1e-2, 1e-5, 1e-1, 0.5, log=True, label="log scale, past high"),
]
MUTATE_MISTAKES = [
    (lambda value, low, high, noise, log=False: (value * (high / low) ** noise if log else value + noise * (high - low)),
     "a step that is not clipped to the bounds"),
    (lambda value, low, high, noise, log=False: float(np.clip(value + noise * (high - low), low, high)),
     "a linear step on a log-scaled hyperparameter"),
]


# ---------------------------------------------------------------- Task 5: successive halving
def halving_rungs(n_candidates, min_resources, max_resources, factor):
    """The rungs [(n_i, r_i), ...] of HalvingRandomSearchCV (aggressive_elimination=False)."""
    return hpo.halving_rungs(n_candidates, min_resources, max_resources, factor)


HALVING_CASES = [
    Case(27, 1, 27, 3, label="27 candidates, 1 to 27 epochs"),
    Case(30, 20, 600, 3, label="30 candidates: ceil(30 / 3) = 10, then 4, then 2"),
    Case(100, 10, 90, 3, label="the resource runs out before one candidate is left"),
    Case(8, 1, 100, 2),
    Case(10, 5, 5, 3, label="min_resources = max_resources: one rung"),
]


def _halving_floor(n_candidates, min_resources, max_resources, factor):
    rungs, n = [], n_candidates
    n_rungs = min(1 + math.floor(math.log(n, factor)), 1 + math.floor(math.log(max_resources // min_resources, factor)))
    for i in range(n_rungs):
        rungs.append((n, min(factor ** i * min_resources, max_resources)))
        n = n // factor
    return rungs


def _halving_until_one(n_candidates, min_resources, max_resources, factor):
    rungs, n, i = [], n_candidates, 0
    while True:
        rungs.append((n, factor ** i * min_resources))
        if n == 1:
            return rungs
        n, i = math.ceil(n / factor), i + 1


HALVING_MISTAKES = [
    (_halving_floor, "keeping floor(n / factor) candidates (sklearn keeps ceil(n / factor))"),
    (_halving_until_one, "halving until one candidate is left, past max_resources"),
]
