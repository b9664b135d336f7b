"""Adadelta: a step size from the ratio of two running RMS values."""
from __future__ import annotations

import numpy as np

from .._checks import check_fraction, check_non_negative
from ._base import Optimizer


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012).  Mirrors ``keras.optimizers.Adadelta``.

        E[g^2]_t  = rho E[g^2]_{t-1} + (1 - rho) g_t^2
        dx_t      = - sqrt(E[dx^2]_{t-1} + epsilon) g_t / sqrt(E[g^2]_t + epsilon)
        E[dx^2]_t = rho E[dx^2]_{t-1} + (1 - rho) dx_t^2
        p_t       = p_{t-1} + lr dx_t

    Defaults as Keras: learning_rate=0.001, rho=0.95, epsilon=1e-7.
    """

    slot_names = ("accumulated_grad", "accumulated_delta_var")

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        check_fraction("rho", rho)
        check_non_negative("epsilon", epsilon)
        self.rho, self.epsilon = rho, epsilon

    def update_step(self, grad, param, lr, accumulated_grad, accumulated_delta_var):
        rho, eps = self.rho, self.epsilon
        accumulated_grad[...] = rho * accumulated_grad + (1 - rho) * np.square(grad)
        delta = -(np.sqrt(accumulated_delta_var + eps) * grad / np.sqrt(accumulated_grad + eps))
        accumulated_delta_var[...] = rho * accumulated_delta_var + (1 - rho) * np.square(delta)
        param += lr * delta

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
