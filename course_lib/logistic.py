"""Binary logistic regression with an L2 penalty, solved by full-batch gradient descent or Newton's method.

The problem is scikit-learn's ``LogisticRegression(penalty="l2", C=C)`` written per sample, with labels
t_i in {0, 1} and the intercept b left out of the penalty (as the lbfgs, newton-cg, sag and saga solvers do):

    J(w, b) = (1/n) sum_i [ log(1 + exp(z_i)) - t_i z_i ] + ||w||^2 / (2 C n),     z_i = x_i . w + b

(scikit-learn writes C * sum_i loss_i + ||w||^2 / 2: the same objective multiplied by C n, so the same
minimiser).  J is strictly convex, so every solver that converges reaches the same (w, b):

    gradient   g = X1^T (p - t) / n + [w / (C n), 0]                 p = sigmoid(z), X1 = [X, 1]
    Hessian    H = X1^T diag(p (1 - p)) X1 / n + diag(1/(C n), ..., 1/(C n), 0)
    GD         theta <- theta - g / L        L = lambda_max(X1^T X1) / (4 n) + 1 / (C n)   (a safe step)
    Newton     theta <- theta - H^{-1} g

``liblinear`` differs: it penalizes the intercept too (as a weight on a constant feature), so its
solution is a slightly different point (the notebook measures how far).

:func:`train_with_optimizer` trains the unpenalized model with any ``course_lib`` optimizer on random
mini-batches instead (notebook 04 compares optimizers on it).
"""
from __future__ import annotations

import numpy as np

from ._checks import check_choice, check_int, check_positive

__all__ = ["LogisticRegression", "objective", "gradient", "hessian", "train_with_optimizer"]


def _design(X, fit_intercept):
    """X1 = [X, 1] when the intercept is fitted (the last parameter is then b), else X."""
    return np.hstack([X, np.ones((len(X), 1))]) if fit_intercept else X


def _penalty_diagonal(d, C, n, fit_intercept):
    """1/(C n) for each weight, 0 for the intercept: the penalty's Hessian."""
    diag = np.full(d, 1.0 / (C * n))
    if fit_intercept:
        diag[-1] = 0.0                                   # the intercept is not penalized
    return diag


def objective(theta, X1, t, C, fit_intercept=True):
    """J(theta) = mean(log(1 + exp(z)) - t z) + ||w||^2 / (2 C n),  z = X1 theta."""
    z = X1 @ theta
    penalty = _penalty_diagonal(len(theta), C, len(t), fit_intercept)
    return float(np.mean(np.logaddexp(0.0, z) - t * z) + 0.5 * np.sum(penalty * theta ** 2))


def gradient(theta, X1, t, C, fit_intercept=True):
    """g = X1^T (sigmoid(z) - t) / n + penalty * theta."""
    p = 1.0 / (1.0 + np.exp(-(X1 @ theta)))            # p = sigmoid(z)
    penalty = _penalty_diagonal(len(theta), C, len(t), fit_intercept)
    return X1.T @ (p - t) / len(t) + penalty * theta


def hessian(theta, X1, t, C, fit_intercept=True):
    """H = X1^T diag(p (1 - p)) X1 / n + diag(penalty)."""
    p = 1.0 / (1.0 + np.exp(-(X1 @ theta)))
    penalty = _penalty_diagonal(len(theta), C, len(t), fit_intercept)
    return (X1.T * (p * (1 - p))) @ X1 / len(t) + np.diag(penalty)


