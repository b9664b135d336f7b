"""course_lib.initializers draws from the same distributions as keras.initializers.

Our numbers come from numpy, not Keras's generator, so they are compared by
distribution on large draws (seeded, so the outcome is fixed), with stated
statistical tolerances:
- bounds: every |w| <= limit (uniform) or 2 sd (truncated normal), and the
  largest |w| reaches within 1% of it;
- mean within 5 standard errors of 0, variance within 5 standard errors of the
  textbook ``scale / n`` (standard error of the variance estimated from the
  sample's 4th moment), for ours *and* for Keras's draws;
- the two samples are indistinguishable: two-sample Kolmogorov-Smirnov statistic
  below its critical value at alpha = 1e-6.
Orthogonal: W^T W = gain^2 I to 1e-5 (float32) / 1e-12 (float64), for ours and Keras's.
"""
import math

import numpy as np
import pytest

import keras

from course_lib import initializers as I

DENSE, CONV = (1000, 400), (3, 3, 64, 128)
# (fan_in, fan_out) written out by hand: a conv kernel's receptive field is 3 * 3 = 9.
FANS = {DENSE: (1000, 400), CONV: (64 * 9, 128 * 9)}
PRESETS = {  # name: (scale, mode, distribution) -- Keras's definitions
    "GlorotUniform": (1.0, "fan_avg", "uniform"), "GlorotNormal": (1.0, "fan_avg", "normal"),
    "HeUniform": (2.0, "fan_in", "uniform"), "HeNormal": (2.0, "fan_in", "normal"),
    "LecunUniform": (1.0, "fan_in", "uniform"), "LecunNormal": (1.0, "fan_in", "normal"),
}


def _keras_draw(init, shape, dtype="float32"):
    return keras.ops.convert_to_numpy(init(shape, dtype=dtype)).ravel().astype(np.float64)


def _ks_statistic(a, b):
    a, b = np.sort(a), np.sort(b)
    x = np.concatenate([a, b])
    return np.max(np.abs(np.searchsorted(a, x, "right") / a.size - np.searchsorted(b, x, "right") / b.size))


def _ks_critical(n, m, alpha=1e-6):
    return math.sqrt(-math.log(alpha / 2) / 2) * math.sqrt((n + m) / (n * m))


def _check_moments(w, variance, bound, z=5.0):
    n = w.size
    assert np.all(np.abs(w) <= bound * (1 + 1e-6)), "a value outside the bounds"
    assert np.max(np.abs(w)) >= 0.99 * bound, "the bounds are never approached: wrong scale"
    assert abs(w.mean()) <= z * math.sqrt(variance / n)
    var = w.var()
    se_var = math.sqrt(np.mean((w - w.mean()) ** 4) - var**2) / math.sqrt(n)
    assert abs(var - variance) <= z * se_var, (var, variance, se_var)


@pytest.mark.parametrize("shape", [DENSE, CONV], ids=["dense", "conv"])
@pytest.mark.parametrize("name", sorted(PRESETS))
def test_preset_distribution_matches_keras(name, shape):
    scale, mode, distribution = PRESETS[name]
    fan_in, fan_out = FANS[shape]
    n = {"fan_in": fan_in, "fan_avg": (fan_in + fan_out) / 2}[mode]
    variance = scale / n
    bound = math.sqrt(3 * variance) if distribution == "uniform" else 2 * math.sqrt(variance) / 0.87962566103423978

    ours = getattr(I, name)(seed=1)(shape).ravel().astype(np.float64)
    theirs = _keras_draw(getattr(keras.initializers, name)(seed=1), shape)
    _check_moments(ours, variance, bound)
    _check_moments(theirs, variance, bound)  # the same textbook numbers describe Keras
    assert _ks_statistic(ours, theirs) <= _ks_critical(ours.size, theirs.size)


def test_ks_check_can_tell_truncated_from_untruncated():
    """Guard: the KS check above is sharp enough to catch a wrong distribution of the right variance."""
    ours = I.VarianceScaling(distribution="untruncated_normal", seed=0)(DENSE).ravel().astype(np.float64)
    theirs = _keras_draw(keras.initializers.LecunNormal(seed=0), DENSE)
    assert _ks_statistic(ours, theirs) > _ks_critical(ours.size, theirs.size)


@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
@pytest.mark.parametrize("distribution", ["truncated_normal", "untruncated_normal", "uniform"])
def test_variance_scaling_matches_keras(mode, distribution):
    shape = (40, 30, 50)  # fans (30*40, 50*40)
    ours = I.VarianceScaling(0.7, mode, distribution, seed=2)(shape).ravel().astype(np.float64)
    theirs = _keras_draw(keras.initializers.VarianceScaling(0.7, mode, distribution, seed=2), shape)
    variance = 0.7 / {"fan_in": 1200, "fan_out": 2000, "fan_avg": 1600}[mode]
    assert ours.var() == pytest.approx(variance, rel=0.02) and theirs.var() == pytest.approx(variance, rel=0.02)
    assert _ks_statistic(ours, theirs) <= _ks_critical(ours.size, theirs.size)


@pytest.mark.parametrize("name,kwargs", [("RandomNormal", {"mean": 0.5, "stddev": 0.2}),
                                         ("RandomUniform", {"minval": -0.3, "maxval": 0.1}),
                                         ("TruncatedNormal", {"mean": 0.0, "stddev": 0.1})])
