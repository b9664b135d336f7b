"""course_lib.callbacks makes Keras 3's decisions, epoch by epoch.

Ours and keras.callbacks are fed the same logged metric sequences (seeded noisy
decays, plateaus, exact ties, improvements below float32 resolution) and must
agree on:
- ReduceLROnPlateau: the learning rate after every epoch, bit for bit once
  rounded to float32 (Keras keeps the rate in a float32 variable; ours starts
  as the Python float it was given), and the epochs at which it was reduced;
- EarlyStopping: the epoch at which training stops and the restored weights, exactly.
Keras's callbacks get a stand-in model whose optimizer is a real keras.optimizers.SGD.
"""
import numpy as np
import pytest

import keras

from course_lib import callbacks as C
from course_lib.keras_check import compare_callback, run_callback, run_keras_callback


def _sequences(seed, n=40):
    """Logged validation losses of different shapes (all seeded)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    noisy = np.exp(-t / 8) + 0.05 * rng.standard_normal(n)
    plateau = np.maximum(np.exp(-t / 5), 0.2) + 1e-5 * rng.standard_normal(n)
    ties = np.round(np.exp(-t / 10) + 0.02 * rng.standard_normal(n), 2)
    tiny = 0.5 - 1e-9 * t  # "improves" by less than float32 can see
    logged = (np.exp(-t / 6) + 0.03 * rng.standard_normal(n)).astype(np.float32).astype(float)
    return {"noisy": noisy, "plateau": plateau, "ties": ties, "tiny": tiny, "float32_logged": logged}


def _random_plateau_kwargs(rng):
    mode = str(rng.choice(["auto", "min", "max"]))
    return dict(mode=mode, monitor="val_accuracy" if mode == "max" else "val_loss",
                factor=float(rng.choice([0.1, 0.3, 0.5])), patience=int(rng.integers(0, 5)),
                cooldown=int(rng.integers(0, 4)), min_delta=float(rng.choice([0.0, 1e-4, 1e-2])),
                min_lr=float(rng.choice([0.0, 1e-4, 1e-3])))


def _cases(kwargs_maker, seeds):
    cases = []
    for seed in seeds:
        rng = np.random.default_rng(100 + seed)
        for name, values in _sequences(seed).items():
            kwargs = kwargs_maker(rng)
            if kwargs["mode"] == "max":
                values = 1.0 - values  # an accuracy-like curve going up
            cases.append(pytest.param(kwargs, values, id=f"{seed}-{name}-{kwargs['mode']}"))
    return cases


@pytest.mark.parametrize("kwargs,values", _cases(_random_plateau_kwargs, range(4)))
@pytest.mark.parametrize("lr", [0.1, 1e-3])
def test_reduce_lr_on_plateau_matches_keras(kwargs, values, lr):
    ours_cb, keras_cb = C.ReduceLROnPlateau(**kwargs), keras.callbacks.ReduceLROnPlateau(**kwargs)
    ours = run_callback(ours_cb, values, kwargs["monitor"], lr)
    theirs = run_keras_callback(keras_cb, values, kwargs["monitor"], lr)
    np.testing.assert_array_equal(np.float32(ours.learning_rates), np.float32(theirs.learning_rates))
    assert (ours_cb.wait, ours_cb.cooldown_counter, ours_cb.best) == (keras_cb.wait, keras_cb.cooldown_counter,
                                                                      keras_cb.best)

    def reduced(lrs):  # epochs at which the rate dropped (beyond float32 rounding)
        lrs = np.array([lr] + lrs)
        return np.flatnonzero(lrs[1:] < lrs[:-1] * (1 - 1e-6))

    assert reduced(ours.learning_rates).tolist() == reduced(theirs.learning_rates).tolist()


def test_reduce_lr_reduces_at_all():
    """Guard against a vacuous comparison: the sequences above do trigger reductions."""
    values = _sequences(0)["plateau"]
    trace = run_callback(C.ReduceLROnPlateau(patience=2, factor=0.5, min_lr=0.01), values, "val_loss", 0.1)
    assert trace.learning_rates[0] == 0.1
    assert min(trace.learning_rates) == pytest.approx(0.01) and len(set(trace.learning_rates)) > 2


def test_min_lr_reached_by_repeated_products_counts_as_reached():
    """Where 1e-3 * 0.1 * 0.1 lands next to min_lr=1e-5 depends on float32 rounding: with
    float64 rates we would stop one (clamping) reduction early and our wait/cooldown would
    drift from Keras's."""
    kwargs = dict(factor=0.1, patience=1, cooldown=3, min_lr=1e-5)
    values = np.full(20, 1.0)
    ours_cb, keras_cb = C.ReduceLROnPlateau(**kwargs), keras.callbacks.ReduceLROnPlateau(**kwargs)
    ours = run_callback(ours_cb, values, "val_loss", 1e-3)
    theirs = run_keras_callback(keras_cb, values, "val_loss", 1e-3)
    np.testing.assert_array_equal(np.float32(ours.learning_rates), np.float32(theirs.learning_rates))
    assert (ours_cb.wait, ours_cb.cooldown_counter) == (keras_cb.wait, keras_cb.cooldown_counter)


