"""course_lib.schedules equals keras.optimizers.schedules step by step, and the
cyclical / one-cycle schedules Keras lacks equal the papers' formulas and PyTorch
(PyTorch's values are stored in tests/torch_reference.py, made by
tools/make_torch_reference.py, so these tests run without PyTorch).

Tolerances (relative to the largest learning rate of the run):
- float64: <= 1e-12.  Keras is given every float argument as a numpy float64,
  because it computes in the dtype of ``initial_learning_rate`` and casts Python
  floats through float32.  (Measured: 0, bit for bit.)
- float32 (what Keras does with plain Python floats): <= 1e-6, i.e. ~8 float32
  ulps.  (Measured: ~1e-7.)
"""
import math

import numpy as np
import pytest

import keras

from course_lib import schedules as S
from course_lib.keras_check import TOLERANCE, compare_schedule, keras_schedule_like

import torch_reference

STEPS = range(0, 121)  # covers every boundary/period end of the cases below

KERAS_CASES = {
    "exponential": lambda: S.ExponentialDecay(0.1, 7, 0.9),
    "exponential_staircase": lambda: S.ExponentialDecay(0.1, 7, 0.9, staircase=True),
    "piecewise": lambda: S.PiecewiseConstantDecay([10, 25, 40], [1.0, 0.5, 0.1, 0.01]),
    "polynomial": lambda: S.PolynomialDecay(0.1, 30, 0.001, power=0.5),
    "polynomial_cycle": lambda: S.PolynomialDecay(0.1, 30, 0.001, power=2.0, cycle=True),
    "inverse_time": lambda: S.InverseTimeDecay(0.1, 5, 0.5),
    "inverse_time_staircase": lambda: S.InverseTimeDecay(0.1, 5, 0.5, staircase=True),
    "cosine": lambda: S.CosineDecay(0.1, 40, alpha=0.1),
    "cosine_warmup": lambda: S.CosineDecay(0.0, 40, alpha=0.05, warmup_target=0.2, warmup_steps=10),
    "restarts": lambda: S.CosineDecayRestarts(0.1, 10),
    "restarts_tmul1": lambda: S.CosineDecayRestarts(0.1, 10, t_mul=1.0, m_mul=0.5, alpha=0.1),
    "restarts_tmul1.5": lambda: S.CosineDecayRestarts(0.1, 7, t_mul=1.5, m_mul=0.8, alpha=0.05),
}


def _assert_close(ours, dtype, steps=STEPS, keras_schedule=None):
    result = compare_schedule(ours, keras_schedule, steps=steps, dtype=dtype)
    assert result.dtype == dtype
    scale = np.max(np.abs([ours(s) for s in steps]))  # np.max: a NaN must not be skipped
    assert result.max_diff <= TOLERANCE[dtype] * scale, str(result)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", sorted(KERAS_CASES))
def test_equals_keras_every_step(case, dtype):
    _assert_close(KERAS_CASES[case](), dtype)


def _random_schedules(rng):
    """One schedule of each Keras kind with random hyperparameters."""
    lr = float(rng.uniform(1e-3, 1.0))
    steps = int(rng.integers(1, 40))
    rate = float(rng.uniform(0.05, 0.99))
    bounds = sorted(rng.choice(np.arange(1, 100), size=3, replace=False).tolist())
    return [
        S.ExponentialDecay(lr, steps, rate, staircase=bool(rng.integers(2))),
        S.PiecewiseConstantDecay(bounds, rng.uniform(1e-3, 1, size=4).tolist()),
        S.PolynomialDecay(lr, steps, lr * rate / 10, power=float(rng.uniform(0.3, 3)),
                          cycle=bool(rng.integers(2))),
        S.InverseTimeDecay(lr, steps, float(rng.uniform(0, 3)), staircase=bool(rng.integers(2))),
        S.CosineDecay(lr, steps, alpha=rate, warmup_target=2 * lr,
                      warmup_steps=int(rng.integers(0, 20))),
        S.CosineDecayRestarts(lr, steps, t_mul=float(rng.uniform(1.1, 3)), m_mul=rate,
                              alpha=float(rng.uniform(0, 0.2))),
    ]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_equals_keras_random_hyperparameters_float64(seed):
    """Randomized hyperparameters, 0..120 steps, float64 to 1e-12."""
    for ours in _random_schedules(np.random.default_rng(seed)):
        _assert_close(ours, "float64")


def test_plain_keras_python_floats_agree_to_float32():
    """A Keras schedule built the everyday way (Python floats -> float32)."""
    ours = S.CosineDecay(0.1, 50, alpha=0.1, warmup_target=0.3, warmup_steps=10)
    theirs = keras.optimizers.schedules.CosineDecay(0.1, 50, alpha=0.1, warmup_target=0.3, warmup_steps=10)
    _assert_close(ours, "float32", keras_schedule=theirs)


