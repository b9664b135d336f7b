"""course_lib.autodiff: every op's gradient equals central finite differences (float64)
and tf.GradientTape / the Keras backend's gradient; dtypes are preserved; bad input is refused.

Tolerances, relative to max(1, the gradient's or the inputs' largest magnitude):
- central finite differences (h = 1e-6, float64): 1e-8 (measured worst: 7e-10, log_softmax);
- the Keras backend in float64: 1e-13 (measured worst: 1.1e-15);
- the Keras backend in float32 (absolute, inputs of order 1): 2e-6 (measured: 7.2e-7).
"""
import numpy as np
import pytest

import keras  # noqa: F401  (hard dependency; imported once for the backend comparisons)

from course_lib import autodiff as ad
from course_lib.autodiff import Tensor
from course_lib.gradcheck import numerical_gradient
from course_lib.keras_check import compare_gradients

RNG_SEED = 20240607


def _positive(shape, rng):
    return rng.uniform(0.5, 2.0, size=shape)


def _normal(shape, rng):
    return rng.normal(size=shape)


def _away_from_zero(shape, rng):
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.2, 2.0, size=shape)


# name -> (fn(ops, *xs) -> tensor, [(shape, sampler), ...], also_vs_keras)
# Shapes include broadcasting so that the unbroadcast path is exercised.
CASES = {
    "add_broadcast": (lambda o, a, b: a + b, [((3, 1, 4), _normal), ((5, 4), _normal)], True),
    "sub_broadcast": (lambda o, a, b: a - b, [((2, 3), _normal), ((3,), _normal)], True),
    "rsub_scalar": (lambda o, a: 1.5 - a, [((4,), _normal)], True),
    "mul_broadcast": (lambda o, a, b: a * b, [((4, 1), _normal), ((1, 5), _normal)], True),
    "div_broadcast": (lambda o, a, b: a / b, [((3, 4), _normal), ((4,), _positive)], True),
    "rdiv_scalar": (lambda o, a: 2.0 / a, [((3,), _positive)], True),
    "matmul_2d": (lambda o, a, b: o.matmul(a, b), [((3, 4), _normal), ((4, 2), _normal)], True),
    "matmul_vec_mat": (lambda o, a, b: o.matmul(a, b), [((4,), _normal), ((4, 2), _normal)], True),
    "matmul_mat_vec": (lambda o, a, b: o.matmul(a, b), [((3, 4), _normal), ((4,), _normal)], True),
    "matmul_vec_vec": (lambda o, a, b: o.matmul(a, b), [((4,), _normal), ((4,), _normal)], False),
    "matmul_batched": (lambda o, a, b: o.matmul(a, b), [((2, 3, 4), _normal), ((4, 5), _normal)], True),
    "matmul_batch_bcast": (lambda o, a, b: o.matmul(a, b), [((2, 3, 4), _normal), ((1, 4, 2), _normal)], True),
    "pow_scalar": (lambda o, a: a ** 3.0, [((3, 2), _normal)], True),
    "pow_sqrt": (lambda o, a: a ** 0.5, [((3,), _positive)], True),
    "pow_tensor": (lambda o, a, b: a ** b, [((2, 3), _positive), ((3,), _normal)], True),
    "rpow": (lambda o, a: 2.0 ** a, [((3,), _normal)], True),
    "neg": (lambda o, a: -a, [((2, 2), _normal)], True),
    "sum_all": (lambda o, a: o.sum(a) * a, [((3, 4), _normal)], True),
    "sum_axis0": (lambda o, a: o.sum(a, axis=0), [((3, 4), _normal)], True),
    "sum_axes_keepdims": (lambda o, a: o.sum(a, axis=(0, 2), keepdims=True) * a,
                          [((2, 3, 4), _normal)], True),
    "mean_axis_last": (lambda o, a: o.mean(a, axis=-1), [((3, 5), _normal)], True),
    "mean_all": (lambda o, a: o.mean(a) * a, [((2, 3), _normal)], True),
    "mean_keepdims": (lambda o, a: a - o.mean(a, axis=1, keepdims=True), [((3, 4), _normal)], True),
    "max_axis": (lambda o, a: o.max(a, axis=1), [((3, 5), _normal)], True),
    "max_all": (lambda o, a: o.max(a) * a, [((2, 3), _normal)], True),
    "exp": (lambda o, a: o.exp(a), [((3, 2), _normal)], True),
    "log": (lambda o, a: o.log(a), [((3, 2), _positive)], True),
    "log1p": (lambda o, a: o.log1p(a), [((4,), _positive)], True),
    "sqrt": (lambda o, a: o.sqrt(a), [((3, 2), _positive)], True),
    "square": (lambda o, a: o.square(a), [((3, 2), _normal)], True),
    "abs": (lambda o, a: o.abs(a), [((3, 2), _away_from_zero)], True),
    "maximum_bcast": (lambda o, a, b: o.maximum(a, b), [((3, 4), _normal), ((4,), _normal)], True),
    "minimum_bcast": (lambda o, a, b: o.minimum(a, b), [((3, 1), _normal), ((1, 4), _normal)], True),
    "maximum_scalar": (lambda o, a: o.maximum(a, 0.0), [((3, 4), _away_from_zero)], True),
    "relu": (lambda o, a: o.relu(a), [((3, 4), _away_from_zero)], True),
    "sigmoid": (lambda o, a: o.sigmoid(a * 4.0), [((3, 4), _normal)], True),
    "tanh": (lambda o, a: o.tanh(a), [((3, 4), _normal)], True),
    "softplus": (lambda o, a: o.softplus(a * 5.0), [((3, 4), _normal)], True),
    "softmax_last": (lambda o, a: o.softmax(a, axis=-1), [((3, 4), _normal)], True),
    "softmax_axis0": (lambda o, a: o.softmax(a, axis=0), [((3, 4), _normal)], True),
    "log_softmax": (lambda o, a: o.log_softmax(a, axis=-1), [((3, 4), _normal)], True),
    "log_softmax_axis0": (lambda o, a: o.log_softmax(a, axis=0), [((3, 4), _normal)], True),
    "reshape": (lambda o, a: o.reshape(a, (4, 3)) * np.arange(12.0).reshape(4, 3), [((3, 4), _normal)], True),
    "transpose_axes": (lambda o, a: o.transpose(a, (2, 0, 1)), [((2, 3, 4), _normal)], True),
    "T": (lambda o, a: o.matmul(a.T, a), [((3, 2), _normal)], False),
    "slice": (lambda o, a: a[1:, ::2], [((3, 4), _normal)], True),
    "fancy_index_repeats": (lambda o, a: a[np.array([0, 2, 0, 0])], [((3, 4), _normal)], False),
    "fancy_index_2d": (lambda o, a: a[np.array([0, 1, 1]), np.array([2, 2, 0])], [((3, 4), _normal)], False),
    "bool_mask": (lambda o, a: a[a.data > 0], [((3, 4), _away_from_zero)], False),
    "concatenate_axis1": (lambda o, a, b: o.concatenate([a, b, a], axis=1),
                          [((2, 3), _normal), ((2, 1), _normal)], True),
    "clip": (lambda o, a: o.clip(a, -0.5, 0.7), [((4, 5), _normal)], True),
    "where_bcast": (lambda o, a, b: o.where(np.array([True, False, True]), a, b),
                    [((2, 3), _normal), ((3,), _normal)], True),
    "chain_mlp": (lambda o, x, w, b: o.tanh(o.matmul(x, w) + b),
                  [((5, 3), _normal), ((3, 4), _normal), ((4,), _normal)], True),
}


