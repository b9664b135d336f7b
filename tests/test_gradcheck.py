"""Protects course_lib.gradcheck: the finite-difference gradient is accurate and can expose a wrong gradient."""
import numpy as np
import pytest

from course_lib import autodiff as ad
from course_lib.gradcheck import check_parameter_gradients, numerical_gradient, relative_error


def test_matches_known_gradient():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 3))
    x = rng.normal(size=(3,))
    f = lambda v: np.sum(np.sin(A @ v)) + 0.5 * v @ v  # noqa: E731
    exact = A.T @ np.cos(A @ x) + x
    approx = numerical_gradient(f, x)
    assert relative_error(approx, exact) < 1e-8


def test_keeps_shape_and_input():
    x = np.arange(6.0).reshape(2, 3)
    before = x.copy()
    g = numerical_gradient(lambda v: np.sum(v ** 3), x)
    assert g.shape == (2, 3)
    assert np.array_equal(x, before), "x must not be modified"
    assert relative_error(g, 3 * x ** 2) < 1e-8


def test_detects_a_wrong_gradient():
    """A classic bug (forgetting the factor 2 of d/dx x^2) is a relative error of 0.5, far above 1e-6."""
    x = np.array([1.0, -2.0, 3.0])
    g = numerical_gradient(lambda v: np.sum(v ** 2), x)
    assert relative_error(g, x) == pytest.approx(0.5, rel=1e-6)


def test_relative_error_is_scale_free_and_handles_zero():
    a = np.array([1.0, 2.0])
    assert relative_error(a, a * (1 + 1e-3)) == pytest.approx(relative_error(1e6 * a, 1e6 * a * (1 + 1e-3)))
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0


def test_bad_input():
    with pytest.raises(ValueError, match="eps"):
        numerical_gradient(np.sum, np.ones(2), eps=0)
    with pytest.raises(ValueError, match="`x`"):
        numerical_gradient(np.sum, np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="same shape"):
        relative_error(np.ones(2), np.ones(3))


def test_check_parameter_gradients_passes_right_and_catches_wrong_backprop():
    """Right gradients pass (errors ~1e-10) and leave the data untouched; a wrong derivative fails."""
    rng = np.random.default_rng(1)
    w = ad.Tensor(rng.normal(size=(3, 2)), requires_grad=True)
    x = ad.Tensor(rng.normal(size=(4, 3)), requires_grad=True)
    before = w.data.copy()
    errors = check_parameter_gradients(lambda: ad.tanh(x @ w).sum(), [w, x])
    assert len(errors) == 2 and max(errors) < 1e-8
    np.testing.assert_array_equal(w.data, before)

    def wrong_square(t):  # a forgotten factor 2 in d/dt t^2: backprop gives t instead of 2t
        return (t * t.detach()).sum()

    with pytest.raises(AssertionError, match=r"tensors\[0\].*relative error 5.00e-01"):
        check_parameter_gradients(lambda: wrong_square(w), [w])
    np.testing.assert_array_equal(w.data, before)
