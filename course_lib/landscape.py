"""Loss landscapes: a loss evaluated on a grid of two parameters, and the grid's lowest point.

For a loss J(w) of two parameters w = (w_0, w_1) and grid values a_0..a_{n-1} (for w_0)
and b_0..b_{m-1} (for w_1), the landscape is the m x n array

    Z[i, j] = J((a_j, b_i))

laid out as ``matplotlib``'s ``contour(a, b, Z)`` expects (rows follow w_1, columns w_0,
like ``numpy.meshgrid``'s default ``indexing="xy"``).  Its minimum over the grid
approximates argmin J to within one grid spacing.

It also holds the course's 2-D test surfaces, each a :class:`Landscape` with its analytic
gradient (:data:`LANDSCAPES`: an ill-conditioned quadratic valley, Rosenbrock, Himmelblau,
Rastrigin, a saddle), which the notebooks and the optimizer explorer run optimizers on.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ._checks import check_name, check_point, check_vector

__all__ = ["loss_grid", "grid_argmin", "Landscape", "LANDSCAPES", "get_landscape"]

Point = tuple[float, float]


def loss_grid(loss, w0_values, w1_values) -> np.ndarray:
    """Z[i, j] = loss(np.array([w0_values[j], w1_values[i]])), shape (len(w1_values), len(w0_values))."""
    if not callable(loss):
        raise TypeError(f"Argument `loss` must be a function of a 2-element array. Received: {type(loss).__name__}")
    a, b = check_vector("w0_values", w0_values, 2), check_vector("w1_values", w1_values, 2)
    return np.array([[float(loss(np.array([a_j, b_i]))) for a_j in a] for b_i in b])


def grid_argmin(w0_values, w1_values, Z) -> np.ndarray:
    """The grid point (w0, w1) where Z is smallest (NaN entries ignored)."""
    a, b = check_vector("w0_values", w0_values, 2), check_vector("w1_values", w1_values, 2)
    Z = np.asarray(Z, dtype=np.float64)
    if Z.shape != (b.size, a.size):
        raise ValueError(f"Argument `Z` must have shape (len(w1_values), len(w0_values)) = {(b.size, a.size)}; got {Z.shape}.")
    if np.all(np.isnan(Z)):
        raise ValueError("Argument `Z` holds only NaN: no minimum.")
    i, j = np.unravel_index(np.nanargmin(Z), Z.shape)
    return np.array([a[j], b[i]])


# ----------------------------------------------------------------------------- 2-D test surfaces
@dataclass(frozen=True)
class Landscape:
    """A 2-D loss surface ``f(x, y)`` with its analytic gradient and what is needed to plot it.

    ``func(x, y)`` and ``grad(x, y)`` work elementwise on numpy arrays (so one call fills a
    contour grid); :meth:`value` and :meth:`gradient` take a point ``[x, y]``.
    ``learning_rate`` is a rate at which plain SGD makes visible progress without diverging;
    the explorer starts there when the landscape is picked.  ``log_scale`` is True when
    ``f >= 0``, so contours and the loss axis can be logarithmic.
    """

    name: str
    title: str
    equation: str
    func: Callable[[Any, Any], Any]
    grad: Callable[[Any, Any], tuple[Any, Any]]
    start: Point
    bounds: tuple[Point, Point]  # ((x_min, x_max), (y_min, y_max))
    minima: tuple[Point, ...]
    learning_rate: float
    log_scale: bool = True
    saddle_points: tuple[Point, ...] = ()

    def value(self, point) -> float:
        """``f(x, y)`` at ``point = [x, y]``."""
        x, y = check_point("point", point)
        return float(self.func(x, y))

    def gradient(self, point) -> np.ndarray:
        """``[df/dx, df/dy]`` at ``point = [x, y]``, as a float64 array of shape (2,)."""
        x, y = check_point("point", point)
        gx, gy = self.grad(x, y)
        return np.array([gx, gy], dtype=np.float64)

    def grid(self, n: int = 160) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(X, Y, Z)`` on an ``n x n`` grid over :attr:`bounds`, for contour plots."""
        (x0, x1), (y0, y1) = self.bounds
        X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        return X, Y, self.func(X, Y)


