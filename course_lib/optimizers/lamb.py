"""LAMB: Adam with a layer-wise trust ratio."""
from __future__ import annotations

import numpy as np

from .._checks import check_betas
from ._base import Optimizer, keras_constant
from ._blocks import scratch


class Lamb(Optimizer):
    """LAMB (You et al., 2020, "Large Batch Optimization for Deep Learning").
    Mirrors ``keras.optimizers.Lamb``.

        t     = iterations + 1
        m_t   = m_{t-1} + (g_t - m_{t-1}) (1 - beta_1)
        v_t   = v_{t-1} + (g_t^2 - v_{t-1}) (1 - beta_2)
        r_t   = (m_t / (1 - beta_1^t)) / (sqrt(v_t / (1 - beta_2^t)) + epsilon)
        ratio = ||p_{t-1}|| / ||r_t||   (1 if either norm is 0)
        p_t   = p_{t-1} - ratio lr r_t

    The norms are over the whole parameter array, so this rule is not elementwise.
    Defaults as Keras: learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7.
    """

    slot_names = ("momentum", "velocity")
    elementwise = False

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        check_betas(beta_1, beta_2, epsilon)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def update_step(self, grad, param, lr, momentum, velocity):
        t = param.dtype.type(self.iterations + 1)
        beta_1_power = keras_constant(self.beta_1, param.dtype) ** t
        beta_2_power = keras_constant(self.beta_2, param.dtype) ** t
        m, v = momentum, velocity
        # Temporaries, reused.  A norm adds in memory order, so each square is laid out
        # like the array it squares (the slots are C-ordered; a parameter may not be).
        x, d, r = scratch(m, 3)
        np.subtract(grad, m, out=x); x *= 1 - self.beta_1; m += x   # m += (g - m)(1 - beta_1)
        np.square(grad, out=x); x -= v; x *= 1 - self.beta_2; v += x  # v += (g^2 - v)(1 - beta_2)
        np.divide(v, 1.0 - beta_2_power, out=d); np.sqrt(d, out=d)  # d = sqrt(v / (1 - beta_2^t))
        d += self.epsilon                                           # d += eps
        np.divide(m, 1.0 - beta_1_power, out=r); r /= d             # r = (m / (1 - beta_1^t)) / d
        np.square(r, out=x); r_norm = np.sqrt(np.sum(x))            # ||r||
        p2, = scratch(param, 1); np.square(param, out=p2)
        p_norm = np.sqrt(np.sum(p2))                                # ||p||
        ratio = p_norm / r_norm if p_norm > 0 and r_norm > 0 else param.dtype.type(1.0)
        r *= ratio * lr; param -= r                                 # p -= ratio lr r

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
