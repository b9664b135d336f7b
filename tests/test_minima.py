"""minima: restarts end in the basin they start in; the saddle needs noise to be left from its ridge."""
import numpy as np
import pytest

from course_lib import minima


def test_restarts_reach_every_himmelblau_minimum_and_rastrigin_rarely():
    r = minima.random_restarts("himmelblau", "sgd", n=200, steps=500, seed=0, learning_rate=0.01)
    assert r.fraction_global() > 0.98 and set(r.nearest_minimum()) == {0, 1, 2, 3}
    r = minima.random_restarts("rastrigin", "sgd", n=300, steps=500, seed=1, learning_rate=1e-3)
    in_basin = np.mean(np.all(np.abs(r.starts) < 0.5, axis=1))
    assert abs(r.fraction_global() - in_basin) <= 0.01


def test_divergent_restarts_are_counted_not_raised():
    r = minima.random_restarts("himmelblau", "sgd", n=20, steps=50, seed=0, learning_rate=0.5)
    assert np.all(np.isinf(r.losses)) and r.fraction_global() == 0.0


def test_restarts_are_independent_rows():
    many = minima.random_restarts("rastrigin", "adam", n=5, steps=30, seed=3, learning_rate=0.01)
    for i in range(5):
        one = minima.random_restarts("rastrigin", "adam", n=5, steps=30, seed=3, learning_rate=0.01)
        np.testing.assert_allclose(one.finals[i], many.finals[i])


def test_saddle_escape():
    assert np.all(np.isinf(minima.saddle_escape_steps(seeds=range(3))))
    noisy = minima.saddle_escape_steps(noise=0.1, seeds=range(5))
    assert np.all(np.isfinite(noisy))
    # from y0 > 0 plain GD escapes after log(distance / y0) / log(1 + 2 lr) steps, deterministically
    steps = minima.saddle_escape_steps(start=(-2.0, 1e-3), seeds=range(2))
    assert steps[0] == steps[1] and 60 < steps[0] < 90


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="landscape"):
        minima.random_restarts("nowhere")
    with pytest.raises(ValueError, match="`n`"):
        minima.random_restarts("himmelblau", n=0)
    with pytest.raises(ValueError, match="`learning_rate`"):
        minima.saddle_escape_steps(learning_rate=-1)
