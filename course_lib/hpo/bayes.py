"""Bayesian optimization: a Gaussian process models the objective, expected improvement picks the next trial.

Loop (minimization), in the unit cube u = space.to_unit(params):

    1. the first ``n_initial`` trials are random (the GP needs data);
    2. fit the GP to the completed trials: y_t = f(params_t), standardized;
       kernel hyperparameters by maximizing the log marginal likelihood;
    3. u_next = argmax_u EI(u; mu(u), sigma(u), f* = min_t y_t, xi)
       over ``n_candidates`` random points, then refined locally: ``n_local`` points drawn around the
       best, u + N(0, s^2) for s = 0.1, 0.03, 0.01 in turn, the best kept each time (vectorized, cheap);
    4. evaluate f at space.from_unit(u_next) (integers rounded, choices picked); repeat.

The GP's noise term lets it fit noisy objectives (a validation loss); EI uses the posterior of the
latent f, so the white noise is taken out of sigma.  Snoek, Larochelle & Adams (2012),
"Practical Bayesian optimization of machine learning algorithms".  In libraries: Optuna's
``GPSampler`` (needs PyTorch), scikit-optimize's ``gp_minimize`` (archived).
"""
from __future__ import annotations

import numpy as np
from .._checks import check_int, check_non_negative
from .acquisition import expected_improvement
from .gp import GaussianProcess, Matern52
from .search import Searcher
from .space import Space

__all__ = ["BayesianOptimization"]


class BayesianOptimization(Searcher):
    """GP + expected improvement; ``optimize(objective, n_trials)`` as every searcher."""

    #: standard deviations of the local refinement's rounds, in unit-cube coordinates
    REFINE_SCALES = (0.1, 0.03, 0.01)

    def __init__(self, space: Space, n_initial=5, xi=0.01, n_candidates=500, n_local=100,
                 n_restarts_optimizer=1, length_scale=None, random_state=None):
        super().__init__(space, random_state)
        self.n_initial = check_int("n_initial", n_initial)
        check_non_negative("xi", xi)
        self.xi = float(xi)
        self.n_candidates = check_int("n_candidates", n_candidates)
        self.n_local = check_int("n_local", n_local, minimum=0)
        self.n_restarts_optimizer = check_int("n_restarts_optimizer", n_restarts_optimizer, minimum=0)
        # a fixed length scale (unit-cube coordinates) turns the kernel fit off: to see what it does
        self.length_scale = None if length_scale is None else float(length_scale)
        if self.length_scale is not None and not self.length_scale > 0:
            raise ValueError(f"`length_scale` must be None or > 0. Received: length_scale={length_scale!r}")
        self.gp_ = None

    def fit_gp(self) -> GaussianProcess:
        """The GP of the completed trials, in unit-cube coordinates."""
        done = self.history_.completed
        X = np.array([self.space.to_unit(t.params) for t in done])
        y = np.array([t.value for t in done])
        if self.length_scale is None:  # kernel by maximum likelihood
            self.gp_ = GaussianProcess(normalize_y=True, n_restarts_optimizer=self.n_restarts_optimizer,
                                       random_state=self.rng).fit(X, y)
        else:                           # c = 1 (standardized y), tiny noise, the chosen length scale
            kernel = Matern52(1.0, np.full(X.shape[1], self.length_scale), 1e-6)
            self.gp_ = GaussianProcess(kernel, optimizer=None, normalize_y=True).fit(X, y)
        return self.gp_

    def acquisition(self, U) -> np.ndarray:
        """EI at the rows of U for the current GP (white noise removed from sigma)."""
        gp = self.gp_
        mean, std = gp.predict(np.atleast_2d(U), return_std=True)
        noise = gp.kernel_.noise_level * gp.y_std_ ** 2
        latent = np.sqrt(np.clip(std ** 2 - noise, 0.0, None))         # sigma_f^2 = sigma_y^2 - noise
        return expected_improvement(mean, latent, self.history_.best_value, self.xi)

    def ask(self) -> dict:
        if len(self.history_.completed) < self.n_initial:
            return self.space.sample(self.rng)
        self.fit_gp()
        d = len(self.space)
        candidates = self.rng.uniform(size=(self.n_candidates, d))      # random candidates in [0, 1]^d
        ei = self.acquisition(candidates)
        best_u, best_ei = candidates[np.argmax(ei)], ei.max()
        for scale in self.REFINE_SCALES if self.n_local else ():       # local refinement around the best
            cloud = np.clip(best_u + scale * self.rng.normal(size=(self.n_local, d)), 0.0, 1.0)
            cloud_ei = self.acquisition(cloud)
            if cloud_ei.max() > best_ei:
                best_u, best_ei = cloud[np.argmax(cloud_ei)], cloud_ei.max()
        return self.space.from_unit(best_u)
