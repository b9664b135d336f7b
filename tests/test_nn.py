"""course_lib.nn: layers and Sequential equal Keras's, gradients are right, fit follows Keras's protocol.

Protects: the end-to-end promise (same MLP, weights and batches give Keras's loss curve),
BatchNormalization/Dropout semantics, layer gradients (finite differences), the fit
loop (callback order, logs, early stopping, learning-rate reduction) and clear errors.
"""
import numpy as np
import pytest

import keras

from course_lib import autodiff as ad
from course_lib import callbacks, nn, optimizers
from course_lib.gradcheck import check_parameter_gradients
from course_lib.keras_check import compare_batchnorm, compare_training
from course_lib.data import load_digits
from course_lib.keras_check import keras_model_like


# ----------------------------------------------------------------- against Keras
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_training_loss_curve_equals_keras(optimizer):
    """50 train_on_batch steps, same weights and batches: losses agree to 1e-5 (float32)."""
    comparison = compare_training(optimizer, steps=50)
    assert len(comparison.rows) == 51  # 50 losses + the final weights
    assert comparison.within(1e-5), comparison


@pytest.mark.parametrize("dtype, tol", [("float32", 1e-5), ("float64", 1e-12)])
def test_batchnorm_equals_keras(dtype, tol):
    """Training outputs, moving statistics and inference outputs equal keras.layers.BatchNormalization."""
    comparison = compare_batchnorm(dtype=dtype)
    assert comparison.within(tol), comparison


def test_dropout_matches_keras_semantics():
    """Inference: identity on both.  Training: kept values scaled by 1/(1-rate), drop rate ~ rate."""
    rate = 0.3
    x = np.random.default_rng(0).uniform(1, 2, size=(200, 500)).astype("float32")  # no zeros
    ours, theirs = nn.Dropout(rate, seed=1), keras.layers.Dropout(rate, seed=1)
    np.testing.assert_array_equal(ours(x, training=False).data, x)
    np.testing.assert_array_equal(np.asarray(theirs(x, training=False)), x)
    for y in (ours(x, training=True).data, np.asarray(theirs(x, training=True))):
        kept = y != 0
        np.testing.assert_allclose(y[kept], x[kept] / (1 - rate), rtol=1e-6)
        # 1e5 Bernoulli draws: std of the kept fraction is ~1.4e-3; allow 5 sigma.
        assert abs(kept.mean() - (1 - rate)) < 7e-3
    # Same seed, same masks: reproducible.
    np.testing.assert_array_equal(nn.Dropout(rate, seed=7)(x, training=True).data,
                                  nn.Dropout(rate, seed=7)(x, training=True).data)


