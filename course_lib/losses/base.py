"""The two base classes, as in Keras: :class:`Loss` (write ``call``) and :class:`LossFunctionWrapper`.

Every Keras-named loss class (``MeanSquaredError``, ``BinaryCrossentropy``...) is a
:class:`LossFunctionWrapper` around its per-sample function, with the function's
hyperparameters as constructor arguments.
"""
from __future__ import annotations

from .._checks import check_choice
from .._names import snake_case
from ..autodiff import Tensor
from ._inputs import to_tensor
from .reduction import REDUCTIONS, reduce_weighted_values

__all__ = ["Loss", "LossFunctionWrapper"]


class Loss:
    """Base class: subclasses define ``call(y_true, y_pred)`` -> per-sample losses.

    ``loss(y_true, y_pred, sample_weight=None)`` applies weights and the reduction
    (:func:`course_lib.losses.reduction.reduce_weighted_values`).  Mirrors keras.losses.Loss.
    """

    def __init__(self, reduction="sum_over_batch_size", name=None):
        self.reduction = check_choice("reduction", reduction, REDUCTIONS)
        self.name = name or snake_case(type(self).__name__)

    def __call__(self, y_true, y_pred, sample_weight=None):
        numpy_in = not (isinstance(y_true, Tensor) or isinstance(y_pred, Tensor))
        y_pred = to_tensor(y_pred, "y_pred")
        values = self.call(y_true, y_pred)
        out = reduce_weighted_values(values, sample_weight, self.reduction)
        return out.data if numpy_in else out

    def call(self, y_true, y_pred):
        raise NotImplementedError("subclasses of Loss implement call(y_true, y_pred) -> per-sample losses")

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class LossFunctionWrapper(Loss):
    """A :class:`Loss` from a per-sample function ``fn(y_true, y_pred, **kwargs)``.

    The keyword arguments are the function's hyperparameters: they are passed on every
    call, kept as attributes (``loss.delta``) and returned by ``get_config()``.
    Mirrors keras.losses.LossFunctionWrapper.
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, **kwargs):
        super().__init__(reduction=reduction, name=name or getattr(fn, "__name__", None))
        self.fn = fn
        self._fn_kwargs = kwargs
        for key, value in kwargs.items():
            setattr(self, key, value)

    def call(self, y_true, y_pred):
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}
