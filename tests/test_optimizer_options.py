"""The options every optimizer takes (EMA, gradient accumulation), the new optimizers'
own properties, and the known differences with Keras, pinned.

Protects: use_ema / ema_momentum / ema_overwrite_frequency and
gradient_accumulation_steps follow Keras's base_optimizer step by step (the
parameters, the averages, the counters) on several optimizers, in float32 and
float64; Adafactor keeps n + m numbers for an (n, m) matrix; Muon's Newton-Schulz
step flattens the singular values; ScheduleFreeAdamW differs from Keras's class
as released on TensorFlow only by the momentum aliasing; Lion's float32 clipnorm
difference is reported with both numbers; bad options are refused by name.
"""
import keras
import numpy as np
import pytest

from course_lib import optimizers
from course_lib.keras_check import (check_known_differences, compare_optimizer, keras_twin,
                                    optimizer_tolerance)

DTYPES = ["float32", "float64"]
#: One optimizer of each kind: no slots, elementwise slots, whole-array (Lamb, Muon, Adafactor),
#: a running product shared by all parameters (Nadam).
NAMES = ["sgd", "adam", "nadam", "lamb", "adafactor", "muon", "schedulefreeadamw"]


def _kwargs(name, dtype, **options):
    if name == "muon" and dtype == "float64":
        options["rms_rate"] = None   # Keras's Muon raises TypeError in float64 otherwise
    if name == "sgd":
        options["momentum"] = 0.9
    return options


def _compiled(name, dtype):
    return not (name == "schedulefreeadamw" and dtype == "float32")


def _check(comparison, name, dtype):
    assert len(comparison.rows) >= 100
    assert comparison.within(optimizer_tolerance(name, dtype)), str(comparison)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", NAMES)
def test_gradient_accumulation_matches_keras(name, dtype):
    """Updates every n-th call with the mean gradient; t counts updates; the schedule counts calls."""
    n = {"sgd": 2, "adam": 3, "nadam": 2, "lamb": 4, "adafactor": 3, "muon": 2,
         "schedulefreeadamw": 3}[name]
    ours = optimizers.get(name, **_kwargs(name, dtype, gradient_accumulation_steps=n,
                                          clipnorm=1.5, weight_decay=0.01))
    _check(compare_optimizer(ours, dtype=dtype, compiled=_compiled(name, dtype)), name, dtype)
    assert ours.iterations == 100 // n


@pytest.mark.parametrize("dtype", DTYPES)
def test_gradient_accumulation_with_a_schedule_counts_calls(dtype):
    def lr(step):
        return 0.05 * 0.8 ** (step // 7)

    ours = optimizers.Adam(learning_rate=lr, gradient_accumulation_steps=3)
    _check(compare_optimizer(ours, dtype=dtype), "adam", dtype)
    assert ours.current_learning_rate == float(np.float32(lr(100)))


@pytest.mark.parametrize("frequency", [None, 1, 4])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", NAMES)
def test_ema_matches_keras(name, dtype, frequency):
    """The averages after every call equal Keras's; with a frequency, so do the overwritten params."""
    kwargs = _kwargs(name, dtype, use_ema=True, ema_momentum=0.9,
                     ema_overwrite_frequency=frequency)
    ours = optimizers.get(name, **kwargs)
    theirs = keras_twin(ours)
    rng = np.random.default_rng(7)
    params = [rng.normal(size=s).astype(dtype) for s in [(3,), (4, 5)]]
    variables = [keras.Variable(p.copy()) for p in params]
    tol = optimizer_tolerance(name, dtype)
    for _ in range(12):
        grads = [rng.normal(size=p.shape).astype(dtype) for p in params]
        ours.apply(grads, params)
        theirs.apply([keras.ops.convert_to_tensor(g) for g in grads], variables)
        for p, v, a, ka in zip(params, variables, ours.averages,
                               theirs._model_variables_moving_average):
            np.testing.assert_allclose(p, v.numpy(), rtol=0, atol=tol)
            np.testing.assert_allclose(a, ka.numpy(), rtol=0, atol=tol)
    ours.finalize_variable_values(params)
    theirs.finalize_variable_values(variables)
    for p, v in zip(params, variables):
        np.testing.assert_allclose(p, v.numpy(), rtol=0, atol=tol)


@pytest.mark.parametrize("name", ["adam", "muon", "adafactor"])
def test_ema_and_accumulation_together_match_keras(name):
    ours = optimizers.get(name, use_ema=True, ema_overwrite_frequency=3,
                          gradient_accumulation_steps=2)
    _check(compare_optimizer(ours, dtype="float32", compiled=True), name, "float32")


def test_ema_is_an_average_and_overwrites_when_told():
    """Without overwriting, the params are those of the plain optimizer; the average lags them."""
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=4) for _ in range(30)]
    plain, averaged = np.ones(4), np.ones(4)
    opt_plain, opt_ema = optimizers.SGD(0.1), optimizers.SGD(0.1, use_ema=True, ema_momentum=0.5)
    for g in grads:
        opt_plain.apply([g], [plain])
        opt_ema.apply([g], [averaged])
    np.testing.assert_array_equal(plain, averaged)
    assert not np.allclose(opt_ema.averages[0], averaged)
    opt_ema.finalize_variable_values([averaged])
    np.testing.assert_array_equal(averaged, opt_ema.averages[0])