def test_plain_python_floats_make_keras_compute_in_float32_and_the_error_compounds():
    """Pins the module docstring: with Python floats Keras rounds decay_rate to float32, and
    decay_rate ** (t / decay_steps) compounds that rounding (4e-6 relative after 1000 steps)."""
    ours = S.ExponentialDecay(0.1, 7, 0.9)
    plain = keras.optimizers.schedules.ExponentialDecay(0.1, 7, 0.9)
    step = 1000
    relative = abs(ours(step) - float(plain(step))) / ours(step)
    assert 1e-6 < relative < 1e-5, relative
    float32_formula = np.float32(0.1) * np.float32(0.9) ** np.float32(step / 7)
    assert abs(float(plain(step)) - float32_formula) <= 2e-7 * float32_formula   # Keras: float32 throughout
    assert compare_schedule(ours, steps=[step], dtype="float64").max_diff <= 1e-16  # float64 twin: exact


def test_restarts_with_shrinking_periods_raise_past_their_end_where_keras_gives_nan():
    ours = S.CosineDecayRestarts(0.1, 10, t_mul=0.5)      # periods 10, 5, 2.5, ...: 20 steps in all
    theirs = keras.optimizers.schedules.CosineDecayRestarts(np.float64(0.1), 10, t_mul=np.float64(0.5))
    assert compare_schedule(ours, theirs, steps=range(19)).max_diff <= 1e-15   # defined: equal
    assert math.isnan(float(theirs(25)))
    with pytest.raises(ValueError, match=r"undefined at step 25: .* last first_decay_steps / \(1 - t_mul\) = 20 steps"):
        ours(25)


def test_constant_equals_a_float_learning_rate():
    """Keras has no Constant schedule: a float learning_rate is its equivalent."""
    ours = S.Constant(0.01)
    keras_lr = float(keras.optimizers.SGD(learning_rate=0.01).learning_rate.numpy())
    for step in STEPS:
        assert ours(step) == 0.01
        assert abs(ours(step) - keras_lr) <= 1e-6 * 0.01


def test_piecewise_boundary_step_keeps_previous_value():
    s = S.PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    assert [s(9), s(10), s(11), s(20), s(21)] == [1.0, 1.0, 0.5, 0.5, 0.1]


def test_keras_twin_rejects_schedules_keras_lacks():
    with pytest.raises(ValueError, match="CyclicLR"):
        keras_schedule_like(S.CyclicLR())


# ---------------------------------------------------------------- cyclical
def _triangle_wave_clr(t, base_lr, max_lr, step_size, mode, gamma):
    """Smith 2017, section 3.1, as the paper describes it in words (not the code's floor formula).

    Each cycle lasts 2 * step_size iterations: the rate climbs linearly from base_lr
    to max_lr over the first step_size, then falls linearly back.  The amplitude is
    multiplied by 1 (triangular), halved each cycle (triangular2) or by gamma**t (exp_range).
    """
    t = np.asarray(t, dtype=float)
    position = np.mod(t, 2 * step_size)                # where we are inside the current cycle
    rising = position <= step_size
    height = np.where(rising, position / step_size, (2 * step_size - position) / step_size)
    cycle_index = t // (2 * step_size)                  # 0 for the first cycle
    amplitude = {"triangular": np.ones_like(t), "triangular2": 0.5**cycle_index,
                 "exp_range": gamma**t}[mode]
    return base_lr + (max_lr - base_lr) * height * amplitude


CLR_CASES = sorted(torch_reference.CYCLIC)


@pytest.mark.parametrize("mode,gamma", CLR_CASES)
def test_cyclic_equals_smith_triangle_wave(mode, gamma):
    ours = S.CyclicLR(base_lr=0.001, max_lr=0.006, step_size=20, mode=mode, gamma=gamma)
    t = np.arange(0, 201)
    expected = _triangle_wave_clr(t, 0.001, 0.006, 20, mode, gamma)
    got = np.array([ours(int(s)) for s in t])
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=0)
    # Shape checks independent of any formula: starts at base, peaks at max after step_size.
    assert ours(0) == pytest.approx(0.001) and ours(20) == pytest.approx(0.006 if mode != "exp_range" else
                                                                          0.001 + 0.005 * gamma**20)
    if mode == "triangular2":
        assert ours(60) == pytest.approx(0.001 + 0.005 / 2)  # second peak has half the amplitude


