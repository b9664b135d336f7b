"""Inverted dropout equals keras.layers.Dropout mask for mask; curves over seeds are reproducible;
distance concentration and noise features behave as the lesson says; a linear autoencoder finds PCA's subspace."""
import numpy as np
import pytest
from sklearn.datasets import load_digits

from course_lib import callbacks, nn, optimizers, schedules
from course_lib.autoencoder import build_autoencoder, decoder_basis, subspace_angles_to
from course_lib.high_dim import add_noise_features, distance_contrast
from course_lib.overfitting import inverted_dropout, run_curves
from course_lib.pca import PCA


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_inverted_dropout_equals_keras_with_the_same_mask(rate):
    import keras

    x = np.random.default_rng(0).uniform(0.5, 2.0, size=(64, 33)).astype("float32")  # no zeros: the mask shows
    y_keras = np.asarray(keras.layers.Dropout(rate, seed=3)(x, training=True))
    mask = y_keras != 0
    assert 0 < mask.mean() < 1
    np.testing.assert_array_equal(inverted_dropout(x, mask, rate), y_keras)  # bit for bit in float32
    np.testing.assert_array_equal(np.asarray(keras.layers.Dropout(rate)(x, training=False)), x)


@pytest.mark.parametrize("rate", [0.2, 0.5])
def test_nn_dropout_is_inverted_dropout_with_its_own_mask(rate):
    x = np.random.default_rng(1).uniform(0.5, 2.0, size=(200, 50)).astype("float32")
    y = nn.Dropout(rate, seed=0)(x, training=True).data
    mask = y != 0
    np.testing.assert_array_equal(y, inverted_dropout(x, mask, rate))
    assert abs(mask.mean() - (1 - rate)) < 0.02        # keeps about 1 - rate of the units
    assert abs(y.mean() / x.mean() - 1) < 0.03          # E[y] = x


def test_inverted_dropout_errors():
    with pytest.raises(ValueError, match="rate"):
        inverted_dropout(np.ones(3), np.ones(3), 1.0)
    with pytest.raises(ValueError, match="keep_mask"):
        inverted_dropout(np.ones(3), np.ones(4), 0.5)


def _digits_small():
    x, y = load_digits(return_X_y=True)
    return (x[:100] / 16).astype("float32"), y[:100], (x[1000:1300] / 16).astype("float32"), y[1000:1300]


def _mlp(seed, l2=0.0):
    reg = None if l2 == 0 else {"kernel_regularizer": __import__("course_lib").regularizers.L2(l2)}
    model = nn.Sequential([nn.Dense(64, activation="relu", **(reg or {})), nn.Dense(10, activation="softmax")],
                          seed=seed)
    model.compile(optimizers.Adam(0.01), "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_run_curves_is_reproducible_and_shows_overfitting():
    x, y, xv, yv = _digits_small()
    a = run_curves(_mlp, x, y, (xv, yv), seeds=(0, 1), epochs=40)
    b = run_curves(_mlp, x, y, (xv, yv), seeds=(0, 1), epochs=40)
    assert a["val_loss"].shape == (2, 40)
    np.testing.assert_array_equal(a["val_loss"], b["val_loss"])
    assert not np.array_equal(a["val_loss"][0], a["val_loss"][1])  # the seeds differ
    # 100 samples, 4810 weights: training loss keeps falling, the validation loss turns back up
    assert np.all(a["loss"][:, -1] < a["loss"][:, 10])
    assert np.all(a["val_loss"][:, -1] > np.min(a["val_loss"], axis=1) + 0.01)
    assert np.all(a.gap()[:, -1] > a.gap()[:, 5])


def test_run_curves_pads_early_stopped_runs():
    x, y, xv, yv = _digits_small()
    c = run_curves(_mlp, x, y, (xv, yv), seeds=(0,), epochs=60,
                   make_callbacks=lambda: [callbacks.EarlyStopping(patience=3)])
    n = int(c.stopped_epochs[0])
    assert n < 60
    assert np.isnan(c["val_loss"][0, n:]).all() and not np.isnan(c["val_loss"][0, :n]).any()
    with pytest.raises(ValueError, match="seeds"):
        run_curves(_mlp, x, y, (xv, yv), seeds=())


def test_distance_contrast_falls_towards_one():
    ratios = distance_contrast([2, 10, 100, 1000], n_points=300, n_queries=10)
    assert np.all(np.diff(ratios) < 0)
    assert ratios[0] > 10 and ratios[-1] < 1.3
    with pytest.raises(ValueError, match="n_points"):
        distance_contrast([2], n_points=1)


def test_add_noise_features():
    X = np.ones((5, 3), dtype="float32")
    Z = add_noise_features(X, 4, seed=0)
    assert Z.shape == (5, 7) and Z.dtype == np.float32
    np.testing.assert_array_equal(Z[:, :3], X)
    np.testing.assert_array_equal(add_noise_features(X, 4, seed=0), Z)
    with pytest.raises(ValueError, match="n_noise"):
        add_noise_features(X, -1)


def test_linear_autoencoder_spans_pca_subspace():
    X = load_digits().data / 16.0
    k, epochs, batch = 4, 300, 256
    pca = PCA(k).fit(X)
    model = build_autoencoder(64, k, seed=0)
    model.compile(optimizers.Adam(schedules.CosineDecay(0.02, epochs * 8)), "mse")
    model.fit(X, X, batch_size=batch, epochs=epochs, verbose=0, seed=0)
    angles = np.degrees(subspace_angles_to(decoder_basis(model), pca.components_))
    assert angles.max() < 3.0, angles  # measured 1.6-2.6 degrees over seeds 0-2 (SGD noise, small eigengaps)
    # a random subspace is far from it: the measurement can fail
    random_basis = np.random.default_rng(0).normal(size=(64, k))
    assert np.degrees(subspace_angles_to(random_basis, pca.components_)).max() > 45


def test_autoencoder_errors():
    with pytest.raises(ValueError, match="code_size"):
        build_autoencoder(8, 8)
    with pytest.raises(ValueError, match="two Dense layers"):
        decoder_basis(build_autoencoder(8, 2, hidden=(4,)))
