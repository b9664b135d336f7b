"""Protects course_lib.widgets.optimizer_explorer and schedule_explorer: the trajectories recorded while
driving the real course_lib.optimizers, its refusal of bad input, and the widgets built headless
(a moved slider must put a new picture in the Output, quickly)."""
import inspect
import math
import types

import numpy as np
import pytest

from course_lib import optimizers, schedules
from course_lib.landscape import LANDSCAPES, Landscape
from course_lib.widgets import optimizer_explorer as oe
from course_lib.widgets import schedule_explorer as se
from course_lib.widgets.optimizer_explorer import Trajectory, make_optimizer, run_optimizer
from course_lib.training import Path, minimize
from widget_output import shown_png



class PlainGD:
    """A stand-in with the agreed optimizer API (apply in place): p <- p - lr g."""

    def __init__(self, learning_rate):
        self.learning_rate, self.calls = learning_rate, 0

    def apply(self, grads, params):
        for g, p in zip(grads, params):
            p -= self.learning_rate * g
        self.calls += 1


# ----------------------------------------------------------------------------- trajectories
def test_trajectory_of_gradient_descent_on_the_quadratic_is_the_closed_form():
    """On f = (x^2 + k y^2)/2, gradient descent gives x_t = x_0 (1 - lr)^t and y_t = y_0 (1 - k lr)^t."""
    land, lr, steps = LANDSCAPES["quadratic"], 0.03, 40
    opt = PlainGD(lr)
    run = run_optimizer(land, opt, start=[2.0, -1.0], steps=steps)
    kappa = land.gradient([0.0, 1.0])[1]
    t = np.arange(steps + 1)
    np.testing.assert_allclose(run.points[:, 0], 2.0 * (1 - lr) ** t, rtol=1e-12)
    np.testing.assert_allclose(run.points[:, 1], -1.0 * (1 - kappa * lr) ** t, rtol=1e-12)
    np.testing.assert_allclose(run.losses, [land.value(p) for p in run.points], rtol=1e-12)
    assert opt.calls == steps and not run.diverged
    assert run_optimizer(land, PlainGD(lr), steps=0).points.tolist() == [list(land.start)]


def test_momentum_by_name_drives_the_real_sgd_exactly_like_the_velocity_equations():
    """run_optimizer + make_optimizer("Momentum") reproduce v = mu v - lr g; p += v step by step.

    course_lib.optimizers rounds the learning rate to float32 (as Keras stores it), so we do too."""
    land, lr, mu, steps = LANDSCAPES["rosenbrock"], 1e-3, 0.8, 50
    run = run_optimizer(land, make_optimizer("momentum", lr, momentum=mu), steps=steps)
    lr32 = float(np.float32(lr))
    p, v = np.array(land.start), np.zeros(2)
    for t in range(1, steps + 1):
        # Keras casts momentum to the variable's dtype through float32 (CONTRIBUTING.md §3).
        v = float(np.float32(mu)) * v - lr32 * land.gradient(p)
        p = p + v
        np.testing.assert_allclose(run.points[t], p, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    "name, cls, attrs",
    [
        ("SGD", "SGD", {"momentum": 0.0, "nesterov": False}),
        ("Momentum", "SGD", {"momentum": 0.7, "nesterov": False}),
        ("Nesterov", "SGD", {"momentum": 0.7, "nesterov": True}),
        ("AdaGrad", "Adagrad", {}),
        ("RMSProp", "RMSprop", {"rho": 0.8}),
        ("Adam", "Adam", {"beta_1": 0.85, "beta_2": 0.99, "amsgrad": False}),
        ("AMSGrad", "Adam", {"beta_1": 0.85, "beta_2": 0.99, "amsgrad": True}),
        ("AdamW", "AdamW", {"beta_1": 0.85, "beta_2": 0.99}),
        ("Lion", "Lion", {"beta_1": 0.85, "beta_2": 0.99}),
    ],
)
def test_make_optimizer_passes_the_shared_hyperparameters(name, cls, attrs):
    opt = make_optimizer(name.lower(), 0.01, momentum=0.7, rho=0.8, beta_1=0.85, beta_2=0.99)
    assert type(opt) is getattr(optimizers, cls)
    assert opt.learning_rate == pytest.approx(0.01, rel=1e-7)
    for key, value in attrs.items():
        assert getattr(opt, key) == pytest.approx(value), key


def test_every_optimizer_makes_progress_on_the_quadratic():
    for name in oe.OPTIMIZER_NAMES:
        run = run_optimizer("quadratic", make_optimizer(name, 0.02), steps=300)
        assert run.losses[-1] < 0.5 * run.losses[0], name


