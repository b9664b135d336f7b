"""Forecasting a time series honestly: walk-forward splits, lagged features, naive baselines, a
linear forecaster trained by gradient descent under MSE, MAE or a direction-aware loss.

**Walk-forward validation** (``sklearn.model_selection.TimeSeriesSplit``): the series is cut into
``n_splits + 1`` consecutive blocks; split k trains on everything before block k+1 and tests on
block k+1, so a model is only ever scored on data from its future:

    train_k = [0, n - (n_splits - k) * test_size),   test_k = [end of train_k, end of train_k + test_size)

A *shuffled* K-fold split (``KFold(shuffle=True)``) mixes past and future; with overlapping lagged
windows, the target of one window is a feature of the next, so it reports a skill the model cannot
have on tomorrow's data.  :func:`shuffled_splits` is there to show that.

The forecaster is linear in the last ``lags`` values, ``y_hat = X w + b``, trained by full-batch
gradient steps of a course_lib optimizer on one of three losses (y: the true next return):

    mse:        mean (y - y_hat)^2                                     (keras.losses.MeanSquaredError)
    mae:        mean |y - y_hat|                                       (keras.losses.MeanAbsoluteError)
    direction:  mean (y - y_hat)^2 + penalty * mean max(0, -y * y_hat)   (MSE plus a hinge on the sign)

The direction-aware term is zero when the forecast has the sign of the truth and grows with how
confidently it has the wrong sign: a trader who only acts on the sign cares about that.
"""
from __future__ import annotations

import numpy as np

from . import autodiff
from ._checks import check_choice, check_int, check_non_negative, check_vector

__all__ = ["walk_forward_splits", "shuffled_splits", "log_returns", "lagged", "naive_forecasts",
           "direction_accuracy", "rmse", "knn_relative_error", "LOSSES", "forecast_loss", "LinearForecaster"]

LOSSES = ("mse", "mae", "direction")


def walk_forward_splits(n_samples, n_splits=5, test_size=None, gap=0):
    """[(train_indices, test_indices), ...] in time order, equal to ``TimeSeriesSplit(n_splits, test_size=..., gap=...)``.

    ``test_size`` defaults to ``n_samples // (n_splits + 1)``; ``gap`` samples between the end of each
    training block and its test block are left out (a safety margin when features overlap).
    """
    n_samples = check_int("n_samples", n_samples)
    n_splits = check_int("n_splits", n_splits, minimum=2)
    gap = check_int("gap", gap, minimum=0)
    test_size = n_samples // (n_splits + 1) if test_size is None else check_int("test_size", test_size)
    first_test = n_samples - n_splits * test_size          # where the first test block starts
    if first_test - gap <= 0:
        raise ValueError(f"Too many splits for {n_samples} samples: `n_splits`={n_splits} blocks of `test_size`="
                         f"{test_size} plus `gap`={gap} leave no training data.")
    splits = []
    for start in range(first_test, n_samples, test_size):  # test block k starts at first_test + k * test_size
        train = np.arange(0, start - gap)                  # everything before it (minus the gap)
        test = np.arange(start, start + test_size)         # the next test_size samples
        splits.append((train, test))
    return splits


def shuffled_splits(n_samples, n_splits=5, seed=0):
    """K-fold splits of a shuffled index, as ``KFold(n_splits, shuffle=True)``: the wrong way for time series."""
    n_samples = check_int("n_samples", n_samples)
    n_splits = check_int("n_splits", n_splits, minimum=2)
    order = np.random.default_rng(seed).permutation(n_samples)
    folds = np.array_split(order, n_splits)
    return [(np.sort(np.concatenate(folds[:k] + folds[k + 1:])), np.sort(fold)) for k, fold in enumerate(folds)]


def log_returns(prices):
    """r_t = log(p_t / p_{t-1}): one value fewer than ``prices`` (which must be positive)."""
    prices = check_vector("prices", prices, min_size=2)
    if np.any(prices <= 0):
        raise ValueError("Argument `prices` must hold positive prices.")
    return np.diff(np.log(prices))


def lagged(series, lags):
    """(X, y) with X[t] = series[t : t + lags] and y[t] = series[t + lags]: each row predicts the next value."""
    series = check_vector("series", series)
    lags = check_int("lags", lags)
    if len(series) <= lags:
        raise ValueError(f"Argument `series` needs more than `lags`={lags} values; got {len(series)}.")
    X = np.lib.stride_tricks.sliding_window_view(series[:-1], lags).copy()  # rows of `lags` consecutive values
    return X, series[lags:]


