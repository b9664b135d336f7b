"""course_lib.hpo.gp / acquisition / bayes: the GP equals scikit-learn's, EI equals its closed form and Monte Carlo.

Protects: posterior mean and std equal GaussianProcessRegressor(optimizer=None) to 1e-8 with the
same fixed kernel; the log marginal likelihood and its gradient equal sklearn's; fitting the kernel
raises the likelihood; EI matches the closed form and a Monte-Carlo estimate within sampling error;
Bayesian optimization is seeded and uses its budget.
"""
import numpy as np
import pytest
from scipy.stats import norm
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

from course_lib import hpo
from course_lib.hpo.objectives import FewMatter

TOL = 1e-8  # measured: ~3e-15 for 15 points in 3-D


def _data(seed=0, n=15, d=3):
    rng = np.random.default_rng(seed)
    X = rng.uniform(size=(n, d))
    y = np.sin(3 * X[:, 0]) + X[:, 1] ** 2 + 0.1 * rng.normal(size=n)
    return X, y, rng.uniform(size=(9, d))


def _pair(constant, length_scale, noise, normalize_y):
    ours = hpo.GaussianProcess(hpo.Matern52(constant, length_scale, noise), optimizer=None, normalize_y=normalize_y)
    kernel = ConstantKernel(constant) * Matern(length_scale, nu=2.5) + WhiteKernel(noise)
    return ours, GaussianProcessRegressor(kernel, optimizer=None, normalize_y=normalize_y)


@pytest.mark.parametrize("constant, length_scale, noise, normalize_y", [
    (1.0, [0.5, 0.5, 0.5], 1e-5, False), (1.3, [0.3, 0.7, 1.5], 0.01, False), (0.4, [2.0, 0.2, 0.9], 0.1, True),
])
def test_posterior_and_likelihood_equal_sklearn(constant, length_scale, noise, normalize_y):
    X, y, X_test = _data()
    ours, theirs = _pair(constant, length_scale, noise, normalize_y)
    ours.fit(X, y)
    theirs.fit(X, y)
    mean, std = ours.predict(X_test, return_std=True)
    mean_sk, std_sk = theirs.predict(X_test, return_std=True)
    np.testing.assert_allclose(mean, mean_sk, rtol=0, atol=TOL)
    np.testing.assert_allclose(std, std_sk, rtol=0, atol=TOL)
    assert ours.log_marginal_likelihood() == pytest.approx(theirs.log_marginal_likelihood_value_, abs=TOL)
    theta = theirs.kernel_.theta + 0.2  # elsewhere than the given kernel: the gradient too
    value, grad = ours.log_marginal_likelihood(theta, eval_gradient=True)
    value_sk, grad_sk = theirs.log_marginal_likelihood(theta, eval_gradient=True)
    assert value == pytest.approx(value_sk, abs=TOL)
    np.testing.assert_allclose(grad, grad_sk, rtol=0, atol=1e-7)


def test_fitting_the_kernel_raises_the_likelihood_and_interpolates():
    X, y, _ = _data(seed=1, n=20)
    fixed = hpo.GaussianProcess(hpo.Matern52(1.0, 1.0, 0.5), optimizer=None, normalize_y=True).fit(X, y)
    fitted = hpo.GaussianProcess(hpo.Matern52(1.0, 1.0, 0.5), normalize_y=True, n_restarts_optimizer=2,
                                 random_state=0).fit(X, y)
    assert fitted.log_marginal_likelihood() > fixed.log_marginal_likelihood() + 1.0
    # as good as sklearn's own fit (same model, sklearn's wider bounds), within 0.5 nats
    sk = GaussianProcessRegressor(ConstantKernel() * Matern([1.0] * 3, nu=2.5) + WhiteKernel(),
                                  normalize_y=True, n_restarts_optimizer=2, random_state=0).fit(X, y)
    assert fitted.log_marginal_likelihood() > sk.log_marginal_likelihood_value_ - 0.5
    assert np.abs(fitted.predict(X) - y).max() < 0.3


def test_gp_bad_input():
    with pytest.raises(ValueError, match="same positive number"):
        hpo.GaussianProcess().fit(np.zeros((3, 2)), np.zeros(2))
    with pytest.raises(ValueError, match="finite"):
        hpo.GaussianProcess().fit(np.zeros((2, 1)), [0.0, np.nan])
    with pytest.raises(ValueError, match="length_scale"):
        hpo.Matern52(length_scale=[1.0, -1.0])


# ---------------------------------------------------------------- expected improvement
def test_expected_improvement_closed_form():
    mean, std, best, xi = np.array([0.0, 0.5, 1.0, 2.0]), np.array([1.0, 0.2, 0.3, 0.0]), 0.8, 0.05
    z = (best - mean - xi) / np.where(std > 0, std, 1)
    expected = (best - mean - xi) * norm.cdf(z) + std * norm.pdf(z)
    expected[3] = 0.0  # sigma = 0 and mean above best: no improvement possible
    np.testing.assert_allclose(hpo.expected_improvement(mean, std, best, xi), expected, rtol=1e-12)
    assert hpo.expected_improvement(0.1, 0.0, 0.8, 0.0) == pytest.approx(0.7)  # certain improvement


def test_expected_improvement_equals_monte_carlo_within_sampling_error():
    rng = np.random.default_rng(0)
    for mean, std, best, xi in [(0.3, 0.5, 0.2, 0.0), (1.0, 0.1, 0.9, 0.01), (-0.5, 2.0, 0.0, 0.1)]:
        f = rng.normal(mean, std, size=400_000)
        improvement = np.maximum(best - f - xi, 0.0)              # I = max(f* - f - xi, 0)
        standard_error = improvement.std() / np.sqrt(f.size)
        assert abs(hpo.expected_improvement(mean, std, best, xi) - improvement.mean()) < 4 * standard_error


def test_expected_improvement_bad_input():
    with pytest.raises(ValueError, match="xi"):
        hpo.expected_improvement(0.0, 1.0, 0.0, xi=-0.1)
    with pytest.raises(ValueError, match="std"):
        hpo.expected_improvement(0.0, -1.0, 0.0)


# ---------------------------------------------------------------- Bayesian optimization
def test_bayesian_optimization_is_seeded_and_beats_random_on_a_smooth_objective():
    f = FewMatter(seed=2)
    runs = [hpo.BayesianOptimization(f.space, random_state=3, n_candidates=200).optimize(f, 20) for _ in range(2)]
    assert [t.params for t in runs[0]] == [t.params for t in runs[1]]
    assert len(runs[0]) == 20 and runs[0].best_value < 0.01
    assert runs[0].best_value < hpo.RandomSearch(f.space, random_state=3).optimize(f, 20).best_value
