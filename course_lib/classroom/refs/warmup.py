"""References for ``exercises/00_warmup.ipynb``: MSE, its gradient, gradient descent on a quadratic.

The quadratic is ``f(w) = a (w - b)^2`` with gradient ``f'(w) = 2 a (w - b)``.
"""
import numpy as np

from course_lib import autodiff, losses
from course_lib.classroom.feedback import Case


def mse(y_true, y_pred):
    """MSE = (1/n) sum_i (y_i - yhat_i)^2  (keras.losses.mean_squared_error on 1-D inputs)."""
    return losses.mean_squared_error(y_true, y_pred)[()]  # [()]: a numpy scalar, as np.mean gives


def mse_grad(y_true, y_pred):
    """d MSE / d yhat_i = (2/n) (yhat_i - y_i), by autodiff through course_lib.losses."""
    return autodiff.grad(lambda p: losses.mean_squared_error(y_true, p))(y_pred) + 0.0  # + 0.0: -0. -> 0.


def gd_step(w, learning_rate, a=1.0, b=3.0):
    """w_new = w - learning_rate * f'(w) = w - learning_rate * 2 a (w - b)."""
    return w - learning_rate * 2 * a * (w - b)


def run_gd(w0, learning_rate, steps, a=1.0, b=3.0):
    """The iterates [w_0, w_1, ..., w_steps] of gradient descent from w0."""
    ws = [w0]
    for _ in range(steps):
        ws.append(gd_step(ws[-1], learning_rate, a, b))
    return np.array(ws)


def one_step_learning_rate(a):
    """The step that lands on b from any w: w - lr 2a (w - b) = b  <=>  lr = 1 / (2a)."""
    return 1 / (2 * a)


MSE_CASES = [
    (np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0])),
    (np.array([0.0, 0.0]), np.array([3.0, 4.0])),
    (np.array([1.0, -1.0, 2.0, 0.5]), np.array([0.5, 0.0, 2.5, 0.5])),
    Case(np.array([0.1, 0.2], dtype=np.float32), np.array([0.3, -0.2], dtype=np.float32), label="float32"),
]
MSE_GRAD_CASES = [
    (np.array([0.0, 0.0]), np.array([3.0, 4.0])),
    (np.array([1.0, -1.0, 2.0, 0.5]), np.array([0.5, 0.0, 2.5, 0.5])),
    Case(np.array([2.0]), np.array([2.0]), label="perfect prediction"),
    Case(np.array([0.1, 0.2], dtype=np.float32), np.array([0.3, -0.2], dtype=np.float32), label="float32"),
]
GD_STEP_CASES = [
    (0.0, 0.1),
    Case(3.0, 0.1, label="already at the minimum"),
    Case(np.array([0.0, 5.0]), 0.25, label="several starting points at once"),
    Case(1.0, 0.05, a=2.0, b=-1.0, label="another quadratic"),
]
RUN_GD_CASES = [
    (0.0, 0.1, 3),
    Case(10.0, 0.6, 4, label="large step: oscillates but converges"),
    Case(1.0, 1.1, 3, label="too large a step: diverges"),
    Case(2.0, 0.1, 0, label="zero steps"),
]
