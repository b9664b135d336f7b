"""Weight penalties added to the loss: ``penalty = regularizer(w)``.

Mirrors ``keras.regularizers``:

    L1(l1):       penalty = l1 * sum(|w|)
    L2(l2):       penalty = l2 * sum(w^2)
    L1L2(l1, l2): penalty = l1 * sum(|w|) + l2 * sum(w^2)

As in Keras (TensorFlow backend), the factors act rounded to float32, also on
float64 weights: the difference is ~1e-8 relative, but it is Keras's number.

``w`` may be a numpy array (the penalty is a numpy scalar of its dtype) or a
``course_lib.autodiff.Tensor`` (the penalty is a Tensor, so its gradient,
``l1 * sign(w)`` or ``2 l2 w``, flows back to ``w``).
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["Regularizer", "L1", "L2", "L1L2", "get"]


def _factor(name, value):
    """Keras's rule: a non-negative, finite Python number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ValueError(f"Argument `{name}` must be a non-negative finite float. Received: {name}={value!r}")
    return float(value)


def _abs(w):
    from . import autodiff  # imported here: autodiff is only needed for Tensors

    return autodiff.abs(w) if isinstance(w, autodiff.Tensor) else np.abs(w)


def _as_weights(w):
    """Leave a Tensor alone; turn anything else into an array, floats kept as they are."""
    if hasattr(w, "backward"):
        return w
    w = np.asarray(w)
    return w if np.issubdtype(w.dtype, np.floating) else w.astype(np.float32)


def _as_keras_factor(factor):
    # Keras casts a factor to the weights' dtype with ops.cast, which on the TensorFlow
    # backend goes through float32: with float64 weights, 0.01 acts as 0.009999999776...
    return float(np.float32(factor))


def l1_penalty(w, l1):
    """l1 * sum(|w|)."""
    return _as_keras_factor(l1) * _abs(w).sum()


def l2_penalty(w, l2):
    """l2 * sum(w^2)."""
    return _as_keras_factor(l2) * (w * w).sum()


class Regularizer:
    """Base class: a callable ``penalty = regularizer(w)``.  Mirrors ``keras.regularizers.Regularizer``."""

    def __call__(self, w):  # pragma: no cover - abstract
        raise NotImplementedError

    def get_config(self):
        return {}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class L1(Regularizer):
    """penalty = l1 * sum(|w|).  Mirrors ``keras.regularizers.L1``.

    Keras 3 stores ``l1`` as a float32 tensor, so ``get_config()`` shows
    float32(l1) (0.01 -> 0.009999999776...); so does ours.
    """

    def __init__(self, l1=0.01):
        self.l1 = float(np.float32(_factor("l1", 0.01 if l1 is None else l1)))

    def __call__(self, w):
        return l1_penalty(_as_weights(w), self.l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """penalty = l2 * sum(w^2).  Mirrors ``keras.regularizers.L2`` (weight decay folded into the loss)."""

    def __init__(self, l2=0.01):
        self.l2 = _factor("l2", 0.01 if l2 is None else l2)

    def __call__(self, w):
        return l2_penalty(_as_weights(w), self.l2)

    def get_config(self):
        return {"l2": self.l2}


class L1L2(Regularizer):
    """penalty = l1 * sum(|w|) + l2 * sum(w^2).  Mirrors ``keras.regularizers.L1L2``.

    Both factors default to 0 here, as in Keras (unlike L1 and L2, whose default is 0.01).
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _factor("l1", 0.0 if l1 is None else l1)
        self.l2 = _factor("l2", 0.0 if l2 is None else l2)

    def __call__(self, w):
        w = _as_weights(w)
        terms = ([l1_penalty(w, self.l1)] if self.l1 != 0.0 else []) + \
                ([l2_penalty(w, self.l2)] if self.l2 != 0.0 else [])
        if not terms:  # no penalty: a zero of w's dtype (Keras's result, even for inf weights)
            zero = np.zeros((), dtype=w.dtype)
            return zero if isinstance(w, np.ndarray) else type(w)(zero)
        return terms[0] if len(terms) == 1 else terms[0] + terms[1]

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


def get(identifier):
    """A regularizer from a name ("l1", "l2", "l1l2" or a class name), an instance, or None.

    Mirrors ``keras.regularizers.get`` (which, despite an old docstring, does not know "l1_l2").
    """
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    names = {"L1": L1, "l1": L1, "L2": L2, "l2": L2, "L1L2": L1L2, "l1l2": L1L2}
    if isinstance(identifier, str):
        if identifier not in names:
            raise ValueError(f"Unknown regularizer `identifier`={identifier!r}. Known names: {', '.join(names)}.")
        return names[identifier]()
    if callable(identifier):
        return identifier
    raise TypeError(f"Argument `identifier` must be a name, a Regularizer or a callable. Received: {identifier!r}")