class LogisticRegression:
    """Binary L2-penalized logistic regression, fitted by ``solver="newton"`` or ``"gd"``.

    scikit-learn's names: ``C`` (inverse penalty strength), ``fit_intercept``, ``tol`` (stop when the
    largest gradient entry is below it), ``max_iter``; after ``fit``: ``coef_`` (1, d), ``intercept_`` (1,),
    ``n_iter_`` and ``objective_`` (J after each iteration, for plotting convergence).
    """

    def __init__(self, C=1.0, fit_intercept=True, solver="newton", tol=1e-10, max_iter=100):
        self.C = check_positive("C", C)
        self.fit_intercept = bool(fit_intercept)
        self.solver = check_choice("solver", solver, ("newton", "gd"))
        self.tol = check_positive("tol", tol)
        self.max_iter = check_int("max_iter", max_iter)

    def fit(self, X, y):
        X = np.asarray(X, dtype=np.float64)
        t = np.asarray(y)
        if X.ndim != 2 or t.shape != (len(X),):
            raise ValueError(f"`X` must be 2-D (samples, features) and `y` 1-D with one label per sample; "
                             f"got shapes {X.shape} and {t.shape}")
        if not set(np.unique(t)) <= {0, 1}:
            raise ValueError(f"`y` must hold the labels 0 and 1; got {sorted(set(np.unique(t).tolist()))}")
        t = t.astype(np.float64)
        X1 = _design(X, self.fit_intercept)
        theta = np.zeros(X1.shape[1])
        args = (X1, t, self.C, self.fit_intercept)
        if self.solver == "gd":
            # L bounds the Hessian's largest eigenvalue (sigmoid' <= 1/4): 1/L never overshoots.
            L = np.linalg.eigvalsh(X1.T @ X1).max() / (4 * len(t)) + 1.0 / (self.C * len(t))
        self.objective_ = []
        for self.n_iter_ in range(1, self.max_iter + 1):
            g = gradient(theta, *args)
            if self.solver == "newton":
                theta = theta - np.linalg.solve(hessian(theta, *args), g)   # theta -= H^{-1} g
            else:
                theta = theta - g / L                                        # theta -= g / L
            self.objective_.append(objective(theta, *args))
            if np.max(np.abs(gradient(theta, *args))) < self.tol:
                break
        self.coef_ = theta[None, :X.shape[1]]
        self.intercept_ = theta[X.shape[1]:] if self.fit_intercept else np.zeros(1)
        return self

    def decision_function(self, X):
        return np.asarray(X, dtype=np.float64) @ self.coef_[0] + self.intercept_[0]

    def predict_proba(self, X):
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.stack([1 - p, p], axis=1)

    def predict(self, X):
        return (self.decision_function(X) > 0).astype(np.int64)


def train_with_optimizer(optimizer, X, t, *, steps: int = 300, batch_size: int = 32, seed: int = 0) -> float:
    """Train logistic regression (no penalty) from zero weights with ``optimizer``; return the final loss.

    Each step draws ``batch_size`` rows at random (with replacement, ``np.random.default_rng(seed)``) and
    applies the mini-batch gradient of the mean log-loss

        g_w = X_B^T (sigmoid(z_B) - t_B) / |B|,   g_b = sum(sigmoid(z_B) - t_B) / |B|,   z = X w + b

    Returns the mean log-loss over all of ``X``, ``mean(log(1 + e^z) - t z)``, after ``steps`` steps.
    """
    X, t = np.asarray(X, dtype=np.float64), np.asarray(t, dtype=np.float64)
    if X.ndim != 2 or t.shape != (X.shape[0],):
        raise ValueError(f"`X` must be 2-D and `t` hold one label per row; got X.shape={X.shape}, t.shape={t.shape}")
    steps, batch_size = check_int("steps", steps), check_int("batch_size", batch_size)
    rng = np.random.default_rng(seed)
    w, b = np.zeros((X.shape[1], 1)), np.zeros(1)
    for _ in range(steps):
        rows = rng.integers(0, len(X), batch_size)
        error = (1 / (1 + np.exp(-(X[rows] @ w + b))) - t[rows, None]) / batch_size   # (p - t) / |B|
        optimizer.apply([X[rows].T @ error, error.sum(0)], [w, b])
    z = (X @ w + b)[:, 0]
    return float(np.mean(np.logaddexp(0, z) - t * z))
