"""Protects course_lib.landscape: grid layout matches matplotlib's contour convention, argmin is the true grid minimum."""
import numpy as np
import pytest

from course_lib.landscape import grid_argmin, loss_grid


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