@pytest.mark.parametrize("mode,gamma", CLR_CASES)
def test_cyclic_equals_torch(mode, gamma):
    """PyTorch's CyclicLR values, stored in tests/torch_reference.py (PyTorch is not a dependency)."""
    ours = S.CyclicLR(base_lr=0.001, max_lr=0.006, step_size=20, mode=mode, gamma=gamma)
    theirs = torch_reference.CYCLIC[mode, gamma]
    assert len(theirs) == 201
    np.testing.assert_allclose([ours(s) for s in range(201)], theirs, rtol=1e-12, atol=0)


ONE_CYCLE_CASES = [kwargs for kwargs, _ in torch_reference.ONE_CYCLE]


@pytest.mark.parametrize("kwargs,theirs", torch_reference.ONE_CYCLE, ids=[str(k) for k in ONE_CYCLE_CASES])
def test_one_cycle_equals_torch(kwargs, theirs):
    """PyTorch's OneCycleLR values, stored in tests/torch_reference.py."""
    ours = S.OneCycle(**kwargs)
    n = kwargs["total_steps"]
    assert len(theirs) == n
    np.testing.assert_allclose([ours(s) for s in range(n)], theirs, rtol=1e-12, atol=0)


@pytest.mark.parametrize("kwargs", ONE_CYCLE_CASES, ids=str)
def test_one_cycle_landmarks(kwargs):
    """Smith & Topal's policy, checked at its landmarks rather than through a formula."""
    ours = S.OneCycle(**kwargs)
    n, max_lr = kwargs["total_steps"], kwargs["max_lr"]
    initial = max_lr / kwargs.get("div_factor", 25.0)
    peak = kwargs.get("pct_start", 0.3) * n - 1
    assert ours(0) == pytest.approx(initial, rel=1e-12)
    assert ours(n - 1) == pytest.approx(initial / kwargs.get("final_div_factor", 1e4), rel=1e-12)
    values = [ours(s) for s in range(n)]
    assert max(values) <= max_lr * (1 + 1e-12)
    assert np.all(np.diff(values[: math.floor(peak) + 1]) > 0)  # rising up to the peak
    if not kwargs.get("three_phase"):
        assert np.all(np.diff(values[math.ceil(peak):]) < 0)  # then falling to the end
    if kwargs.get("anneal_strategy") == "linear":
        assert ours(peak / 2) == pytest.approx((initial + max_lr) / 2, rel=1e-12)


def test_one_cycle_rejects_steps_past_the_end():
    s = S.OneCycle(0.1, 10)
    s(10)  # PyTorch allows step == total_steps
    with pytest.raises(ValueError, match="step"):
        s(11)


# -------------------------------------------------------------- bad input
BAD = [
    (lambda: S.ExponentialDecay(-0.1, 10, 0.9), "initial_learning_rate"),
    (lambda: S.ExponentialDecay(0.0, 10, 0.9), "initial_learning_rate"),
    (lambda: S.ExponentialDecay(0.1, 0, 0.9), "decay_steps"),
    (lambda: S.ExponentialDecay(0.1, 10, -0.5), "decay_rate"),
    (lambda: S.InverseTimeDecay(0.1, -3, 0.5), "decay_steps"),
    (lambda: S.PolynomialDecay(0.1, 0), "decay_steps"),
    (lambda: S.PolynomialDecay(0.1, 10, end_learning_rate=-1.0), "end_learning_rate"),
    (lambda: S.CosineDecay(float("nan"), 10), "initial_learning_rate"),
    (lambda: S.CosineDecay(0.1, 0), "decay_steps"),
    (lambda: S.CosineDecayRestarts(0.1, 0), "first_decay_steps"),
    (lambda: S.CosineDecayRestarts(0.1, 10, t_mul=0.0), "t_mul"),
    (lambda: S.PiecewiseConstantDecay([10, 20], [1.0, 0.5]), "boundaries"),
    (lambda: S.PiecewiseConstantDecay([20, 10], [1.0, 0.5, 0.1]), "boundaries"),
    (lambda: S.PiecewiseConstantDecay([10], [1.0, -0.5]), "values"),
    (lambda: S.Constant(-1e-3), "learning_rate"),
    (lambda: S.CyclicLR(step_size=0), "step_size"),
    (lambda: S.CyclicLR(step_size=-5), "step_size"),
    (lambda: S.CyclicLR(mode="sawtooth"), "mode"),
    (lambda: S.CyclicLR(base_lr=-0.001), "base_lr"),
    (lambda: S.CyclicLR(base_lr=0.01, max_lr=0.001), "max_lr"),
    (lambda: S.OneCycle(0.1, 0), "total_steps"),
    (lambda: S.OneCycle(0.1, 100, pct_start=1.5), "pct_start"),
    (lambda: S.OneCycle(0.1, 100, anneal_strategy="cosine"), "anneal_strategy"),
    (lambda: S.OneCycle(0.1, 100, pct_start=0.01), "pct_start"),  # zero-length warm-up phase
    (lambda: S.OneCycle(-0.1, 100), "max_lr"),
    (lambda: S.ExponentialDecay(0.1, 10, 0.9)(-1), "step"),
]


