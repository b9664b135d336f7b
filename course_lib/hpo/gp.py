"""Gaussian-process regression with a Matérn 5/2 kernel plus white noise.

Mirrors ``sklearn.gaussian_process.GaussianProcessRegressor`` with the kernel
``ConstantKernel(c) * Matern(length_scale, nu=2.5) + WhiteKernel(noise_level)``.

Kernel (one length scale per input dimension, "ARD"):

    r(x, x')  = sqrt( sum_d (x_d - x'_d)^2 / l_d^2 )
    k(x, x')  = c (1 + sqrt5 r + 5/3 r^2) exp(-sqrt5 r)  +  noise [x is x']

Posterior at test inputs X* given training data (X, y), with K = k(X, X) + alpha I:

    L        = cholesky(K)
    a        = K^-1 y                         (two triangular solves)
    mean(X*) = k(X*, X) a
    var(X*)  = k(X*, X*) - v^T v,   v = L^-1 k(X, X*)     (includes the white noise, as sklearn)

Log marginal likelihood, maximized over theta = ln(c, l_1..l_d, noise) to fit the kernel:

    log p(y | X, theta) = -1/2 y^T a - sum_i ln L_ii - n/2 ln(2 pi)
    d log p / d theta_j = 1/2 tr( (a a^T - K^-1) dK/d theta_j )

Reference: Rasmussen & Williams, *Gaussian Processes for Machine Learning* (2006), Alg. 2.1, Eq. 5.9.
"""
from __future__ import annotations

import numpy as np
from scipy.linalg import cho_solve, cholesky, solve_triangular
from scipy.optimize import minimize

from .._checks import check_int, check_non_negative
from .space import as_rng

__all__ = ["Matern52", "GaussianProcess"]

SQRT5 = np.sqrt(5.0)


class Matern52:
    """``c * Matern(l, nu=2.5) + WhiteKernel(noise)``; ``theta = ln([c, l_1..l_d, noise])`` as in sklearn."""

    def __init__(self, constant=1.0, length_scale=1.0, noise_level=1e-5):
        self.constant = float(constant)
        self.length_scale = np.atleast_1d(np.asarray(length_scale, dtype=float))
        self.noise_level = float(noise_level)
        for name, value in (("constant", self.constant), ("noise_level", self.noise_level)):
            if not value > 0:
                raise ValueError(f"`{name}` must be > 0. Received: {name}={value!r}")
        if not np.all(self.length_scale > 0):
            raise ValueError(f"`length_scale` must be > 0. Received: length_scale={length_scale!r}")

    @property
    def theta(self) -> np.ndarray:
        return np.log(np.concatenate([[self.constant], self.length_scale, [self.noise_level]]))

    def with_theta(self, theta) -> "Matern52":
        e = np.exp(np.asarray(theta, dtype=float))
        return Matern52(e[0], e[1:-1], e[-1])

    def _scaled_distance(self, A, B):
        """r_ij = || (A_i - B_j) / l ||,  and the per-dimension squares (A_id - B_jd)^2 / l_d^2."""
        diff = (A[:, None, :] - B[None, :, :]) / self.length_scale   # (x_d - x'_d) / l_d
        squares = diff ** 2
        return np.sqrt(squares.sum(axis=-1)), squares

    def cross(self, A, B) -> np.ndarray:
        """k(A, B) without the white noise (A and B are different points)."""
        r, _ = self._scaled_distance(A, B)
        return self.constant * (1 + SQRT5 * r + 5.0 / 3.0 * r ** 2) * np.exp(-SQRT5 * r)  # c (1 + √5 r + 5/3 r²) e^(-√5 r)

    def diag(self, X) -> np.ndarray:
        """k(x, x) = c + noise for each row x."""
        return np.full(len(X), self.constant + self.noise_level)

    def train_matrix(self, X):
        """K = k(X, X) including the noise on the diagonal, and dK/dtheta (n, n, d + 2)."""
        r, squares = self._scaled_distance(X, X)
        decay = np.exp(-SQRT5 * r)
        matern = (1 + SQRT5 * r + 5.0 / 3.0 * r ** 2) * decay
        K = self.constant * matern + self.noise_level * np.eye(len(X))
        d_constant = self.constant * matern                                  # dK/d ln c = c m(r)
        d_lengths = self.constant * 5.0 / 3.0 * ((1 + SQRT5 * r) * decay)[..., None] * squares  # dK/d ln l_d
        d_noise = self.noise_level * np.eye(len(X))                          # dK/d ln noise = noise I
        grads = np.concatenate([d_constant[..., None], d_lengths, d_noise[..., None]], axis=-1)
        return K, grads

    def __repr__(self):
        ls = np.array2string(self.length_scale, precision=3)
        return f"{self.constant:.3g} * Matern(length_scale={ls}, nu=2.5) + WhiteKernel({self.noise_level:.3g})"


