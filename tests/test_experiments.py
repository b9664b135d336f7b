"""course_lib.experiments: the learning-rate sweep and the path measurements notebook 04 relies on.

Protects: the sweep keeps the best *finite* score (a diverged run never wins), every run is
kept for inspection, ties go to the smaller rate; oscillations and steps-to-tolerance are
counted exactly; bad inputs give clear errors.
"""
import math

import numpy as np
import pytest

from course_lib import optimizers
from course_lib.experiments import lr_sweep, sign_changes, steps_to_tolerance
from course_lib.training import minimize


def test_sweep_picks_the_lowest_score_and_keeps_every_run():
    calls = []

    def run(lr):
        calls.append(lr)
        return {"lr": lr, "loss": (lr - 0.1) ** 2}

    sweep = lr_sweep(run, [0.01, 0.1, 1.0], score=lambda r: r["loss"])
    assert calls == [0.01, 0.1, 1.0]
    assert sweep.best_lr == 0.1 and sweep.best == {"lr": 0.1, "loss": 0.0}
    assert set(sweep.results) == {0.01, 0.1, 1.0} and sweep.best_score == 0.0
    assert str(sweep).startswith("best lr 0.1 ")


def test_diverged_runs_score_inf_and_never_win():
    sweep = lr_sweep(lambda lr: lr, [0.1, 0.2, 0.3], score=lambda lr: math.nan if lr > 0.15 else 5.0)
    assert sweep.best_lr == 0.1
    assert sweep.scores[0.2] == math.inf and sweep.scores[0.3] == math.inf
    assert "0.2: inf" in str(sweep)


def test_ties_go_to_the_smaller_learning_rate():
    assert lr_sweep(lambda lr: lr, [0.3, 0.1, 0.2], score=lambda lr: 1.0).best_lr == 0.1


def test_sweep_on_gradient_descent_finds_the_stable_rate():
    """On J = 2 theta^2 (curvature 4), lr 0.25 = 1/L lands on the minimum; 0.6 > 2/L diverges."""
    sweep = lr_sweep(lambda lr: minimize(lambda t: 2 * t ** 2, 1.0, optimizers.SGD(learning_rate=lr), steps=5),
                     [0.05, 0.25, 0.6], score=lambda path: path.losses[-1])
    assert sweep.best_lr == 0.25 and sweep.best_score < 1e-12
    assert sweep.scores[0.6] > sweep.scores[0.05]


@pytest.mark.parametrize("call, error, message", [
    (lambda: lr_sweep(lambda lr: 0, [], score=float), ValueError, "non-empty"),
    (lambda: lr_sweep(lambda lr: 0, [0.1, -1.0], score=float), ValueError, "> 0"),
    (lambda: lr_sweep(lambda lr: 0, [0.1, math.inf], score=float), ValueError, "> 0"),
    (lambda: lr_sweep(lambda lr: 0, [0.1, 0.1], score=float), ValueError, "duplicates"),
    (lambda: lr_sweep(lambda lr: 0, "0.1", score=float), ValueError, "learning_rates"),
    (lambda: lr_sweep(lambda lr: 0, [True], score=float), ValueError, "learning rate"),
    (lambda: lr_sweep(None, [0.1], score=float), TypeError, "run"),
    (lambda: lr_sweep(lambda lr: 0, [0.1, 0.2], score=lambda r: math.inf), ValueError, "diverged"),
])
def test_sweep_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_steps_to_tolerance():
    assert steps_to_tolerance([5.0, 2.0, 0.5, 0.1, 0.2], tol=0.5) == 2
    assert steps_to_tolerance([0.1, 1.0], tol=0.5) == 0
    assert steps_to_tolerance([5.0, 2.0, np.nan], tol=0.5) is None   # a diverged run never gets there
    with pytest.raises(ValueError, match="tol"):
        steps_to_tolerance([1.0], tol=math.nan)
    with pytest.raises(ValueError, match="1-D"):
        steps_to_tolerance([[1.0]], tol=0.5)