def test_improvements_below_float32_resolution_do_not_count():
    """Keras compares in float32; a float64 comparison would see 'tiny' as improving every epoch."""
    values = _sequences(0)["tiny"]
    ours = run_callback(C.EarlyStopping(patience=3), values)
    theirs = run_keras_callback(keras.callbacks.EarlyStopping(patience=3), values)
    assert ours.stopped_after == theirs.stopped_after == 3


def _random_stopping_kwargs(rng):
    mode = str(rng.choice(["auto", "min", "max"]))
    baseline = None
    if rng.integers(3) == 0:
        baseline = float(rng.uniform(0.2, 0.6))
        baseline = 1 - baseline if mode == "max" else baseline
    return dict(mode=mode, monitor="val_accuracy" if mode == "max" else "val_loss",
                patience=int(rng.integers(0, 6)), min_delta=float(rng.choice([0.0, 1e-3, 1e-2])),
                baseline=baseline, restore_best_weights=bool(rng.integers(2)),
                start_from_epoch=int(rng.choice([0, 0, 3])))


@pytest.mark.parametrize("kwargs,values", _cases(_random_stopping_kwargs, range(6)))
def test_early_stopping_matches_keras(kwargs, values):
    ours_cb, keras_cb = C.EarlyStopping(**kwargs), keras.callbacks.EarlyStopping(**kwargs)
    ours = run_callback(ours_cb, values, kwargs["monitor"])
    theirs = run_keras_callback(keras_cb, values, kwargs["monitor"])
    assert ours.stopped_after == theirs.stopped_after
    assert ours_cb.best_epoch == keras_cb.best_epoch and ours_cb.best == keras_cb.best
    for a, b in zip(ours.final_weights, theirs.final_weights, strict=True):
        np.testing.assert_array_equal(a, b)


def test_restore_best_weights_restores_the_best_epoch():
    values = [1.0, 0.5, 0.3, 0.4, 0.45, 0.6, 0.2]
    trace = run_callback(C.EarlyStopping(patience=2, restore_best_weights=True), values)
    assert trace.stopped_after == 4
    np.testing.assert_array_equal(trace.final_weights[0], np.full((2, 3), 2.0))  # epoch 2 was best


def test_restored_weights_are_copies():
    """Our optimizers update weights in place: a snapshot must not follow them."""
    w = np.zeros(3)

    class InPlaceModel:
        optimizer, stop_training = None, False

        def get_weights(self):
            return [w]

        def set_weights(self, weights):
            w[...] = weights[0]

    cb = C.EarlyStopping(patience=5, restore_best_weights=True)
    cb.set_model(InPlaceModel())
    cb.on_train_begin()
    for epoch, value in enumerate([1.0, 0.5, 0.7]):
        w += 1.0  # a training step, in place
        cb.on_epoch_end(epoch, {"val_loss": value})
    cb.on_train_end()
    np.testing.assert_array_equal(w, np.full(3, 2.0))


def test_compare_callback_table():
    values = _sequences(1)["plateau"]
    kwargs = dict(patience=2, factor=0.5, cooldown=1)
    result = compare_callback(C.ReduceLROnPlateau(**kwargs), keras.callbacks.ReduceLROnPlateau(**kwargs), values)
    assert len(result.rows) == len(values) and result.within(1e-6 * 0.1)
    different = compare_callback(C.EarlyStopping(patience=1), keras.callbacks.EarlyStopping(patience=4), values)
    assert different.max_diff == float("inf")


def test_auto_mode_directions_match_keras_metrics():
    """Our name table for mode='auto' agrees with the _direction of Keras's metric objects."""
    for name in sorted(C._MAXIMIZED | C._MINIMIZED - {"loss"}):
        expected = "max" if name in C._MAXIMIZED else "min"
        assert keras.metrics.get(name)._direction == {"max": "up", "min": "down"}[expected], name
        assert C.EarlyStopping(monitor="val_" + name).maximize == (expected == "max")


def test_missing_monitor_warns_and_does_nothing():
    cb = C.EarlyStopping(monitor="val_loss", patience=0)
    with pytest.warns(UserWarning, match="val_loss"):
        trace = run_callback(cb, [1.0, 2.0, 3.0], monitor="loss")
    assert trace.stopped_after is None


def test_schedule_learning_rate_is_a_type_error():
    cb = C.ReduceLROnPlateau(patience=0)
    with pytest.raises(TypeError, match="learning_rate"):
        run_callback(cb, [1.0, 2.0], optimizer=type("Opt", (), {"learning_rate": staticmethod(lambda s: 0.1)})())


