"""A NaN can never pass a check against Keras: every compare_* reports it as inf.

NaN compares False with everything, so ``max(abs(a - b))`` written with Python's
``max`` silently skips it and ``NaN <= tol`` is False only by luck of how the
assertion is written.  Each compare_* goes through ``keras_check.absdiff``; these
tests feed each one an implementation of ours that returns NaN and check the
comparison fails.
"""
import math

import numpy as np
import pytest

import keras

from course_lib import autodiff, callbacks, losses, nn, optimizers, schedules
from course_lib.keras_check import (absdiff, compare_batchnorm, compare_callback, compare_gradients,
                                    compare_loss, compare_optimizer, compare_schedule, compare_training)


# ------------------------------------------------------------------ absdiff
def test_absdiff_counts_nan_on_one_side_as_inf():
    assert absdiff([1.0, np.nan], [1.0, 2.0]) == math.inf
    assert absdiff([1.0, 2.0], [np.nan, 2.0]) == math.inf
    assert absdiff([1.0, np.inf], [1.0, 2.0]) == math.inf


def test_absdiff_counts_equal_non_finite_values_as_zero():
    assert absdiff([np.nan, np.inf, -np.inf], [np.nan, np.inf, -np.inf]) == 0.0
    assert absdiff([], []) == 0.0
    assert absdiff([1.0, 2.0], [1.5, 2.0]) == 0.5


def test_absdiff_rejects_different_shapes():
    with pytest.raises(ValueError, match="shapes differ"):
        absdiff(np.zeros(3), np.zeros((3, 1)))


def _fails_with_inf(result):
    assert result.max_diff == math.inf, str(result)
    assert not result.within(1e300)


# --------------------------------------------------------------- compare_*
class _NaNFromStep5(schedules.ExponentialDecay):
    def __call__(self, step):
        return math.nan if step >= 5 else super().__call__(step)


def test_compare_schedule_fails_on_nan():
    ours = _NaNFromStep5(0.1, 10, 0.9)
    theirs = keras.optimizers.schedules.ExponentialDecay(np.float64(0.1), 10, np.float64(0.9))
    result = compare_schedule(ours, theirs, steps=range(10))
    _fails_with_inf(result)
    assert [step for step, d in result.rows if d == math.inf] == [5, 6, 7, 8, 9]


def test_compare_optimizer_fails_when_ours_writes_nan():
    ours = optimizers.SGD(learning_rate=0.1)
    apply = ours.apply

    def apply_then_corrupt(grads, params):
        apply(grads, params)
        if ours.iterations >= 3:
            params[1][2] = np.nan

    ours.apply = apply_then_corrupt
    # Gradients that do not depend on the parameters: the NaN stays in place, and our
    # optimizer (which refuses a NaN gradient) keeps running.
    def grads(step, params):
        return [np.full_like(p, step + 1.0) for p in params]

    result = compare_optimizer(ours, keras.optimizers.SGD(learning_rate=0.1), steps=5, grads=grads)
    _fails_with_inf(result)
    assert [step for step, d in result.rows if d == math.inf] == [3, 4, 5]


def test_compare_loss_fails_on_nan():
    def nan_mse(y_true, y_pred, sample_weight=None):
        return losses.MeanSquaredError()(y_true, y_pred, sample_weight) * math.nan

    rng = np.random.default_rng(0)
    y_true, y_pred = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    result = compare_loss(nan_mse, keras.losses.MeanSquaredError(dtype="float64"), y_true, y_pred)
    _fails_with_inf(result)
    assert dict(result.rows) == {"value": math.inf, "gradient": math.inf}


def test_compare_gradients_fails_on_nan():
    def f(ops, x):
        y = ops.sum(x * x)
        return y * math.nan if ops is autodiff else y

    _fails_with_inf(compare_gradients(f, [np.arange(3.0)]))


def test_compare_training_fails_on_a_nan_loss(monkeypatch):
    train_on_batch = nn.Sequential.train_on_batch
    calls = []

    def nan_from_second_step(self, x, y):
        calls.append(1)
        loss = train_on_batch(self, x, y)
        return math.nan if len(calls) >= 2 else loss

    monkeypatch.setattr(nn.Sequential, "train_on_batch", nan_from_second_step)
    result = compare_training("sgd", steps=3)
    _fails_with_inf(result)
    assert [step for step, d in result.rows if d == math.inf] == [1, 2]


def test_compare_batchnorm_fails_on_nan(monkeypatch):
    call = nn.BatchNormalization.call

    def nan_at_inference(self, x, training=False):
        out = call(self, x, training=training)
        return out if training else out * math.nan

    monkeypatch.setattr(nn.BatchNormalization, "call", nan_at_inference)
    _fails_with_inf(compare_batchnorm(steps=2))


class _NaNRate(callbacks.ReduceLROnPlateau):
    def on_epoch_end(self, epoch, logs=None):
        super().on_epoch_end(epoch, logs)
        if epoch >= 1:
            self.model.optimizer.learning_rate = math.nan


def test_compare_callback_fails_on_nan():
    result = compare_callback(_NaNRate(patience=1), keras.callbacks.ReduceLROnPlateau(patience=1),
                              [1.0, 0.9, 0.95, 0.97])
    _fails_with_inf(result)
    assert [epoch for epoch, d in result.rows if d == math.inf] == [1, 2, 3]


def test_known_differences_are_reported_with_both_numbers():
    """Each registered, kept difference differs on TensorFlow as its explanation says; unknown ones fail."""
    from course_lib.keras_check import KNOWN_DIFFERENCES, check_known_differences, known_difference

    results = check_known_differences()
    assert len(results) == len(KNOWN_DIFFERENCES) >= 2
    for result in results:
        assert result.as_expected and result.differs, result
        assert "known difference" in str(result) and "ours" in str(result) and "keras" in str(result)
    gradient = next(r for r in results if "d loss/dz" in r.difference.case)
    np.testing.assert_allclose(gradient.ours, [[-0.820, -0.511, 1.330]], atol=5e-4)
    np.testing.assert_allclose(gradient.keras, [[-0.910, -0.755, 0.665]], atol=5e-4)

    # an entry on which Keras in fact agrees is flagged, not silently passed
    known_difference("Example", "equal numbers", "registered by mistake")(lambda: (np.ones(2), np.ones(2)))
    try:
        flagged = check_known_differences()[-1]
        assert not flagged.as_expected and "UNEXPECTED" in flagged.status
    finally:
        KNOWN_DIFFERENCES.pop()
