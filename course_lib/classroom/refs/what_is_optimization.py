"""References for ``exercises/01_what_is_optimization.ipynb``: the loss of a linear model, its
gradient, a loss landscape's lowest grid point, and least squares.

The model is yhat = X w (no intercept), the loss the mean squared error
J(w) = (1/n) sum_i (y_i - x_i . w)^2.  Expected values come from :mod:`course_lib.losses`,
:mod:`course_lib.autodiff`, :mod:`course_lib.landscape` and ``numpy.linalg.lstsq``.
"""
import numpy as np

from course_lib import autodiff, losses
from course_lib.classroom.feedback import Case
from course_lib.landscape import grid_argmin, loss_grid


def linear_mse(w, X, y):
    """J(w) = (1/n) sum_i (y_i - x_i . w)^2   (keras.losses.mean_squared_error of y and X w)."""
    return float(losses.mean_squared_error(y, X @ w))


def linear_mse_grad(w, X, y):
    """grad J(w) = (2/n) X^T (X w - y), computed by autodiff through the MSE."""
    return autodiff.grad(lambda v: losses.mean_squared_error(y, X @ v))(np.asarray(w, dtype=np.float64))


def grid_minimum(X, y, w0_values, w1_values):
    """The grid point (w0, w1) with the smallest J (course_lib.landscape)."""
    Z = loss_grid(lambda w: linear_mse(w, X, y), w0_values, w1_values)
    return grid_argmin(w0_values, w1_values, Z)


def least_squares(X, y):
    """argmin_w ||X w - y||^2, the solution of X^T X w = X^T y (numpy.linalg.lstsq)."""
    return np.linalg.lstsq(X, y, rcond=None)[0]


_rng = np.random.default_rng(11)
_X2 = _rng.normal(size=(20, 2))
_y2 = _X2 @ np.array([1.5, -0.5]) + 0.3 * _rng.normal(size=20)
_X3 = _rng.normal(size=(30, 3))
_y3 = _X3 @ np.array([2.0, 0.0, -1.0]) + 0.1 * _rng.normal(size=30)

LOSS_CASES = [
    Case(np.array([0.0, 0.0]), np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 1.0]), label="zero weights: mean of y^2"),
    Case(np.array([1.0, 0.0]), np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 3.0]), label="a perfect fit"),
    (np.array([0.5, -1.0]), _X2, _y2),
    (np.array([1.0, 2.0, 3.0]), _X3, _y3),
]
GRAD_CASES = [
    Case(np.array([1.0, 0.0]), np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 3.0]), label="at the minimum: 0"),
    (np.array([0.0, 0.0]), _X2, _y2),
    (np.array([0.5, -1.0]), _X2, _y2),
    (np.array([1.0, 2.0, 3.0]), _X3, _y3),
]
_grid_a = np.linspace(-3, 3, 61)
_grid_b = np.linspace(-2, 2, 41)
GRID_CASES = [
    (_X2, _y2, _grid_a, _grid_b),
    Case(_X2, -_y2, _grid_a, _grid_b, label="negated target"),
    Case(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([2.0, -1.0]), np.linspace(0, 3, 4), np.linspace(-2, 1, 4),
         label="tiny grid, exact minimum on it"),
]
LSTSQ_CASES = [
    Case(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), np.array([1.0, 2.0, 3.0]), label="consistent system"),
    (_X2, _y2),
    (_X3, _y3),
]
