"""FTRL-Proximal: follow the regularized leader, with L1/L2 regularization."""
from __future__ import annotations

import numpy as np

from .._checks import check_non_negative, check_number
from ._base import Optimizer, keras_constant
from ._blocks import scratch


class Ftrl(Optimizer):
    """FTRL-Proximal (McMahan et al., 2013, "Ad Click Prediction").
    Mirrors ``keras.optimizers.Ftrl``.  With c = -learning_rate_power (1/2 by default):

        g'    = g + 2 l2_shrinkage p
        n_t   = n_{t-1} + g^2                               (n_0 = initial_accumulator_value)
        z_t   = z_{t-1} + g' - (n_t^c - n_{t-1}^c) / lr * p
        l2'   = l2 + beta / (2 lr)
        q     = n_t^c / lr + 2 l2'
        p_t   = (clip(z_t, -l1, l1) - z_t) / q              (0 where |z_t| <= l1: sparsity)

    Defaults as Keras: learning_rate=0.001, learning_rate_power=-0.5,
    initial_accumulator_value=0.1, l1/l2/l2_shrinkage_regularization_strength=0, beta=0.
    """

    slot_names = ("accumulator", "linear")

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5,
                 initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, l2_shrinkage_regularization_strength=0.0,
                 beta=0.0, **kwargs):
        super().__init__(learning_rate, **kwargs)
        check_number("learning_rate_power", learning_rate_power)
        if not learning_rate_power <= 0:
            raise ValueError("`learning_rate_power` must be a float <= 0. "
                             f"Received: learning_rate_power={learning_rate_power!r}")
        for name, value in [("initial_accumulator_value", initial_accumulator_value),
                            ("l1_regularization_strength", l1_regularization_strength),
                            ("l2_regularization_strength", l2_regularization_strength),
                            ("l2_shrinkage_regularization_strength",
                             l2_shrinkage_regularization_strength),
                            ("beta", beta)]:
            check_non_negative(name, value)
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def initial_slot_value(self, name, dtype):
        return keras_constant(self.initial_accumulator_value, dtype) if name == "accumulator" else 0.0

    def update_step(self, grad, param, lr, accumulator, linear):
        c = -self.learning_rate_power
        l1 = self.l1_regularization_strength
        l2 = self.l2_regularization_strength + self.beta / (2.0 * lr)
        n, z = accumulator, linear
        g2, x, y = scratch(param, 3)                                # temporaries, reused
        np.multiply(param, 2 * self.l2_shrinkage_regularization_strength, out=g2)
        g2 += grad                                                  # g' = g + 2 l2_shrinkage p
        np.power(n, c, out=x)                                       # x = n_{t-1}^c
        np.square(grad, out=y); n += y                              # n_t = n_{t-1} + g^2
        np.power(n, c, out=y)                                       # y = n_t^c
        np.subtract(y, x, out=x); x /= lr; x *= param               # x = (n_t^c - n_{t-1}^c) / lr p
        g2 -= x; z += g2                                            # z += g' - x
        y /= lr; y += 2 * l2                                        # q = n_t^c / lr + 2 l2'
        np.clip(z, -l1, l1, out=x); x -= z; np.divide(x, y, out=param)  # p = (clip(z, -l1, l1) - z) / q

    def get_config(self):
        return {**super().get_config(), "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                "beta": self.beta}
