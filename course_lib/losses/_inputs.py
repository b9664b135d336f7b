"""Input handling shared by every loss: tensors, dtypes, ranks and shapes, as Keras prepares them."""
from __future__ import annotations

import functools

import numpy as np

from .. import autodiff as ad
from ..autodiff import Tensor

EPSILON = 1e-7  # keras.backend.epsilon(): probabilities are clipped to [EPSILON, 1 - EPSILON]


def to_tensor(x, name, dtype=None):
    """A constant Tensor of ``x``, cast to ``dtype``; refuses NaN (a silent NaN loss wastes a run)."""
    if isinstance(x, Tensor):
        t = x if dtype is None or x.dtype == dtype else x.astype(dtype)
    else:
        arr = np.asarray(x)
        if dtype is not None:
            arr = arr.astype(dtype, copy=False)
        elif not np.issubdtype(arr.dtype, np.floating):
            arr = arr.astype(np.float64)
        t = Tensor(arr)
    if np.issubdtype(t.dtype, np.floating) and np.isnan(t.data).any():
        raise ValueError(f"{name} contains NaN (at flat positions {np.flatnonzero(np.isnan(t.data))[:5].tolist()}); "
                         "expected finite numbers.")
    return t


def prepare(y_true, y_pred):
    """Tensors for both; y_true takes y_pred's dtype, as Keras casts it."""
    y_pred = to_tensor(y_pred, "y_pred")
    y_true = to_tensor(y_true, "y_true", dtype=y_pred.dtype)
    return y_true, y_pred


def numpy_in_numpy_out(fn):
    """Let a loss function take numpy arrays or Tensors: numpy in -> numpy out."""
    @functools.wraps(fn)
    def wrapper(y_true, y_pred, *args, **kwargs):
        out = fn(y_true, y_pred, *args, **kwargs)
        if isinstance(y_true, Tensor) or isinstance(y_pred, Tensor):
            return out
        return out.data
    return wrapper


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Keras's rank fix-up: (batch,) next to (batch, 1) becomes (batch, 1) next to (batch, 1).

    If the ranks differ by one and the longer one ends in a size-1 axis, that axis is
    dropped (or, when the shorter one is 1-D, added to the shorter one).  Mirrors
    ``keras.src.losses.loss.squeeze_or_expand_to_same_rank``.
    """
    r1, r2 = len(x1.shape), len(x2.shape)
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = ad.reshape(x2, x2.shape + (1,))
        else:
            x1 = ad.reshape(x1, x1.shape[:-1])
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = ad.reshape(x1, x1.shape + (1,))
        else:
            x2 = ad.reshape(x2, x2.shape[:-1])
    return x1, x2


def same_shape(y_true, y_pred):
    """Prepare, fix ranks, and refuse shapes that would silently broadcast."""
    y_true, y_pred = squeeze_or_expand_to_same_rank(*prepare(y_true, y_pred))
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape; got y_true.shape={y_true.shape} "
            f"and y_pred.shape={y_pred.shape}."
        )
    return y_true, y_pred


def const(value, like):
    """A Python number as a 0-d array of ``like``'s dtype (what Keras's casts give)."""
    return np.asarray(value, dtype=like.dtype)
