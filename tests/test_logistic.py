"""course_lib.logistic against scikit-learn's LogisticRegression (tolerance 1e-6 on the coefficients)."""
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from course_lib import logistic
from course_lib.data import load_breast_cancer
from course_lib.gradcheck import numerical_gradient

X_TRAIN, X_TEST, Y_TRAIN, Y_TEST = load_breast_cancer()
TOL = 1e-6


def _sklearn(C, fit_intercept=True, solver="newton-cg"):
    return SkLogisticRegression(C=C, fit_intercept=fit_intercept, solver=solver, tol=1e-12,
                                max_iter=10_000).fit(X_TRAIN, Y_TRAIN)


@pytest.mark.parametrize("C", [0.1, 1.0, 10.0])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_newton_reaches_sklearns_solution(C, fit_intercept):
    ours = logistic.LogisticRegression(C=C, fit_intercept=fit_intercept).fit(X_TRAIN, Y_TRAIN)
    theirs = _sklearn(C, fit_intercept)
    assert np.max(np.abs(ours.coef_ - theirs.coef_)) < TOL
    assert np.max(np.abs(ours.intercept_ - theirs.intercept_)) < TOL
    assert ours.n_iter_ < 20
    np.testing.assert_allclose(ours.predict_proba(X_TEST), theirs.predict_proba(X_TEST), atol=TOL)


def test_gradient_descent_reaches_it_too_in_many_more_steps():
    ours = logistic.LogisticRegression(C=0.1, solver="gd", tol=1e-9, max_iter=20_000).fit(X_TRAIN, Y_TRAIN)
    theirs = _sklearn(0.1)
    assert np.max(np.abs(ours.coef_ - theirs.coef_)) < TOL
    assert ours.n_iter_ > 100 * logistic.LogisticRegression(C=0.1).fit(X_TRAIN, Y_TRAIN).n_iter_
    assert np.all(np.diff(ours.objective_) <= 1e-15)          # a 1/L step never goes uphill


def test_liblinear_penalizes_the_intercept_so_it_lands_elsewhere():
    ours = logistic.LogisticRegression(C=1.0).fit(X_TRAIN, Y_TRAIN)
    assert np.max(np.abs(ours.coef_ - _sklearn(1.0, solver="liblinear").coef_)) > 1e-3


def test_gradient_and_hessian_match_finite_differences():
    rng = np.random.default_rng(0)
    X1 = np.hstack([X_TRAIN[:40, :4], np.ones((40, 1))])
    theta = rng.normal(size=5)
    args = (X1, Y_TRAIN[:40].astype(float), 0.5)
    num = numerical_gradient(lambda th: logistic.objective(th, *args), theta)
    np.testing.assert_allclose(logistic.gradient(theta, *args), num, atol=1e-7)
    num_h = np.array([numerical_gradient(lambda th: logistic.gradient(th, *args)[i], theta) for i in range(5)])
    np.testing.assert_allclose(logistic.hessian(theta, *args), num_h, atol=1e-6)


@pytest.mark.parametrize("kwargs, message", [
    (dict(C=0), "`C` must be a finite float > 0"),
    (dict(solver="lbfgs"), "`solver` must be one of"),
    (dict(max_iter=0), "max_iter"),
])
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        logistic.LogisticRegression(**kwargs)


def test_bad_labels_are_refused():
    with pytest.raises(ValueError, match="labels 0 and 1"):
        logistic.LogisticRegression().fit(X_TRAIN, Y_TRAIN * 2 - 1)


def test_breast_cancer_split_is_standardized_with_training_statistics():
    assert X_TRAIN.shape == (426, 30) and X_TEST.shape == (143, 30)
    np.testing.assert_allclose(X_TRAIN.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(X_TRAIN.std(axis=0), 1, atol=1e-12)
    assert np.max(np.abs(X_TEST.mean(axis=0))) > 1e-3                # the test part is not re-centred


def test_train_with_optimizer_reaches_the_convex_optimum_and_checks_its_input():
    """SGD on batches of n rows (drawn with replacement) goes down to scikit-learn's unpenalized optimum."""
    from course_lib import optimizers
    from course_lib.logistic import train_with_optimizer
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    t = (X @ np.array([1.0, -2.0, 0.5]) + 1.5 * rng.normal(size=200) > 0).astype(float)
    start = float(np.log(2))                                   # the loss at w = 0, b = 0
    few = train_with_optimizer(optimizers.SGD(0.5), X, t, steps=5, batch_size=200)
    many = train_with_optimizer(optimizers.SGD(0.5), X, t, steps=2000, batch_size=200)
    assert many < few < start
    best = SkLogisticRegression(penalty=None, tol=1e-10, max_iter=1000).fit(X, t)
    z = X @ best.coef_[0] + best.intercept_[0]
    assert many - float(np.mean(np.logaddexp(0, z) - t * z)) < 1e-3
    again = train_with_optimizer(optimizers.SGD(0.5), X, t, steps=5, batch_size=200)
    assert again == few                                        # seeded
    with pytest.raises(ValueError, match="one label per row"):
        train_with_optimizer(optimizers.SGD(0.5), X, t[:-1])
