"""Run every course_lib ↔ Keras comparison on the current Keras backend and device; print one table.

Usage:
    python tools/check_against_keras.py                    # TensorFlow backend (the course default)
    KERAS_BACKEND=jax python tools/check_against_keras.py  # e.g. on a GPU machine without TensorFlow

The pytest suite asserts the same comparisons on TensorFlow; this script is the one prepared
check for another backend or a GPU (CONTRIBUTING.md §6).  float32 only: JAX needs
JAX_ENABLE_X64 for float64 and casts differently from TensorFlow.  Exit status 1 if any
comparison exceeds its tolerance.

A second table lists the known, explained differences (``keras_check.KNOWN_DIFFERENCES``:
cases where the course keeps a result Keras does not give) with both numbers.  They are
neither passes nor failures; only an *unexpected* one (Keras changed) fails the run.
"""
from __future__ import annotations

import sys

import numpy as np

from course_lib import losses, optimizers, schedules
from course_lib.device import keras_backend, keras_device
from course_lib.keras_check import (TOLERANCE, check_known_differences, compare_loss, compare_optimizer,
                                    compare_schedule, compare_training, optimizer_tolerance)

TOL = TOLERANCE["float32"]  # the tests' bound; Ftrl's float32 exception comes from optimizer_tolerance
#: compare_training's bound (tests/test_nn.py): 50 float32 training steps of a whole MLP.
TRAINING_TOL = 1e-5

OPTIMIZERS = ["sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "adamax", "nadam", "lion", "lamb", "ftrl",
              "adafactor", "muon", "schedulefreeadamw"]
#: The base class's options, each on a few optimizers (row name: optimizer + options).
OPTIONS = {
    "adam + use_ema, ema_overwrite_frequency=5": ("adam", {"use_ema": True, "ema_overwrite_frequency": 5}),
    "sgd + use_ema, ema_overwrite_frequency=3": ("sgd", {"momentum": 0.9, "use_ema": True,
                                                         "ema_overwrite_frequency": 3}),
    "adam + gradient_accumulation_steps=3": ("adam", {"gradient_accumulation_steps": 3}),
    "lamb + gradient_accumulation_steps=2": ("lamb", {"gradient_accumulation_steps": 2}),
    "muon + accumulation 2, ema every 4": ("muon", {"gradient_accumulation_steps": 2, "use_ema": True,
                                                     "ema_overwrite_frequency": 4}),
}
#: compare_training runs (the digits MLP, 50 train_on_batch steps on both sides).
#: (schedulefreeadamw is left out: its MLP training run differs from Keras's fit by ~1 in the
#: loss although the optimizer comparisons agree; not yet explained.)
TRAINING = ["adafactor", "muon", "adam-ema-accumulation"]
SCHEDULES = {
    "ExponentialDecay": schedules.ExponentialDecay(0.1, 10, 0.9, staircase=True),
    "PiecewiseConstantDecay": schedules.PiecewiseConstantDecay([10, 50], [0.1, 0.05, 0.01]),
    "PolynomialDecay": schedules.PolynomialDecay(0.1, 80, 0.001, power=2.0),
    "InverseTimeDecay": schedules.InverseTimeDecay(0.1, 10, 0.5),
    "CosineDecay": schedules.CosineDecay(0.1, 80, alpha=0.1, warmup_target=0.5, warmup_steps=10),
    "CosineDecayRestarts": schedules.CosineDecayRestarts(0.1, 20, t_mul=1.5, m_mul=0.8),
}


def _loss_inputs(rng):
    labels = (rng.random((16, 1)) > 0.5).astype("float32")
    probs = rng.uniform(0.01, 0.99, (16, 1)).astype("float32")
    onehot = np.eye(4, dtype="float32")[rng.integers(0, 4, 16)]
    softmax = rng.dirichlet(np.ones(4), 16).astype("float32")
    return {"binary": (labels, probs), "categorical": (onehot, softmax)}


LOSSES = {
    "MeanSquaredError": ("binary", losses.MeanSquaredError()),
    "MeanAbsoluteError": ("binary", losses.MeanAbsoluteError()),
    "Huber": ("binary", losses.Huber()),
    "LogCosh": ("binary", losses.LogCosh()),
    "BinaryCrossentropy": ("binary", losses.BinaryCrossentropy()),
    "BinaryFocalCrossentropy": ("binary", losses.BinaryFocalCrossentropy()),
    "Hinge": ("binary", losses.Hinge()),
    "SquaredHinge": ("binary", losses.SquaredHinge()),
    "CategoricalCrossentropy": ("categorical", losses.CategoricalCrossentropy()),
    "CategoricalFocalCrossentropy": ("categorical", losses.CategoricalFocalCrossentropy()),
    "CategoricalHinge": ("categorical", losses.CategoricalHinge()),
}


def main() -> int:
    print(f"Keras backend: {keras_backend()} · device: {keras_device()}")
    rows = []
    for name in OPTIMIZERS:
        diff = compare_optimizer(optimizers.get(name), steps=100, dtype="float32").max_diff
        rows.append(("optimizer", name, diff, optimizer_tolerance(name, "float32")))
    for label, (name, kwargs) in OPTIONS.items():
        diff = compare_optimizer(optimizers.get(name, **kwargs), steps=100, dtype="float32").max_diff
        rows.append(("option", label, diff, optimizer_tolerance(name, "float32")))
    for name in TRAINING:
        rows.append(("training", name, compare_training(name, dtype="float32").max_diff, TRAINING_TOL))
    for name, schedule in SCHEDULES.items():
        rows.append(("schedule", name, compare_schedule(schedule, dtype="float32").max_diff, TOL))
    inputs = _loss_inputs(np.random.default_rng(0))
    for name, (kind, loss) in LOSSES.items():
        diff = compare_loss(loss, None, *inputs[kind]).max_diff
        rows.append(("loss", name, diff, TOL))
    failed = 0
    print(f"{'kind':<10} {'name':<44} {'max |ours-keras|':>17} {'tolerance':>10}  ok")
    for kind, name, diff, tol in rows:
        ok = diff <= tol
        failed += not ok
        print(f"{kind:<10} {name:<44} {diff:>17.1e} {tol:>10.0e}  {'yes' if ok else 'NO'}")
    print(f"{len(rows) - failed} passed, {failed} failed")
    unexpected = print_known_differences()
    return 1 if failed or unexpected else 0


def print_known_differences() -> int:
    """Print the known, explained differences with both numbers; return how many were unexpected."""
    results = check_known_differences()
    print(f"\nKnown, explained differences (kept on purpose; neither passed nor failed): {len(results)}")
    for result in results:
        print(f"- {result}")
    unexpected = sum(not r.as_expected for r in results)
    print(f"{len(results) - unexpected} known as explained, {unexpected} unexpected")
    return unexpected


if __name__ == "__main__":
    sys.exit(main())
