"""One optimizer step at 1e5, 1e6, 1e7 float32 parameters: course_lib vs Keras, and the floor.

Usage:  python benchmarks/optimizer_step.py [--sizes 1e5 1e6 1e7] [--reps 11]

For Adam and SGD with momentum (the hyperparameters of
``keras_check``'s training comparison: Adam lr=1e-3, SGD lr=1e-2 momentum=0.9), times the median of ``reps`` steps of:

- ours        ``course_lib.optimizers`` (numpy, in place, block by block with reused
              scratch arrays; a big step shared among the cores when the timings of
              earlier steps say that pays, see ``optimizers/_blocks.py``)
- ours-1t     the same on one thread (``_blocks.THREADS = 1``): bit-identical results
- keras       Keras 3 ``optimizer.apply`` called eagerly
- keras-fn    the same inside ``tf.function`` (as ``model.fit`` runs it)
- keras-xla   the same with ``jit_compile=True`` (XLA; may use every core)
- floor       the memory traffic of the step at the one-thread copy bandwidth
              measured in this run: Adam reads p, g, m, v and writes p, m, v
              (28 bytes/param); SGD-momentum reads p, g, v and writes p, v (20).
              The copy is timed in the same interleaved loop as the steps.

Prints one table of median times and ratios to "ours", measured side by side in one
run (absolute times on a shared machine are noisy; ratios less so), the spread
(min-max) of each column at 1e7, the machine's load average, then whether the
targets are met in this run at 1e7 parameters: Adam within 1.5x of the floor and
within 1.3x of Keras XLA; SGD-momentum within 1.3x of the floor; ours never slower
than ours-1t (judged with a 5% margin for noise).
Finishes in under a minute on a 2-core machine (more when other programs load it).
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

BYTES_PER_PARAM = {"adam": 28, "sgd-momentum": 20}
#: Benchmark kind -> key of keras_check's TRAINING_OPTIMIZERS (class name and hyperparameters).
TRAINING_KEY = {"adam": "adam", "sgd-momentum": "sgd"}


def interleaved_times(fns, reps):
    """Seconds of each of ``reps`` calls of each function, interleaved so all see the same load.

    Each round runs them in a new (seeded) random order, so that no function always
    runs right after the one that flushed the caches.
    """
    for fn in fns.values():
        fn()  # warm up (tracing, compilation, first-touch page faults)
    times = {name: [] for name in fns}
    rng = np.random.default_rng(0)
    for _ in range(reps):
        for name in rng.permutation(list(fns)):
            fn = fns[name]
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return times


def copier():
    """A one-thread numpy copy (read + write) of 64 MB arrays, and the bytes it moves."""
    src = np.ones(16_000_000, dtype=np.float32)
    dst = np.empty_like(src)
    return (lambda: np.copyto(dst, src)), 2 * src.nbytes


def one_thread(step):
    """``step`` run with the optimizer's blocks on the calling thread only."""
    from course_lib.optimizers import _blocks

    def run():
        threads, _blocks.THREADS = _blocks.THREADS, 1
        try:
            step()
        finally:
            _blocks.THREADS = threads
    return run


def make_optimizer(kind, module):
    """The ``kind`` optimizer from ``module`` (``course_lib.optimizers`` or ``keras.optimizers``)."""
    from course_lib.keras_check._nn import TRAINING_OPTIMIZERS

    class_name, kwargs = TRAINING_OPTIMIZERS[TRAINING_KEY[kind]]
    return getattr(module, class_name)(**kwargs)


def _apply_step(opt, var, grad):
    def step():
        opt.apply([grad], [var])
    return step


def _synced(step, var):
    def run():
        step()
        var.value[0].numpy()
    return run


def bench(kind, n, reps):
    """Times (lists of seconds) of every column for one optimizer at ``n`` parameters."""
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(0)
    p = rng.normal(size=n).astype(np.float32)
    g = (rng.normal(size=n) * 1e-3).astype(np.float32)
    from course_lib import optimizers

    ours = make_optimizer(kind, optimizers)
    steps = {"ours": lambda: ours.apply([g], [p])}
    steps["ours-1t"] = one_thread(steps["ours"])
    for mode in ("keras", "keras-fn", "keras-xla"):
        opt, var = make_optimizer(kind, keras.optimizers), keras.Variable(p)
        opt.build([var])
        step = _apply_step(opt, var, tf.constant(g))  # a closure: not tf.function inputs
        if mode != "keras":
            # .numpy() of one element waits for the asynchronous step to finish
            step = _synced(tf.function(step, jit_compile=(mode == "keras-xla")), var)
        steps[mode] = step
    steps["copy"], copied_bytes = copier()
    times = interleaved_times(steps, reps)
    # floor: the step's bytes at the bandwidth of each interleaved copy
    times["floor"] = [BYTES_PER_PARAM[kind] * n * t / copied_bytes for t in times.pop("copy")]
    return times, thread_costs(ours, n)


