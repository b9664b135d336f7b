"""Sharpness: the largest eigenvalue of a loss's Hessian, by power iteration on Hessian-vector products.

The Hessian H of a loss J at theta is never formed.  A Hessian-vector product comes from two
gradients (central differences along v, error O(eps^2)):

    H v  ~=  (grad J(theta + eps v) - grad J(theta - eps v)) / (2 eps)

and power iteration repeats v <- H v / ||H v|| from a random unit vector; the Rayleigh
quotient v^T H v converges to the eigenvalue of largest magnitude, lambda_max, the
*sharpness* (on a loss whose Hessian's positive part dominates, as in training, the top one).

Why it matters: gradient descent at rate eta on a quadratic multiplies the error along
the top eigenvector by (1 - eta lambda_max) per step, so it is stable only while
eta lambda_max < 2.  With heavy-ball momentum mu the limit is eta lambda_max < 2 (1 + mu);
for Adam the relevant matrix is the preconditioned Hessian diag(1 / (sqrt(v) + eps)) H, which
this module does not compute.

Finite differences need a loss that is twice differentiable near theta: across ReLU's kinks
the difference of gradients jumps, and the products are biased (use tanh or another smooth
activation to measure sharpness this way).

``flat_gradient(model, loss, x, y)`` turns a :class:`course_lib.nn.Sequential` and its loss into the
(flat parameter vector, gradient function) pair that :func:`top_eigenvalue` takes.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from ._checks import check_int, check_positive

__all__ = ["hessian_vector_product", "top_eigenvalue", "flat_gradient"]

GradFn = Callable[[np.ndarray], np.ndarray]


def hessian_vector_product(grad: GradFn, theta, v, eps: float = 1e-3) -> np.ndarray:
    """H v ~= (grad(theta + eps v) - grad(theta - eps v)) / (2 eps) at ``theta`` (flat arrays)."""
    eps = check_positive("eps", eps)
    theta, v = np.asarray(theta, dtype=float), np.asarray(v, dtype=float)
    if theta.shape != v.shape or theta.ndim != 1:
        raise ValueError(f"Arguments `theta` and `v` must be 1-D arrays of the same shape; got {theta.shape} and {v.shape}.")
    return (np.asarray(grad(theta + eps * v), float) - np.asarray(grad(theta - eps * v), float)) / (2 * eps)


def _power_iteration(matvec, v, iterations):
    """(Rayleigh quotient, vector) after ``iterations`` steps of v <- A v / ||A v|| from the unit vector v."""
    value = 0.0
    for _ in range(iterations):
        w = matvec(v)                                                # w = A v
        value = float(v @ w)                                         # Rayleigh quotient v^T A v
        norm = np.linalg.norm(w)
        if norm == 0:
            break                                                    # A v = 0: v is in the null space
        v = w / norm                                                 # v <- A v / ||A v||
    return value, v


def top_eigenvalue(grad: GradFn, theta, iterations: int = 20, eps: float = 1e-3, seed: int = 0,
                   v0=None, return_vector: bool = False):
    """lambda_max, the largest eigenvalue of the Hessian at ``theta``, by power iteration on finite-difference HVPs.

    v_0 random unit (from ``seed``), or ``v0`` (e.g. the vector of a nearby point: a warm start);
    w = H v_k;  lambda_k = v_k^T w;  v_{k+1} = w / ||w||   (``iterations`` times, two gradients each).
    Power iteration finds the eigenvalue of largest *magnitude*; when that one is negative
    (lambda_min, a direction of negative curvature), a second run on H - lambda_min I, whose
    eigenvalues are >= 0 and whose largest is lambda_max - lambda_min, gives lambda_max.
    Returns lambda_max (and its unit vector with ``return_vector=True``).
    """
    iterations = check_int("iterations", iterations, minimum=1)
    theta = np.asarray(theta, dtype=float)
    v = np.random.default_rng(seed).normal(size=theta.shape) if v0 is None else np.array(v0, dtype=float)
    if v.shape != theta.shape or not np.linalg.norm(v) > 0:
        raise ValueError(f"Argument `v0` must be a non-zero vector shaped like theta {theta.shape}; got shape {v.shape}.")
    hvp = lambda u: hessian_vector_product(grad, theta, u, eps)      # noqa: E731  (H u)
    value, vector = _power_iteration(hvp, v / np.linalg.norm(v), iterations)
    if value < 0:                                                    # found lambda_min: shift by it
        shift = value
        value, vector = _power_iteration(lambda u: hvp(u) - shift * u, v / np.linalg.norm(v), iterations)
        value += shift                                               # lambda_max = (lambda_max - lambda_min) + lambda_min
    return (value, vector) if return_vector else value


def flat_gradient(model, loss, x, y):
    """(theta, grad) for a built nn.Sequential and a course_lib loss (e.g. ``losses.SparseCategoricalCrossentropy()``):
    theta = the model's weights as one float64 vector; grad(theta') = the gradient at theta' of
    loss(y, model(x)) plus the model's weight penalties (the model's weights are restored afterwards)."""
    shapes = [w.shape for w in model.get_weights()]
    sizes = [int(np.prod(s)) for s in shapes]
    original = model.get_weights()
    theta = np.concatenate([w.ravel() for w in original]).astype(float)

    def unflatten(vector):
        parts = np.split(np.asarray(vector), np.cumsum(sizes)[:-1])
        return [p.reshape(s).astype(w.dtype) for p, s, w in zip(parts, shapes, original)]

    def grad(vector):
        model.set_weights(unflatten(vector))
        try:
            weights = model.trainable_weights
            for w in weights:
                w.zero_grad()
            total = loss(y, model(x, training=True))
            for penalty in model.losses:                              # L1/L2 penalties, as in training
                total = total + penalty
            total.backward()
            return np.concatenate([(w.grad if w.grad is not None else np.zeros_like(w.data)).ravel()
                                   for w in weights]).astype(float)
        finally:
            model.set_weights(original)

    return theta, grad
