"""RMSprop: divide by a running root-mean-square of the gradients."""
from __future__ import annotations

import numpy as np

from .._checks import check_fraction, check_non_negative
from ._base import Optimizer


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
        rho = self.rho
        velocity[...] = rho * velocity + (1 - rho) * np.square(grad)
        if self.centered:
            average_gradient[...] = rho * average_gradient + (1 - rho) * grad
            denominator = velocity - np.square(average_gradient) + self.epsilon
        else:
            denominator = velocity + self.epsilon
        increment = lr * grad / np.sqrt(denominator)
        if momentum is not None:
            momentum[...] = self.momentum * momentum + increment
            param -= momentum
        else:
            param -= increment

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}
