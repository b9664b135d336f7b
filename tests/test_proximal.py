"""Soft-thresholding is the L1 proximal operator, and ISTA's Lasso equals sklearn.linear_model.Lasso to 1e-6."""
import numpy as np
import pytest
from sklearn.datasets import load_diabetes, make_regression
from sklearn.linear_model import Lasso as SkLasso

from course_lib.proximal import Lasso, lasso_objective, proximal_step, soft_threshold

TOL = 1e-6


def test_soft_threshold_values():
    v = np.array([-3.0, -1.0, -0.5, 0.0, 0.2, 1.0, 2.5])
    np.testing.assert_array_equal(soft_threshold(v, 1.0), [-2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.5])
    np.testing.assert_array_equal(soft_threshold(v, 0.0), v)


def test_soft_threshold_is_the_proximal_operator():
    """prox(v) = argmin_u 1/2 (u - v)^2 + t |u|, checked by brute force on a fine grid."""
    grid = np.linspace(-5, 5, 200001)
    for v in (-2.3, -0.4, 0.0, 0.7, 3.1):
        for t in (0.0, 0.5, 1.5):
            best = grid[np.argmin(0.5 * (grid - v) ** 2 + t * np.abs(grid))]
            assert abs(soft_threshold(v, t) - best) < 1e-4


def test_proximal_step_is_gradient_step_then_shrink():
    w, g = np.array([0.3, -0.05, 2.0]), np.array([1.0, -1.0, 0.0])
    np.testing.assert_allclose(proximal_step(w, g, 0.1, 1.0), soft_threshold(w - 0.1 * g, 0.1))


def _problems():
    X, y = load_diabetes(return_X_y=True)
    Xr, yr, _ = make_regression(n_samples=80, n_features=30, n_informative=5, noise=1.0, coef=True, random_state=0)
    return {"diabetes": (X, y), "sparse regression": (Xr, yr)}


@pytest.mark.parametrize("name", ["diabetes", "sparse regression"])
@pytest.mark.parametrize("alpha", [0.01, 0.1, 1.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ista_equals_sklearn_lasso(name, alpha, fit_intercept):
    X, y = _problems()[name]
    ours = Lasso(alpha=alpha, fit_intercept=fit_intercept, max_iter=200000, tol=1e-12).fit(X, y)
    theirs = SkLasso(alpha=alpha, fit_intercept=fit_intercept, max_iter=200000, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=TOL * max(1.0, np.abs(theirs.coef_).max()))
    assert abs(ours.intercept_ - theirs.intercept_) < TOL * max(1.0, abs(theirs.intercept_))
    np.testing.assert_array_equal(ours.coef_ == 0, theirs.coef_ == 0)  # the same exact zeros
    assert lasso_objective(X, y, ours.coef_, alpha, ours.intercept_) <= \
        lasso_objective(X, y, theirs.coef_, alpha, theirs.intercept_) + 1e-9


def test_subgradient_gives_no_exact_zeros_where_ista_does():
    X, y = _problems()["sparse regression"]
    ista = Lasso(alpha=1.0, tol=1e-10, max_iter=100000).fit(X, y)
    sub = Lasso(alpha=1.0, solver="subgradient", max_iter=5000).fit(X, y)
    assert (ista.coef_ == 0).sum() >= 15
    assert (sub.coef_ == 0).sum() == 0
    assert (np.abs(sub.coef_) < 1.0).sum() >= 15  # hovering near zero instead (informative ones are ~10-90)


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="threshold"):
        soft_threshold([1.0], -1)
    with pytest.raises(ValueError, match="alpha"):
        Lasso(alpha=-1)
    with pytest.raises(ValueError, match="solver"):
        Lasso(solver="cd")
    with pytest.raises(ValueError, match="learning_rate"):
        proximal_step([1.0], [1.0], 0.0, 1.0)
    with pytest.raises(ValueError, match="`y` must be a 1-D"):
        Lasso().fit(np.ones((3, 2)), np.ones(4))
    with pytest.raises(RuntimeError, match="not fitted"):
        Lasso().predict(np.ones((3, 2)))
