"""Nadam: Adam with Nesterov momentum."""
from __future__ import annotations

import numpy as np

from .._checks import check_betas
from ._base import Optimizer, keras_constant
from ._blocks import scratch


class Nadam(Optimizer):
    """Nadam (Dozat, 2016) with the momentum schedule of Keras.
    Mirrors ``keras.optimizers.Nadam``.

        t         = iterations + 1
        mu_t      = beta_1 (1 - 0.5 * 0.96^t)        (momentum schedule)
        P_t       = P_{t-1} mu_t                     (running product, P_0 = 1, one per optimizer)
        m_t       = m_{t-1} + (g_t - m_{t-1}) (1 - beta_1)
        v_t       = v_{t-1} + (g_t^2 - v_{t-1}) (1 - beta_2)
        m_hat     = mu_{t+1} m_t / (1 - P_t mu_{t+1}) + (1 - mu_t) g_t / (1 - P_t)
        v_hat     = v_t / (1 - beta_2^t)
        p_t       = p_{t-1} - lr m_hat / (sqrt(v_hat) + epsilon)

    Keras keeps P_t in the dtype of the first parameter and updates it with full
    precision beta_1 and 0.96, while mu_t inside the step uses their
    float32-rounded casts; we do the same.
    Defaults as Keras: learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7.
    """

    slot_names = ("momentum", "velocity")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        check_betas(beta_1, beta_2, epsilon)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def build(self, params):
        params = list(params)  # a generator would be used up by super().build
        super().build(params)
        self._u_product = (params[0].dtype if params else np.dtype("float32")).type(1.0)

    def before_step(self, params):
        dt = type(self._u_product)
        t = dt(self.iterations + 1)
        self._u_product = self._u_product * dt(self.beta_1) * (dt(1.0) - dt(0.5) * dt(0.96) ** t)

    def update_step(self, grad, param, lr, momentum, velocity):
        dt = param.dtype.type
        t = dt(self.iterations + 1)
        beta_1 = keras_constant(self.beta_1, param.dtype)
        beta_2 = keras_constant(self.beta_2, param.dtype)
        decay = keras_constant(0.96, param.dtype)
        u_t = beta_1 * (dt(1.0) - dt(0.5) * decay ** t)
        u_t_1 = beta_1 * (dt(1.0) - dt(0.5) * decay ** (t + dt(1)))
        u_product_t = dt(self._u_product)
        u_product_t_1 = u_product_t * u_t_1
        beta_2_power = beta_2 ** t

        m, v = momentum, velocity
        x, y = scratch(param, 2)                                    # temporaries, reused
        np.subtract(grad, m, out=x); x *= 1 - beta_1; m += x        # m += (g - m)(1 - beta_1)
        np.square(grad, out=x); x -= v; x *= 1 - beta_2; v += x     # v += (g^2 - v)(1 - beta_2)
        np.multiply(m, u_t_1, out=x); x /= 1 - u_product_t_1        # x = mu_{t+1} m / (1 - P_t mu_{t+1})
        np.multiply(grad, 1 - u_t, out=y); y /= 1 - u_product_t     # y = (1 - mu_t) g / (1 - P_t)
        x += y                                                      # m_hat = x + y
        np.divide(v, 1 - beta_2_power, out=y); np.sqrt(y, out=y)    # y = sqrt(v_hat)
        y += self.epsilon; x *= lr; x /= y; param -= x              # p -= lr m_hat / (y + eps)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
