"""The small fixed problem every optimizer comparison runs on (numpy only)."""
from __future__ import annotations

import numpy as np


def fidelity_problem():
    """(X, t, w0): 32 samples, 3 features, labels 0/1 with some noise, and a starting point.

    The loss is the mean logistic loss  mean(log(1 + exp(z)) - t z),  z = X w  (times a case's scale).
    """
    rng = np.random.default_rng(9)
    X = rng.normal(size=(32, 3))
    t = (X @ np.array([1.0, -2.0, 0.5]) + 0.7 * rng.normal(size=32) > 0).astype(np.float64)
    return X, t, np.array([0.5, -1.0, 0.25])


def loss_gradient(w, X, t, scale=1.0):
    """scale * X^T (sigmoid(X w) - t) / n: the gradient of the scaled mean logistic loss."""
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    return scale * X.T @ (p - t) / len(t)
