"""gradient_flow: the deep MLP's per-layer gradient norms are autodiff's and Keras's; the textbook effects show."""
import numpy as np
import pytest

from course_lib import data, gradient_flow, gradcheck, optimizers
from course_lib.keras_check import compare_layer_gradient_norms

X, Y = data.load_digits("float64")
XB, YB = X[:64], Y[:64]


def test_architecture_counts_layers_and_shortcuts():
    plain = gradient_flow.deep_mlp(5, 8, seed=0)
    assert len(gradient_flow.dense_layers(plain)) == 6 and plain.layers[-1].units == 10
    skip = gradient_flow.deep_mlp(5, 8, batch_norm=True, residual=True, seed=0)
    assert len(gradient_flow.dense_layers(skip)) == 6 and len(skip.layers) == 3 + 4 + 1
    assert len(gradient_flow.hidden_activations(skip, XB)) == 5


def test_layer_gradient_norms_match_numerical_gradient():
    model = gradient_flow.deep_mlp(3, 4, "tanh", "glorot", seed=1, dtype="float64")
    norms = gradient_flow.layer_gradient_norms(model, XB[:8], YB[:8])
    kernel = gradient_flow.dense_layers(model)[1].kernel

    def loss(w):
        kernel.data[...] = w
        from course_lib import losses
        return float(losses.SparseCategoricalCrossentropy(from_logits=True)(YB[:8], model(XB[:8], training=True)).data)

    w0 = kernel.data.copy()
    numeric = gradcheck.numerical_gradient(loss, w0.copy())
    kernel.data[...] = w0
    assert abs(np.linalg.norm(numeric) / norms[1] - 1) < 1e-6


@pytest.mark.parametrize("dtype,tol", [("float32", 1e-5), ("float64", 1e-12)])
@pytest.mark.parametrize("cfg", [dict(batch_norm=True), dict(residual=True),
                                 dict(activation="tanh", init="glorot", batch_norm=True, residual=True)])
def test_per_layer_norms_equal_keras(dtype, tol, cfg):
    comparison = compare_layer_gradient_norms(depth=6, width=16, dtype=dtype, **cfg)
    assert comparison.within(tol), comparison


def test_textbook_effects_hold_over_seeds():
    ratio = {key: [gradient_flow.gradient_ratio(gradient_flow.layer_gradient_norms(
        gradient_flow.deep_mlp(20, 32, *key, seed=s), XB, YB)) for s in range(3)]
        for key in [("sigmoid", "small"), ("relu", "he"), ("tanh", "normal")]}
    assert max(ratio["sigmoid", "small"]) < 1e-6
    assert all(1 / 3 < r < 3 for r in ratio["relu", "he"])
    assert min(ratio["tanh", "normal"]) > 1e3


def test_global_norm_and_train_steps():
    assert gradient_flow.global_norm([np.array([3.0]), np.array([[4.0]])]) == 5.0
    losses, failure = gradient_flow.train_steps(gradient_flow.deep_mlp(8, 32, "relu", "normal", seed=0), X, Y,
                                                optimizers.SGD(0.01), steps=10)
    assert failure is not None and "NaN" in failure and len(losses) < 10
    losses, failure = gradient_flow.train_steps(gradient_flow.deep_mlp(8, 32, "relu", "normal", seed=0), X, Y,
                                                optimizers.SGD(0.01, clipnorm=1.0), steps=10)
    assert failure is None and len(losses) == 10 and np.all(np.isfinite(losses))


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="`depth`"):
        gradient_flow.deep_mlp(0)
    with pytest.raises(ValueError, match="`activation`"):
        gradient_flow.deep_mlp(3, activation="gelu")
    with pytest.raises(ValueError, match="`norms`"):
        gradient_flow.gradient_ratio([1.0, 2.0])
    with pytest.raises(ValueError, match="`grads`"):
        gradient_flow.global_norm([])