class GaussianProcess:
    """GP regression; ``fit(X, y)`` then ``predict(X, return_std=True)``.  sklearn's names and defaults.

    With ``optimizer=True`` the kernel's theta maximizes the log marginal likelihood (L-BFGS-B
    with the analytic gradient, from the given kernel and ``n_restarts_optimizer`` random starts
    inside ``bounds``); ``optimizer=None`` keeps the kernel as given.
    ``normalize_y`` standardizes the targets before fitting, as sklearn.
    """

    #: ln-bounds on (c, l, noise) for inputs in the unit cube and standardized targets.
    BOUNDS = {"constant": (1e-2, 1e2), "length_scale": (1e-2, 1e2), "noise_level": (1e-8, 1.0)}

    def __init__(self, kernel=None, alpha=1e-10, optimizer=True, n_restarts_optimizer=0,
                 normalize_y=False, random_state=None):
        self.kernel = kernel
        check_non_negative("alpha", alpha)
        self.alpha = float(alpha)
        self.optimizer = optimizer
        self.n_restarts_optimizer = check_int("n_restarts_optimizer", n_restarts_optimizer, minimum=0)
        self.normalize_y = normalize_y
        self.random_state = random_state

    # ------------------------------------------------------------ fitting
    def fit(self, X, y) -> "GaussianProcess":
        X = np.atleast_2d(np.asarray(X, dtype=float))
        y = np.asarray(y, dtype=float).ravel()
        if len(X) != len(y) or len(y) == 0:
            raise ValueError(f"`X` and `y` must hold the same positive number of samples; got {len(X)} and {len(y)}")
        if not np.all(np.isfinite(y)):
            raise ValueError("`y` must be finite (drop failed trials before fitting)")
        self.y_mean_, self.y_std_ = (y.mean(), y.std()) if self.normalize_y else (0.0, 1.0)
        if self.y_std_ == 0:
            self.y_std_ = 1.0  # a constant y: nothing to scale (sklearn does the same)
        self.X_train_, self.y_train_ = X, (y - self.y_mean_) / self.y_std_
        kernel = self.kernel if self.kernel is not None else Matern52(length_scale=np.full(X.shape[1], 0.5))
        if kernel.length_scale.size == 1 and X.shape[1] > 1:
            kernel = Matern52(kernel.constant, np.full(X.shape[1], kernel.length_scale[0]), kernel.noise_level)
        if self.optimizer:
            kernel = self._fit_kernel(kernel)
        self.kernel_ = kernel
        K, _ = kernel.train_matrix(X)
        K[np.diag_indices_from(K)] += self.alpha                    # K + alpha I (numerical jitter)
        self.L_ = cholesky(K, lower=True)                            # K = L L^T
        self.alpha_ = cho_solve((self.L_, True), self.y_train_)      # a = K^-1 y
        return self

    def _bounds(self, d):
        b = self.BOUNDS
        return np.log([b["constant"]] + [b["length_scale"]] * d + [b["noise_level"]])

    def _fit_kernel(self, kernel):
        """theta* = argmax log p(y | X, theta) over the bounds, best of 1 + n_restarts starts."""
        bounds = self._bounds(len(kernel.length_scale))
        rng = as_rng(self.random_state)
        starts = [np.clip(kernel.theta, bounds[:, 0], bounds[:, 1])]
        starts += [rng.uniform(bounds[:, 0], bounds[:, 1]) for _ in range(self.n_restarts_optimizer)]

        def negative(theta):
            value, grad = self.log_marginal_likelihood(theta, eval_gradient=True)
            return -value, -grad

        best = None
        for start in starts:
            result = minimize(negative, start, jac=True, method="L-BFGS-B", bounds=bounds)
            if best is None or result.fun < best.fun:
                best = result
        return kernel.with_theta(best.x)

    def log_marginal_likelihood(self, theta=None, eval_gradient=False):
        """log p(y | X, theta) of the training data (and its gradient in theta).  sklearn's signature."""
        kernel = self.kernel_ if theta is None else Matern52().with_theta(theta)
        K, dK = kernel.train_matrix(self.X_train_)
        K[np.diag_indices_from(K)] += self.alpha
        y, n = self.y_train_, len(self.y_train_)
        try:
            L = cholesky(K, lower=True)
        except np.linalg.LinAlgError:  # not positive definite at these theta: the worst likelihood
            return (-np.inf, np.zeros_like(kernel.theta)) if eval_gradient else -np.inf
        a = cho_solve((L, True), y)                                                   # a = K^-1 y
        value = -0.5 * y @ a - np.log(np.diag(L)).sum() - 0.5 * n * np.log(2 * np.pi)
        if not eval_gradient:
            return value
        inner = np.outer(a, a) - cho_solve((L, True), np.eye(n))                       # a a^T - K^-1
        grad = 0.5 * np.einsum("ij,jik->k", inner, dK)                                 # 1/2 tr(inner dK/dtheta_j)
        return value, grad

    # ------------------------------------------------------------ prediction
    def predict(self, X, return_std=False):
        """Posterior mean (and standard deviation, white noise included) at the rows of X."""
        X = np.atleast_2d(np.asarray(X, dtype=float))
        K_star = self.kernel_.cross(X, self.X_train_)                 # k(X*, X)
        mean = K_star @ self.alpha_                                   # mean = k(X*, X) K^-1 y
        mean = self.y_mean_ + self.y_std_ * mean
        if not return_std:
            return mean
        v = solve_triangular(self.L_, K_star.T, lower=True)           # v = L^-1 k(X, X*)
        var = self.kernel_.diag(X) - np.einsum("ij,ij->j", v, v)      # k(x*, x*) - v^T v
        std = np.sqrt(np.clip(var, 0.0, None)) * self.y_std_
        return mean, std