BAD = [
    (lambda: C.ReduceLROnPlateau(factor=1.0), "factor"),
    (lambda: C.ReduceLROnPlateau(factor=-0.5), "factor"),
    (lambda: C.ReduceLROnPlateau(patience=-1), "patience"),
    (lambda: C.ReduceLROnPlateau(mode="minimum"), "mode"),
    (lambda: C.ReduceLROnPlateau(min_lr=-1e-3), "min_lr"),
    (lambda: C.ReduceLROnPlateau(cooldown=-2), "cooldown"),
    (lambda: C.EarlyStopping(patience=-3), "patience"),
    (lambda: C.EarlyStopping(patience=2.5), "patience"),
    (lambda: C.EarlyStopping(mode="up"), "mode"),
    (lambda: C.EarlyStopping(monitor="val_my_metric"), "mode"),  # auto cannot infer a direction
    (lambda: C.EarlyStopping(start_from_epoch=-1), "start_from_epoch"),
]


@pytest.mark.parametrize("make,argument", BAD, ids=[a + str(i) for i, (_, a) in enumerate(BAD)])
def test_bad_input_raises_value_error_naming_the_argument(make, argument):
    with pytest.raises(ValueError, match=f"`{argument}`"):
        make()


def test_keras_also_rejects_factor_of_one():
    with pytest.raises(ValueError, match="factor"):
        keras.callbacks.ReduceLROnPlateau(factor=1.0)


def test_history_records_like_keras_history():
    """Same hook calls, same record: ``history`` dict of lists and ``epoch``; the model points to it."""
    import types

    from course_lib.callbacks import History

    logs = [{"loss": 0.9, "accuracy": 0.5}, {"loss": 0.7, "accuracy": 0.6}, {"loss": 0.6, "accuracy": 0.7}]
    records = []
    for history in (History(), keras.callbacks.History()):
        model = types.SimpleNamespace()
        history.set_model(model)
        history.on_train_begin()
        for epoch, epoch_logs in enumerate(logs):
            history.on_epoch_end(epoch, dict(epoch_logs))
        assert model.history is history
        records.append((history.history, history.epoch))
    assert records[0] == records[1]


def test_both_training_loops_return_the_one_history():
    from course_lib import nn, optimizers, training
    from course_lib.callbacks import History

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(20, 3)), rng.normal(size=(20, 1))
    model = nn.Sequential([nn.Dense(1)], seed=0)
    model.compile("sgd", "mse")
    fitted = model.fit(x, y, epochs=2, verbose=0)
    trained = training.train(lambda p, X, Y: ((X @ p[0] - Y) ** 2).mean(), [np.zeros((3, 1))],
                             optimizers.SGD(0.1), x, y, epochs=2)
    assert type(fitted) is History and type(trained) is History and model.history is fitted
    assert fitted.epoch == [0, 1] and trained.epoch == [0, 1, 2]  # train also logs the start
    assert trained.history["loss"][-1] < trained.history["loss"][0]


# -------------------------------------------------------------- MomentumScheduler
def test_momentum_scheduler_sets_sgd_momentum_before_each_step():
    """Heavy ball with a momentum per step: v_t = mu_t v_{t-1} - lr g_t, p_t = p_{t-1} + v_t, mu_t = schedule.momentum(t)."""
    from types import SimpleNamespace

    from course_lib import optimizers, schedules
    from course_lib.callbacks import MomentumScheduler

    schedule = schedules.OneCycle(0.5, 12, anneal_strategy="linear")
    optimizer = optimizers.SGD(learning_rate=0.1, momentum=0.95)
    callback = MomentumScheduler(schedule)
    callback.set_model(SimpleNamespace(optimizer=optimizer))
    p, p_ref, v_ref = np.array([1.0, -2.0]), np.array([1.0, -2.0]), np.zeros(2)
    for t in range(12):
        callback.on_train_batch_begin(t)
        assert optimizer.momentum == pytest.approx(schedule.momentum(t))
        g = 2 * p                                            # f = |p|^2
        optimizer.apply([g.copy()], [p])
        mu, lr = float(np.float32(schedule.momentum(t))), float(np.float32(0.1))   # float32, as Keras stores them
        v_ref = mu * v_ref - lr * (2 * p_ref)
        p_ref = p_ref + v_ref
    np.testing.assert_allclose(p, p_ref, rtol=1e-12)


def test_momentum_scheduler_sets_adam_beta_1_and_rejects_bad_input():
    from types import SimpleNamespace

    from course_lib import optimizers, schedules
    from course_lib.callbacks import MomentumScheduler

    schedule = schedules.OneCycle(0.5, 12)
    adam = optimizers.Adam()
    callback = MomentumScheduler(schedule)
    callback.set_model(SimpleNamespace(optimizer=adam))
    callback.on_train_batch_begin(0)
    assert adam.beta_1 == pytest.approx(0.95)
    with pytest.raises(ValueError, match="schedule"):
        MomentumScheduler(0.9)
    plain = MomentumScheduler(schedule)
    plain.set_model(SimpleNamespace(optimizer=optimizers.SGD(learning_rate=0.1)))
    with pytest.raises(ValueError, match="momentum=0"):
        plain.on_train_batch_begin(0)
