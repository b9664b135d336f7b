"""Loss functions, written on :mod:`course_lib.autodiff` so their gradients come for free.

Each loss mirrors its ``keras.losses`` twin (Keras 3) number for number: same
formulas, same clipping of probabilities to ``[eps, 1 - eps]`` with
``eps = 1e-7`` (``keras.backend.epsilon()``), same handling of logits, same
reductions.  ``tests/test_losses.py`` checks value and gradient against Keras.

Two layers, as in Keras:

* functions (``mean_squared_error(y_true, y_pred)``, ...) return one loss per
  sample: the mean (or sum) over the last axis;
* classes (``MeanSquaredError(reduction="sum_over_batch_size")``, ...) call the
  function, multiply by ``sample_weight`` and reduce to a number:

      "sum_over_batch_size" / "mean":  L = sum_i w_i l_i / (number of l_i)
      "sum":                           L = sum_i w_i l_i
      "mean_with_sample_weight":       L = sum_i w_i l_i / sum_i w_i
      "none" / None:                   the vector w_i l_i

One module per family: :mod:`.regression` (MSE, MAE, Huber, log-cosh), :mod:`.hinge`,
:mod:`.crossentropy` (binary, categorical, focal, sparse), :mod:`.reduction` (sample weights
and reductions), :mod:`.base` (``Loss``, ``LossFunctionWrapper``) and :mod:`.cost_sensitive`
(losses priced in money).  Everything is importable from ``course_lib.losses``.

Inputs may be numpy arrays (the result is numpy) or autodiff Tensors (the
result is a Tensor, so ``loss.backward()`` gives d loss / d y_pred).  dtype
follows ``y_pred``: float32 stays float32.

Writing your own loss
---------------------
Write the per-sample formula with autodiff operations and subclass
:class:`Loss`; reductions, sample weights and gradients are inherited::

    from course_lib import autodiff as ad
    from course_lib.losses import Loss

    class MeanFourthPowerError(Loss):
        '''l = mean((y_pred - y_true)^4, axis=-1): punishes outliers even harder than MSE.'''
        def call(self, y_true, y_pred):
            return ad.mean((y_pred - y_true) ** 4, axis=-1)

    loss = MeanFourthPowerError()
    w = ad.Tensor(y_pred, requires_grad=True)
    loss(y_true, w).backward()      # w.grad holds d loss / d y_pred

Two worked examples follow this pattern: :class:`WeightedLoss` (per-class or
per-sample weights around any loss) and :class:`AsymmetricCostLoss` (a
regression loss where under-predicting costs more than over-predicting);
:class:`ExpectedCostLoss` is the classification version (a missed positive
costs more than a false alarm).
"""
from __future__ import annotations

from .base import Loss, LossFunctionWrapper
from .cost_sensitive import AsymmetricCostLoss, ExpectedCostLoss, WeightedLoss
from .crossentropy import (BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy,
                           CategoricalFocalCrossentropy, SparseCategoricalCrossentropy, binary_crossentropy,
                           binary_focal_crossentropy, categorical_crossentropy, categorical_focal_crossentropy,
                           sparse_categorical_crossentropy)
from .hinge import (CategoricalHinge, Hinge, SquaredHinge, categorical_hinge, convert_binary_labels_to_hinge,
                    hinge, squared_hinge)
from ._inputs import EPSILON, squeeze_or_expand_to_same_rank
from .reduction import REDUCTIONS, class_weight_to_sample_weight, reduce_weighted_values
from .regression import (Huber, LogCosh, MeanAbsoluteError, MeanSquaredError, huber, log_cosh,
                         mean_absolute_error, mean_squared_error)

# ------------------------------------------------------------------------------ get by name
_FUNCTIONS = [mean_squared_error, mean_absolute_error, huber, log_cosh, hinge, squared_hinge,
              categorical_hinge, binary_crossentropy, binary_focal_crossentropy,
              categorical_crossentropy, categorical_focal_crossentropy, sparse_categorical_crossentropy]
_CLASSES = [MeanSquaredError, MeanAbsoluteError, Huber, LogCosh, Hinge, SquaredHinge, CategoricalHinge,
            BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy,
            CategoricalFocalCrossentropy, SparseCategoricalCrossentropy]
_ALIASES = {"mse": mean_squared_error, "MSE": mean_squared_error, "mae": mean_absolute_error,
            "MAE": mean_absolute_error, "bce": binary_crossentropy, "BCE": binary_crossentropy}
_BY_NAME = {**{f.__name__: f for f in _FUNCTIONS}, **{c.__name__: c for c in _CLASSES}, **_ALIASES}


def get(identifier):
    """A loss from its Keras name, as keras.losses.get.

    Function names and aliases ("mse", "mean_squared_error", "binary_crossentropy", "bce")
    give the per-sample function; class names ("MeanSquaredError") give an instance with
    default settings.  A Loss or any callable is returned unchanged; None gives None.
    """
    if identifier is None or callable(identifier) and not isinstance(identifier, type):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise ValueError(f"Unknown loss {identifier!r}. Valid names: {sorted(_BY_NAME)}.")
        found = _BY_NAME[identifier]
        return found() if isinstance(found, type) else found
    raise TypeError(f"Could not interpret loss identifier {identifier!r}: expected a name or a callable.")
