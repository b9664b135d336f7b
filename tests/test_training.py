"""Protects course_lib.training: the loop does exactly the steps it promises, epoch by epoch, and
equals keras.Model.fit with SGD on the same batches; time_to_target reads a History correctly."""
import math

import numpy as np
import pytest

import keras

from course_lib import autodiff, optimizers
from course_lib.callbacks import History
from course_lib.training import Reached, full_loss, minimize, time_to_target, train


def _mse(params, Xb, yb):
    (w,) = params
    return ((Xb @ w - yb) ** 2).mean()


def _problem(n=50, d=3, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(dtype)
    y = (X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=n)).astype(dtype)
    return X, y


def test_batch_gd_is_the_textbook_update():
    X, y = _problem()
    w = np.zeros(3)
    # 0.125 is exact in float32 (Keras, and so our SGD, keeps the learning rate in float32)
    history = train(_mse, [w], optimizers.SGD(learning_rate=0.125), X, y, epochs=20)
    v = np.zeros(3)
    for _ in range(20):
        v = v - 0.125 * 2 / len(X) * X.T @ (X @ v - y)
    assert np.allclose(w, v, rtol=0, atol=1e-14)
    assert isinstance(history, History) and history.epoch == list(range(21))
    assert len(history.history["loss"]) == len(history.history["time"]) == 21
    assert len(history.step_loss) == 20
    assert history.history["loss"][0] == pytest.approx(np.mean(y ** 2))
    assert history.history["loss"][-1] == pytest.approx(np.mean((X @ w - y) ** 2), rel=1e-12)
    assert history.history["time"][0] == 0.0 and all(np.diff(history.history["time"]) > 0)
    assert history.params == {"batch_size": 50, "learning_rate": 0.125, "epochs": 20, "steps": 1}


def test_each_epoch_sees_every_sample_once():
    X = np.arange(10.0).reshape(10, 1)
    y = np.arange(10.0)  # y identifies the sample
    seen = []

    def recording_loss(params, Xb, yb):
        seen.append(np.asarray(yb).copy())
        return _mse(params, Xb, yb)

    history = train(recording_loss, [np.zeros(1)], optimizers.SGD(0.01), X, y, batch_size=3, epochs=2, seed=1)
    steps = [s for s in seen if len(s) < 10]  # drop the full-set evaluations
    assert len(history.step_loss) == len(steps) == 2 * 4
    first, second = np.concatenate(steps[:4]), np.concatenate(steps[4:])
    assert sorted(first) == sorted(second) == list(range(10))
    assert not np.array_equal(first, second), "a new shuffle each epoch"


def test_seed_makes_runs_reproducible():
    X, y = _problem()
    runs = []
    for seed in (0, 0, 1):
        w = np.zeros(3)
        train(_mse, [w], optimizers.SGD(0.05), X, y, batch_size=8, epochs=3, seed=seed)
        runs.append(w)
    assert np.array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


def test_record_params_and_sgd_step_count():
    X, y = _problem(n=12)
    w = np.zeros(3)
    history = train(_mse, [w], optimizers.SGD(0.05), X, y, batch_size=1, epochs=2, record_params=True)
    assert len(history.params_path) == len(history.step_loss) == 24
    assert np.array_equal(history.params_path[-1][0], w)
    assert not np.array_equal(history.params_path[0][0], history.params_path[1][0])


def test_divergence_stops_the_run():
    X, y = _problem()
    w = np.zeros(3)
    with np.errstate(over="ignore", invalid="ignore"):
        history = train(_mse, [w], optimizers.SGD(learning_rate=100.0), X, y, epochs=500)
    assert history.diverged
    assert len(history.history["loss"]) < 501
    assert not math.isfinite(history.history["loss"][-1])


def test_matches_keras_fit():
    """Same data order (shuffle=False), same SGD, same last partial batch: same weights as Keras after each epoch."""
    X, y = _problem(n=70, dtype=np.float32)
    w0 = np.random.default_rng(3).normal(size=(3, 1)).astype(np.float32)
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, use_bias=False)])
    model.set_weights([w0])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
    w = w0.copy()
    ours = optimizers.SGD(learning_rate=0.05)
    for epoch in range(3):
        model.fit(X, y[:, None], batch_size=16, epochs=1, shuffle=False, verbose=0)
        train(_mse, [w], ours, X, y[:, None], batch_size=16, epochs=1, shuffle=False)
        diff = np.max(np.abs(w - model.get_weights()[0]))
        assert diff <= 1e-6, f"epoch {epoch}: max |ours - keras| = {diff:.2e}"
    assert ours.iterations == 3 * 5


def test_full_loss_records_no_graph():
    """Evaluating the full loss every epoch must not build a graph (memory, time), even when the
    loss itself holds a Tensor that requires a gradient."""
    X, y = _problem()
    scale = autodiff.Tensor(np.array(2.0), requires_grad=True)
    results = []

    def scaled_mse(params, Xb, yb):
        results.append(scale * _mse(params, Xb, yb))
        return results[-1]

    value = full_loss(scaled_mse, [np.zeros(3)], X, y)
    assert type(value) is float and value == pytest.approx(2 * np.mean(y ** 2))
    assert not results[0].requires_grad and results[0]._parents == ()
    scaled_mse([autodiff.Tensor(np.zeros(3))], X, y)  # outside full_loss the same code does record one
    assert results[1].requires_grad and results[1]._parents


