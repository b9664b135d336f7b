"""Adadelta: a step size from the ratio of two running RMS values."""
from __future__ import annotations

import numpy as np

from .._checks import check_fraction, check_non_negative
from ._base import Optimizer
from ._blocks import scratch


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
        eg, edx = accumulated_grad, accumulated_delta_var           # E[g^2], E[dx^2]
        x, dx = scratch(param, 2)                                   # temporaries, reused
        np.square(grad, out=x); x *= 1 - rho                        # x = (1 - rho) g^2
        eg *= rho; eg += x                                          # E[g^2] = rho E[g^2] + x
        np.add(edx, eps, out=dx); np.sqrt(dx, out=dx); dx *= grad   # dx = sqrt(E[dx^2] + eps) g
        np.add(eg, eps, out=x); np.sqrt(x, out=x)                   # x = sqrt(E[g^2] + eps)
        dx /= x; np.negative(dx, out=dx)                            # dx = -dx / x
        np.square(dx, out=x); x *= 1 - rho                          # x = (1 - rho) dx^2
        edx *= rho; edx += x                                        # E[dx^2] = rho E[dx^2] + x
        dx *= lr; param += dx                                       # p += lr dx

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