def _inputs(case, dtype=np.float64):
    rng = np.random.default_rng([RNG_SEED, sorted(CASES).index(case)])
    _, specs, _ = CASES[case]
    return [sampler(shape, rng).astype(dtype) for shape, sampler in specs]


def _scalarized(fn, weight_seed, dtype=np.float64):
    """sum(fn(...) * W) with a fixed random W: its gradient is a full vector-Jacobian product."""
    def scalar(ops, *xs):
        out = fn(ops, *xs)
        w = np.random.default_rng(weight_seed).normal(size=tuple(out.shape)).astype(dtype)
        return ops.sum(out * w)
    return scalar


def _finite_difference(f, inputs):
    """gradcheck.numerical_gradient of f(*inputs) with respect to each input in turn."""
    def partial(k):
        return lambda x: f(*inputs[:k], x, *inputs[k + 1:])
    return [numerical_gradient(partial(k), x) for k, x in enumerate(inputs)]


@pytest.mark.parametrize("case", sorted(CASES))
def test_gradient_matches_finite_differences(case):
    fn, _, _ = CASES[case]
    f = _scalarized(fn, weight_seed=7)
    inputs = _inputs(case)
    ours = ad.grad(lambda *xs: f(ad, *xs), argnums=tuple(range(len(inputs))))(*inputs)
    numeric = _finite_difference(lambda *xs: float(f(ad, *[Tensor(x) for x in xs]).data), inputs)
    for k, (g, n) in enumerate(zip(ours, numeric)):
        assert g.shape == inputs[k].shape and g.dtype == np.float64
        scale = max(1.0, np.abs(n).max())
        np.testing.assert_allclose(g, n, rtol=0, atol=1e-8 * scale, err_msg=f"{case}: input {k}")


