"""One optimizer step at 1e5, 1e6, 1e7 float32 parameters: course_lib vs Keras, and the floor.

Usage:  python benchmarks/optimizer_step.py [--sizes 1e5 1e6 1e7] [--reps 5]

For Adam and SGD with momentum, times the median of ``reps`` steps of:

- ours        ``course_lib.optimizers`` (numpy, in place, block by block; one thread)
- keras       Keras 3 ``optimizer.apply`` called eagerly
- keras-fn    the same inside ``tf.function`` (as ``model.fit`` runs it)
- keras-xla   the same with ``jit_compile=True`` (XLA; may use every core)
- floor       the memory traffic of the step at the one-thread copy bandwidth
              measured in this run: Adam reads p, g, m, v and writes p, m, v
              (28 bytes/param); SGD-momentum reads p, g, v and writes p, v (20).

Prints one table of times and ratios to "ours", measured side by side in one run
(DESIGN.md §5: absolute times on a shared machine are noisy; ratios less so).
Finishes in well under 2 minutes on a 2-core machine.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

BYTES_PER_PARAM = {"adam": 28, "sgd-momentum": 20}


def median_times(fns, reps):
    """Median seconds of each function, the reps interleaved so that all see the same load."""
    for fn in fns.values():
        fn()  # warm up (tracing, compilation, first-touch page faults)
    times = {name: [] for name in fns}
    for _ in range(reps):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: statistics.median(t) for name, t in times.items()}


def copy_bandwidth(reps):
    """Bytes per second of a one-thread numpy copy (read + write) of 64 MB arrays."""
    src = np.ones(16_000_000, dtype=np.float32)
    dst = np.empty_like(src)
    return 2 * src.nbytes / median_times({"copy": lambda: np.copyto(dst, src)}, reps)["copy"]


def make_ours(kind):
    from course_lib import optimizers

    if kind == "adam":
        return optimizers.Adam(learning_rate=1e-3)
    return optimizers.SGD(learning_rate=1e-2, momentum=0.9)


def make_keras(kind):
    import keras

    if kind == "adam":
        return keras.optimizers.Adam(learning_rate=1e-3)
    return keras.optimizers.SGD(learning_rate=1e-2, momentum=0.9)


def _apply_step(opt, var, grad):
    def step():
        opt.apply([grad], [var])
    return step


def _synced(step, var):
    def run():
        step()
        var.value[0].numpy()
    return run


def bench(kind, n, reps, bandwidth):
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(0)
    p = rng.normal(size=n).astype(np.float32)
    g = (rng.normal(size=n) * 1e-3).astype(np.float32)
    ours = make_ours(kind)
    steps = {"ours": lambda: ours.apply([g], [p])}
    for mode in ("keras", "keras-fn", "keras-xla"):
        opt, var = make_keras(kind), keras.Variable(p)
        opt.build([var])
        step = _apply_step(opt, var, tf.constant(g))  # a closure: not tf.function inputs
        if mode != "keras":
            # .numpy() of one element waits for the asynchronous step to finish
            step = _synced(tf.function(step, jit_compile=(mode == "keras-xla")), var)
        steps[mode] = step
    row = median_times(steps, reps)
    row["floor"] = BYTES_PER_PARAM[kind] * n / bandwidth
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e5, 1e6, 1e7])
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()

    import keras
    import tensorflow as tf

    bandwidth = copy_bandwidth(args.reps)
    print(f"Keras {keras.__version__}, TensorFlow {tf.__version__}, numpy {np.__version__}, "
          f"{os.cpu_count()} CPU cores; one-thread copy bandwidth {bandwidth / 1e9:.1f} GB/s")
    print(f"median of {args.reps} steps, float32; ratio = time / ours (> 1: slower than ours)\n")
    cols = ["ours", "keras", "keras-fn", "keras-xla", "floor"]
    header = f"{'optimizer':<13}{'params':>8}" + "".join(f"{c:>11}" for c in cols)
    header += "".join(f"{c + '/ours':>15}" for c in cols[1:])
    print(header)
    print("-" * len(header))
    for kind in ("adam", "sgd-momentum"):
        for n in args.sizes:
            row = bench(kind, int(n), args.reps, bandwidth)
            line = f"{kind:<13}{n:>8.0e}" + "".join(f"{row[c] * 1e3:>9.2f}ms" for c in cols)
            line += "".join(f"{row[c] / row['ours']:>15.2f}" for c in cols[1:])
            print(line, flush=True)


if __name__ == "__main__":
    main()
