"""Convergence rates of gradient descent and momentum on a quadratic: what the condition number predicts.

On ``f(x) = 1/2 sum_i lambda_i x_i^2`` with curvatures ``m = min lambda_i`` and ``L = max lambda_i``
(condition number ``kappa = L / m``), every method below is linear in ``x``, so its error shrinks by
a fixed factor per step, the *rate* ``r`` (the spectral radius of its iteration matrix):

    gradient descent    x' = x - eta g                          best: eta = 2/(m + L),  r = (kappa - 1)/(kappa + 1)
    heavy ball          x' = x - eta g + mu (x - x_prev)        best: eta = 4/(sqrt L + sqrt m)^2,
                                                                      mu = r^2,  r = (sqrt kappa - 1)/(sqrt kappa + 1)
    Nesterov            y = x + mu (x - x_prev),  x' = y - eta grad f(y)
                                                                usual: eta = 1/L, mu = (sqrt kappa - 1)/(sqrt kappa + 1),
                                                                       r <= 1 - 1/sqrt kappa

(Polyak 1964 for gradient descent and heavy ball; Nesterov 1983, and Nesterov's *Introductory Lectures
on Convex Optimization*, 2004, for the accelerated method.)  Keras's velocity form of SGD momentum
(``v = mu v - eta g; p += v``) is the heavy ball written with ``v = x - x_prev``; its Nesterov variant is
the look-ahead form with the change of variables ``theta' = theta + mu v`` (Bengio et al., 2013), so
both have exactly these rates.  The loss of a quadratic is a square of the error, so it shrinks by
``r^2`` per step: reducing ``f`` by a factor ``R`` takes about ``ln R / (2 ln(1/r))`` steps.

``momentum_rate`` computes the exact rate of any ``(eta, mu)`` from the 2 x 2 iteration matrix of each
curvature, so a sweep can be compared with the theory.
"""
from __future__ import annotations

import math

import numpy as np

from ._checks import check_fraction, check_non_negative, check_positive, check_vector

__all__ = ["gd_tuning", "heavy_ball_tuning", "nesterov_tuning", "momentum_rate", "steps_for_reduction"]


def _curvatures(m, L):
    check_positive("m", m)
    check_positive("L", L)
    if m > L:
        raise ValueError(f"Argument `m` (the smallest curvature) must be <= `L` (the largest). Received: m={m!r}, L={L!r}")
    return float(m), float(L)


def gd_tuning(m: float, L: float) -> tuple[float, float]:
    """Gradient descent's best constant rate on curvatures in [m, L]: ``(eta, r)``.

    ``eta = 2/(m + L)`` makes the slowest and the fastest direction contract equally,
    ``|1 - eta m| = |1 - eta L| = (kappa - 1)/(kappa + 1)``.
    """
    m, L = _curvatures(m, L)
    kappa = L / m
    return 2 / (m + L), (kappa - 1) / (kappa + 1)                      # eta*, r = (k - 1)/(k + 1)


def heavy_ball_tuning(m: float, L: float) -> tuple[float, float, float]:
    """Polyak's heavy ball, best constants on curvatures in [m, L]: ``(eta, mu, r)``.

    ``eta = 4/(sqrt L + sqrt m)^2``, ``mu = ((sqrt kappa - 1)/(sqrt kappa + 1))^2``, rate
    ``r = sqrt(mu) = (sqrt kappa - 1)/(sqrt kappa + 1)``: the square root of kappa replaces kappa.
    """
    m, L = _curvatures(m, L)
    root = math.sqrt(L / m)
    r = (root - 1) / (root + 1)                                         # r = (sqrt k - 1)/(sqrt k + 1)
    return 4 / (math.sqrt(L) + math.sqrt(m)) ** 2, r ** 2, r           # eta*, mu* = r^2, r


def nesterov_tuning(m: float, L: float) -> tuple[float, float, float]:
    """Nesterov's usual constants for an L-smooth, m-strongly convex function: ``(eta, mu, bound)``.

    ``eta = 1/L``, ``mu = (sqrt kappa - 1)/(sqrt kappa + 1)``; the guaranteed rate is
    ``1 - 1/sqrt(kappa)`` (on a quadratic the exact rate, :func:`momentum_rate`, is a little better).
    """
    m, L = _curvatures(m, L)
    root = math.sqrt(L / m)
    return 1 / L, (root - 1) / (root + 1), 1 - 1 / root                # eta = 1/L, mu, 1 - 1/sqrt k


def momentum_rate(learning_rate: float, momentum: float, curvatures, nesterov: bool = False) -> float:
    """The exact rate of SGD with momentum on a quadratic with the given curvatures (1 or more = diverges).

    Per curvature ``lam`` the pair ``(x_t, x_{t-1})`` is multiplied by
    ``[[1 + mu - eta lam, -mu], [1, 0]]`` (heavy ball) or
    ``[[(1 + mu)(1 - eta lam), -mu (1 - eta lam)], [1, 0]]`` (Nesterov); the rate is the largest
    spectral radius over the curvatures.  ``momentum=0`` gives gradient descent, ``max |1 - eta lam|``.
    """
    check_positive("learning_rate", learning_rate)
    check_fraction("momentum", momentum)
    lams = check_vector("curvatures", curvatures, min_size=1)
    if not np.all(lams > 0) or not np.all(np.isfinite(lams)):
        raise ValueError(f"Argument `curvatures` must hold finite numbers > 0. Received: curvatures={curvatures!r}")
    eta, mu = float(learning_rate), float(momentum)
    radius = 0.0
    for lam in lams:
        shrink = 1 - eta * lam                                          # plain gradient step factor
        if nesterov:
            a, b = (1 + mu) * shrink, -mu * shrink                      # x' = (1+mu)(1-eta lam) x - mu(1-eta lam) x_prev
        else:
            a, b = 1 + mu - eta * lam, -mu                              # x' = (1+mu-eta lam) x - mu x_prev
        roots = np.roots([1.0, -a, -b])                                 # z^2 - a z - b = 0: the iteration's eigenvalues
        radius = max(radius, float(np.max(np.abs(roots))))
    return radius


def steps_for_reduction(rate: float, reduction: float) -> float:
    """Steps for a loss (a square of the error) to shrink by ``reduction`` at a rate ``r`` per step.

    ``f_t / f_0 ~ r^(2t)``, so ``t = ln(reduction) / (2 ln(1/r))``; ``inf`` for ``r >= 1``.
    """
    check_non_negative("rate", rate)
    check_positive("reduction", reduction)
    if rate >= 1:
        return math.inf
    if rate == 0:
        return 1.0
    return math.log(reduction) / (2 * math.log(1 / rate))              # t = ln R / (2 ln 1/r)
