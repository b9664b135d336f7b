"""course_lib.timeseries against scikit-learn: walk-forward splits are TimeSeriesSplit's, the MSE fit is least
squares (1e-8), the MAE fit (cosine-decayed steps) within 1 % of the exact median regression; bad input is refused by name."""
import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, QuantileRegressor
from sklearn.model_selection import TimeSeriesSplit

from course_lib import autodiff, optimizers, schedules
from course_lib import timeseries as ts


@pytest.mark.parametrize("n, splits, test_size, gap", [(100, 5, None, 0), (61, 5, None, 0), (50, 3, 7, 2), (12, 2, 1, 0)])
def test_walk_forward_splits_equal_time_series_split(n, splits, test_size, gap):
    ours = ts.walk_forward_splits(n, splits, test_size=test_size, gap=gap)
    theirs = list(TimeSeriesSplit(splits, test_size=test_size, gap=gap).split(np.zeros(n)))
    assert len(ours) == len(theirs)
    for (a, b), (c, d) in zip(ours, theirs):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)
        assert a.max() < b.min()  # always trained on the past


def test_shuffled_splits_partition_the_samples_and_mix_past_and_future():
    splits = ts.shuffled_splits(40, 4, seed=3)
    tests = np.sort(np.concatenate([test for _, test in splits]))
    np.testing.assert_array_equal(tests, np.arange(40))
    for train, test in splits:
        assert len(np.intersect1d(train, test)) == 0 and len(train) + len(test) == 40
    assert any(train.max() > test.min() for train, test in splits)


def test_lagged_and_log_returns():
    X, y = ts.lagged(np.arange(6.0), 3)
    np.testing.assert_array_equal(X, [[0, 1, 2], [1, 2, 3], [2, 3, 4]])
    np.testing.assert_array_equal(y, [3, 4, 5])
    np.testing.assert_allclose(ts.log_returns([1.0, np.e, 1.0]), [1.0, -1.0])
    naive = ts.naive_forecasts(X)
    np.testing.assert_array_equal(naive["last value"], [2, 3, 4])
    np.testing.assert_array_equal(naive["zero"], 0)


def test_direction_accuracy_and_rmse():
    assert ts.direction_accuracy([1.0, -1.0, 2.0, -3.0], [0.5, 0.5, 0.0, -1.0]) == 0.5  # a zero forecast is wrong
    assert ts.rmse([0.0, 0.0], [3.0, 4.0]) == pytest.approx(np.sqrt(12.5))


def _data(seed=0, n=80):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)) * 0.05
    y = X @ np.array([0.5, -0.2, 0.0, 0.3]) + 0.01 + 0.02 * rng.standard_t(3, size=n)
    return X, y


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mse_fit_is_least_squares(seed):
    X, y = _data(seed)
    ours = ts.LinearForecaster(optimizers.Adam(0.05), "mse", steps=800).fit(X, y)
    ols = LinearRegression().fit(X, y)
    np.testing.assert_allclose(ours.coef_, ols.coef_, atol=1e-8)
    assert ours.intercept_ == pytest.approx(ols.intercept_, abs=1e-8)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mae_fit_reaches_median_regression(seed):
    X, y = _data(seed)
    # a kink at the minimum: a constant step jitters around it, a decaying one settles (cosine to 0)
    ours = ts.LinearForecaster(optimizers.Adam(schedules.CosineDecay(0.05, 1500)), "mae", steps=1500).fit(X, y)
    exact = QuantileRegressor(quantile=0.5, alpha=0, solver="highs").fit(X, y)
    mae = [np.mean(np.abs(y - m.predict(X))) for m in (ours, exact)]
    assert mae[1] <= mae[0] < 1.01 * mae[1]


def test_direction_loss_formula_and_gradient():
    y = np.array([0.1, -0.2, 0.05])
    pred = np.array([0.05, 0.1, -0.1])
    expected = np.mean((y - pred) ** 2) + 2.0 * np.mean(np.maximum(0, -y * pred))
    t = autodiff.Tensor(pred, requires_grad=True)
    loss = ts.forecast_loss("direction", y, t, penalty=2.0)
    assert float(loss.data) == pytest.approx(expected)
    loss.backward()
    hand = -2 * (y - pred) / 3 + 2.0 * np.where(-y * pred > 0, -y, 0.0) / 3
    np.testing.assert_allclose(t.grad, hand)
    assert float(ts.forecast_loss("direction", y, y * 2, penalty=5.0).data) == pytest.approx(np.mean(y ** 2))


def test_bad_input_is_refused_by_name():
    with pytest.raises(ValueError, match="n_splits"):
        ts.walk_forward_splits(10, 1)
    with pytest.raises(ValueError, match="Too many splits"):
        ts.walk_forward_splits(5, 4, test_size=2)
    with pytest.raises(ValueError, match="`loss` must be one of"):
        ts.LinearForecaster(optimizers.SGD(), loss="huber")
    with pytest.raises(ValueError, match="prices"):
        ts.log_returns([1.0, -2.0])
    with pytest.raises(ValueError, match="lags"):
        ts.lagged([1.0, 2.0], 2)
    with pytest.raises(ValueError, match="`X` must be 2-D"):
        ts.LinearForecaster(optimizers.SGD()).fit(np.zeros(5), np.zeros(5))
