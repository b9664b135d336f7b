"""1-D and 2-D slices of any model's loss through weight space.

A model's weights are a list of arrays theta = [W_1, b_1, ...]; ``loss(theta)`` is any function
of such a list (:func:`model_loss` makes one from a compiled :class:`course_lib.nn.Sequential`).

Line (Goodfellow, Vinyals & Saxe 2015): the loss along the segment between two weight vectors,

    L(alpha) = loss((1 - alpha) theta_a + alpha theta_b),     alpha in [0, 1] (or beyond)

and its *barrier*: the largest rise above the straight line joining the end values,

    barrier = max_alpha [ L(alpha) - ((1 - alpha) L(0) + alpha L(1)) ]

Plane (Li, Xu, Taylor, Studer & Goldstein 2018): the loss around theta* along two random
directions d_1, d_2, ``Z[i, j] = loss(theta* + alpha_j d_1 + beta_i d_2)`` (rows follow beta, as
:func:`course_lib.landscape.loss_grid`).  *Filter normalization* rescales each filter of a random
direction (for a Dense kernel: each column, the weights into one unit) to the norm of the same
filter of theta*, so that the picture does not depend on the scale of the weights; the
directions of biases and other 1-D weights are set to 0, as in the paper.
"""
from __future__ import annotations

import numpy as np

from ._checks import check_vector

__all__ = ["interpolate", "loss_along_line", "barrier", "random_direction", "loss_plane", "model_loss"]


def _as_arrays(name, weights):
    if not isinstance(weights, (list, tuple)) or not weights:
        raise TypeError(f"`{name}` must be a non-empty list of arrays (as model.get_weights()). Received: {type(weights).__name__}")
    return [np.asarray(w) for w in weights]


def _check_same(a, b, names):
    if len(a) != len(b) or any(x.shape != y.shape for x, y in zip(a, b)):
        raise ValueError(f"`{names[0]}` and `{names[1]}` must hold arrays of the same shapes; got "
                         f"{[x.shape for x in a]} and {[y.shape for y in b]}")


def interpolate(weights_a, weights_b, alpha):
    """(1 - alpha) theta_a + alpha theta_b, array by array (in theta_a's dtypes)."""
    a, b = _as_arrays("weights_a", weights_a), _as_arrays("weights_b", weights_b)
    _check_same(a, b, ("weights_a", "weights_b"))
    return [((1 - alpha) * x + alpha * y).astype(x.dtype) for x, y in zip(a, b)]


def loss_along_line(loss, weights_a, weights_b, alphas):
    """L(alpha) = loss(interpolate(theta_a, theta_b, alpha)) for each alpha, as a float64 array."""
    if not callable(loss):
        raise TypeError(f"`loss` must be a function of a list of weight arrays. Received: {type(loss).__name__}")
    alphas = check_vector("alphas", alphas, 1)
    return np.array([float(loss(interpolate(weights_a, weights_b, t))) for t in alphas])


def barrier(alphas, line_losses):
    """max over alpha of L(alpha) minus the chord (1 - alpha) L(0) + alpha L(1); alphas must start at 0 and end at 1."""
    t, L = check_vector("alphas", alphas, 2), check_vector("line_losses", line_losses, 2)
    if t.shape != L.shape or t[0] != 0 or t[-1] != 1:
        raise ValueError("`alphas` must run from 0 to 1 and match `line_losses` in length")
    return float(np.max(L - ((1 - t) * L[0] + t * L[-1])))


def random_direction(weights, rng=None, filter_normalize=True):
    """A Gaussian direction shaped like ``weights``; filter-normalized (Li et al. 2018) by default.

    Each column j of a 2-D array (the weights into unit j): d[:, j] <- d[:, j] / ||d[:, j]|| * ||W[:, j]||.
    1-D arrays (biases, batch-norm parameters and statistics) get direction 0.
    """
    weights = _as_arrays("weights", weights)
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    out = []
    for w in weights:
        d = rng.normal(size=w.shape)
        if filter_normalize:
            if w.ndim <= 1:
                d = np.zeros_like(d)
            else:
                axes = tuple(range(w.ndim - 1))      # the last axis indexes the filters (units)
                d = d / np.linalg.norm(d, axis=axes, keepdims=True) * np.linalg.norm(w, axis=axes, keepdims=True)
        out.append(d.astype(w.dtype))
    return out


def loss_plane(loss, center, direction_1, direction_2, alphas, betas):
    """Z[i, j] = loss(center + alphas[j] * d_1 + betas[i] * d_2), shape (len(betas), len(alphas))."""
    c = _as_arrays("center", center)
    d1, d2 = _as_arrays("direction_1", direction_1), _as_arrays("direction_2", direction_2)
    _check_same(c, d1, ("center", "direction_1"))
    _check_same(c, d2, ("center", "direction_2"))
    a, b = check_vector("alphas", alphas, 1), check_vector("betas", betas, 1)
    return np.array([[float(loss([(w + s * u + t * v).astype(w.dtype) for w, u, v in zip(c, d1, d2)]))
                      for s in a] for t in b])


def model_loss(model, x, y):
    """A function theta -> the model's loss on (x, y) with weights theta (inference mode; model compiled).

    It sets the weights in place: call ``model.set_weights`` afterwards to restore the ones you need.
    """
    if not getattr(model, "compiled", False):
        raise ValueError("`model` must be compiled (model.compile(optimizer, loss)) before model_loss")

    def loss(weights):
        model.set_weights(weights)
        return model.evaluate(x, y, batch_size=len(x))

    return loss
