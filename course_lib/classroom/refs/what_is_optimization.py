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


# ----------------------------------------------------------------- Task 5: predict, then run
def gd_steps_by_running(kappa, tolerance):
    """Steps gradient descent needs on J = (x1^2 + kappa x2^2)/2, measured by running it.

    Start (1, 1), learning rate 2 / (mu + L) = 2 / (1 + kappa) (course_lib's SGD through
    :func:`course_lib.training.minimize`); the answer is the first step k with
    ||theta_k|| <= tolerance * ||theta_0||.  Theory: ||theta_k|| = rho^k ||theta_0|| with
    rho = (kappa - 1) / (kappa + 1), so k = ceil(log(tolerance) / log(rho)).
    """
    from course_lib import optimizers
    from course_lib.training import minimize

    curvatures = np.array([1.0, float(kappa)])
    start = np.ones(2)
    steps = int(np.ceil(np.log(tolerance) / np.log((kappa - 1) / (kappa + 1)))) + 5
    path = minimize(lambda t: 0.5 * (curvatures * t * t).sum(), start,
                    optimizers.SGD(learning_rate=2 / (1 + kappa)), steps=steps)
    distances = np.linalg.norm(path.points, axis=1)
    return int(np.argmax(distances <= tolerance * distances[0]))


def predicted_gd_steps(kappa, tolerance):
    """k = ceil(log(tolerance) / log((kappa - 1) / (kappa + 1))): the prediction, without running anything."""
    return int(np.ceil(np.log(tolerance) / np.log((kappa - 1) / (kappa + 1))))


def mistake_rate_at_one_over_l(kappa, tolerance):
    """Uses 1 - 1/kappa, gradient descent's rate at the learning rate 1/L, not at 2/(mu + L)."""
    return int(np.ceil(np.log(tolerance) / np.log(1 - 1 / kappa)))


def mistake_rounded_down(kappa, tolerance):
    """Rounds the number of steps down: after floor(...) steps the error is still above the tolerance."""
    return int(np.floor(np.log(tolerance) / np.log((kappa - 1) / (kappa + 1))))


GD_STEPS_MISTAKES = [
    (mistake_rate_at_one_over_l, "you used the rate 1 - 1/kappa, which belongs to the learning rate 1/L; "
                                 "at 2/(mu + L) both directions shrink by the same, smaller factor"),
    (mistake_rounded_down, "you rounded down: after that many steps the error is still just above the tolerance"),
]
GD_STEPS_CASES = [
    Case(3.0, 1e-3, label="kappa = 3: rho = 1/2"),
    Case(10.0, 1e-6, label="kappa = 10"),
    Case(100.0, 1e-4, label="a narrow valley, kappa = 100"),
]
