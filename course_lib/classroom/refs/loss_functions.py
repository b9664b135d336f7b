"""References for ``exercises/02_loss_functions.ipynb``: MAE, stable cross-entropy, focal loss, asymmetric cost.

Every expected value comes from :mod:`course_lib.losses` (which equals ``keras.losses``)
or, for gradients, from :mod:`course_lib.autodiff` through those losses.  Inputs are
1-D arrays: one prediction per example, and the Keras functions average over that axis.
"""
import numpy as np

from course_lib import autodiff, losses
from course_lib.classroom.feedback import Case


def mae(y_true, y_pred):
    """MAE = (1/n) sum_i |y_i - yhat_i|   (keras.losses.mean_absolute_error)."""
    return losses.mean_absolute_error(y_true, y_pred)


def mae_grad(y_true, y_pred):
    """d MAE / d yhat_i = sign(yhat_i - y_i) / n   (0 where yhat_i = y_i), by autodiff."""
    return autodiff.grad(lambda p: losses.mean_absolute_error(y_true, p))(y_pred) + 0.0  # + 0.0: -0. -> 0.


def bce_from_logits(y_true, logits):
    """mean_i [ max(z_i, 0) - z_i y_i + log(1 + exp(-|z_i|)) ]   (binary_crossentropy, from_logits=True)."""
    return losses.binary_crossentropy(y_true, logits, from_logits=True)


def binary_focal_loss(y_true, logits, gamma=2.0):
    """mean_i (1 - p_t)^gamma * BCE_i,  p_t = y p + (1 - y)(1 - p),  p = sigmoid(z)
    (keras.losses.binary_focal_crossentropy, from_logits=True, no class balancing)."""
    return losses.binary_focal_crossentropy(y_true, logits, gamma=gamma, from_logits=True)


def asymmetric_cost(y_true, y_pred, under_cost, over_cost):
    """mean_i [ under_cost max(y_i - yhat_i, 0) + over_cost max(yhat_i - y_i, 0) ]  (AsymmetricCostLoss)."""
    return losses.AsymmetricCostLoss(under_cost, over_cost)(y_true, y_pred)


def best_stock_quantile(under_cost, over_cost):
    """The constant forecast minimizing the asymmetric cost is the q-quantile of y, q = c_u / (c_u + c_o)."""
    return under_cost / (under_cost + over_cost)


MAE_CASES = [
    (np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0])),
    (np.array([0.0, 0.0]), np.array([3.0, -4.0])),
    (np.array([1.0, -1.0, 2.0, 0.5]), np.array([0.5, 0.0, 2.5, 0.5])),
    Case(np.array([0.1, 0.2], dtype=np.float32), np.array([0.3, -0.2], dtype=np.float32), label="float32"),
]
MAE_GRAD_CASES = [
    (np.array([0.0, 0.0]), np.array([3.0, -4.0])),
    (np.array([1.0, -1.0, 2.0, 0.5, 3.0]), np.array([0.5, 0.0, 2.5, 1.5, -3.0])),
    Case(np.array([2.0, 1.0]), np.array([2.0, 0.0]), label="one perfect prediction: gradient 0 there"),
    Case(np.array([0.1, 0.2], dtype=np.float32), np.array([0.3, -0.2], dtype=np.float32), label="float32"),
]
BCE_CASES = [
    (np.array([1.0, 0.0, 1.0]), np.array([2.0, -1.0, 0.0])),
    (np.array([0.0, 1.0]), np.array([0.5, 0.5])),
    Case(np.array([1.0, 0.0]), np.array([40.0, -40.0]), label="confident and right: loss ~ 0"),
    Case(np.array([0.0, 1.0]), np.array([40.0, -40.0]), label="confident and wrong: loss ~ 40"),
    Case(np.array([0.0, 1.0, 1.0]), np.array([1000.0, -1000.0, 1000.0]), label="huge logits: exp overflows"),
]
FOCAL_CASES = [
    (np.array([1.0, 0.0, 1.0]), np.array([2.0, -1.0, 0.0])),
    Case(np.array([1.0, 0.0, 1.0]), np.array([2.0, -1.0, 0.0]), gamma=0.0, label="gamma=0: plain cross-entropy"),
    Case(np.array([1.0, 0.0]), np.array([0.5, 3.0]), gamma=1.0, label="gamma=1"),
    Case(np.array([0.0, 1.0, 1.0]), np.array([-50.0, 50.0, -50.0]), label="large logits"),
]
ASYMMETRIC_CASES = [
    (np.array([10.0, 10.0]), np.array([8.0, 13.0]), 4.0, 1.0),
    Case(np.array([5.0, 7.0, 9.0]), np.array([5.0, 7.0, 9.0]), 4.0, 1.0, label="perfect forecast"),
    Case(np.array([3.0, -1.0, 2.0]), np.array([1.0, 0.0, 2.5]), 1.0, 1.0, label="equal costs: the MAE"),
    Case(np.array([20.0, 30.0]), np.array([25.0, 25.0]), 0.5, 3.0, label="over-stocking is the expensive side"),
]
QUANTILE_CASES = [
    (4.0, 1.0),
    Case(1.0, 1.0, label="equal costs: the median"),
    Case(1.0, 3.0, label="over-stocking dearer"),
]