def test_iterations_count_updates_and_can_be_set():
    opt = optimizers.Adam(gradient_accumulation_steps=4)
    p = np.ones(3)
    for _ in range(10):
        opt.apply([np.ones(3)], [p])
    assert opt.iterations == 2 and opt._calls == 10
    opt.iterations = 5
    assert opt.iterations == 5 and opt._calls == 20


def test_accumulation_leaves_params_alone_between_updates():
    opt, p = optimizers.SGD(0.1, gradient_accumulation_steps=3), np.zeros(2)
    opt.apply([np.array([1.0, 2.0])], [p])
    opt.apply([np.array([3.0, 4.0])], [p])
    np.testing.assert_array_equal(p, [0.0, 0.0])
    opt.apply([np.array([5.0, 6.0])], [p])
    np.testing.assert_allclose(p, [-0.1 * 3.0, -0.1 * 4.0], rtol=1e-6)   # mean gradient (3, 4)
    np.testing.assert_array_equal(opt.accumulated_gradients[0], [0.0, 0.0])


@pytest.mark.parametrize("kwargs, message", [
    ({"gradient_accumulation_steps": 1}, "`gradient_accumulation_steps` must be an integer >= 2"),
    ({"gradient_accumulation_steps": 2.5}, "`gradient_accumulation_steps` must be an integer >= 2"),
    ({"use_ema": True, "ema_momentum": 1.5}, r"`ema_momentum` must be a float in \[0, 1\]"),
    ({"use_ema": True, "ema_overwrite_frequency": 0}, "`ema_overwrite_frequency` must be a positive"),
])
def test_bad_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        optimizers.Adam(**kwargs)


@pytest.mark.parametrize("name, kwargs, arg", [
    ("adafactor", {"beta_2_decay": 0.5}, "beta_2_decay"),
    ("adafactor", {"clip_threshold": 0.0}, "clip_threshold"),
    ("muon", {"ns_steps": -1}, "ns_steps"),
    ("muon", {"momentum": 1.0}, "momentum"),
    ("schedulefreeadamw", {"warmup_steps": -1}, "warmup_steps"),
    ("schedulefreeadamw", {"beta_1": 0.0}, "beta_1"),
])
def test_bad_arguments_of_the_new_optimizers(name, kwargs, arg):
    with pytest.raises(ValueError, match=f"`{arg}` must be"):
        optimizers.get(name, **kwargs)


# ----------------------------------------------------------------- the new optimizers' point
def test_adafactor_keeps_rows_plus_columns():
    """For an (n, m) matrix Adafactor's state is n + m numbers, Adam's 2 n m."""
    p = np.zeros((300, 200))
    ada, adam = optimizers.Adafactor(), optimizers.Adam()
    ada.build([p, np.zeros(7)])
    adam.build([p])
    assert sum(s.size for s in ada.slots[0].values()) == 300 + 200
    assert sum(s.size for s in adam.slots[0].values()) == 2 * 300 * 200
    assert ada.slots[1]["velocity"].shape == (7,)       # vectors are not factored


def test_muon_orthogonalizes():
    """NS5 maps a matrix of condition number 1000 to one of condition number < 3 (measured:
    singular values 0.44-1.08: five quintic iterations do not reach 1 for the smallest)."""
    rng = np.random.default_rng(0)
    u, _ = np.linalg.qr(rng.normal(size=(20, 20)))
    v, _ = np.linalg.qr(rng.normal(size=(8, 8)))
    b = u[:, :8] @ np.diag(np.logspace(0, -3, 8)) @ v.T     # condition number 1000
    s = np.linalg.svd(optimizers.Muon().newton_schulz(b), compute_uv=False)
    assert s.min() > 0.3 and s.max() < 1.25 and s.max() / s.min() < 3, s
    assert np.linalg.svd(b, compute_uv=False).max() / 1e-3 > 900


def test_keras_muon_cannot_run_float64_with_rms_rate():
    """Pins why the float64 comparisons use rms_rate=None: Keras (TensorFlow) raises, ours runs."""
    ours = optimizers.Muon()
    with pytest.raises(TypeError):
        compare_optimizer(ours, dtype="float64", steps=2, shapes=((3, 4),), compiled=True)
    p = np.ones((3, 4))
    optimizers.Muon().apply([np.ones((3, 4))], [p])
    assert np.all(np.isfinite(p)) and np.all(p < 1)


# ----------------------------------------------------------------- known differences
def test_known_differences_are_reported_with_both_numbers():
    results = {r.difference.component: r for r in check_known_differences()}
    lion, sf = results["Lion"], results["ScheduleFreeAdamW"]
    for r in (lion, sf):
        assert r.as_expected and r.differs and r.status == "known difference"
        assert r.ours.shape == r.keras.shape and r.ours.size >= 1
    lr = float(np.float32(0.001))
    gaps = np.abs(lion.ours - lion.keras)
    assert np.all(np.isclose(gaps, lr, rtol=1e-3) | np.isclose(gaps, 2 * lr, rtol=1e-3)), gaps
    assert sf.max_diff > 1e-4


@pytest.mark.parametrize("dtype", DTYPES)
def test_schedule_free_differs_from_released_keras_only_by_the_alias(dtype):
    ours = optimizers.ScheduleFreeAdamW(learning_rate=0.01)
    mended = compare_optimizer(ours, dtype=dtype)
    released = compare_optimizer(optimizers.ScheduleFreeAdamW(learning_rate=0.01),
                                 keras_twin(ours, as_released=True), dtype=dtype)
    assert mended.within(optimizer_tolerance("schedulefreeadamw", dtype)), str(mended)
    assert released.max_diff > 1e-3
