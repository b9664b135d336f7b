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

from ._checks import check_positive

__all__ = ["numerical_gradient", "relative_error", "check_parameter_gradients"]


def numerical_gradient(f, x, eps: float = 1e-6) -> np.ndarray:
    """Central-difference estimate of grad f(x); ``f`` maps a float64 array to a number.

    ``x`` is not modified.  Costs 2 * x.size evaluations of ``f``.
    """
    check_positive("eps", eps)
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


def check_parameter_gradients(f, tensors, tol: float = 1e-6, eps: float = 1e-6) -> list[float]:
    """Check backpropagation against finite differences for every Tensor in ``tensors``.

    ``f()`` takes no argument and returns a scalar autodiff Tensor computed from
    ``tensors`` (a model's weights, its inputs...), which must hold float64 data.
    Backpropagation gives df/dt for each tensor t; :func:`numerical_gradient`
    perturbs ``t.data`` in place (restored afterwards) to estimate the same gradient.
    Returns the :func:`relative_error` per tensor; raises AssertionError naming the
    tensor whose error exceeds ``tol``.  Costs 2 evaluations of ``f`` per weight.
    """
    from . import autodiff as ad  # numpy-only; imported here to keep this module standalone

    for t in tensors:
        t.zero_grad()
    f().backward()
    errors = []
    for i, t in enumerate(tensors):
        original = t.data.copy()

        def f_at(values, t=t):
            t.data[...] = values
            with ad.no_grad():
                return float(f().data)

        try:
            numeric = numerical_gradient(f_at, original, eps=eps)
        finally:
            t.data[...] = original
        backprop = t.grad if t.grad is not None else np.zeros_like(original)
        errors.append(relative_error(backprop, numeric))
        if not errors[-1] <= tol:
            raise AssertionError(f"tensors[{i}] (shape {original.shape}): relative error {errors[-1]:.2e} "
                                 f"between backprop and finite differences exceeds tol={tol:g}")
    return errors