def test_l2_regularized_step_equals_keras():
    """kernel_regularizer='l2' adds 0.01 * sum(W^2) to the training loss, as Keras does."""
    x, y = load_digits()
    ours = nn.Sequential([nn.Dense(16, activation="tanh", kernel_regularizer="l2"),
                          nn.Dense(10, activation="softmax", kernel_regularizer="l2")], seed=3).build(64)
    theirs = keras.Sequential([keras.Input((64,)),
                               keras.layers.Dense(16, activation="tanh", kernel_regularizer="l2"),
                               keras.layers.Dense(10, activation="softmax", kernel_regularizer="l2")])
    theirs.set_weights(ours.get_weights())
    ours.compile(optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    theirs.compile(keras.optimizers.SGD(0.1), "sparse_categorical_crossentropy")
    for k in range(5):
        xb, yb = x[32 * k:32 * (k + 1)], y[32 * k:32 * (k + 1)]
        assert abs(ours.train_on_batch(xb, yb) - float(np.asarray(theirs.train_on_batch(xb, yb)))) < 1e-5
    penalty = sum(0.01 * float((w ** 2).sum()) for w in ours.get_weights()[::2])
    assert penalty > 0.1  # the penalty is not negligible, so the check above means something


def test_saturated_softmax_uses_logits_like_keras():
    """A confident wrong softmax (p < 1e-7): Keras (TensorFlow) takes the loss from the logits, unclipped."""
    x = np.array([[30.0, -30.0]], dtype="float32")
    y = np.array([1])
    ours = nn.Sequential([nn.Dense(2, activation="softmax")]).build(2)
    ours.set_weights([np.eye(2, dtype="float32"), np.zeros(2, "float32")])
    theirs = keras_model_like(ours)
    ours.compile(optimizers.SGD(0.01), "sparse_categorical_crossentropy")
    theirs.compile(keras.optimizers.SGD(0.01), "sparse_categorical_crossentropy")
    for step in range(2):  # the second step shows that the gradient was the unclipped one too
        loss = ours.train_on_batch(x, y)
        assert loss == pytest.approx(float(np.asarray(theirs.train_on_batch(x, y))), rel=1e-6)
        if step == 0:
            assert loss > 50  # 60 from the logits; clipping p at 1e-7 would give 16.1


# ----------------------------------------------------------------- gradients
def test_layer_gradients_match_finite_differences():
    """Dense, BatchNormalization (training mode), Residual and activations, in float64."""
    rng = np.random.default_rng(0)
    model = nn.Sequential([nn.Dense(8, activation="tanh"), nn.BatchNormalization(),
                           nn.Residual([nn.Dense(8, activation="sigmoid"), nn.Dense(8)]),
                           nn.Dense(3, activation="softmax")], seed=0, dtype="float64").build(5)
    x = ad.Tensor(rng.normal(size=(7, 5)), requires_grad=True)
    r = rng.normal(size=(7, 3))
    check_parameter_gradients(lambda: (model(x, training=True) * r).sum(), model.trainable_weights + [x])


def test_dropout_gradient_is_the_scaled_mask():
    """d/dx sum(r * dropout(x)) = r * m / (1 - rate), checked against finite differences."""
    rng = np.random.default_rng(1)
    x = ad.Tensor(rng.normal(size=(6, 4)), requires_grad=True)
    r = rng.normal(size=(6, 4))
    # A fresh layer with a fixed seed draws the same mask at every evaluation.
    check_parameter_gradients(lambda: (nn.Dropout(0.4, seed=3)(x, training=True) * r).sum(), [x])


# ----------------------------------------------------------------- fit
class Recorder(callbacks.Callback):
    """Records every hook call, to check Keras's order."""

    def __init__(self, stop_at_batch=None):
        super().__init__()
        self.calls, self.stop_at_batch = [], stop_at_batch

    def set_model(self, model):
        super().set_model(model)
        self.calls.append("set_model")

    def on_train_begin(self, logs=None):
        self.calls.append("train_begin")

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(f"epoch_begin {epoch}")

    def on_train_batch_end(self, batch, logs=None):
        self.calls.append(f"batch_end {batch} {sorted(logs)}")
        if batch == self.stop_at_batch:
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(f"epoch_end {epoch} {sorted(logs)}")

    def on_train_end(self, logs=None):
        self.calls.append("train_end")


def _small_model(seed=0):
    model = nn.Sequential([nn.Dense(16, activation="relu"), nn.Dense(10, activation="softmax")], seed=seed)
    model.compile(optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_count_params_and_summary_agree_with_keras(capsys):
    """Learner API: the weight count is Keras's; summary lists each layer's width and weight count."""
    model = nn.Sequential([nn.Dense(16, activation="relu"), nn.BatchNormalization(),
                           nn.Dense(10, activation="softmax")], seed=0)
    with pytest.raises(ValueError, match=r"built before summary\(\)"):
        model.summary()
    model.build(64)
    assert model.count_params() == 64 * 16 + 16 + 4 * 16 + 16 * 10 + 10
    twin = keras.Sequential([keras.Input((64,)), keras.layers.Dense(16), keras.layers.BatchNormalization(),
                             keras.layers.Dense(10)])
    assert model.count_params() == twin.count_params()
    model.summary()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Model 'sequential', input width 64"
    assert [line.split()[0] for line in lines[1:4]] == ["dense", "batch_normalization", "dense"]
    assert [line.split()[-1] for line in lines[1:4]] == ["1040", "64", "170"]
    assert "(None, 16" in lines[2] and "(None, 10" in lines[3]
    assert lines[4] == f"Total params: {model.count_params()}"


def test_fit_calls_callbacks_in_keras_order_and_learns():
    x, y = load_digits()
    recorder = Recorder()
    model = _small_model()
    history = model.fit(x[:1500], y[:1500], batch_size=500, epochs=2, seed=0, verbose=0,
                        validation_data=(x[1500:], y[1500:]), callbacks=[recorder])
    batch_keys = "['accuracy', 'loss']"
    epoch_keys = "['accuracy', 'loss', 'val_accuracy', 'val_loss']"
    assert recorder.calls == [
        "set_model", "train_begin",
        "epoch_begin 0", *[f"batch_end {b} {batch_keys}" for b in range(3)], f"epoch_end 0 {epoch_keys}",
        "epoch_begin 1", *[f"batch_end {b} {batch_keys}" for b in range(3)], f"epoch_end 1 {epoch_keys}",
        "train_end"]
    assert sorted(history.history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert all(len(v) == 2 for v in history.history.values())
    more = model.fit(x[:1500], y[:1500], epochs=3, seed=0, verbose=0)
    assert more.history["accuracy"][-1] > 0.95
    assert model.evaluate(x[1500:], y[1500:])[1] > 0.85  # held-out; chance is 0.1
    assert model.predict(x[:5]).shape == (5, 10)


def test_fit_epoch_loss_is_the_batch_weighted_mean_of_train_on_batch():
    """fit(shuffle=False) = a loop of train_on_batch; the epoch loss weights batches by size."""
    x, y = load_digits()
    x, y = x[:100], y[:100]
    a, b = _small_model(), _small_model()
    history = a.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
    batch_losses = [b.train_on_batch(x[i:i + 32], y[i:i + 32]) for i in range(0, 100, 32)]
    expected = np.average(batch_losses, weights=[32, 32, 32, 4])
    assert history.history["loss"][0] == pytest.approx(expected, rel=1e-6)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)


def test_stop_training_ends_fit_after_the_current_batch():
    x, y = load_digits()
    recorder = Recorder(stop_at_batch=1)
    history = _small_model().fit(x, y, batch_size=100, epochs=5, verbose=0, callbacks=[recorder])
    assert [c.split()[0] for c in recorder.calls] == [
        "set_model", "train_begin", "epoch_begin", "batch_end", "batch_end", "epoch_end", "train_end"]
    assert len(history.history["loss"]) == 1


def _stuck_model():
    """A model whose loss cannot improve by 1e-3 per epoch (tiny learning rate)."""
    model = nn.Sequential([nn.Dense(10, activation="softmax")], seed=0)
    model.compile(optimizers.SGD(1e-9), "sparse_categorical_crossentropy")
    return model


def test_early_stopping_stops_fit():
    x, y = load_digits()
    stopper = callbacks.EarlyStopping(monitor="loss", min_delta=1e-3, patience=2)
    history = _stuck_model().fit(x, y, batch_size=256, epochs=20, verbose=0, callbacks=[stopper])
    # Epoch 0 sets the best; epochs 1 and 2 do not improve; patience 2 -> stop after epoch 2.
    assert len(history.history["loss"]) == 3
    assert stopper.stopped_epoch == 2


def test_reduce_lr_on_plateau_changes_the_learning_rate():
    x, y = load_digits()
    model = _stuck_model()
    reducer = callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=1e-3)
    model.fit(x, y, batch_size=256, epochs=4, verbose=0, callbacks=[reducer])
    # Epochs 1, 2, 3 each see no improvement with patience 1 -> three halvings.
    assert model.optimizer.learning_rate == pytest.approx(1e-9 * 0.5 ** 3, rel=1e-6)


def test_verbose_0_prints_nothing_and_verbose_1_shows_a_bar(capsys):
    x, y = load_digits()
    _small_model().fit(x[:64], y[:64], epochs=2, verbose=0)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    _small_model().fit(x[:64], y[:64], epochs=2, verbose=1)
    captured = capsys.readouterr()
    assert "Epoch 2/2" in captured.err and "4/4" in captured.err


# ----------------------------------------------------------------- bad input
def test_wrong_input_width_names_expected_and_got():
    model = _small_model()
    model.build(64)
    with pytest.raises(ValueError, match=r"expected 64 features.*got shape \(3, 63\)"):
        model.predict(np.zeros((3, 63)))
    with pytest.raises(ValueError, match="expected 64"):
        model.fit(np.zeros((3, 63)), np.zeros(3), verbose=0)


def test_unknown_activation():
    with pytest.raises(ValueError, match="Unknown activation: 'relu6'"):
        nn.Dense(3, activation="relu6")
    with pytest.raises(ValueError, match="Unknown activation"):
        nn.Activation("swish!")


def test_fit_before_compile():
    model = nn.Sequential([nn.Dense(2)])
    with pytest.raises(RuntimeError, match=r"compile\(optimizer, loss\) before fit"):
        model.fit(np.zeros((4, 3)), np.zeros(4))


def test_x_and_y_lengths_must_match():
    with pytest.raises(ValueError, match=r"same number of samples.*\(10, 64\).*\(9,\)"):
        _small_model().fit(np.zeros((10, 64)), np.zeros(9, dtype=int), verbose=0)


@pytest.mark.parametrize("make, match", [
    (lambda: nn.Dense(0), "units"),
    (lambda: nn.Sequential([nn.Dense(2)]).build(0), "input_dim"),
    (lambda: _small_model().fit(np.zeros((4, 64)), np.zeros(4, dtype=int), batch_size=0), "batch_size"),
    (lambda: nn.Dropout(1.0), "rate"),
    (lambda: nn.BatchNormalization(epsilon=0), "epsilon"),
    (lambda: nn.Sequential([nn.Residual(nn.Dense(3))]).build(4), "Residual needs f"),
    (lambda: nn.Sequential([nn.Dense(2)]).build(3).set_weights([np.zeros((3, 2))]), "2 arrays"),
    (lambda: nn.Sequential([nn.Dense(2)]).build(3).set_weights([np.zeros((2, 3)), np.zeros(2)]),
     r"shape \(3, 2\)"),
    (lambda: _small_model().compile("adam", "mse", metrics=["f1"]), "Unknown metric"),
    (lambda: _small_model().fit(np.zeros((4, 64)), np.zeros(4, dtype=int), epochs=-1), "epochs"),
])
def test_bad_arguments_raise_clear_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()
