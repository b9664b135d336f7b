"""REINFORCE's hand-written policy gradient next to the Keras backend's (tf.GradientTape or jax.vjp)."""
from __future__ import annotations

import numpy as np

from ._autodiff import backend_value_and_grad
from ._table import Comparison, absdiff


def compare_policy_gradient(policy, states, actions, weights):
    """``policy.log_prob_gradient`` vs the backend's gradient of sum_t w_t log pi(a_t | s_t), same weights.

    ``policy`` is a :class:`course_lib.reinforce.SoftmaxPolicy`; the Keras side recomputes
    log softmax(tanh(s W1 + b1) W2 + b2)[a] with ``keras.ops`` in float64 and differentiates it with
    the backend.  Rows: ``"value"`` (the weighted sum of log-probabilities) and ``"d/dW1"`` ... ``"d/db2"``.
    """
    import keras

    states = np.asarray(states, dtype=np.float64)
    one_hot = np.eye(policy.n_actions)[np.asarray(actions)]
    weights = np.asarray(weights, dtype=np.float64)

    def objective(W1, b1, W2, b2):
        ops = keras.ops
        logits = ops.matmul(ops.tanh(ops.matmul(states, W1) + b1), W2) + b2
        return ops.sum(weights * ops.sum(one_hot * ops.log_softmax(logits, axis=-1), axis=-1))

    value, theirs = backend_value_and_grad(objective, [p.copy() for p in policy.params])
    ours_value = float(np.sum(weights * policy.log_probs(states, actions)))
    ours = policy.log_prob_gradient(states, actions, weights)
    rows = [("value", absdiff(ours_value, value))]
    rows += [(f"d/d{name}", absdiff(a, b)) for name, a, b in zip(("W1", "b1", "W2", "b2"), ours, theirs)]
    backend = keras.backend.backend()
    versus = "GradientTape" if backend == "tensorflow" else f"{backend} autodiff"
    return Comparison("REINFORCE log-prob gradient", "float64", rows, versus=versus)
