"""Matrix factorization for recommendations: ratings r_ui ~ mu + p_u . q_i, fitted by SGD or by ALS.

Each user u has a vector p_u, each item i a vector q_i (``n_factors`` numbers each); the model
predicts a rating as the global mean plus their dot product, and is fitted on the observed ratings
only (most of the user x item matrix is missing):

    J(P, Q) = sum_{(u,i) observed} (r_ui - mu - p_u . q_i)^2  +  reg * (sum_u |p_u|^2 + sum_i |q_i|^2)

**SGD** (Funk's method, as in the Surprise library's ``SVD`` without biases): visit the ratings in
a random order; for each, with e = r_ui - mu - p_u . q_i,

    p_u <- p_u + lr * (e * q_i - reg * p_u)
    q_i <- q_i + lr * (e * p_u - reg * q_i)          (both with the old p_u, q_i)

(the penalty is applied per rating seen, so a user with many ratings is shrunk more often).

**ALS** (alternating least squares): with Q fixed, J is a separate ridge regression for each user,
solved exactly, then the same for each item with P fixed:

    p_u = (Q_u^T Q_u + reg I)^{-1} Q_u^T (r_u - mu)     (Q_u: the rows of Q for the items u rated)

which is ``sklearn.linear_model.Ridge(alpha=reg, fit_intercept=False)`` on that user's ratings.

:func:`low_rank_ratings` generates ratings from a known low-rank model, so a notebook can measure how
well the learned factors recover the true ones.
"""
from __future__ import annotations

import numpy as np

from ._checks import check_choice, check_fraction, check_int, check_non_negative, check_positive

__all__ = ["Ratings", "low_rank_ratings", "train_test_split_ratings", "sgd_step", "als_half_step",
           "MatrixFactorization", "baseline_predictions"]


class Ratings:
    """Observed ratings as three aligned arrays: ``users``, ``items`` (integer ids) and ``values``."""

    def __init__(self, users, items, values, n_users, n_items):
        self.users, self.items = np.asarray(users, dtype=np.int64), np.asarray(items, dtype=np.int64)
        self.values = np.asarray(values, dtype=float)
        if not (self.users.shape == self.items.shape == self.values.shape) or self.values.ndim != 1:
            raise ValueError("`users`, `items` and `values` must be 1-D arrays of the same length.")
        self.n_users, self.n_items = check_int("n_users", n_users), check_int("n_items", n_items)
        if len(self.users) and (self.users.min() < 0 or self.users.max() >= self.n_users
                                or self.items.min() < 0 or self.items.max() >= self.n_items):
            raise ValueError("user and item ids must lie in [0, n_users) and [0, n_items).")

    def __len__(self):
        return len(self.values)

    def subset(self, index):
        return Ratings(self.users[index], self.items[index], self.values[index], self.n_users, self.n_items)


def low_rank_ratings(n_users=300, n_items=200, rank=5, density=0.1, noise=0.5, mean=3.5, seed=0):
    """(ratings, true_user_factors, true_item_factors): r_ui = mean + p_u . q_i + noise for a random ``density`` of pairs.

    True factors are standard normal scaled by ``1 / rank**0.25``, so p_u . q_i has variance 1 whatever the rank.
    """
    n_users, n_items, rank = check_int("n_users", n_users), check_int("n_items", n_items), check_int("rank", rank)
    density = check_fraction("density", density, low_inclusive=False, high_inclusive=True)
    noise = check_non_negative("noise", noise)
    rng = np.random.default_rng(seed)
    P = rng.normal(size=(n_users, rank)) / rank ** 0.25
    Q = rng.normal(size=(n_items, rank)) / rank ** 0.25
    observed = np.flatnonzero(rng.random(n_users * n_items) < density)     # which (u, i) pairs are rated
    users, items = np.divmod(observed, n_items)
    values = mean + np.sum(P[users] * Q[items], axis=1) + noise * rng.normal(size=len(observed))
    return Ratings(users, items, values, n_users, n_items), P, Q


def train_test_split_ratings(ratings, test_fraction=0.2, seed=0):
    """A random split of the observed ratings into (train, test) Ratings."""
    test_fraction = check_fraction("test_fraction", test_fraction, low_inclusive=False)
    order = np.random.default_rng(seed).permutation(len(ratings))
    n_test = int(round(test_fraction * len(ratings)))
    return ratings.subset(np.sort(order[n_test:])), ratings.subset(np.sort(order[:n_test]))


