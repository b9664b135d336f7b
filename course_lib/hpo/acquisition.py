"""Expected improvement: how much a point is expected to beat the best value so far.

For minimization, with the GP's posterior f(x) ~ N(mu, sigma^2) and the best observed value f*:

    I(x)   = max(f* - f(x) - xi, 0)                  improvement (xi >= 0 asks for a margin)
    z      = (f* - mu - xi) / sigma
    EI(x)  = E[I(x)] = (f* - mu - xi) Phi(z) + sigma phi(z)      (sigma > 0)
    EI(x)  = max(f* - mu - xi, 0)                                 (sigma = 0)

Phi and phi are the standard normal CDF and density.  The first term rewards a low mean
(exploitation), the second a large uncertainty (exploration); ``xi`` tilts towards exploring.
Jones, Schonlau & Welch (1998), Eq. 15; the ``xi`` form is that of scikit-optimize's ``gaussian_ei``.
"""
from __future__ import annotations

import numpy as np
from scipy.stats import norm

from .._checks import check_non_negative

__all__ = ["expected_improvement"]


def expected_improvement(mean, std, best, xi=0.01):
    """EI of points with posterior ``mean`` and ``std`` over the best value ``best`` (minimization)."""
    check_non_negative("xi", xi)
    mean, std = np.asarray(mean, dtype=float), np.asarray(std, dtype=float)
    if np.any(std < 0):
        raise ValueError("`std` must be >= 0 (a standard deviation)")
    improvement = best - mean - xi                                   # f* - mu - xi
    safe = np.where(std > 0, std, 1.0)
    z = improvement / safe                                           # z = (f* - mu - xi) / sigma
    ei = improvement * norm.cdf(z) + std * norm.pdf(z)               # (f* - mu - xi) Phi(z) + sigma phi(z)
    return np.where(std > 0, ei, np.maximum(improvement, 0.0))       # sigma = 0: the certain improvement