def test_time_to_target():
    h = History()
    for k, (loss, seconds) in enumerate(zip([1.0, 0.5, 0.2, 0.1], [0.0, 1.0, 2.5, 4.0])):
        h.on_epoch_end(k, {"loss": loss, "time": seconds})
    assert time_to_target(h, 0.3) == Reached(2, 2.5)
    assert time_to_target(h, 1.0) == Reached(0, 0.0)
    assert time_to_target(h, 0.05) is None
    with pytest.raises(ValueError, match="target"):
        time_to_target(h, float("nan"))


def test_bad_input():
    X, y = _problem()
    opt = optimizers.SGD(0.1)
    with pytest.raises(TypeError, match="params"):
        train(_mse, np.zeros(3), opt, X, y)
    with pytest.raises(TypeError, match=r"params\[0\]"):
        train(_mse, [np.zeros(3, dtype=int)], opt, X, y)
    with pytest.raises(ValueError, match="same number of samples"):
        train(_mse, [np.zeros(3)], opt, X, y[:-1])
    with pytest.raises(ValueError, match="batch_size"):
        train(_mse, [np.zeros(3)], opt, X, y, batch_size=0)
    for epochs in (-1, 2.5, True):
        with pytest.raises(ValueError, match="`epochs` must be a non-negative integer"):
            train(_mse, [np.zeros(3)], opt, X, y, epochs=epochs)


def test_numpy_integers_are_accepted_as_counts():
    """np.int64 comes out of numpy arithmetic (e.g. ``epochs = n // 10``): it is an integer, not an error."""
    X, y = _problem()
    history = train(_mse, [np.zeros(3)], optimizers.SGD(0.05), X, y, batch_size=np.int64(10), epochs=np.int64(2))
    assert len(history.history["loss"]) == 3 and len(history.step_loss) == 10
    assert minimize(lambda t: t ** 2, 1.0, optimizers.SGD(0.1), steps=np.int64(3)).points.shape == (4,)


def test_minimize_follows_the_update_rule():
    """On J = (L/2)(theta - 3)^2 each SGD step multiplies the error by (1 - lr L): check the exact iterates."""
    L, lr = 4.0, 0.125
    path = minimize(lambda t: 0.5 * L * (t - 3.0) ** 2, 0.0, optimizers.SGD(learning_rate=lr), steps=10)
    expected = 3.0 - 3.0 * (1 - lr * L) ** np.arange(11)
    assert np.allclose(path.points, expected, rtol=0, atol=1e-14)
    assert np.allclose(path.losses, 0.5 * L * (expected - 3.0) ** 2, rtol=0, atol=1e-14)
    assert not path.diverged


def test_minimize_on_vectors_and_divergence():
    A = np.diag([1.0, 10.0])
    f = lambda t: 0.5 * (t @ (A @ t))  # noqa: E731
    good = minimize(f, [1.0, 1.0], optimizers.SGD(learning_rate=0.15), steps=100)
    assert good.points.shape == (101, 2) and good.losses[-1] < 1e-10
    with np.errstate(over="ignore"):
        bad = minimize(f, [1.0, 1.0], optimizers.SGD(learning_rate=0.25), steps=2000)  # 0.25 > 2/10
    assert bad.diverged and np.isnan(bad.points[-1]).all()
    with pytest.raises(ValueError, match="`steps` must be a non-negative integer"):
        minimize(f, [1.0, 1.0], optimizers.SGD(0.1), steps=-1)
    with pytest.raises(ValueError, match="theta0"):
        minimize(f, [np.nan, 1.0], optimizers.SGD(0.1), steps=1)


def test_minimize_with_a_hand_written_gradient_is_the_autodiff_run():
    """grad= replaces autodiff by a given gradient: on J = theta^4/4 - theta (grad theta^3 - 1) both
    runs take the same steps; a NaN gradient ends the run as a divergence, without calling apply."""
    f = lambda t: t ** 4 / 4 - t  # noqa: E731
    auto = minimize(f, 2.0, optimizers.SGD(learning_rate=0.05), steps=100)
    hand = minimize(f, 2.0, optimizers.SGD(learning_rate=0.05), steps=100, grad=lambda t: t ** 3 - 1)
    np.testing.assert_allclose(hand.points, auto.points, rtol=1e-14, atol=0)
    np.testing.assert_allclose(hand.losses, auto.losses, rtol=1e-14, atol=1e-15)
    assert abs(hand.points[-1] - 1.0) < 1e-6
    nan_at_1 = minimize(lambda t: t ** 2, 3.0, optimizers.SGD(learning_rate=0.25), steps=5,
                        grad=lambda t: 2 * t if t > 1 else np.array(np.nan))
    # 3 -> 1.5 -> 0.75: the gradient at 0.75 is NaN, so the path stops at row 2.
    assert nan_at_1.points[:3].tolist() == [3.0, 1.5, 0.75] and np.isnan(nan_at_1.points[3:]).all()
    assert nan_at_1.diverged and np.isnan(nan_at_1.losses[3:]).all()
