"""Hinge losses: margin-based classification (support vector machines).

Labels are -1 or +1 (0/1 labels are converted); y_pred is a score, not a probability.
A sample costs nothing once its score is on the right side by a margin of 1:

    Hinge             l = mean(max(1 - y s, 0))
    SquaredHinge      l = mean(max(1 - y s, 0)^2)
    CategoricalHinge  l = max(best wrong score - true score + 1, 0)
"""
from __future__ import annotations

import numpy as np

from .. import autodiff as ad
from ..autodiff import Tensor
from ._inputs import numpy_in_numpy_out, same_shape
from .base import LossFunctionWrapper

__all__ = ["convert_binary_labels_to_hinge", "hinge", "squared_hinge", "categorical_hinge",
           "Hinge", "SquaredHinge", "CategoricalHinge"]


# ------------------------------------------------------------------------------ functions
def convert_binary_labels_to_hinge(y_true):
    """{0, 1} labels become {-1, +1} (y -> 2y - 1); labels already in {-1, +1} stay.

    Mirrors keras.src.losses.losses.convert_binary_labels_to_hinge.
    """
    data = y_true.data if isinstance(y_true, Tensor) else np.asarray(y_true)
    if np.all((data == 0) | (data == 1)):
        return 2.0 * y_true - 1.0
    return y_true


@numpy_in_numpy_out
def hinge(y_true, y_pred):
    """l = mean(max(1 - y_true y_pred, 0), axis=-1), labels in {-1, +1} (or {0, 1}).

    Mirrors keras.losses.hinge.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    y_true = convert_binary_labels_to_hinge(y_true)
    return ad.mean(ad.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


@numpy_in_numpy_out
def squared_hinge(y_true, y_pred):
    """l = mean(max(1 - y_true y_pred, 0)^2, axis=-1).  Mirrors keras.losses.squared_hinge."""
    y_true, y_pred = same_shape(y_true, y_pred)
    y_true = convert_binary_labels_to_hinge(y_true)
    return ad.mean(ad.square(ad.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


@numpy_in_numpy_out
def categorical_hinge(y_true, y_pred):
    """l = max(neg - pos + 1, 0) with pos = sum(y_true y_pred), neg = max((1 - y_true) y_pred).

    The score of the true class must beat the best wrong class by a margin of 1.
    Mirrors keras.losses.categorical_hinge.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    pos = ad.sum(y_true * y_pred, axis=-1)
    neg = ad.max((1.0 - y_true) * y_pred, axis=-1)
    return ad.maximum(neg - pos + 1.0, 0.0)


# ------------------------------------------------------------------------------ classes
class Hinge(LossFunctionWrapper):
    """Hinge loss, reduced over the batch.  Mirrors keras.losses.Hinge.

        l_i = mean_k max(1 - y_ik s_ik, 0),  y in {-1, +1}      (:func:`hinge`)
        L   = reduction_i(w_i l_i)
    """

    def __init__(self, reduction="sum_over_batch_size", name="hinge"):
        super().__init__(hinge, reduction=reduction, name=name)


class SquaredHinge(LossFunctionWrapper):
    """Squared hinge loss, reduced over the batch.  Mirrors keras.losses.SquaredHinge.

        l_i = mean_k max(1 - y_ik s_ik, 0)^2                     (:func:`squared_hinge`)
        L   = reduction_i(w_i l_i)
    """

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge"):
        super().__init__(squared_hinge, reduction=reduction, name=name)


class CategoricalHinge(LossFunctionWrapper):
    """Multi-class hinge loss, reduced over the batch.  Mirrors keras.losses.CategoricalHinge.

        l_i = max(max_{k wrong} s_ik - s_i,true + 1, 0)          (:func:`categorical_hinge`)
        L   = reduction_i(w_i l_i)
    """

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge"):
        super().__init__(categorical_hinge, reduction=reduction, name=name)