_KAPPA = 50.0  # condition number of the quadratic: ratio of its largest to smallest curvature
_TAU = 2 * np.pi

LANDSCAPES: dict[str, Landscape] = {
    land.name: land
    for land in [
        Landscape(
            name="quadratic",
            title="Ill-conditioned quadratic",
            equation=r"f(x, y) = (x^2 + 50 y^2) / 2   (condition number 50)",
            func=lambda x, y: 0.5 * (x**2 + _KAPPA * y**2),
            grad=lambda x, y: (x, _KAPPA * y),
            start=(-4.5, 1.5),
            bounds=((-5.0, 5.0), (-2.0, 2.0)),
            minima=((0.0, 0.0),),
            # SGD is stable for lr < 2/50; at 0.038 it zig-zags across the valley and crawls along it.
            learning_rate=0.038,
        ),
        Landscape(
            name="rosenbrock",
            title="Rosenbrock",
            equation=r"f(x, y) = (1 - x)^2 + 100 (y - x^2)^2",
            func=lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
            grad=lambda x, y: (-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)),
            start=(-1.2, 1.0),
            bounds=((-2.0, 2.0), (-1.0, 3.0)),
            minima=((1.0, 1.0),),
            learning_rate=1.5e-3,
        ),
        Landscape(
            name="himmelblau",
            title="Himmelblau",
            equation=r"f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2   (four minima)",
            func=lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
            grad=lambda x, y: (
                4 * x * (x**2 + y - 11) + 2 * (x + y**2 - 7),
                2 * (x**2 + y - 11) + 4 * y * (x + y**2 - 7),
            ),
            start=(0.0, 0.0),
            bounds=((-5.0, 5.0), (-5.0, 5.0)),
            minima=(
                (3.0, 2.0),
                (-2.805118, 3.131312),
                (-3.779310, -3.283186),
                (3.584428, -1.848126),
            ),
            learning_rate=0.01,
        ),
        Landscape(
            name="rastrigin",
            title="Rastrigin",
            equation=r"f(x, y) = 20 + x^2 - 10 cos(2 pi x) + y^2 - 10 cos(2 pi y)   (many local minima)",
            func=lambda x, y: 20 + x**2 - 10 * np.cos(_TAU * x) + y**2 - 10 * np.cos(_TAU * y),
            grad=lambda x, y: (
                2 * x + 10 * _TAU * np.sin(_TAU * x),
                2 * y + 10 * _TAU * np.sin(_TAU * y),
            ),
            start=(-3.3, 2.6),
            bounds=((-5.12, 5.12), (-5.12, 5.12)),
            minima=((0.0, 0.0),),
            learning_rate=2e-3,
        ),
        Landscape(
            name="saddle",
            title="Saddle",
            equation=r"f(x, y) = x^2 - y^2   (a saddle point at the origin, unbounded below)",
            func=lambda x, y: x**2 - y**2,
            grad=lambda x, y: (2 * x, -2 * y),
            # A start almost on the ridge: plain gradient descent approaches the saddle and
            # lingers there, because the escaping direction y begins with a tiny gradient.
            start=(-2.0, 1e-3),
            bounds=((-2.5, 2.5), (-2.5, 2.5)),
            minima=(),
            learning_rate=0.05,
            log_scale=False,
            saddle_points=((0.0, 0.0),),
        ),
    ]
}


def get_landscape(name: "str | Landscape") -> Landscape:
    """The landscape called ``name`` (key or title, any case); a Landscape passes through."""
    if isinstance(name, Landscape):
        return name
    return check_name("landscape", name, LANDSCAPES, "landscape",
                      titles={key: land.title for key, land in LANDSCAPES.items()})
