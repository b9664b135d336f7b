"""Muon: momentum, orthogonalized by Newton-Schulz iterations, for matrix parameters."""
from __future__ import annotations

import numpy as np

from .._checks import check_betas, check_fraction, check_int, check_non_negative, check_number
from ._base import Optimizer, keras_constant
from ._blocks import scratch


class Muon(Optimizer):
    """Muon (Jordan et al., 2024; Liu et al., 2025, "Muon is Scalable for LLM Training").
    Mirrors ``keras.optimizers.Muon``.

    For a 2-D parameter (a weight matrix), SGD momentum whose step is replaced by the
    nearest orthogonal matrix, so that every direction of the matrix moves at the same
    rate however unbalanced the gradient's singular values are:

        m_t = m_{t-1} + g_t + (momentum - 1) m_{t-1}     (= momentum m_{t-1} + g_t)
        b_t = g_t + momentum m_t   (nesterov)   or   m_t
        O_t = NS5(b_t)                                  (~ U V^T from b_t = U S V^T)
        p_t = p_{t-1} - lr O_t sqrt(max(n, m)) rms_rate  (n, m: the matrix's shape)

    NS5 is five (``ns_steps``) Newton-Schulz iterations on X = b / (||b||_F + 1e-7)
    (transposed first if it has more rows than columns):

        A = X X^T;   X <- a X + (b A + c A A) X      (a, b, c = muon_a, muon_b, muon_c)

    a quintic polynomial that pushes every singular value of X towards ~1 without an
    SVD.  ``sqrt(max(n, m)) rms_rate`` (Moonlight's rule; ``rms_rate=None`` removes it)
    gives the update the RMS of an AdamW update, so AdamW's learning rate and weight
    decay carry over.

    Every other parameter (0-, 1-, 3-D...) gets an AdamW step (Keras's Adam form, see
    :class:`~course_lib.optimizers.Adam`) with ``adam_beta_1``, ``adam_beta_2``,
    ``epsilon``, ``lr adam_lr_ratio`` and weight decay ``adam_weight_decay``; matrices
    decay with ``weight_decay``.  Keras can also send chosen matrices (an embedding,
    the output layer: ``exclude_layers``, ``exclude_embeddings``) to AdamW by their
    variable names; numpy arrays have no names, so give those to a separate
    :class:`~course_lib.optimizers.AdamW` instead.

    Not elementwise: the orthogonalization mixes the whole matrix.
    Defaults as Keras: learning_rate=0.001, adam_beta_1=0.9, adam_beta_2=0.999,
    adam_weight_decay=0.004, epsilon=1e-7, weight_decay=0.004, muon_a=3.4445,
    muon_b=-4.7750, muon_c=2.0315, adam_lr_ratio=1, momentum=0.95, ns_steps=5,
    nesterov=True, rms_rate=0.2.
    """

    elementwise = False

    def __init__(self, learning_rate=0.001, adam_beta_1=0.9, adam_beta_2=0.999,
                 adam_weight_decay=0.004, epsilon=1e-7, weight_decay=0.004, muon_a=3.4445,
                 muon_b=-4.7750, muon_c=2.0315, adam_lr_ratio=1, momentum=0.95, ns_steps=5,
                 nesterov=True, rms_rate=0.2, **kwargs):
        super().__init__(learning_rate, weight_decay=weight_decay, **kwargs)
        check_fraction("adam_beta_1", adam_beta_1)
        check_fraction("adam_beta_2", adam_beta_2)
        check_betas(0.0, 0.0, epsilon)
        if adam_weight_decay is not None:
            check_non_negative("adam_weight_decay", adam_weight_decay)
        for arg, value in [("muon_a", muon_a), ("muon_b", muon_b), ("muon_c", muon_c)]:
            check_number(arg, value)
        check_non_negative("adam_lr_ratio", adam_lr_ratio)
        check_fraction("momentum", momentum)
        check_int("ns_steps", ns_steps, minimum=0)
        if rms_rate is not None:
            check_non_negative("rms_rate", rms_rate)
        self.adam_beta_1, self.adam_beta_2, self.epsilon = adam_beta_1, adam_beta_2, epsilon
        self.adam_weight_decay = adam_weight_decay
        self.muon_a, self.muon_b, self.muon_c = muon_a, muon_b, muon_c
        self.adam_lr_ratio, self.momentum, self.ns_steps = adam_lr_ratio, momentum, ns_steps
        self.nesterov, self.rms_rate = bool(nesterov), rms_rate

    def build_slots(self, param):
        # As in Keras, the presence of a velocity marks a parameter updated by AdamW.
        if param.ndim == 2:
            return {"momentum": np.zeros_like(param)}
        return {"momentum": np.zeros_like(param), "velocity": np.zeros_like(param)}

    def weight_decay_for(self, slots):
        return self.adam_weight_decay if "velocity" in slots else self.weight_decay

    def update_step(self, grad, param, lr, momentum, velocity=None):
        if velocity is None:
            self._muon_step(grad, param, lr, momentum)
        else:   # Keras multiplies its float32 learning rate by the ratio, in float32
            lr = param.dtype.type(np.float32(lr) * np.float32(self.adam_lr_ratio))
            self._adamw_step(grad, param, lr, momentum, velocity)

    def _muon_step(self, grad, param, lr, m):
        x, = scratch(param, 1)
        np.multiply(m, self.momentum - 1, out=x); x += grad; m += x  # m += g + (momentum - 1) m
        if self.nesterov:
            b = grad + self.momentum * m                            # b = g + momentum m
        else:
            b = m                                                   # b = m
        update = lr * self.newton_schulz(b)                         # lr O
        if self.rms_rate is not None:                               # (Keras takes the sqrt in float32)
            scale = np.sqrt(np.float32(max(param.shape)))
            update *= param.dtype.type(scale); update *= self.rms_rate  # lr O sqrt(max(n, m)) rms_rate
        param -= update

    def newton_schulz(self, b):
        """NS5: ~ U V^T for ``b = U S V^T``, by ``ns_steps`` quintic Newton-Schulz iterations."""
        a, b_, c = self.muon_a, self.muon_b, self.muon_c
        tall = b.shape[-2] > b.shape[-1]
        x = b.T if tall else b                                      # work on the wide side: X X^T is small
        x = x / (np.sqrt(np.sum(np.square(x))) + 1e-7)              # X = b / (||b||_F + 1e-7)
        for _ in range(self.ns_steps):
            A = x @ x.T                                             # A = X X^T
            B = b_ * A + (c * A) @ A                                # B = b A + c A A
            x = a * x + B @ x                                       # X = a X + B X
        return x.T if tall else x

    def _adamw_step(self, grad, param, lr, m, v):
        dtype = param.dtype.type
        t = dtype(self.iterations + 1)
        beta_1_power = keras_constant(self.adam_beta_1, param.dtype) ** t
        beta_2_power = keras_constant(self.adam_beta_2, param.dtype) ** t
        alpha = lr * np.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        x, d = scratch(param, 2)                                    # temporaries, reused
        np.subtract(grad, m, out=x); x *= 1 - self.adam_beta_1; m += x  # m += (g - m)(1 - beta_1)
        np.square(grad, out=x); x -= v; x *= 1 - self.adam_beta_2; v += x  # v += (g^2 - v)(1 - beta_2)
        np.sqrt(v, out=d); d += self.epsilon                        # d = sqrt(v) + eps
        np.multiply(m, alpha, out=x); x /= d; param -= x            # p -= alpha m / d

    def get_config(self):
        return {**super().get_config(), "adam_beta_1": self.adam_beta_1,
                "adam_beta_2": self.adam_beta_2, "adam_weight_decay": self.adam_weight_decay,
                "epsilon": self.epsilon, "muon_a": self.muon_a, "muon_b": self.muon_b,
                "muon_c": self.muon_c, "adam_lr_ratio": self.adam_lr_ratio,
                "momentum": self.momentum, "ns_steps": self.ns_steps, "nesterov": self.nesterov,
                "rms_rate": self.rms_rate}
