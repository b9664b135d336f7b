"""Adafactor: Adam's second moment in factored form, memory ~ rows + columns."""
from __future__ import annotations

import numpy as np

from .._checks import check_non_negative, check_number, check_positive
from ._base import Optimizer, keras_constant
from ._blocks import scratch


class Adafactor(Optimizer):
    """Adafactor (Shazeer & Stern, 2018, "Adafactor: Adaptive Learning Rates with
    Sublinear Memory Cost").  Mirrors ``keras.optimizers.Adafactor``.

        t       = iterations + 1
        rho_t   = min(lr, 1 / sqrt(t))                      (relative step size)
        alpha_t = max(epsilon_2, RMS(p_{t-1})) rho_t        (scaled by the parameter's size)
        beta_t  = 1 - t^beta_2_decay                        (decay rate that grows to 1)
        G       = g_t^2 + epsilon_1
        p of 2 or more dimensions (the last two are factored: rows i, columns j):
            r_t  = beta_t r_{t-1} + (1 - beta_t) mean_j G       (one number per row)
            c_t  = beta_t c_{t-1} + (1 - beta_t) mean_i G       (one number per column)
            v_t  = (r_t / mean(r_t)) c_t^T                      (rank-1 estimate of E[g^2])
        p of 0 or 1 dimension:
            v_t  = beta_t v_{t-1} + (1 - beta_t) G
        u_t     = g_t / sqrt(v_t)
        p_t     = p_{t-1} - alpha_t u_t / max(1, RMS(u_t) / clip_threshold)

    ``RMS(x) = sqrt(mean(x^2))``.  For an (n, m) matrix the state is n + m numbers
    instead of Adam's 2 n m: that is the point of the method.  (Keras also keeps a
    full-size ``velocity`` variable for every matrix, recomputed from r and c each
    step; we compute v_t in a temporary instead.)  There is no first moment.

    ``relative_step`` is accepted for Keras's sake but changes nothing, in Keras
    too: Keras sets ``lr = min(lr, 1/sqrt(t))`` when it is True, and rho_t applies
    the same minimum anyway.
    Defaults as Keras: learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30,
    epsilon_2=1e-3, clip_threshold=1.0, relative_step=True.
    """

    elementwise = False     # RMS(p), RMS(u) and the row/column means span the whole array

    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3,
                 clip_threshold=1.0, relative_step=True, **kwargs):
        super().__init__(learning_rate, **kwargs)
        check_number("beta_2_decay", beta_2_decay)
        if not beta_2_decay < 0:
            raise ValueError("`beta_2_decay` must be a float < 0 (beta_t = 1 - t^beta_2_decay "
                             f"must grow towards 1). Received: beta_2_decay={beta_2_decay!r}")
        check_non_negative("epsilon_1", epsilon_1)
        check_non_negative("epsilon_2", epsilon_2)
        check_positive("clip_threshold", clip_threshold)
        self.beta_2_decay, self.epsilon_1, self.epsilon_2 = beta_2_decay, epsilon_1, epsilon_2
        self.clip_threshold, self.relative_step = clip_threshold, bool(relative_step)

    def build_slots(self, param):
        if param.ndim < 2:                                          # not factored: v, like Adam's
            return {"velocity": np.zeros_like(param)}
        return {"r": np.zeros(param.shape[:-1], param.dtype),      # a mean over the last axis
                "c": np.zeros(param.shape[:-2] + param.shape[-1:], param.dtype)}  # over the one before

    def update_step(self, grad, param, lr, r=None, c=None, velocity=None):
        dtype = param.dtype.type
        t = dtype(self.iterations + 1)
        rho = min(lr, 1 / np.sqrt(t))                               # rho_t = min(lr, 1/sqrt(t))
        alpha = max(keras_constant(self.epsilon_2, param.dtype), _rms(param)) * rho
        beta = 1 - t ** dtype(self.beta_2_decay)                    # beta_t = 1 - t^decay

        G, u = scratch(param, 2)                                    # temporaries
        np.square(grad, out=G); G += self.epsilon_1                 # G = g^2 + eps_1
        if velocity is not None:
            v = velocity
            v *= beta; G *= 1 - beta; v += G                        # v = beta v + (1 - beta) G
        else:
            r *= beta; r += (1 - beta) * G.mean(axis=-1)            # r = beta r + (1 - beta) mean_j G
            c *= beta; c += (1 - beta) * G.mean(axis=-2)            # c = beta c + (1 - beta) mean_i G
            v = G                                                   # (G is free again: v there)
            row = r / r.mean(axis=-1, keepdims=True)                # r / mean(r)
            np.multiply(row[..., :, None], c[..., None, :], out=v)  # v = (r / mean(r)) c^T
        np.sqrt(v, out=u); np.divide(grad, u, out=u)                # u = g / sqrt(v)
        u /= max(dtype(1.0), _rms(u) / self.clip_threshold)         # u /= max(1, RMS(u) / d)
        u *= alpha; param -= u                                      # p -= alpha u

    def get_config(self):
        return {**super().get_config(), "beta_2_decay": self.beta_2_decay,
                "epsilon_1": self.epsilon_1, "epsilon_2": self.epsilon_2,
                "clip_threshold": self.clip_threshold, "relative_step": self.relative_step}


def _rms(x):
    """sqrt(mean(x^2)), in x's dtype."""
    return np.sqrt(np.mean(np.square(x)))