@pytest.mark.parametrize("case", sorted(c for c in CASES if CASES[c][2]))
def test_gradient_matches_keras_backend(case):
    """The same function written once against `ops`: our engine vs tf.GradientTape (or jax.grad)."""
    fn, _, _ = CASES[case]
    inputs = _inputs(case)
    comparison = compare_gradients(_scalarized(fn, weight_seed=11), inputs, name=case)
    scale = max(1.0, *(np.abs(x).max() for x in inputs))
    assert comparison.within(1e-13 * scale), str(comparison)


def test_float32_comparison_with_keras_backend():
    """In float32 the engine agrees with the backend to float32 rounding (2e-6, a few ulps)."""
    inputs = _inputs("chain_mlp", np.float32)
    comparison = compare_gradients(_scalarized(CASES["chain_mlp"][0], 3, np.float32), inputs, name="mlp")
    assert comparison.within(2e-6), str(comparison)


KINKS = {  # inputs sit exactly on the kink, where the gradient is a convention: TensorFlow's
    "maximum_ties": (lambda o, a, b: o.sum(o.maximum(a, b) * np.array([1.0, 2.0, 3.0])),
                     [np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 3.0])]),
    "minimum_ties": (lambda o, a, b: o.sum(o.minimum(a, b) * np.array([1.0, 2.0, 3.0])),
                     [np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 3.0])]),
    "max_ties_shared": (lambda o, a: o.sum(o.max(a, axis=1) * np.array([1.0, 2.0])),
                        [np.array([[1.0, 1.0, 0.0], [2.0, 0.0, 2.0]])]),
    "clip_at_bounds": (lambda o, a: o.sum(o.clip(a, 0.0, 1.0) * np.array([1.0, 2.0, 3.0])),
                       [np.array([0.0, 1.0, 3.0])]),
    "relu_abs_at_zero": (lambda o, a: o.sum(o.relu(a) + o.abs(a)), [np.array([0.0, 1.0, -3.0])]),
}


@pytest.mark.parametrize("case", sorted(KINKS))
def test_gradient_at_kinks_equals_tensorflow_convention(case):
    fn, inputs = KINKS[case]
    comparison = compare_gradients(fn, inputs, name=case)
    assert comparison.max_diff == 0.0, str(comparison)


