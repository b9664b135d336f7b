"""The L1 proximal step (soft-thresholding) and a proximal-gradient (ISTA) Lasso.  Mirrors ``sklearn.linear_model.Lasso``.

The Lasso minimises, exactly as scikit-learn writes it (n samples):

    J(w, b) = 1/(2n) ||y - X w - b||^2  +  alpha ||w||_1
            =        f(w, b)            +  g(w)

f is smooth, g = alpha ||w||_1 is not: at w_j = 0 it has a kink.  A plain (sub)gradient step
w - eta (grad f + alpha sign(w)) jumps over 0 from one side to the other and almost never lands on
it, so the weights it finds hover *near* zero.  The proximal step instead takes the gradient step
on f only and then solves the g-part exactly:

    prox_{eta g}(v) = argmin_u  1/(2 eta) ||u - v||^2 + alpha ||u||_1
                    = sign(v) * max(|v| - eta alpha, 0)            (soft-thresholding, per coordinate)

Every coordinate with |v_j| <= eta alpha becomes exactly 0.  ISTA (iterative shrinkage-thresholding,
Daubechies et al. 2004; Beck & Teboulle 2009) repeats

    w <- soft_threshold(w - eta grad f(w), eta alpha),   grad f(w) = -X^T (y - X w) / n,
    eta = 1 / L,   L = sigma_max(X)^2 / n                (the Lipschitz constant of grad f)

and converges to the Lasso's minimiser.  With ``fit_intercept`` the columns of X and y are centred
first and b = mean(y) - mean(X) w, as scikit-learn does (the intercept is not penalised).
"""
from __future__ import annotations

import numpy as np

from ._checks import check_int, check_non_negative, check_number

__all__ = ["soft_threshold", "proximal_step", "lasso_objective", "Lasso"]


def soft_threshold(v, threshold):
    """sign(v) * max(|v| - threshold, 0), elementwise: the proximal operator of threshold * ||.||_1."""
    check_non_negative("threshold", threshold)
    v = np.asarray(v, dtype=float) if not isinstance(v, np.ndarray) else v
    return np.sign(v) * np.maximum(np.abs(v) - threshold, 0.0)


def proximal_step(w, grad, learning_rate, l1):
    """One proximal-gradient step for a penalty l1 * ||w||_1:  soft_threshold(w - lr * grad, lr * l1)."""
    check_number("learning_rate", learning_rate)
    if not learning_rate > 0:
        raise ValueError(f"`learning_rate` must be > 0. Received: learning_rate={learning_rate!r}")
    check_non_negative("l1", l1)
    return soft_threshold(np.asarray(w) - learning_rate * np.asarray(grad), learning_rate * l1)


def lasso_objective(X, y, w, alpha, intercept=0.0):
    """scikit-learn's Lasso objective 1/(2n) ||y - X w - b||^2 + alpha ||w||_1."""
    residual = y - X @ w - intercept
    return float(residual @ residual / (2 * len(y)) + alpha * np.abs(w).sum())


class Lasso:
    """Lasso by proximal gradient (ISTA), or by plain subgradient steps to show why they give no zeros.

    Same objective, argument names and defaults as ``sklearn.linear_model.Lasso`` (``alpha=1.0``,
    ``fit_intercept=True``, ``max_iter``, ``tol``); scikit-learn solves it by coordinate descent, we
    by ISTA, so both reach the same minimiser (to ~1e-6 with a small ``tol``).

    ``solver="ista"``: w <- soft_threshold(w - grad f / L, alpha / L); stops when no weight moved by
    more than ``tol`` in one step.  ``solver="subgradient"``: w <- w - (grad f + alpha sign(w)) / L
    for ``max_iter`` steps (no exact zeros: for the demonstration).
    After :meth:`fit`: ``coef_``, ``intercept_``, ``n_iter_``.
    """

    def __init__(self, alpha=1.0, fit_intercept=True, max_iter=10000, tol=1e-8, solver="ista"):
        check_non_negative("alpha", alpha)
        check_non_negative("tol", tol)
        if solver not in ("ista", "subgradient"):
            raise ValueError(f"`solver` must be 'ista' or 'subgradient'. Received: solver={solver!r}")
        self.alpha, self.fit_intercept, self.tol, self.solver = float(alpha), bool(fit_intercept), float(tol), solver
        self.max_iter = check_int("max_iter", max_iter)

    def fit(self, X, y):
        """Minimise the Lasso objective on (X, y); returns self."""
        X, y = _check_xy(X, y)
        x_mean = X.mean(axis=0) if self.fit_intercept else np.zeros(X.shape[1])
        y_mean = y.mean() if self.fit_intercept else 0.0
        Xc, yc = X - x_mean, y - y_mean                       # centre: the intercept drops out of f
        n = len(yc)
        L = np.linalg.norm(Xc, 2) ** 2 / n                    # Lipschitz constant of grad f
        if L == 0:                                            # constant features: nothing to fit
            L = 1.0
        w = np.zeros(X.shape[1])
        for it in range(1, self.max_iter + 1):
            grad = -Xc.T @ (yc - Xc @ w) / n                  # grad f(w) = -X^T (y - X w) / n
            if self.solver == "ista":
                w_new = soft_threshold(w - grad / L, self.alpha / L)   # prox step, eta = 1 / L
            else:
                w_new = w - (grad + self.alpha * np.sign(w)) / L       # subgradient step
            moved = np.max(np.abs(w_new - w)) if w.size else 0.0
            w = w_new
            if self.solver == "ista" and moved <= self.tol:
                break
        self.coef_, self.n_iter_ = w, it
        self.intercept_ = float(y_mean - x_mean @ w)          # b = mean(y) - mean(X) w
        return self

    def predict(self, X):
        """X w + b."""
        if not hasattr(self, "coef_"):
            raise RuntimeError("This Lasso is not fitted yet: call fit(X, y) first.")
        return np.asarray(X, dtype=float) @ self.coef_ + self.intercept_

    def __repr__(self):
        return f"Lasso(alpha={self.alpha!r}, solver={self.solver!r})"


def _check_xy(X, y):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"`X` must be a 2-D array (samples, features); got shape {X.shape}")
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(f"`y` must be a 1-D array with one target per row of X; got shapes {X.shape} and {y.shape}")
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise ValueError("`X` and `y` must not contain NaN or inf")
    return X, y