def test_run_optimizer_is_minimize_with_the_hand_written_gradient():
    """One loop for both: a Trajectory is a training.Path, and autodiff's gradient gives the same run."""
    land = LANDSCAPES["rosenbrock"]
    run = run_optimizer(land, make_optimizer("Adam", 0.01), steps=np.int64(60))
    auto = minimize(lambda p: land.func(p[0], p[1]), land.start, make_optimizer("Adam", 0.01), steps=60)
    assert Trajectory is Path and isinstance(run, Path)
    np.testing.assert_allclose(run.points, auto.points, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(run.losses, auto.losses, rtol=1e-12, atol=1e-15)


def test_contour_grid_cache_is_per_landscape_not_per_name():
    """A custom landscape that reuses a built-in name must get its own contours, not a stale grid."""
    quadratic = LANDSCAPES["quadratic"]
    assert oe._cached_grid(quadratic) is oe._cached_grid(quadratic)  # computed once
    tilted = Landscape(**{**vars(quadratic), "func": lambda x, y: 0.5 * (x - 1) ** 2 + y ** 2})
    assert tilted.name == quadratic.name
    np.testing.assert_array_equal(oe._cached_grid(tilted)[2], tilted.grid()[2])
    assert not np.array_equal(oe._cached_grid(tilted)[2], oe._cached_grid(quadratic)[2])


def test_divergence_is_recorded_as_nan_not_raised():
    """Plain GD at lr 0.1 on Rosenbrock overflows; the run stops there and says so."""
    run = run_optimizer("rosenbrock", PlainGD(0.1), steps=100)
    assert run.diverged
    finite = np.isfinite(run.losses)
    last = int(np.argmin(finite))  # first NaN row
    assert 1 < last < 100 and finite[:last].all() and not finite[last:].any()
    assert np.isnan(run.points[last:]).all()
    # The real optimizers refuse non-finite gradients; run_optimizer stops before handing one over.
    assert run_optimizer("rosenbrock", make_optimizer("SGD", 0.1), steps=100).diverged


def test_bad_input_is_refused_with_clear_messages():
    with pytest.raises(ValueError, match="unknown optimizer 'adamm' for name; valid names: SGD, Momentum, Nesterov"):
        make_optimizer("adamm", 0.1)
    with pytest.raises(ValueError, match="unknown optimizer"):
        run_optimizer("saddle", "Newton")
    with pytest.raises(ValueError, match="unknown hyperparameter.*'betta'"):
        make_optimizer("Adam", 0.1, betta=0.9)
    with pytest.raises(ValueError, match="learning_rate"):
        make_optimizer("Adam", -0.1)
    with pytest.raises(ValueError, match="unknown landscape"):
        run_optimizer("everest", PlainGD(0.1))
    with pytest.raises(TypeError, match="optimizer must have an apply"):
        run_optimizer("saddle", object())
    with pytest.raises(ValueError, match=r"start must be a point \[x, y\] of shape \(2,\)"):
        run_optimizer("saddle", PlainGD(0.1), start=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="start must be finite"):
        run_optimizer("saddle", PlainGD(0.1), start=[np.nan, 0.0])
    with pytest.raises(TypeError, match="name must be a str naming an optimizer"):
        make_optimizer(3, 0.1)
    for steps in (-1, 2.5, True):
        with pytest.raises(ValueError, match="`steps` must be a non-negative integer"):
            run_optimizer("saddle", PlainGD(0.1), steps=steps)


# ----------------------------------------------------------------------------- widgets
def test_optimizer_explorer_redraws_on_every_change():
    w = oe.optimizer_explorer("rosenbrock", optimizers=("SGD", "adam"))
    first = shown_png(w)
    assert first.startswith(b"\x89PNG") and w.redraws == 1
    kinds = {type(c).__name__ for c in w.controls.values()}
    assert {"Dropdown", "SelectMultiple", "FloatLogSlider", "FloatSlider", "IntSlider"} <= kinds

    w.controls["learning_rate"].value = 3e-3
    assert w.redraws == 2 and shown_png(w) != first
    second = shown_png(w)
    w.controls["optimizers"].value = ("SGD", "Adam", "Momentum")
    assert w.redraws == 3 and shown_png(w) != second

    # A new landscape brings its own learning rate, with one redraw (not two).
    w.controls["landscape"].value = "himmelblau"
    assert w.redraws == 4
    assert w.controls["learning_rate"].value == pytest.approx(LANDSCAPES["himmelblau"].learning_rate, rel=0.13)

    # Each slider move redraws once (how fast is measured by benchmarks/explorer_redraw.py, not here).
    for beta in (0.5, 0.8, 0.95):
        w.controls["beta_1"].value = beta
    assert w.redraws == 7


def test_explorer_repr_is_stable_text_for_nbval():
    a, b = oe.optimizer_explorer(), oe.optimizer_explorer()
    assert repr(a) == repr(b)
    assert repr(a).startswith("OptimizerExplorer(landscape='rosenbrock', optimizers=['SGD', 'Momentum', 'Adam']")
    assert "0x" not in repr(a) and a.model_id not in repr(a)


def test_optimizer_explorer_refuses_unknown_names():
    with pytest.raises(ValueError, match="unknown optimizer 'Foo'.*Adam"):
        oe.optimizer_explorer(optimizers=("Foo",))
    with pytest.raises(ValueError, match="unknown landscape"):
        oe.optimizer_explorer("moon")


def test_bad_settings_show_a_message_instead_of_a_broken_plot():
    w = se.schedule_explorer("OneCycle")
    w.params["pct_start"].value = 0.0  # leaves OneCycle's warm-up phase with no steps
    (out,) = w.output.outputs
    assert out["output_type"] == "stream" and "Cannot draw with these settings" in out["text"]
    assert "pct_start" in out["text"]
    w.params["pct_start"].value = 0.25
    assert w.output.outputs[0]["output_type"] == "display_data"


# ----------------------------------------------------------------------------- schedules
def test_schedule_parameters_read_the_real_constructors():
    found = se.available_schedules()
    assert {"ExponentialDecay", "CosineDecay", "CosineDecayRestarts", "CyclicLR", "OneCycle"} <= set(found)
    assert "LearningRateSchedule" not in found
    assert "PiecewiseConstantDecay" not in found  # list arguments cannot be sliders
    specs = {s.name: s for s in se.schedule_parameters(schedules.ExponentialDecay, steps=800)}
    assert list(specs) == ["initial_learning_rate", "decay_steps", "decay_rate", "staircase"]
    assert specs["initial_learning_rate"].kind == "log" and specs["decay_steps"] == se.ParamSpec(
        "decay_steps", "int", 800, 1, 3200)
    assert specs["staircase"].kind == "bool" and specs["staircase"].default is False
    cyclic = {s.name: s for s in se.schedule_parameters(schedules.CyclicLR)}
    assert cyclic["mode"].choices == ("triangular", "triangular2", "exp_range")
    # Every offered default builds a working schedule.
    for name, cls in found.items():
        args = {s.name: s.default for s in se.schedule_parameters(cls)}
        assert math.isfinite(float(cls(**args)(0))), name


def test_available_schedules_on_a_standin_module():
    mod = types.ModuleType("standin")

    class Halving:
        def __init__(self, initial_learning_rate, halve_every_steps=10):
            self.lr, self.every = initial_learning_rate, halve_every_steps

        def __call__(self, step):
            return self.lr * 0.5 ** (step // self.every)

    class NeedsAList:
        def __init__(self, values):
            pass

        def __call__(self, step):
            return 1.0

    class NotASchedule:
        pass

    for cls in (Halving, NeedsAList, NotASchedule):
        cls.__module__ = "standin"
        setattr(mod, cls.__name__, cls)
    assert list(se.available_schedules(mod)) == ["Halving"]
    curve = se.schedule_curve(Halving(0.8, 3), 7)
    np.testing.assert_array_equal(curve, [0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2])
    w = se.schedule_explorer(None, steps=50, module=mod)
    assert set(w.params) == {"initial_learning_rate", "halve_every_steps"}
    before = shown_png(w)
    w.params["halve_every_steps"].value = 5
    assert shown_png(w) != before


def test_schedule_curve_and_bad_input():
    cos = schedules.CosineDecay(0.1, 100)
    np.testing.assert_array_equal(se.schedule_curve(cos, 101), [cos(t) for t in range(101)])
    for steps in (0, -3, 1.5):
        with pytest.raises(ValueError, match="`steps` must be a positive integer"):
            se.schedule_curve(cos, steps)
    with pytest.raises(TypeError, match="schedule must be callable"):
        se.schedule_curve(0.1, 10)
    with pytest.raises(ValueError, match="unknown schedule 'Cosine'.*CosineDecay"):
        se.schedule_explorer("Cosine")


def test_schedule_explorer_switches_schedule_and_redraws():
    w = se.schedule_explorer("CosineDecay", steps=500)
    first = shown_png(w)
    w.params["alpha"].value = 0.5
    assert shown_png(w) != first
    w.controls["schedule"].value = "CyclicLR"
    assert set(w.params) == set(inspect.signature(schedules.CyclicLR).parameters)
    # CyclicLR's default half-cycle (2000 steps) would not show in 500: the explorer offers 125.
    assert w.params["step_size"].value == 125
    cyclic = shown_png(w)
    w.params["mode"].value = "triangular2"
    assert shown_png(w) != cyclic
    # OneCycle is defined up to total_steps only: the explorer draws that far, not further.
    w.controls["schedule"].value = "OneCycle"
    assert w.params["total_steps"].value == 500
    w.params["total_steps"].value = 200
    assert w.output.outputs[0]["output_type"] == "display_data"
    w.controls["steps"].value = 900
    assert w.output.outputs[0]["output_type"] == "display_data"