# ---------------------------------------------------------------- Task 7: predict what one outlier does to the best constant
def outlier_shifts(y, outlier, delta):
    """How far one extra point at ``outlier`` moves the best constant prediction c, as [MSE, MAE, Huber(delta)].

    MSE: c = mean, so the shift is (outlier - mean(y)) / (n + 1): it grows with the outlier.
    MAE: c = median (numpy's: the midpoint of the two middle values for an even count): it moves to a neighbour.
    Huber: c solves sum_i clip(y_i - c, -delta, delta) = 0.  With every |y_i - mean| <= delta, c = mean before;
    after, the outlier (beyond delta) pulls with exactly delta against the n inliers: n (mean - c) + delta = 0,
    so the shift is sign(outlier - mean) delta / n (while the inliers stay within delta of the new c).
    """
    y = np.asarray(y, dtype=float)
    n, mean = len(y), float(np.mean(y))
    with_outlier = np.append(y, outlier)
    mse_shift = (outlier - mean) / (n + 1)                                  # mean of n + 1 points
    mae_shift = float(np.median(with_outlier) - np.median(y))               # a neighbour of the old median
    huber_shift = float(np.sign(outlier - mean)) * delta / n                # n (mean - c) + delta = 0
    return np.array([mse_shift, mae_shift, huber_shift])


def best_constant(y, loss, delta=1.0):
    """The constant c minimizing ``loss`` ("mse", "mae" or "huber") over y, fitted numerically (hidden tests)."""
    from scipy.optimize import minimize_scalar   # scikit-learn's dependency; only the hidden tests need it
    y = np.asarray(y, dtype=float)
    objective = {"mse": lambda c: losses.mean_squared_error(y, np.full_like(y, c)),
                 "mae": lambda c: losses.mean_absolute_error(y, np.full_like(y, c)),
                 "huber": lambda c: losses.huber(y, np.full_like(y, c), delta=delta)}[loss]
    return minimize_scalar(objective, bounds=(y.min(), y.max()), method="bounded",
                           options={"xatol": 1e-12}).x


def _mse_over_n(y, outlier, delta):
    shifts = outlier_shifts(y, outlier, delta)
    shifts[0] = (outlier - np.mean(y)) / len(y)
    return shifts


def _huber_over_n_plus_1(y, outlier, delta):
    shifts = outlier_shifts(y, outlier, delta)
    shifts[2] = np.sign(outlier - np.mean(y)) * delta / (len(y) + 1)
    return shifts


def _huber_as_mse(y, outlier, delta):
    shifts = outlier_shifts(y, outlier, delta)
    shifts[2] = shifts[0]
    return shifts


def _median_unmoved(y, outlier, delta):
    shifts = outlier_shifts(y, outlier, delta)
    shifts[1] = 0.0
    return shifts


OUTLIER_CASES = [
    (np.array([1.0, 2.0, 3.0, 4.0, 5.0]), 100.0, 3.0),
    Case(np.array([1.0, 2.0, 3.0, 4.0, 5.0]), 1000.0, 3.0, label="the same data, an outlier 10x farther"),
    Case(np.array([10.0, 12.0, 11.0, 13.0]), -50.0, 4.0, label="an outlier below, an even count before"),
    Case(np.array([0.0, 0.5, 1.0, 1.5, 2.0, 2.5]), 30.0, 2.0, label="six points, delta = 2"),
]
OUTLIER_MISTAKES = [
    (_mse_over_n, "your MSE shift divides by n: the new mean averages n + 1 points"),
    (_huber_as_mse, "your Huber shift is the MSE's: beyond delta Huber is linear, so the outlier pulls with a constant "
                    "force delta however far it is"),
    (_huber_over_n_plus_1, "your Huber shift divides by n + 1: the outlier's pull delta is balanced by the n inliers "
                           "alone, n (mean - c) + delta = 0"),
    (_median_unmoved, "the median does move: one extra point shifts it to a neighbouring middle value"),
]
