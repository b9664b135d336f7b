"""Regression losses: how far a real-valued prediction is from the target.

e = y_pred - y_true, per sample (mean over the last axis):

    MeanSquaredError   l = mean(e^2)          the mean; outliers weigh quadratically
    MeanAbsoluteError  l = mean(|e|)          the median; robust, constant-size gradient
    Huber              quadratic for |e| <= delta, linear beyond (both worlds)
    LogCosh            l = mean(log cosh e)   smooth everywhere, ~e^2/2 near 0, ~|e| far away
"""
from __future__ import annotations

import numpy as np

from .. import autodiff as ad
from .._checks import check_positive
from ._inputs import const, numpy_in_numpy_out, same_shape
from .base import LossFunctionWrapper

__all__ = ["mean_squared_error", "mean_absolute_error", "huber", "log_cosh",
           "MeanSquaredError", "MeanAbsoluteError", "Huber", "LogCosh"]


# ------------------------------------------------------------------------------ functions
@numpy_in_numpy_out
def mean_squared_error(y_true, y_pred):
    """l = mean((y_true - y_pred)^2, axis=-1).  Mirrors keras.losses.mean_squared_error."""
    y_true, y_pred = same_shape(y_true, y_pred)
    return ad.mean(ad.square(y_true - y_pred), axis=-1)


@numpy_in_numpy_out
def mean_absolute_error(y_true, y_pred):
    """l = mean(|y_true - y_pred|, axis=-1).  Mirrors keras.losses.mean_absolute_error."""
    y_true, y_pred = same_shape(y_true, y_pred)
    return ad.mean(ad.abs(y_true - y_pred), axis=-1)


@numpy_in_numpy_out
def huber(y_true, y_pred, delta=1.0):
    """Quadratic near zero, linear beyond ``delta``.  Mirrors keras.losses.huber.

    e = y_pred - y_true;  l = mean( 0.5 e^2             if |e| <= delta
                                    delta |e| - 0.5 delta^2  otherwise , axis=-1)
    """
    check_positive("delta", delta)
    y_true, y_pred = same_shape(y_true, y_pred)
    delta = const(delta, y_pred)
    error = y_pred - y_true
    abs_error = ad.abs(error)
    half = const(0.5, y_pred)
    return ad.mean(
        ad.where(abs_error.data <= delta, half * ad.square(error), delta * abs_error - half * (delta * delta)),
        axis=-1,
    )


@numpy_in_numpy_out
def log_cosh(y_true, y_pred):
    """l = mean(log(cosh(e)), axis=-1), e = y_pred - y_true.  Mirrors keras.losses.log_cosh.

    Computed as  log cosh(e) = e + softplus(-2 e) - log 2,  which never overflows
    (cosh(e) itself overflows for |e| > 710).
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    # Keras computes log(2) in float32 and then casts it; we do the same so that
    # float64 results agree to the last bit.
    log2 = np.asarray(np.log(np.float32(2.0)), dtype=y_pred.dtype)
    e = y_pred - y_true
    return ad.mean(e + ad.softplus(e * -2.0) - log2, axis=-1)


# ------------------------------------------------------------------------------ classes
class MeanSquaredError(LossFunctionWrapper):
    """Mean squared error, reduced over the batch.  Mirrors keras.losses.MeanSquaredError.

        l_i = mean_k (y_true_ik - y_pred_ik)^2        (:func:`mean_squared_error`)
        L   = reduction_i(w_i l_i)                    (default: sum_i w_i l_i / n)
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error"):
        super().__init__(mean_squared_error, reduction=reduction, name=name)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean absolute error, reduced over the batch.  Mirrors keras.losses.MeanAbsoluteError.

        l_i = mean_k |y_true_ik - y_pred_ik|          (:func:`mean_absolute_error`)
        L   = reduction_i(w_i l_i)
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error"):
        super().__init__(mean_absolute_error, reduction=reduction, name=name)


class Huber(LossFunctionWrapper):
    """Huber loss, reduced over the batch.  Mirrors keras.losses.Huber.

        e = y_pred - y_true
        l_i = mean_k( 0.5 e^2                   if |e| <= delta
                      delta |e| - 0.5 delta^2   otherwise )        (:func:`huber`)
        L   = reduction_i(w_i l_i)

    ``delta`` (> 0) is where the parabola turns into a straight line.  Keras's default
    ``name`` is "huber_loss"; here it is the function's name, "huber".
    """

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber"):
        super().__init__(huber, reduction=reduction, name=name, delta=delta)


class LogCosh(LossFunctionWrapper):
    """Logarithm of the hyperbolic cosine of the error, reduced.  Mirrors keras.losses.LogCosh.

        l_i = mean_k log(cosh(y_pred_ik - y_true_ik))       (:func:`log_cosh`)
        L   = reduction_i(w_i l_i)
    """

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh"):
        super().__init__(log_cosh, reduction=reduction, name=name)
