"""Protects course_lib.landscape: grid layout matches matplotlib's contour convention, argmin is the true grid
minimum; the 2-D test surfaces' analytic gradients, minima and saddles are right, and they are found by name."""
import numpy as np
import pytest

from course_lib.gradcheck import numerical_gradient
from course_lib.landscape import LANDSCAPES, get_landscape, grid_argmin, loss_grid

RNG = np.random.default_rng(0)


def test_layout_and_values():
    a = np.array([0.0, 1.0, 2.0])
    b = np.array([10.0, 20.0])
    Z = loss_grid(lambda w: w[0] + w[1] ** 2, a, b)
    assert Z.shape == (2, 3)
    A, B = np.meshgrid(a, b)  # the layout contour(a, b, Z) expects
    assert np.array_equal(Z, A + B ** 2)


def test_argmin_of_a_shifted_bowl():
    a = np.linspace(-3, 3, 61)
    b = np.linspace(-2, 4, 61)
    Z = loss_grid(lambda w: (w[0] - 1.2) ** 2 + 3 * (w[1] + 0.7) ** 2, a, b)
    assert np.allclose(grid_argmin(a, b, Z), [1.2, -0.7])


def test_argmin_ignores_nan():
    Z = np.array([[np.nan, 5.0], [1.0, 2.0]])
    assert np.array_equal(grid_argmin([0.0, 1.0], [0.0, 1.0], Z), [0.0, 1.0])


def test_bad_input():
    with pytest.raises(ValueError, match="w0_values"):
        loss_grid(np.sum, [1.0], [1.0, 2.0])
    with pytest.raises(TypeError, match="loss"):
        loss_grid(3, [0.0, 1.0], [0.0, 1.0])
    with pytest.raises(ValueError, match="shape"):
        grid_argmin([0.0, 1.0], [0.0, 1.0, 2.0], np.zeros((2, 2)))
    with pytest.raises(ValueError, match="only NaN"):
        grid_argmin([0.0, 1.0], [0.0, 1.0], np.full((2, 2), np.nan))


# ----------------------------------------------------------------------------- 2-D test surfaces
@pytest.mark.parametrize("name", list(LANDSCAPES))
def test_gradient_matches_central_finite_differences(name):
    """Each hand-written gradient agrees with central differences (course_lib.gradcheck) at random points."""
    land = LANDSCAPES[name]
    (x0, x1), (y0, y1) = land.bounds
    for _ in range(20):
        p = np.array([RNG.uniform(x0, x1), RNG.uniform(y0, y1)])
        np.testing.assert_allclose(land.gradient(p), numerical_gradient(land.value, p), rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize("name", list(LANDSCAPES))
def test_known_minima_and_saddles_are_critical_points(name):
    land = LANDSCAPES[name]
    for m in land.minima:
        assert np.abs(land.gradient(m)).max() < 1e-4, f"gradient at the minimum {m}"
        assert abs(land.value(m)) < 1e-9  # every minimum listed here is a global one, f = 0
    if land.minima:
        # The lowest point of the plotted grid lies within one grid spacing of a listed minimum:
        # the list is right and the bounds show it.
        X, Y, Z = land.grid(121)
        i, j = np.unravel_index(np.argmin(Z), Z.shape)
        dx, dy = X[0, 1] - X[0, 0], Y[1, 0] - Y[0, 0]
        assert any(abs(X[i, j] - mx) <= dx and abs(Y[i, j] - my) <= dy for mx, my in land.minima), (X[i, j], Y[i, j])
    for s in land.saddle_points:
        assert np.abs(land.gradient(s)).max() == 0
        # Up along x, down along y: an indefinite Hessian.
        assert land.value((s[0] + 0.1, s[1])) > land.value(s) > land.value((s[0], s[1] + 0.1))
    (x0, x1), (y0, y1) = land.bounds
    assert x0 < land.start[0] < x1 and y0 < land.start[1] < y1
    assert land.equation.startswith("f(x, y) =")
    assert land.log_scale == (land.grid(40)[2].min() >= 0)


def test_himmelblau_has_its_four_minima():
    land = get_landscape("Himmelblau")
    assert len(land.minima) == 4 and len({tuple(np.round(m, 1)) for m in land.minima}) == 4


def test_lookup_by_key_or_title_any_case_and_unknown_name():
    assert get_landscape("ROSENBROCK") is LANDSCAPES["rosenbrock"]
    assert get_landscape("Ill-conditioned quadratic") is LANDSCAPES["quadratic"]
    assert get_landscape(LANDSCAPES["saddle"]) is LANDSCAPES["saddle"]
    with pytest.raises(ValueError, match="unknown landscape 'banana'.*rosenbrock.*himmelblau"):
        get_landscape("banana")
    with pytest.raises(TypeError, match="landscape must be a str"):
        get_landscape(3)
    with pytest.raises(ValueError, match=r"point.*shape \(2,\)"):
        LANDSCAPES["saddle"].value([1.0, 2.0, 3.0])
