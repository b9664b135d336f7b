"""Tests of course_lib.lr_finder, the learning-rate range test.

Protects: the rates grow exponentially from start_lr to end_lr; the smoothing is the
bias-corrected moving average; on a least-squares problem, where plain gradient descent is
stable exactly for lr < 2 / lambda_max(Hessian), the test stops just past that limit and
suggests a rate below it that trains; the model and optimizer are restored; bad input is
refused with a message naming the argument.
"""
import math

import numpy as np
import pytest

from course_lib import nn, optimizers
from course_lib.lr_finder import LRFinderResult, exponential_rates, lr_range_test, smooth_losses


def regression_problem(n=256, seed=0):
    """Centered 2-feature linear regression; returns X, y and the largest stable GD rate 2/lambda_max."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2)) * np.array([1.0, 3.0])
    X -= X.mean(axis=0)
    y = X @ np.array([[2.0], [-1.0]]) + 0.5 + 0.1 * rng.normal(size=(n, 1))
    A = np.hstack([X, np.ones((n, 1))])
    hessian = 2 / n * A.T @ A  # of J(w, b) = mean((X w + b - y)^2)
    return X, y, 2 / np.linalg.eigvalsh(hessian).max()


def linear_model(learning_rate=0.01):
    model = nn.Sequential([nn.Dense(1)], seed=0, dtype="float64").build(2)
    model.compile(optimizers.SGD(learning_rate=learning_rate), "mse")
    return model


def test_exponential_rates_are_geometric_from_start_to_end():
    rates = exponential_rates(1e-4, 1.0, 5)
    np.testing.assert_allclose(rates, [1e-4, 1e-3, 1e-2, 1e-1, 1.0], rtol=1e-12)
    ratios = rates[1:] / rates[:-1]
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-12)


def test_smoothing_is_bias_corrected_moving_average():
    np.testing.assert_allclose(smooth_losses([2.0] * 10, beta=0.9), 2.0, rtol=1e-12)  # no pull towards 0
    losses = [3.0, 1.0, 2.0]
    a1 = 0.5 * 3.0
    a2 = 0.5 * a1 + 0.5 * 1.0
    a3 = 0.5 * a2 + 0.5 * 2.0
    expected = [a1 / (1 - 0.5), a2 / (1 - 0.25), a3 / (1 - 0.125)]
    np.testing.assert_allclose(smooth_losses(losses, beta=0.5), expected, rtol=1e-12)
    np.testing.assert_array_equal(smooth_losses(losses, beta=0.0), losses)


def test_finds_the_stability_limit_of_gradient_descent():
    """Full-batch GD on a quadratic diverges exactly above 2 / lambda_max: the test must stop just past it."""
    X, y, critical = regression_problem()
    result = lr_range_test(linear_model(), X, y, start_lr=1e-5, end_lr=10.0, num_steps=200,
                           batch_size=len(X))
    assert result.diverged
    # The smoothed loss lags a few steps behind the blow-up: stop within 10x past the limit.
    assert critical < result.stop_lr < 10 * critical, (result.stop_lr, critical)
    for method in ("steepest", "min_loss"):
        assert critical / 100 < result.suggestion(method) < critical, (method, result.suggestion(method))
    assert len(result.losses) == len(result.learning_rates) == len(result.smoothed) < 200
    np.testing.assert_allclose(result.smoothed[:-1], smooth_losses(result.losses[:-1]), rtol=1e-12)


def test_suggested_rate_trains_and_a_rate_past_the_stop_does_not():
    X, y, _ = regression_problem()
    model = linear_model()
    result = lr_range_test(model, X, y, start_lr=1e-5, end_lr=10.0, num_steps=200, batch_size=len(X))
    first = model.evaluate(X, y, batch_size=len(X))
    model.optimizer.learning_rate = result.suggestion()
    model.fit(X, y, batch_size=len(X), epochs=100, shuffle=False, verbose=0)
    assert model.evaluate(X, y, batch_size=len(X)) < 0.02 * first  # noise floor is 0.01, start ~9
    bad = linear_model(result.stop_lr)
    bad.fit(X, y, batch_size=len(X), epochs=20, shuffle=False, verbose=0)
    assert bad.evaluate(X, y, batch_size=len(X)) > 100 * first  # the loss grows: divergence


def test_no_divergence_below_the_limit_runs_every_step():
    X, y, critical = regression_problem()
    result = lr_range_test(linear_model(), X, y, start_lr=1e-4, end_lr=critical / 4, num_steps=60,
                           batch_size=64)
    assert not result.diverged
    assert len(result.losses) == 60
    assert math.isclose(result.stop_lr, critical / 4, rel_tol=1e-12)


def test_restores_weights_and_optimizer():
    X, y, _ = regression_problem()
    model = linear_model(learning_rate=0.03)
    model.fit(X, y, batch_size=32, epochs=1, verbose=0)  # a built optimizer with some history
    weights, optimizer = model.get_weights(), model.optimizer
    iterations, lr = optimizer.iterations, optimizer.learning_rate
    lr_range_test(model, X, y, num_steps=50, batch_size=32)
    for before, after in zip(weights, model.get_weights()):
        np.testing.assert_array_equal(before, after)
    assert model.optimizer.iterations == iterations and model.optimizer.learning_rate == lr
    result = lr_range_test(model, X, y, num_steps=50, batch_size=32, restore=False)
    assert model.optimizer.learning_rate == pytest.approx(result.learning_rates[-1], rel=1e-6)


def test_deterministic_for_a_seed():
    X, y, _ = regression_problem()
    a = lr_range_test(linear_model(), X, y, num_steps=80, batch_size=16, seed=3)
    b = lr_range_test(linear_model(), X, y, num_steps=80, batch_size=16, seed=3)
    np.testing.assert_array_equal(a.losses, b.losses)


def test_plot_marks_the_suggestions():
    import matplotlib

    matplotlib.use("Agg")
    X, y, _ = regression_problem()
    ax = lr_range_test(linear_model(), X, y, start_lr=1e-5, num_steps=200, batch_size=len(X)).plot()
    assert ax.get_xscale() == "log"
    assert sum(line.get_linestyle() in ("--", ":") for line in ax.get_lines()) == 2


@pytest.mark.parametrize("kwargs, match", [
    ({"start_lr": 0.0}, "start_lr"),
    ({"start_lr": -1e-3}, "start_lr"),
    ({"start_lr": float("nan")}, "start_lr"),
    ({"start_lr": 1.0, "end_lr": 0.1}, "end_lr"),
    ({"num_steps": 1}, "num_steps"),
    ({"num_steps": 10.5}, "num_steps"),
    ({"beta": 1.0}, "beta"),
    ({"diverge_factor": 1.0}, "diverge_factor"),
    ({"batch_size": 0}, "batch_size"),
])
def test_bad_arguments_raise_value_error(kwargs, match):
    X, y, _ = regression_problem(n=32)
    with pytest.raises(ValueError, match=match):
        lr_range_test(linear_model(), X, y, **kwargs)


def test_bad_model_and_data_raise_value_error():
    X, y, _ = regression_problem(n=32)
    with pytest.raises(ValueError, match="compiled"):
        lr_range_test(nn.Sequential([nn.Dense(1)]), X, y)
    with pytest.raises(ValueError, match="same number of samples"):
        lr_range_test(linear_model(), X, y[:-1])
    with pytest.raises(TypeError, match="start_lr"):
        lr_range_test(linear_model(), X, y, start_lr="0.1")
    with pytest.raises(ValueError, match="method"):
        LRFinderResult(np.array([1.0, 2.0]), np.ones(2), np.ones(2), False).suggestion("fastest")
    with pytest.raises(ValueError, match="smaller `start_lr`"):
        LRFinderResult(np.array([1.0, 2.0, 4.0]), np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0]),
                       True).steepest_lr


def test_a_shape_bug_raises_the_real_error_not_divergence():
    """Only a refused NaN/inf gradient (or a non-finite loss) is divergence: a model fed the wrong
    width must fail with its own message, and the weights must still be restored."""
    X, y, _ = regression_problem(n=32)
    model = linear_model()
    weights = model.get_weights()
    with pytest.raises(ValueError, match="wrong width"):
        lr_range_test(model, np.hstack([X, X[:, :1]]), y, num_steps=20)
    for before, after in zip(weights, model.get_weights()):
        np.testing.assert_array_equal(before, after)


def test_a_refused_gradient_counts_as_divergence():
    """The optimizer raises NonFiniteGradientError on a NaN gradient: the test stops there, diverged."""
    class RefusesAtStep5:
        optimizer = optimizers.SGD(0.1)

        def __init__(self):
            self.steps = 0

        def get_weights(self):
            return []

        def set_weights(self, weights):
            pass

        def train_on_batch(self, x, y):
            self.steps += 1
            if self.steps == 5:
                self.optimizer.apply([np.array([np.nan])], [np.zeros(1)])
            return 1.0

    result = lr_range_test(RefusesAtStep5(), np.zeros((8, 1)), np.zeros(8), num_steps=20, batch_size=4)
    assert result.diverged and len(result.losses) == 5 and result.losses[-1] == math.inf