def thread_costs(opt, n):
    """What ``ours`` measured of its own steps: ``{threads: ns per parameter}`` (empty
    when the step was too small to share, or there is one core)."""
    from course_lib.optimizers import _blocks

    costs = _blocks.thread_choice.costs((type(opt), n.bit_length()))
    return {threads: round(seconds * 1e9, 3) for threads, seconds in sorted(costs.items())}


#: Targets at 1e7 parameters (medians of one run): ours / floor, and ours / keras-xla.
TARGETS = {"adam": {"floor": 1.5, "keras-xla": 1.3}, "sgd-momentum": {"floor": 1.3}}
#: "Never slower than our own one-thread step", with this margin for timing noise.
ONE_THREAD_MARGIN = 1.05


def spread(times, column):
    """``min-max`` of a column, in ms."""
    return f"{min(times[column]) * 1e3:.2f}-{max(times[column]) * 1e3:.2f}"


def verdict(kind, times):
    """Lines saying whether the targets are met by the 1e7 row of ``kind`` in this run."""
    med = {c: statistics.median(t) for c, t in times.items()}
    ours = med["ours"]
    met = {True: "MET", False: "NOT MET"}
    lines = [f"{kind} at 1e7 float32 parameters, medians of this run:"]
    for column, limit in TARGETS[kind].items():
        ratio = ours / med[column]
        lines.append(f"  ours within {limit}x of {column:<9}: {ours * 1e3:.2f} ms vs {med[column] * 1e3:.2f} ms"
                     f" (ours/{column} = {ratio:.2f})  -> {met[ratio <= limit]}")
    ratio = ours / med["ours-1t"]
    lines.append(f"  ours not slower than ours-1t: {ours * 1e3:.2f} ms vs {med['ours-1t'] * 1e3:.2f} ms"
                 f" (ours/ours-1t = {ratio:.2f})  -> {met[ratio <= ONE_THREAD_MARGIN]}")
    lines.append("  spread (min-max ms): " + ", ".join(f"{c} {spread(times, c)}" for c in times))
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e5, 1e6, 1e7])
    parser.add_argument("--reps", type=int, default=11)
    args = parser.parse_args()

    import keras
    import tensorflow as tf

    print(f"Keras {keras.__version__}, TensorFlow {tf.__version__}, numpy {np.__version__}, "
          f"{os.cpu_count()} CPU cores")
    print(f"median of {args.reps} steps, float32; ratio = time / ours (> 1: slower than ours)\n")
    cols = ["ours", "ours-1t", "keras", "keras-fn", "keras-xla", "floor"]
    header = f"{'optimizer':<13}{'params':>8}" + "".join(f"{c:>11}" for c in cols)
    header += "".join(f"{c + '/ours':>15}" for c in cols[1:])
    print(header)
    print("-" * len(header))
    targets = {}
    for kind in ("adam", "sgd-momentum"):
        for n in args.sizes:
            times, costs = bench(kind, int(n), args.reps)
            row = {c: statistics.median(t) for c, t in times.items()}
            line = f"{kind:<13}{n:>8.0e}" + "".join(f"{row[c] * 1e3:>9.2f}ms" for c in cols)
            line += "".join(f"{row[c] / row['ours']:>15.2f}" for c in cols[1:])
            print(line, flush=True)
            if int(n) == 10_000_000:
                targets[kind] = times, costs
    print()
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(f"load average (1, 5, 15 min) at the end: {load}; above ~0.5 other programs shared "
          f"the {os.cpu_count()} cores during this run, and ratios to the floor and to XLA suffer")
    for kind, (times, costs) in targets.items():
        print("\n".join(verdict(kind, times)))
        print(f"  ours' own running averages, ns per parameter by thread count: {costs} "
              "(it uses the faster)")
    if not targets:
        print("Targets: not judged (add 1e7 to --sizes)")


if __name__ == "__main__":
    main()
