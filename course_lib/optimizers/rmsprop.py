"""RMSprop: divide by a running root-mean-square of the gradients."""
from __future__ import annotations

import numpy as np

from .._checks import check_fraction, check_non_negative
from ._base import Optimizer
from ._blocks import scratch


class RMSprop(Optimizer):
    """RMSprop (Hinton, 2012), optionally centered and with momentum.
    Mirrors ``keras.optimizers.RMSprop``.

        v_t = rho v_{t-1} + (1 - rho) g_t^2
        centered:  a_t = rho a_{t-1} + (1 - rho) g_t ;  d_t = v_t - a_t^2 + epsilon
        otherwise: d_t = v_t + epsilon
        u_t = lr g_t / sqrt(d_t)                 (epsilon is inside the root)
        momentum > 0:  m_t = momentum m_{t-1} + u_t ;  p_t = p_{t-1} - m_t
        otherwise:     p_t = p_{t-1} - u_t

    Defaults as Keras: learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
    centered=False.
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        check_fraction("rho", rho)
        check_fraction("momentum", momentum)
        check_non_negative("epsilon", epsilon)
        self.rho, self.momentum, self.epsilon = rho, momentum, epsilon
        self.centered = bool(centered)

    @property
    def slot_names(self):
        return (("velocity",) + (("momentum",) if self.momentum > 0 else ())
                + (("average_gradient",) if self.centered else ()))

    def update_step(self, grad, param, lr, velocity, momentum=None, average_gradient=None):
        rho, v, a, m = self.rho, velocity, average_gradient, momentum
        x, d = scratch(param, 2)                                    # temporaries, reused
        np.square(grad, out=x); x *= 1 - rho; v *= rho; v += x      # v = rho v + (1 - rho) g^2
        if self.centered:
            np.multiply(grad, 1 - rho, out=x); a *= rho; a += x     # a = rho a + (1 - rho) g
            np.square(a, out=d); np.subtract(v, d, out=d)           # d = v - a^2
            d += self.epsilon                                       # d += eps
        else:
            np.add(v, self.epsilon, out=d)                          # d = v + eps
        np.sqrt(d, out=d); np.multiply(grad, lr, out=x); x /= d     # x = lr g / sqrt(d)
        if m is not None:
            m *= self.momentum; m += x; param -= m                  # m = momentum m + x; p -= m
        else:
            param -= x                                              # p -= x

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}