def test_sign_changes_counts_crossings_and_skips_zeros():
    assert sign_changes([1.0, -1.0, 1.0, -1.0]) == 3
    assert sign_changes([3.0, 2.0, 1.0, 0.5]) == 0
    assert sign_changes([1.0, 0.0, -2.0, 0.0, -1.0, 4.0]) == 2
    assert sign_changes([]) == 0
    with pytest.raises(ValueError, match="NaN"):
        sign_changes([1.0, np.nan])
    with pytest.raises(ValueError, match="1-D"):
        sign_changes(np.zeros((2, 2)))


def _refuses_nan_above(limit):
    """A run whose optimizer meets a NaN gradient (and raises NonFiniteGradientError) when lr > limit."""
    def run(lr):
        if lr > limit:
            optimizers.SGD().apply([np.array([np.nan])], [np.zeros(1)])
        return lr
    return run


def test_a_refused_nan_gradient_counts_as_diverged_by_default():
    """Mid-epoch NaN gradients make course_lib optimizers raise NonFiniteGradientError: that lr scores inf."""
    sweep = lr_sweep(_refuses_nan_above(0.5), [0.1, 1.0], score=float)
    assert sweep.best_lr == 0.1 and sweep.results[1.0] is None and sweep.scores[1.0] == math.inf


def test_a_bug_is_not_mistaken_for_divergence():
    """A shape bug is a ValueError too, but not a divergence: the default sweep lets it through."""
    def run(lr):
        optimizers.SGD(lr).apply([np.zeros(3)], [np.zeros(2)])

    with pytest.raises(ValueError, match="shape"):
        lr_sweep(run, [0.1, 1.0], score=float)
    # Listing a class widens the net (notebook 04 passes ValueError): then it counts as diverged.
    sweep = lr_sweep(lambda lr: run(lr) if lr > 0.5 else lr, [0.1, 1.0], score=float, diverges_on=(ValueError,))
    assert sweep.best_lr == 0.1 and sweep.scores[1.0] == math.inf
    with pytest.raises(ValueError, match="NaN"):   # nothing listed: the error is not swallowed
        lr_sweep(_refuses_nan_above(0.5), [0.1, 1.0], score=float, diverges_on=())


def test_when_every_run_fails_the_last_error_is_chained():
    """'Every run diverged' keeps the cause: the optimizer's own message is one traceback away."""
    with pytest.raises(ValueError, match="Every run of the sweep diverged") as info:
        lr_sweep(_refuses_nan_above(0.0), [0.1, 1.0], score=float)
    assert isinstance(info.value.__cause__, optimizers.NonFiniteGradientError)
    assert "grads[0] contains NaN" in str(info.value.__cause__)


def test_overflow_during_a_run_prints_no_warning():
    """An overflowing run scores inf silently (a warning would clutter a stored notebook)."""
    def run(lr):
        return np.float64(1e300) * 1e10 if lr > 0.5 else np.float64(1.0)

    with np.errstate(all="raise"):   # outside the sweep, the overflow would raise here
        sweep = lr_sweep(run, [0.1, 1.0], score=float)
    assert sweep.best_lr == 0.1 and sweep.scores[1.0] == math.inf


def test_stay_below_ignores_an_early_dip_that_climbs_back():
    from course_lib.experiments import steps_to_stay_below
    losses = [5.0, 0.5, 0.05, 0.3, 0.08, 0.02, 0.01]
    assert steps_to_tolerance(losses, 0.1) == 2            # the first touch
    assert steps_to_stay_below(losses, 0.1) == 4           # below for good only from step 4
    assert steps_to_stay_below(losses, 1e-3) is None       # ends above
    assert steps_to_stay_below([0.0, 0.0], 0.1) == 0
    assert steps_to_stay_below([1.0, math.nan, 0.0], 0.5) == 2   # NaN counts as above
    with pytest.raises(ValueError, match="tol"):
        steps_to_stay_below([1.0], math.nan)