def sgd_step(p_u, q_i, r_ui, mu, lr, reg):
    """One SGD step on one rating; returns the new (p_u, q_i) (inputs unchanged)."""
    e = r_ui - mu - p_u @ q_i                              # e = r_ui - mu - p_u . q_i
    new_p = p_u + lr * (e * q_i - reg * p_u)               # p_u <- p_u + lr (e q_i - reg p_u)
    new_q = q_i + lr * (e * p_u - reg * q_i)               # q_i <- q_i + lr (e p_u - reg q_i), old p_u
    return new_p, new_q


def als_half_step(fixed, own_ids, other_ids, residuals, n_own, reg):
    """Solve every row of one side with the other side ``fixed``: rows[o] = (F^T F + reg I)^{-1} F^T res.

    ``own_ids[k]`` (a user, say) rated ``other_ids[k]`` (an item) with ``residuals[k]`` = r - mu.
    A row with no ratings is 0 (the ridge solution with no data).
    """
    k = fixed.shape[1]
    rows = np.zeros((n_own, k))
    order = np.argsort(own_ids, kind="stable")
    starts = np.searchsorted(own_ids[order], np.arange(n_own + 1))
    for o in range(n_own):
        idx = order[starts[o]:starts[o + 1]]
        if len(idx):
            F = fixed[other_ids[idx]]                                          # the other side's rows it touches
            rows[o] = np.linalg.solve(F.T @ F + reg * np.eye(k), F.T @ residuals[idx])  # ridge normal equations
    return rows


class MatrixFactorization:
    """r_ui ~ mu + p_u . q_i fitted by ``solver="sgd"`` or ``"als"``; scikit-learn's fit/predict/random_state.

    ``lr`` is SGD's step size (ignored by ALS); an epoch is one pass over the ratings (SGD) or one
    pair of half-steps (ALS).  ``history_`` holds the training RMSE after each epoch (and the test
    RMSE when ``fit`` gets ``validation``).  Factors start at normal(0, ``init_std``).
    """

    def __init__(self, n_factors=5, solver="sgd", reg=0.02, lr=0.01, epochs=20, init_std=0.1, random_state=0):
        self.n_factors = check_int("n_factors", n_factors)
        self.solver = check_choice("solver", solver, ("sgd", "als"))
        self.reg = check_non_negative("reg", reg)
        self.lr = check_positive("lr", lr)
        self.epochs = check_int("epochs", epochs)
        self.init_std = check_positive("init_std", init_std)
        self.random_state = random_state

    def fit(self, ratings, validation=None):
        rng = np.random.default_rng(self.random_state)
        self.mu_ = float(ratings.values.mean())
        self.P_ = rng.normal(scale=self.init_std, size=(ratings.n_users, self.n_factors))
        self.Q_ = rng.normal(scale=self.init_std, size=(ratings.n_items, self.n_factors))
        self.history_ = {"rmse": [], "val_rmse": []}
        residuals = ratings.values - self.mu_
        for _ in range(self.epochs):
            if self.solver == "sgd":
                self._sgd_epoch(ratings, rng)
            else:
                self.P_ = als_half_step(self.Q_, ratings.users, ratings.items, residuals, ratings.n_users, self.reg)
                self.Q_ = als_half_step(self.P_, ratings.items, ratings.users, residuals, ratings.n_items, self.reg)
            self.history_["rmse"].append(self.rmse(ratings))
            if validation is not None:
                self.history_["val_rmse"].append(self.rmse(validation))
        return self

    def _sgd_epoch(self, ratings, rng):
        P, Q, lr, reg, mu = self.P_, self.Q_, self.lr, self.reg, self.mu_
        for k in rng.permutation(len(ratings)):                       # one pass in a random order
            u, i = ratings.users[k], ratings.items[k]
            P[u], Q[i] = sgd_step(P[u], Q[i], ratings.values[k], mu, lr, reg)

    def predict(self, users, items):
        return self.mu_ + np.sum(self.P_[users] * self.Q_[items], axis=1)

    def rmse(self, ratings):
        return float(np.sqrt(np.mean((ratings.values - self.predict(ratings.users, ratings.items)) ** 2)))


def baseline_predictions(train, test):
    """The two baselines' predictions for ``test``: {"global mean": mu, "item mean": mean of the item's train ratings}.

    An item with no training rating gets the global mean.
    """
    mu = train.values.mean()
    sums = np.bincount(train.items, weights=train.values, minlength=train.n_items)
    counts = np.bincount(train.items, minlength=train.n_items)
    item_mean = np.where(counts > 0, sums / np.maximum(counts, 1), mu)
    return {"global mean": np.full(len(test), mu), "item mean": item_mean[test.items]}
