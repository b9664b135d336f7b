"""Adagrad: per-coordinate step sizes from the sum of squared gradients."""
from __future__ import annotations

import numpy as np

from .._checks import check_non_negative
from ._base import Optimizer, keras_constant
from ._blocks import scratch


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011).  Mirrors ``keras.optimizers.Adagrad``.

        a_t = a_{t-1} + g_t^2                    (a_0 = initial_accumulator_value)
        p_t = p_{t-1} - lr g_t / sqrt(a_t + epsilon)

    Keras puts epsilon *inside* the square root and starts the accumulator at 0.1.
    Defaults as Keras: learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7.
    """

    slot_names = ("accumulator",)

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 **kwargs):
        super().__init__(learning_rate, **kwargs)
        check_non_negative("initial_accumulator_value", initial_accumulator_value)
        check_non_negative("epsilon", epsilon)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def initial_slot_value(self, name, dtype):
        return keras_constant(self.initial_accumulator_value, dtype)

    def update_step(self, grad, param, lr, accumulator):
        a = accumulator
        x, d = scratch(param, 2)                                    # temporaries, reused
        np.square(grad, out=x); a += x                              # a += g^2
        np.add(a, self.epsilon, out=d); np.sqrt(d, out=d)           # d = sqrt(a + eps)
        np.multiply(grad, lr, out=x); x /= d; param -= x            # p -= lr g / d

    def get_config(self):
        return {**super().get_config(),
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}
