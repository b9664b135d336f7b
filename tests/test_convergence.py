"""course_lib.convergence: the textbook rates on a quadratic, checked against the optimizers that run.

Protects: each closed-form tuning gives the rate it claims (equal to the spectral radius of the
iteration, computed independently), and that rate is what course_lib's (= Keras's) SGD with
momentum actually achieves on a diagonal quadratic, measured over many steps (tolerance 2% of
the per-step rate, the transient of a finite run); bad inputs give clear errors.
"""
import math

import numpy as np
import pytest

from course_lib import optimizers
from course_lib.convergence import (gd_tuning, heavy_ball_tuning, momentum_rate, nesterov_tuning,
                                    steps_for_reduction)


def measured_rate(optimizer, curvatures, steps=400):
    """(|x_T| / |x_T0|)^(1/(T - T0)) for SGD on f = 1/2 sum lam x^2, after a 100-step transient."""
    lam = np.asarray(curvatures, dtype=float)
    x = np.ones_like(lam)
    norms = []
    for _ in range(steps):
        optimizer.apply([lam * x], [x])
        norms.append(np.linalg.norm(x))
    return (norms[-1] / norms[99]) ** (1 / (steps - 100))


@pytest.mark.parametrize("kappa", [10.0, 50.0, 400.0])
def test_closed_forms_equal_the_spectral_radius(kappa):
    eta, r = gd_tuning(1.0, kappa)
    assert r == pytest.approx((kappa - 1) / (kappa + 1)) and momentum_rate(eta, 0.0, [1.0, kappa]) == pytest.approx(r)
    eta, mu, r = heavy_ball_tuning(1.0, kappa)
    assert momentum_rate(eta, mu, [1.0, kappa]) == pytest.approx(r, rel=1e-6)   # a double root: np.roots ~1e-8
    assert r < gd_tuning(1.0, kappa)[1]                                       # sqrt(kappa) beats kappa
    eta, mu, bound = nesterov_tuning(1.0, kappa)
    assert momentum_rate(eta, mu, [1.0, kappa], nesterov=True) <= bound * (1 + 1e-7)   # equal here: a double root


@pytest.mark.parametrize("eta, mu, nesterov", [(0.03, 0.9, False), (0.05, 0.6, False), (0.02, 0.75, True),
                                               (0.035, 0.0, False)])
def test_predicted_rate_is_what_keras_style_sgd_achieves(eta, mu, nesterov):
    curvatures = [1.0, 7.0, 50.0]
    opt = optimizers.SGD(learning_rate=eta, momentum=mu, nesterov=nesterov)
    assert measured_rate(opt, curvatures) == pytest.approx(momentum_rate(eta, mu, curvatures, nesterov), rel=0.02)


def test_momentum_0_9_is_limited_by_sqrt_mu():
    # with complex eigenvalues every direction contracts by sqrt(mu), whatever eta: 0.9 is too much for kappa = 50
    for eta in (0.01, 0.03, 0.07):
        assert momentum_rate(eta, 0.9, [1.0, 50.0]) == pytest.approx(math.sqrt(0.9), rel=1e-9)
    assert momentum_rate(2 * (1 + 0.9) / 50 * 1.01, 0.9, [1.0, 50.0]) > 1     # beyond 2(1 + mu)/L: diverges


def test_steps_for_reduction():
    assert steps_for_reduction(0.5, 4.0) == pytest.approx(1.0)               # f shrinks by r^2 = 1/4 per step
    assert steps_for_reduction(1.0, 10.0) == math.inf


@pytest.mark.parametrize("call, name", [(lambda: gd_tuning(0.0, 1.0), "m"), (lambda: gd_tuning(2.0, 1.0), "m"),
                                        (lambda: momentum_rate(0.1, 1.0, [1.0]), "momentum"),
                                        (lambda: momentum_rate(0.1, 0.5, [-1.0]), "curvatures"),
                                        (lambda: steps_for_reduction(0.5, 0.0), "reduction")])
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()
