"""One training step of the digits MLP: course_lib vs Keras ``train_on_batch``.

The model is the one of ``course_lib.keras_check.compare_training``: 64 -> 32 (relu)
-> 10 (softmax), sparse categorical cross-entropy, Adam, float32, on scikit-learn's
digits (standardized).  Both sides start from the same weights and take the same
batches.  A step is forward pass, loss, gradients and the Adam update.

Keras is timed twice: compiled as ``compile()`` does by default on TensorFlow
(``jit_compile="auto"``: XLA) and with ``jit_compile=False`` (a ``tf.function``).
Times are medians of REPEATS rounds of STEPS steps each, measured side by side in
one run; the ratio column is Keras time / our time (> 1: we are faster).

Run:  .venv/bin/python benchmarks/train_step.py     (about 30 s on 2 cores)
"""
from __future__ import annotations

import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

BATCH_SIZES = (64, 128)
STEPS = 20      # steps per timed round
REPEATS = 15    # rounds; we report the median


def time_steps(train_on_batch, x, y, batch_size):
    """Median seconds per step over REPEATS rounds of STEPS consecutive batches."""
    n_batches = len(x) // batch_size
    batches = [(x[k * batch_size:(k + 1) * batch_size], y[k * batch_size:(k + 1) * batch_size])
               for k in range(n_batches)]
    for xb, yb in batches[:3]:  # warm-up: Keras traces and compiles on the first call
        train_on_batch(xb, yb)
    rounds = []
    for r in range(REPEATS):
        start = time.perf_counter()
        for s in range(STEPS):
            train_on_batch(*batches[(r * STEPS + s) % n_batches])
        rounds.append((time.perf_counter() - start) / STEPS)
    return float(np.median(rounds))


def main():
    import keras

    from course_lib import optimizers
    from course_lib.data import load_digits
    from course_lib.keras_check import keras_model_like
    from course_lib.nn import mlp

    x, y = load_digits("float32")
    print(f"Keras {keras.__version__} ({keras.backend.backend()}), digits {x.shape}, "
          f"MLP 64-32-10, Adam, float32; median of {REPEATS} x {STEPS} steps")
    header = f"{'batch':>5} | {'course_lib':>10} | {'keras XLA':>10} | {'keras tf.fn':>11} | {'XLA/ours':>8} | {'tf.fn/ours':>10}"
    print(header)
    print("-" * len(header))
    for batch_size in BATCH_SIZES:
        ours = mlp(seed=0)
        ours.compile(optimizers.Adam(), "sparse_categorical_crossentropy")
        times = {"ours": time_steps(ours.train_on_batch, x, y, batch_size)}
        for label, jit in (("xla", "auto"), ("tf.function", False)):
            theirs = keras_model_like(mlp(seed=0))
            theirs.compile(keras.optimizers.Adam(), "sparse_categorical_crossentropy", jit_compile=jit)
            times[label] = time_steps(theirs.train_on_batch, x, y, batch_size)
        t = {k: v * 1e3 for k, v in times.items()}
        print(f"{batch_size:>5} | {t['ours']:>8.3f}ms | {t['xla']:>8.3f}ms | {t['tf.function']:>9.3f}ms | "
              f"{t['xla'] / t['ours']:>8.2f} | {t['tf.function'] / t['ours']:>10.2f}")


if __name__ == "__main__":
    main()
