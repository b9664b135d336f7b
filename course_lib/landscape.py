"""Loss landscapes: a loss evaluated on a grid of two parameters, and the grid's lowest point.

For a loss J(w) of two parameters w = (w_0, w_1) and grid values a_0..a_{n-1} (for w_0)
and b_0..b_{m-1} (for w_1), the landscape is the m x n array

    Z[i, j] = J((a_j, b_i))

laid out as ``matplotlib``'s ``contour(a, b, Z)`` expects (rows follow w_1, columns w_0,
like ``numpy.meshgrid``'s default ``indexing="xy"``).  Its minimum over the grid
approximates argmin J to within one grid spacing.
"""
from __future__ import annotations

import numpy as np

__all__ = ["loss_grid", "grid_argmin"]


def _axis(name, values):
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1 or values.size < 2:
        raise ValueError(f"Argument `{name}` must be a 1-D array of at least 2 grid values; got shape {values.shape}.")
    return values


def loss_grid(loss, w0_values, w1_values) -> np.ndarray:
    """Z[i, j] = loss(np.array([w0_values[j], w1_values[i]])), shape (len(w1_values), len(w0_values))."""
    if not callable(loss):
        raise TypeError(f"Argument `loss` must be a function of a 2-element array. Received: {type(loss).__name__}")
    a, b = _axis("w0_values", w0_values), _axis("w1_values", w1_values)
    return np.array([[float(loss(np.array([a_j, b_i]))) for a_j in a] for b_i in b])


def grid_argmin(w0_values, w1_values, Z) -> np.ndarray:
    """The grid point (w0, w1) where Z is smallest (NaN entries ignored)."""
    a, b = _axis("w0_values", w0_values), _axis("w1_values", w1_values)
    Z = np.asarray(Z, dtype=np.float64)
    if Z.shape != (b.size, a.size):
        raise ValueError(f"Argument `Z` must have shape (len(w1_values), len(w0_values)) = {(b.size, a.size)}; got {Z.shape}.")
    if np.all(np.isnan(Z)):
        raise ValueError("Argument `Z` holds only NaN: no minimum.")
    i, j = np.unravel_index(np.nanargmin(Z), Z.shape)
    return np.array([a[j], b[i]])