@pytest.mark.parametrize("make,argument", BAD, ids=[a + str(i) for i, (_, a) in enumerate(BAD)])
def test_bad_input_raises_value_error_naming_the_argument(make, argument):
    with pytest.raises(ValueError, match=f"`{argument}`"):
        make()


def test_non_number_is_a_type_error():
    with pytest.raises(TypeError, match="decay_steps"):
        S.ExponentialDecay(0.1, "ten", 0.9)


@pytest.mark.parametrize("ours", [S.CyclicLR(0.01, 0.1, step_size=7, mode="triangular2"), S.OneCycle(0.1, 40)],
                         ids=["CyclicLR", "OneCycle"])
def test_tabulated_keras_schedule_replays_ours_in_float32(ours):
    """Schedules without a Keras twin reach Keras as a table: the same rates (float32), held after the end."""
    from course_lib.keras_check import tabulated_keras_schedule

    twin = tabulated_keras_schedule(ours, 41)
    assert isinstance(twin, keras.optimizers.schedules.LearningRateSchedule)
    theirs = np.array([float(twin(step)) for step in range(45)])
    expected = np.float32([ours(min(step, 40)) for step in range(45)])
    np.testing.assert_array_equal(theirs, expected)


# -------------------------------------------------------------- OneCycle's momentum (PyTorch's cycle_momentum)
# PyTorch is not installed here: the values are computed by hand from OneCycleLR's documented rule (momentum moves
# against the rate, max_momentum -> base_momentum in phase 1, back in phase 2, flat at max_momentum in phase 3 of
# three_phase) with its phase ends (pct_start * N - 1, 2 pct_start * N - 2, N - 1) and its anneal functions.
@pytest.mark.parametrize("kwargs,expected", [
    # linear, N = 10, phase 1 ends at step 2: 0.95, 0.90, 0.85; phase 2 (steps 2..9) climbs 0.1 / 7 per step
    (dict(anneal_strategy="linear"), [0.95, 0.90, 0.85, 0.85 + 0.1 / 7, 0.85 + 0.2 / 7, 0.85 + 0.3 / 7,
                                      0.85 + 0.4 / 7, 0.85 + 0.5 / 7, 0.85 + 0.6 / 7, 0.95]),
    # cosine: at pct = 1/2 the cosine anneal is the midpoint; phase 2 from step 2 to 9 passes 5.5 at its midpoint
    (dict(), [0.95, 0.90, 0.85, 0.85 + 0.05 * (1 - math.cos(math.pi / 7)), 0.85 + 0.05 * (1 - math.cos(2 * math.pi / 7)),
              0.85 + 0.05 * (1 - math.cos(3 * math.pi / 7)), 0.85 + 0.05 * (1 - math.cos(4 * math.pi / 7)),
              0.85 + 0.05 * (1 - math.cos(5 * math.pi / 7)), 0.85 + 0.05 * (1 - math.cos(6 * math.pi / 7)), 0.95]),
    # three phases, pct_start 0.25: ends at 1.5 and 3; then flat at max_momentum
    (dict(anneal_strategy="linear", pct_start=0.25, three_phase=True),
     [0.95, 0.95 - 0.1 / 1.5, 0.85 + 0.1 * 0.5 / 1.5, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95]),
    # other bounds
    (dict(anneal_strategy="linear", base_momentum=0.5, max_momentum=0.9),
     [0.9, 0.7, 0.5] + [0.5 + 0.4 * k / 7 for k in range(1, 8)]),
])
def test_one_cycle_momentum_by_hand(kwargs, expected):
    s = S.OneCycle(1.0, 10, **kwargs)
    np.testing.assert_allclose([s.momentum(t) for t in range(10)], expected, rtol=1e-12, atol=1e-15)
    assert s(0) == pytest.approx(1.0 / 25)   # the rate is unchanged by the momentum options


def test_one_cycle_momentum_moves_against_the_rate():
    s = S.OneCycle(0.3, 220)
    lr, mu = np.array([s(t) for t in range(220)]), np.array([s.momentum(t) for t in range(220)])
    assert np.all(np.sign(np.diff(lr)) == -np.sign(np.diff(mu)))
    assert mu[np.argmax(lr)] == pytest.approx(0.85) and mu[0] == mu[-1] == pytest.approx(0.95)


def test_one_cycle_momentum_needs_cycle_momentum():
    with pytest.raises(ValueError, match="cycle_momentum"):
        S.OneCycle(0.1, 10, cycle_momentum=False).momentum(3)
    with pytest.raises(ValueError, match="base_momentum"):
        S.OneCycle(0.1, 10, base_momentum=1.5)
