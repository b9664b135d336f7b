"""Adamax: Adam with the infinity norm in place of the RMS."""
from __future__ import annotations

import numpy as np

from .._checks import check_betas
from ._base import Optimizer, keras_constant
from ._blocks import scratch


class Adamax(Optimizer):
    """Adamax (Kingma & Ba, 2015, section 7).  Mirrors ``keras.optimizers.Adamax``.

        t   = iterations + 1
        m_t = m_{t-1} + (g_t - m_{t-1}) (1 - beta_1)
        u_t = max(beta_2 u_{t-1}, |g_t|)
        p_t = p_{t-1} - lr m_t / ((1 - beta_1^t) (u_t + epsilon))

    Defaults as Keras: learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7.
    """

    slot_names = ("momentum", "norm")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        check_betas(beta_1, beta_2, epsilon)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def update_step(self, grad, param, lr, momentum, norm):
        t = param.dtype.type(self.iterations + 1)
        beta_1_power = keras_constant(self.beta_1, param.dtype) ** t
        m, u = momentum, norm
        x, d = scratch(param, 2)                                    # temporaries, reused
        np.subtract(grad, m, out=x); x *= 1 - self.beta_1; m += x   # m += (g - m)(1 - beta_1)
        np.abs(grad, out=x); u *= self.beta_2; np.maximum(u, x, out=u)  # u = max(beta_2 u, |g|)
        np.add(u, self.epsilon, out=d); d *= 1 - beta_1_power       # d = (1 - beta_1^t)(u + eps)
        np.multiply(m, lr, out=x); x /= d; param -= x               # p -= lr m / d

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