# ----------------------------------------------------------------------------- dtype
def test_float32_stays_float32_with_python_scalars():
    x = Tensor(np.array([0.5, -1.0, 2.0], dtype=np.float32), requires_grad=True)
    outs = [x * 2.0, 2.0 * x, x + 1, 1 - x, x / 3.0, 3.0 / x, x ** 2, 2.0 ** x, ad.maximum(x, 0.0),
            ad.clip(x, 1e-7, 1 - 1e-7), ad.where(x > 0, x, 0.0), ad.sigmoid(x), ad.softmax(x),
            ad.log_softmax(x), ad.softplus(x), x.mean(), ad.max(x), x[np.array([0, 0])]]
    for out in outs:
        assert out.dtype == np.float32, out
    loss = sum(o.sum() for o in outs)
    loss.backward()
    assert x.grad.dtype == np.float32


def test_grad_of_float32_input_is_float32():
    g = ad.grad(lambda w: (w * 0.1).sum())(np.ones(3, dtype=np.float32))
    assert g.dtype == np.float32


# ----------------------------------------------------------------------------- graph mechanics
def test_reused_node_accumulates_and_diamond_graph():
    """x feeds two paths that meet again: the gradient must add both contributions once."""
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = x * 3.0
    z = (y * y + y).sum()  # dz/dx = 3 (2 y + 1)
    z.backward()
    np.testing.assert_array_equal(x.grad, 3 * (2 * 3 * x.data + 1))


def test_leaf_gradients_accumulate_until_zero_grad():
    x = Tensor(np.array([1.0, -2.0]), requires_grad=True)
    (x * x).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, 4 * x.data)
    x.zero_grad()
    assert x.grad is None


def test_backward_with_seed_gradient():
    x = Tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)
    (x * x).backward(gradient=np.array([1.0, 0.0, 2.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 0.0, 12.0])


def test_no_grad_records_nothing():
    x = Tensor(np.ones(2), requires_grad=True)
    with ad.no_grad():
        y = x * 2
    assert not y.requires_grad


def test_grad_argnums_tuple_and_unused_input():
    f = lambda a, b, c: (a * b).sum()  # noqa: E731  (c unused -> zero gradient)
    ga, gc = ad.grad(f, argnums=(0, 2))(np.array([1.0, 2.0]), np.array([3.0, 4.0]), np.array([5.0]))
    np.testing.assert_array_equal(ga, [3.0, 4.0])
    np.testing.assert_array_equal(gc, [0.0])


def test_stable_functions_at_extremes():
    """sigmoid, softplus, softmax and log_softmax stay finite at +-1000 (no overflow)."""
    x = Tensor(np.array([-1000.0, 0.0, 1000.0]), requires_grad=True)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        outs = [ad.sigmoid(x), ad.softplus(x), ad.softmax(x), ad.log_softmax(x)]
        sum((o * np.array([1.0, 2.0, 3.0])).sum() for o in outs).backward()
    for o in outs:
        assert np.all(np.isfinite(o.data))
    assert np.all(np.isfinite(x.grad))
    np.testing.assert_array_equal(ad.sigmoid(x).data, [0.0, 0.5, 1.0])


# ----------------------------------------------------------------------------- bad input
def test_matmul_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(3, 4\).*\(3, 2\)"):
        Tensor(np.ones((3, 4))) @ Tensor(np.ones((3, 2)))


def test_backward_on_non_scalar_needs_a_seed():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(ValueError, match=r"scalar.*\(2, 3\)"):
        (x * 2).backward()


def test_backward_seed_of_wrong_shape():
    x = Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        (x * 2).backward(gradient=np.ones(2))


def test_requires_grad_on_integers_is_refused():
    with pytest.raises(TypeError, match="floating"):
        Tensor(np.arange(3), requires_grad=True)


def test_grad_needs_a_tensor_output():
    with pytest.raises(TypeError, match="Tensor"):
        ad.grad(lambda x: 3.0)(np.ones(2))