def naive_forecasts(X):
    """The two naive forecasts of the next value from lagged rows X: {"zero": 0, "last value": X[:, -1]}."""
    X = np.asarray(X, dtype=float)
    return {"zero": np.zeros(len(X)), "last value": X[:, -1].copy()}


def direction_accuracy(y_true, y_pred):
    """Fraction of forecasts with the sign of the truth (a zero forecast counts as wrong)."""
    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    return float(np.mean(np.sign(y_pred) == np.sign(y_true)))


def rmse(y_true, y_pred):
    """Root-mean-squared error, sqrt(mean (y - y_hat)^2)."""
    return float(np.sqrt(np.mean((np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)) ** 2)))


def knn_relative_error(X, y, splits, n_neighbors=3):
    """Mean over ``splits`` of  RMSE(k-nearest-neighbours forecast) / RMSE(last-value forecast)  on each test block.

    Below 1: better than naive.  ``sklearn.neighbors.KNeighborsRegressor`` is fitted on each training block; the ratio
    to the naive error on the *same* test points removes how hard each block is.
    """
    from sklearn.neighbors import KNeighborsRegressor

    ratios = []
    for train, test in splits:
        knn = KNeighborsRegressor(n_neighbors=n_neighbors).fit(X[train], y[train])
        ratios.append(rmse(y[test], knn.predict(X[test])) / rmse(y[test], X[test, -1]))
    return float(np.mean(ratios))


def forecast_loss(kind, y_true, y_pred, penalty=1.0):
    """The training loss ``kind`` ("mse", "mae" or "direction") of autodiff Tensors (or arrays), a scalar Tensor."""
    check_choice("loss", kind, LOSSES)
    error = y_true - y_pred
    if kind == "mae":
        return autodiff.abs(error).mean()                                   # mean |y - y_hat|
    squared = (error * error).mean()                                        # mean (y - y_hat)^2
    if kind == "mse":
        return squared
    wrong_side = autodiff.relu(-(y_true * y_pred))                          # max(0, -y * y_hat)
    return squared + penalty * wrong_side.mean()


class LinearForecaster:
    """y_hat = X w + b, fitted by ``steps`` full-batch steps of ``optimizer`` on ``loss``; scikit-learn's fit/predict.

    With ``loss="mse"`` the minimum is ordinary least squares (``sklearn.linear_model.LinearRegression``);
    with ``loss="mae"`` it is median regression (``QuantileRegressor(quantile=0.5, alpha=0)``).
    ``optimizer`` is a course_lib optimizer (fresh for each fit: it keeps state); the features are
    standardized inside fit (the returns are tiny numbers) and the weights reported in the data's units.
    """

    def __init__(self, optimizer, loss="mse", steps=500, penalty=1.0):
        self.optimizer = optimizer
        self.loss = check_choice("loss", loss, LOSSES)
        self.steps = check_int("steps", steps)
        self.penalty = check_non_negative("penalty", penalty)

    def fit(self, X, y):
        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        if X.ndim != 2 or len(X) != len(y):
            raise ValueError(f"`X` must be 2-D with one row per value of `y`; got shapes {X.shape} and {y.shape}.")
        self._mean, self._scale = X.mean(axis=0), X.std(axis=0) + 1e-12      # standardize: z = (x - mean) / scale
        Z = (X - self._mean) / self._scale
        self.w_, self.b_ = np.zeros(X.shape[1]), np.zeros(1)                 # start at the zero forecast
        for _ in range(self.steps):
            w, b = autodiff.Tensor(self.w_, requires_grad=True), autodiff.Tensor(self.b_, requires_grad=True)
            forecast_loss(self.loss, y, Z @ w + b, self.penalty).backward()  # J(w, b) and its gradient
            self.optimizer.apply([w.grad, b.grad], [self.w_, self.b_])      # one optimizer step, in place
        self.coef_ = self.w_ / self._scale                                  # back to the data's units
        self.intercept_ = float(self.b_[0] - self._mean @ self.coef_)
        return self

    def predict(self, X):
        return np.asarray(X, dtype=float) @ self.coef_ + self.intercept_