def test_plain_random_initializers_match_keras(name, kwargs):
    ours = getattr(I, name)(seed=3, **kwargs)(DENSE).ravel().astype(np.float64)
    theirs = _keras_draw(getattr(keras.initializers, name)(seed=3, **kwargs), DENSE)
    assert _ks_statistic(ours, theirs) <= _ks_critical(ours.size, theirs.size)


@pytest.mark.parametrize("shape", [(64, 32), (32, 64), (3, 3, 16, 32), (50, 50)])
@pytest.mark.parametrize("dtype,tol", [("float32", 1e-5), ("float64", 1e-12)])
def test_orthogonal(shape, dtype, tol):
    gain = 1.7
    ours = I.Orthogonal(gain=gain, seed=0)(shape, dtype=dtype)
    theirs = keras.ops.convert_to_numpy(keras.initializers.Orthogonal(gain=gain, seed=0)(shape, dtype=dtype))
    for w in (ours, theirs):
        assert w.shape == shape and w.dtype == dtype
        m = w.reshape(-1, shape[-1])
        gram = m.T @ m if m.shape[0] >= m.shape[1] else m @ m.T
        np.testing.assert_allclose(gram, gain**2 * np.eye(gram.shape[0]), atol=tol * gain**2)


def test_orthogonal_entries_distributed_like_keras():
    ours = I.Orthogonal(seed=0)((512, 256)).ravel().astype(np.float64)
    theirs = _keras_draw(keras.initializers.Orthogonal(seed=0), (512, 256))
    assert _ks_statistic(ours, theirs) <= _ks_critical(ours.size, theirs.size)


@pytest.mark.parametrize("shape,fans", [((), (1, 1)), ((7,), (7, 7)), ((5, 3), (5, 3)),
                                        ((3, 3, 16, 32), (144, 288)), ((2, 4, 5, 6, 7), (240, 280))])
def test_compute_fans(shape, fans):
    assert I.compute_fans(shape) == fans


def test_constants_and_dtypes():
    assert np.array_equal(I.Zeros()((2, 3)), np.zeros((2, 3))) and I.Zeros()((2,)).dtype == np.float32
    assert np.array_equal(I.Ones()((4,), dtype="float64"), np.ones(4)) and I.Ones()((1,), "float64").dtype == np.float64
    assert np.array_equal(I.Constant(0.5)((2,)), [0.5, 0.5])
    assert I.HeNormal(seed=0)((3, 4), dtype="float64").dtype == np.float64


def test_seeds_as_in_keras():
    """An int seed gives the same values at every call (as in Keras); seed=None fresh ones;
    a Generator passed as rng continues its stream."""
    init = I.GlorotUniform(seed=5)
    assert np.array_equal(init((4, 4)), init((4, 4)))
    assert not np.array_equal(I.GlorotUniform()((4, 4)), I.GlorotUniform()((4, 4)))
    assert np.array_equal(I.GlorotUniform()((4, 4), rng=9), I.GlorotUniform()((4, 4), rng=9))
    rng = np.random.default_rng(0)
    assert not np.array_equal(init((4, 4), rng=rng), init((4, 4), rng=rng))


KERAS_NAMES = ["glorot_uniform", "GlorotUniform", "glorot_normal", "he_uniform", "he_normal", "HeNormal",
               "lecun_uniform", "lecun_normal", "orthogonal", "Orthogonal", "zeros", "ones", "zero", "one",
               "normal", "uniform", "random_normal", "random_uniform", "truncated_normal", "variance_scaling"]


@pytest.mark.parametrize("name", KERAS_NAMES)
def test_get_knows_keras_names(name):
    assert type(I.get(name)).__name__ == type(keras.initializers.get(name)).__name__


BAD = [
    (lambda: I.get("xavier"), "identifier"),
    (lambda: I.GlorotUniform()((3, -1)), "shape"),
    (lambda: I.Orthogonal()((5,)), "shape"),
    (lambda: I.HeNormal()((3, 3), dtype="int32"), "dtype"),
    (lambda: I.VarianceScaling(scale=0.0), "scale"),
    (lambda: I.VarianceScaling(mode="fan_sum"), "mode"),
    (lambda: I.VarianceScaling(distribution="cauchy"), "distribution"),
    (lambda: I.RandomNormal(stddev=-1.0), "stddev"),
    (lambda: I.RandomUniform(minval=1.0, maxval=0.0), "maxval"),
]


@pytest.mark.parametrize("make,argument", BAD, ids=[a + str(i) for i, (_, a) in enumerate(BAD)])
def test_bad_input_raises_value_error_naming_the_argument(make, argument):
    with pytest.raises(ValueError, match=f"`{argument}`"):
        make()


def test_constant_goes_through_float32_as_in_keras():
    """Keras casts the Python scalar through a float32 tensor: a float64 weight holds 0.37's float32 value."""
    ours = I.Constant(0.37)((2, 3), dtype="float64")
    theirs = np.asarray(keras.initializers.Constant(0.37)((2, 3), dtype="float64"))
    assert ours.dtype == np.float64 and np.array_equal(ours, theirs)
    assert ours[0, 0] == np.float64(np.float32(0.37)) != 0.37


@pytest.mark.parametrize("value", [[1.0, 2.0], "0.5", None, True])
def test_constant_accepts_only_a_scalar(value):
    with pytest.raises(TypeError, match="`value` must be a float"):
        I.Constant(value)
