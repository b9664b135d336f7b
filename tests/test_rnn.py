"""course_lib.rnn.SimpleRNN: equal to keras.layers.SimpleRNN, right gradients (BPTT), clear errors.

Protects: the recurrent layer notebook 04 trains (RMSProp vs SGD) computes Keras's
h_t = tanh(x_t W + b + h_{t-1} U) with Keras's weight order and defaults, and
backpropagation through time through the autodiff engine gives the true gradient.
"""
import numpy as np
import pytest

import keras

from course_lib import autodiff as ad
from course_lib.gradcheck import check_parameter_gradients
from course_lib.rnn import SimpleRNN, simple_rnn


def _inputs(dtype, shape=(4, 6, 3), seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype(dtype)


@pytest.mark.parametrize("dtype, tol", [("float32", 1e-6), ("float64", 1e-13)])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_forward_equals_keras(dtype, tol, return_sequences):
    """Same weights (copied from ours into Keras): outputs agree to float rounding."""
    x = _inputs(dtype)
    ours = SimpleRNN(5, return_sequences=return_sequences)
    ours.build(3, dtype=dtype, rng=np.random.default_rng(1))
    theirs = keras.layers.SimpleRNN(5, return_sequences=return_sequences, dtype=dtype)
    theirs.build((None, 6, 3))
    theirs.set_weights(ours.get_weights())  # Keras's order: kernel, recurrent_kernel, bias
    expected = np.asarray(theirs(x))
    got = ours(x).data
    assert got.shape == expected.shape == ((4, 6, 5) if return_sequences else (4, 5))
    assert got.dtype == np.dtype(dtype)
    assert np.max(np.abs(got - expected)) <= tol


def test_default_initializers_follow_keras():
    """Recurrent kernel orthogonal (U U^T = I), bias zeros, kernel within Glorot's uniform limit."""
    layer = SimpleRNN(6)
    layer.build(4, dtype="float64", rng=np.random.default_rng(0))
    kernel, recurrent, bias = layer.get_weights()
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(6), atol=1e-12)
    assert np.all(bias == 0)
    assert np.max(np.abs(kernel)) <= np.sqrt(6 / (4 + 6))


def test_backpropagation_through_time_matches_finite_differences():
    """Gradients of a loss on h_T (and on every h_t) w.r.t. all three weights, float64."""
    x = _inputs("float64", shape=(3, 5, 2), seed=2)
    for return_sequences in (False, True):
        layer = SimpleRNN(4, return_sequences=return_sequences)
        layer.build(2, dtype="float64", rng=np.random.default_rng(3))
        layer.bias.data[:] = np.random.default_rng(4).normal(size=4)  # non-zero: its path is tested too

        def loss():
            return (layer(x) ** 2).sum()

        check_parameter_gradients(loss, layer.trainable_weights, tol=1e-7)


def test_gradient_vanishes_over_time_with_small_recurrent_weights():
    """Why RNNs are hard: d h_T / d x_1 shrinks geometrically with T when ||U|| < 1."""
    layer = SimpleRNN(4, use_bias=False)
    layer.build(1, dtype="float64", rng=np.random.default_rng(0))
    layer.recurrent_kernel.data[...] *= 0.5   # orthogonal * 0.5: every step halves the signal at most
    norms = []
    for T in (2, 6, 10):
        x = ad.Tensor(np.full((1, T, 1), 0.1), requires_grad=True)
        layer(x).sum().backward()
        norms.append(abs(x.grad[0, 0, 0]))
    assert norms[0] > 10 * norms[1] > 100 * norms[2]


@pytest.mark.parametrize("make, message", [
    (lambda: SimpleRNN(0), "units"),
    (lambda: SimpleRNN(2.5), "units"),
    (lambda: SimpleRNN(2, activation="nope"), "nope"),
    (lambda: SimpleRNN(2)(np.zeros((3, 4))), "timesteps"),
    (lambda: SimpleRNN(2)(np.zeros((3, 4, 2, 1))), "timesteps"),
])
def test_bad_input_gives_a_clear_error(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_wrong_feature_width_after_build_is_refused():
    layer = SimpleRNN(2)
    layer(np.zeros((1, 3, 4)))
    with pytest.raises(ValueError, match="expected 4 features"):
        layer(np.zeros((1, 3, 5)))


def test_functional_form_equals_the_layer():
    """simple_rnn(x, W, U, b) -- what notebook 04's training loss calls -- is the layer's computation."""
    x = _inputs("float64")
    layer = SimpleRNN(5, return_sequences=True)
    layer.build(3, dtype="float64", rng=np.random.default_rng(0))
    W, U, b = layer.get_weights()
    np.testing.assert_array_equal(simple_rnn(x, W, U, b, return_sequences=True).data, layer(x).data)
    np.testing.assert_array_equal(simple_rnn(x, W, U, b).data, layer(x).data[:, -1])
    with pytest.raises(ValueError, match="timesteps"):
        simple_rnn(x[0], W, U, b)
