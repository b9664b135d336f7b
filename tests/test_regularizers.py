"""course_lib.regularizers equals keras.regularizers in value: float64 to 1e-12
relative (measured: equal or 1 ulp, once the factor is rounded to float32 as Keras does), float32 to 1e-6 relative (sums are added in a
different order); on numpy arrays and on autodiff Tensors, whose gradients must be
l1 * sign(w) and 2 * l2 * w."""
import numpy as np
import pytest

import keras

from course_lib import autodiff as ad
from course_lib import regularizers as R

CASES = [
    ("L1", {}), ("L1", {"l1": 0.3}), ("L2", {}), ("L2", {"l2": 1e-4}),
    ("L1L2", {}), ("L1L2", {"l1": 0.01}), ("L1L2", {"l2": 0.2}), ("L1L2", {"l1": 0.05, "l2": 0.003}),
]
SHAPES = [(7,), (13, 5), (3, 3, 4, 8)]


def _keras_value(name, kwargs, w):
    return float(keras.ops.convert_to_numpy(getattr(keras.regularizers, name)(**kwargs)(keras.ops.convert_to_tensor(w))))


@pytest.mark.parametrize("dtype,rtol", [("float64", 1e-12), ("float32", 1e-6)])
@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}{k}" for n, k in CASES])
def test_equals_keras(name, kwargs, dtype, rtol):
    rng = np.random.default_rng(0)
    for shape in SHAPES:
        w = rng.standard_normal(shape).astype(dtype)
        ours = getattr(R, name)(**kwargs)(w)
        assert np.asarray(ours).dtype == dtype
        theirs = _keras_value(name, kwargs, w)
        assert abs(float(ours) - theirs) <= rtol * abs(theirs), (shape, float(ours), theirs)


@pytest.mark.parametrize("name,kwargs", [("L1", {"l1": 0.01}), ("L2", {"l2": 0.01}), ("L1L2", {"l1": 0.1, "l2": 0.3})])
def test_factors_act_as_float32_like_keras(name, kwargs):
    """Keras casts the factor through float32 even for float64 weights; an exact float64
    factor would differ by ~1e-8 relative, far above the 1e-12 tolerance."""
    w = np.linspace(-1, 1, 101)
    assert float(getattr(R, name)(**kwargs)(w)) == pytest.approx(_keras_value(name, kwargs, w), rel=1e-15)
    assert getattr(R, name)(**kwargs).get_config() == getattr(keras.regularizers, name)(**kwargs).get_config()


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}{k}" for n, k in CASES])
def test_tensor_value_and_gradient(name, kwargs):
    reg = getattr(R, name)(**kwargs)
    w = np.random.default_rng(1).standard_normal((6, 4))
    t = ad.Tensor(w, requires_grad=True)
    penalty = reg(t)
    assert isinstance(penalty, ad.Tensor)
    assert float(penalty.data) == pytest.approx(float(reg(w)), rel=1e-15)
    if reg.get_config().get("l1", 0) == 0 and reg.get_config().get("l2", 0) == 0:
        return  # L1L2() is a constant 0
    penalty.backward()
    l1, l2 = (float(np.float32(reg.get_config().get(k, 0.0))) for k in ("l1", "l2"))
    expected = l1 * np.sign(w) + 2 * l2 * w
    np.testing.assert_allclose(t.grad, expected, rtol=1e-14)


def test_l1l2_without_factors_is_zero_of_the_dtype():
    w = np.array([np.inf, 1.0], dtype=np.float32)
    out = R.L1L2()(w)
    assert out == 0 and out.dtype == np.float32
    assert float(keras.ops.convert_to_numpy(keras.regularizers.L1L2()(w))) == 0.0


@pytest.mark.parametrize("name", ["l1", "L1", "l2", "L2", "l1l2", "L1L2"])
def test_get_knows_keras_names(name):
    ours, theirs = R.get(name), keras.regularizers.get(name)
    assert type(ours).__name__ == type(theirs).__name__
    assert ours.get_config() == pytest.approx(theirs.get_config())


BAD = [
    (lambda: R.L1(-0.1), "l1"), (lambda: R.L2(float("nan")), "l2"), (lambda: R.L2(float("inf")), "l2"),
    (lambda: R.L1L2(l1=-1.0), "l1"), (lambda: R.L1L2(l2=-1e-3), "l2"), (lambda: R.L2("0.1"), "l2"),
    (lambda: R.get("l1_l2"), "identifier"), (lambda: R.get("ridge"), "identifier"),
]


@pytest.mark.parametrize("make,argument", BAD, ids=[a + str(i) for i, (_, a) in enumerate(BAD)])
def test_bad_input_raises_value_error_naming_the_argument(make, argument):
    with pytest.raises(ValueError, match=f"`{argument}`"):
        make()


def test_keras_rejects_the_same_factors():
    for make in (lambda: keras.regularizers.L1(-0.1), lambda: keras.regularizers.L2(float("nan"))):
        with pytest.raises(ValueError):
            make()
