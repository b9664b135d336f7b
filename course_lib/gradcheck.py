"""Numerical gradients by central finite differences, to check analytic gradients.

For a scalar function f of an array x, each partial derivative is approximated by

    df/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)

whose error is O(eps^2) from truncation plus O(machine_eps / eps) from rounding;
eps ~ 1e-6 balances the two in float64 (about 1e-10 relative accuracy).  Comparing
such an estimate with a gradient from backpropagation catches a wrong derivation,
which is why every hand-written gradient in the course is checked this way
(the same idea as ``tf.test.compute_gradient``).
"""
from __future__ import annotations

import numpy as np

__all__ = ["numerical_gradient", "relative_error"]


def numerical_gradient(f, x, eps: float = 1e-6) -> np.ndarray:
    """Central-difference estimate of grad f(x); ``f`` maps a float64 array to a number.

    ``x`` is not modified.  Costs 2 * x.size evaluations of ``f``.
    """
    if not (isinstance(eps, (int, float)) and eps > 0):
        raise ValueError(f"Argument `eps` must be a positive number. Received: eps={eps!r}")
    x = np.array(x, dtype=np.float64)  # a copy: we perturb it
    if not np.all(np.isfinite(x)):
        raise ValueError("Argument `x` must contain only finite numbers (no NaN or inf).")
    g = np.zeros_like(x)
    flat, gflat = x.reshape(-1), g.reshape(-1)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + eps
        f_plus = float(f(x))
        flat[i] = saved - eps
        f_minus = float(f(x))
        flat[i] = saved
        gflat[i] = (f_plus - f_minus) / (2 * eps)
    return g


def relative_error(a, b) -> float:
    """max |a - b| / max(max |a|, max |b|, 1e-300): scale-free distance between two gradients."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"Arguments `a` and `b` must have the same shape; got {a.shape} and {b.shape}.")
    scale = max(np.max(np.abs(a), initial=0.0), np.max(np.abs(b), initial=0.0), 1e-300)
    return float(np.max(np.abs(a - b), initial=0.0) / scale)
