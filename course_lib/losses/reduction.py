"""From per-sample losses to one number: sample weights and Keras's reductions.

    "sum_over_batch_size" / "mean":  L = sum_i w_i l_i / (number of l_i)
    "sum":                           L = sum_i w_i l_i
    "mean_with_sample_weight":       L = sum_i w_i l_i / sum_i w_i
    "none" / None:                   the vector w_i l_i
"""
from __future__ import annotations

import numpy as np

from .. import autodiff as ad
from .._checks import check_choice
from ..autodiff import Tensor, array_of
from ._inputs import squeeze_or_expand_to_same_rank, to_tensor

__all__ = ["REDUCTIONS", "reduce_weighted_values", "check_sample_weight", "class_weight_to_sample_weight"]

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def reduce_weighted_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Multiply per-sample losses by ``sample_weight`` and reduce (see the module docstring).

    Mirrors keras.src.losses.loss.reduce_weighted_values.
    """
    check_choice("reduction", reduction, REDUCTIONS)
    values = values if isinstance(values, Tensor) else Tensor(values)
    weight_sum = None
    if sample_weight is not None:
        values, sw = check_sample_weight(sample_weight, values)
        values = values * sw
        weight_sum = np.sum(sw.data)
    if reduction in (None, "none") or values.shape in ((), (0,)):
        return values
    loss = ad.sum(values)
    if reduction == "sum":
        return loss
    divisor = weight_sum if reduction == "mean_with_sample_weight" and weight_sum is not None else values.size
    divisor = np.asarray(divisor, dtype=values.dtype)
    return loss / divisor if divisor != 0 else loss * 0  # divide_no_nan, as Keras


def check_sample_weight(sample_weight, values):
    """``(values, sample_weight)`` as Tensors of one shape after Keras's rank fix-up, or a clear error.

    One rule for every input of a loss: shapes must agree after Keras's rank fix-up
    (``(batch,)`` next to ``(batch, 1)`` is fine), exactly as ``y_true`` and ``y_pred``
    must.  A scalar weight scales the whole loss (as documented for Keras).
    Keras itself broadcasts any compatible shape: a (5, 5) weight for 5 per-sample
    losses silently turns the loss into a (5, 5) table whose reduction divides by 25.
    We refuse it instead: such a weight is almost always a transposed or wrongly
    stacked array, and the silent result is a loss 5 times too large or small.
    """
    sw = to_tensor(sample_weight, "sample_weight", dtype=values.dtype)
    if sw.shape == ():
        return values, sw
    fixed_values, sw = squeeze_or_expand_to_same_rank(values, sw)
    if sw.shape != fixed_values.shape:
        raise ValueError(
            f"sample_weight.shape={np.shape(array_of(sample_weight))} does not match the per-sample "
            f"losses of shape {values.shape}; expected one weight per sample (shape {values.shape}) "
            "or a single number."
        )
    return fixed_values, sw


def class_weight_to_sample_weight(y, class_weight, dtype=np.float32):
    """Per-sample weights from a ``{class_id: weight}`` dict, as ``model.fit(class_weight=...)``.

    y holds class ids (shape (n,) or (n, 1)) or one-hot rows (shape (n, k): argmax);
    classes missing from the dict get weight 1.  float32, like Keras's floatx, by default.
    Mirrors keras.src.trainers.data_adapters.data_adapter_utils.class_weight_to_sample_weights.
    """
    if not isinstance(class_weight, dict):
        raise TypeError(f"class_weight must be a dict {{class_id: weight}}; got {type(class_weight).__name__}.")
    y = np.asarray(array_of(y))
    if y.ndim > 1:
        y = np.argmax(y, axis=-1) if y.shape[-1] != 1 else y[..., 0]
    y = np.round(y).astype(np.int64)
    return np.array([class_weight.get(int(c), 1.0) for c in y], dtype=dtype)
