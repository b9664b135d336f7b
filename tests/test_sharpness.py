"""course_lib.sharpness: the top Hessian eigenvalue by power iteration, against exact Hessians and SciPy's Lanczos."""
import numpy as np
import pytest
from scipy.sparse.linalg import LinearOperator, eigsh

from course_lib import logistic, losses, nn
from course_lib.sharpness import flat_gradient, hessian_vector_product, top_eigenvalue


def _quadratic(eigenvalues, seed=0):
    """grad f = A theta for f = theta^T A theta / 2, A = Q diag(eigenvalues) Q^T with a random rotation Q."""
    q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(len(eigenvalues),) * 2))
    a = q @ np.diag(eigenvalues) @ q.T
    return a, (lambda theta: a @ theta)


def test_hvp_of_a_quadratic_is_exact():
    a, grad = _quadratic([5.0, 2.0, -1.0, 0.5])
    v = np.array([0.3, -1.0, 2.0, 0.1])
    np.testing.assert_allclose(hessian_vector_product(grad, np.ones(4), v), a @ v, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("eigenvalues", [[5.0, 3.0, 1.0, 0.1, -0.5], [5.0, 4.9, -1.0, 0.0, 2.0],
                                         [2.0, 1.0, -6.0, -3.0, 0.5]], ids=["positive", "close gap", "negative dominates"])
def test_top_eigenvalue_of_a_quadratic(eigenvalues):
    """The exact Hessian is A: lambda_max = max(eigenvalues), even when a negative eigenvalue is larger in magnitude."""
    a, grad = _quadratic(eigenvalues)
    value, vector = top_eigenvalue(grad, np.zeros(5), iterations=400, return_vector=True)
    assert value == pytest.approx(max(eigenvalues), rel=1e-4)
    assert value == pytest.approx(np.linalg.eigvalsh(a).max(), rel=1e-4)
    assert np.linalg.norm(a @ vector - value * vector) < 0.05 * abs(value)


def test_top_eigenvalue_of_logistic_regression_equals_its_analytic_hessian():
    rng = np.random.default_rng(1)
    X1 = np.hstack([rng.normal(size=(200, 6)) * [1, 2, 3, 0.5, 1, 4], np.ones((200, 1))])
    t = (rng.random(200) < 0.4).astype(float)
    theta = rng.normal(size=7) * 0.3
    exact = np.linalg.eigvalsh(logistic.hessian(theta, X1, t, C=1.0)).max()
    found = top_eigenvalue(lambda th: logistic.gradient(th, X1, t, C=1.0), theta, iterations=200)
    assert found == pytest.approx(exact, rel=1e-5)


def test_top_eigenvalue_of_a_small_network_equals_eigvalsh_and_scipy_lanczos():
    """A 4 -> 3 -> 2 MLP (23 weights, float64): the full Hessian, column by column from HVPs, then eigvalsh;
    and SciPy's eigsh (Lanczos) on the same HVP operator."""
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(40, 4)), rng.integers(0, 2, size=40)
    model = nn.mlp(inputs=4, hidden=3, outputs=2, activation="tanh", seed=3, dtype="float64")
    theta, grad = flat_gradient(model, losses.SparseCategoricalCrossentropy(), x, y)
    n = len(theta)
    hessian = np.column_stack([hessian_vector_product(grad, theta, e, eps=1e-4) for e in np.eye(n)])
    assert np.allclose(hessian, hessian.T, atol=1e-6), "a Hessian is symmetric"
    exact = np.linalg.eigvalsh((hessian + hessian.T) / 2).max()
    operator = LinearOperator((n, n), matvec=lambda v: hessian_vector_product(grad, theta, np.ravel(v), eps=1e-4))
    lanczos = eigsh(operator, k=1, which="LA", tol=1e-10, return_eigenvectors=False)[0]
    found = top_eigenvalue(grad, theta, iterations=300, eps=1e-4)
    assert found == pytest.approx(exact, rel=1e-4)
    assert lanczos == pytest.approx(exact, rel=1e-4)
    assert np.array_equal(model.get_weights()[0], nn.mlp(inputs=4, hidden=3, outputs=2, activation="tanh", seed=3,
                                                        dtype="float64").get_weights()[0]), "weights restored"


def test_bad_input_is_named():
    grad = lambda th: th  # noqa: E731
    with pytest.raises(ValueError, match="iterations"):
        top_eigenvalue(grad, np.zeros(3), iterations=0)
    with pytest.raises(ValueError, match="eps"):
        hessian_vector_product(grad, np.zeros(3), np.ones(3), eps=0.0)
    with pytest.raises(ValueError, match="theta"):
        hessian_vector_product(grad, np.zeros(3), np.ones(4))
    with pytest.raises(ValueError, match="v0"):
        top_eigenvalue(grad, np.zeros(3), v0=np.zeros(3))
