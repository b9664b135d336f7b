"""Losses priced in money: per-class weights, and costs that differ by the direction of the error.

Three worked examples of custom losses built on :class:`course_lib.losses.Loss`:
:class:`WeightedLoss` (per-class or per-sample weights around any loss),
:class:`AsymmetricCostLoss` (regression: under-predicting costs more than over-predicting) and
:class:`ExpectedCostLoss` (classification: a missed positive costs more than a false alarm).
"""
from __future__ import annotations

import numpy as np

from .. import autodiff as ad
from .._checks import check_non_negative
from ..autodiff import array_of
from ._inputs import same_shape
from .base import Loss
from .reduction import class_weight_to_sample_weight

__all__ = ["WeightedLoss", "AsymmetricCostLoss", "ExpectedCostLoss"]


class WeightedLoss(Loss):
    """Any loss with per-class and/or per-sample weights: worked example of a custom loss.

    L = reduce( w_i * l_i ),  w_i = class_weight[class of sample i] * sample_weight_i
    (classes missing from ``class_weight`` weigh 1).  This is what
    ``model.fit(class_weight=...)`` does in Keras, packaged as a loss, e.g. to make a
    rare positive class count 10 times:  WeightedLoss(BinaryCrossentropy(), {0: 1, 1: 10}).
    The reduction is the wrapped loss's.
    """

    def __init__(self, loss, class_weight=None, name=None):
        if isinstance(loss, str):
            from . import get  # the package's name table (imported here: the package imports this module)
            loss = get(loss)
        if not isinstance(loss, Loss):
            raise TypeError(f"loss must be a course_lib.losses.Loss (or its name); got {type(loss).__name__}.")
        super().__init__(reduction=loss.reduction, name=name or f"weighted_{loss.name}")
        self.loss = loss
        self.class_weight = class_weight

    def __call__(self, y_true, y_pred, sample_weight=None):
        weights = sample_weight
        if self.class_weight is not None:
            dt = np.asarray(array_of(y_pred)).dtype  # y_pred may be a list
            dtype = dt if np.issubdtype(dt, np.floating) else np.float64
            weights = class_weight_to_sample_weight(y_true, self.class_weight, dtype=dtype)
            if sample_weight is not None:
                weights = weights * np.asarray(array_of(sample_weight), dtype=dtype).reshape(weights.shape)
        return self.loss(y_true, y_pred, sample_weight=weights)

    def get_config(self):
        return {**super().get_config(), "loss": repr(self.loss), "class_weight": self.class_weight}


class AsymmetricCostLoss(Loss):
    """Regression loss priced in money: under- and over-prediction cost differently.

    e = y_true - y_pred;  l = mean( under_cost * max(e, 0) + over_cost * max(-e, 0), axis=-1 )

    Example: stocking a shop, a missing item (under-prediction) loses a sale worth 5,
    an unsold one (over-prediction) costs 1 to store: AsymmetricCostLoss(5.0, 1.0).
    Its minimiser is the under_cost / (under_cost + over_cost) quantile of y (here
    the 5/6 quantile), not the mean: the model learns to over-stock.  With equal
    costs it is a scaled MAE.  No Keras twin (Keras's closest is a custom loss).
    """

    def __init__(self, under_cost=1.0, over_cost=1.0, reduction="sum_over_batch_size", name=None):
        check_non_negative("under_cost", under_cost)
        check_non_negative("over_cost", over_cost)
        super().__init__(reduction=reduction, name=name)
        self.under_cost, self.over_cost = under_cost, over_cost

    def call(self, y_true, y_pred):
        y_true, y_pred = same_shape(y_true, y_pred)
        error = y_true - y_pred
        return ad.mean(self.under_cost * ad.relu(error) + self.over_cost * ad.relu(-error), axis=-1)

    def get_config(self):
        return {**super().get_config(), "under_cost": self.under_cost, "over_cost": self.over_cost}


class ExpectedCostLoss(Loss):
    """Binary classification priced in money: a missed positive and a false alarm cost differently.

    With p = P(y = 1) predicted:
    l = mean( false_negative_cost * y (1 - p) + false_positive_cost * (1 - y) p, axis=-1 )
    the expected cost of acting on p.  Example: fraud detection where a missed fraud
    costs 100 and checking a legitimate payment costs 1.  Gradients push p up on
    positives 100 times harder than down on negatives.  Unlike cross-entropy it is
    bounded, so a few confidently wrong samples do not dominate.  No Keras twin.
    """

    def __init__(self, false_negative_cost=1.0, false_positive_cost=1.0, from_logits=False,
                 reduction="sum_over_batch_size", name=None):
        check_non_negative("false_negative_cost", false_negative_cost)
        check_non_negative("false_positive_cost", false_positive_cost)
        super().__init__(reduction=reduction, name=name)
        self.false_negative_cost, self.false_positive_cost = false_negative_cost, false_positive_cost
        self.from_logits = from_logits

    def call(self, y_true, y_pred):
        y_true, y_pred = same_shape(y_true, y_pred)
        p = ad.sigmoid(y_pred) if self.from_logits else y_pred
        cost = self.false_negative_cost * y_true * (1 - p) + self.false_positive_cost * (1 - y_true) * p
        return ad.mean(cost, axis=-1)

    def get_config(self):
        return {**super().get_config(), "false_negative_cost": self.false_negative_cost,
                "false_positive_cost": self.false_positive_cost, "from_logits": self.from_logits}
