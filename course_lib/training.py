"""A minimal training loop: mini-batch gradient descent with any course_lib optimizer.

One epoch visits every training sample once, in mini-batches (see :mod:`course_lib.data`).
For each batch B the loop computes the batch loss and its gradient by automatic
differentiation, then lets the optimizer update the parameters in place:

    J_B(theta) = loss_fn(theta, X_B, y_B)
    g = grad J_B(theta)                      (course_lib.autodiff)
    theta <- optimizer.apply(g, theta)       (e.g. SGD: theta <- theta - lr * g)

After each epoch it records the loss on the *whole* training set, and the training
time spent so far, in a :class:`course_lib.callbacks.History` (Keras's record of a fit).  The time excludes these evaluations, so methods that evaluate
the same number of times are compared on their training work only.  This is the loop
that ``keras.Model.fit`` runs, stripped to what the course needs to measure.

:func:`minimize` is the same loop without data: gradient steps on a plain function
J(theta), for the 1-D and 2-D examples that show how the step size behaves (and, with
a hand-written gradient, for the optimizer explorer's 2-D landscapes).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from . import autodiff
from ._checks import check_int
from .callbacks import History
from .data import batch_indices, num_batches
from .experiments import steps_to_tolerance

__all__ = ["Reached", "Path", "train", "full_loss", "time_to_target", "minimize"]


@dataclass(frozen=True)
class Reached:
    """When a run first reached a target loss: after ``epochs`` epochs, ``seconds`` of training."""

    epochs: int
    seconds: float


def _check_params(params):
    if not isinstance(params, (list, tuple)) or not params:
        raise TypeError(f"Argument `params` must be a non-empty list of numpy arrays. Received: {type(params).__name__}")
    for i, p in enumerate(params):
        if not isinstance(p, np.ndarray) or not np.issubdtype(p.dtype, np.floating):
            raise TypeError(f"Argument `params[{i}]` must be a floating-point numpy array (updated in place).")


def full_loss(loss_fn, params, X, y) -> float:
    """The loss on the whole data set, J(theta) = loss_fn(theta, X, y), as a float (no graph recorded)."""
    with autodiff.no_grad():
        value = loss_fn([autodiff.Tensor(p) for p in params], X, y)
    return float(autodiff.as_tensor(value).data)


def train(loss_fn, params, optimizer, X, y, *, batch_size=None, epochs=1, seed=0, shuffle=True,
          record_params=False) -> History:
    """Train ``params`` in place with mini-batch gradient descent; return a :class:`~course_lib.callbacks.History`.

    ``loss_fn(params, X_batch, y_batch)`` takes a list of autodiff Tensors (one per
    parameter array) and returns a scalar Tensor.  ``optimizer`` is a course_lib
    optimizer (``optimizer.apply(grads, params)`` updates the arrays in place).
    ``batch_size=None`` means the whole set (batch gradient descent); 1 is stochastic
    gradient descent.  ``seed`` fixes the shuffling: one ``numpy.random.Generator``
    drawn from it gives a new permutation every epoch (``shuffle=False``: the data's own
    order every epoch, as ``keras.Model.fit(shuffle=False)``).  A full batch
    (``batch_size >= len(X)``) is never shuffled: the order of the samples cannot change
    its gradient, only its rounding.  The loop stops after the first epoch whose full
    loss is not finite (the run diverged: ``history.diverged``).

    The History holds, for k = 0, 1, ..., epochs (``history.epoch == [0, 1, ...]``, so k
    counts the epochs *done*: entry 0 is the start, before any step, which Keras's fit
    does not log): ``history.history["loss"][k]``, the full-training-set loss, and
    ``history.history["time"][k]``, the training seconds spent until then (evaluations
    excluded).  Per step: ``history.step_loss`` (each mini-batch loss, the noisy path that
    the optimizer sees) and, with ``record_params=True``, ``history.params_path`` (a copy of
    the parameters after each step).  ``history.params`` holds the batch size, the
    learning rate, the epochs asked for and the steps per epoch.

    Why a second loop beside :meth:`course_lib.nn.Sequential.fit`: this one trains a bare
    list of arrays under any loss function of them, and times and evaluates the full loss
    between epochs, to compare optimizers fairly; ``fit`` trains a model with layers,
    metrics, validation data, callbacks and a progress bar.  Merged, the one-screen loop
    that notebooks 01 and 03 read would carry a model and a callback protocol it does not need.
    """
    _check_params(params)
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"Arguments `X` and `y` must have the same number of samples; got {len(X)} and {len(y)}.")
    epochs = check_int("epochs", epochs, minimum=0)
    batch_size = len(X) if batch_size is None else batch_size
    num_batches(len(X), batch_size)  # validates batch_size (clear ValueError)
    rng = np.random.default_rng(seed)
    history = History()
    history.set_params({"batch_size": int(batch_size), "learning_rate": float(optimizer.current_learning_rate),
                        "epochs": epochs, "steps": num_batches(len(X), batch_size)})
    history.on_train_begin()
    history.on_epoch_end(0, {"loss": full_loss(loss_fn, params, X, y), "time": 0.0})  # the start
    elapsed = 0.0
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        for idx in batch_indices(len(X), batch_size, rng=rng, shuffle=shuffle and batch_size < len(X)):
            watched = [autodiff.Tensor(p, requires_grad=True) for p in params]
            loss = loss_fn(watched, X[idx], y[idx])
            loss.backward()
            optimizer.apply([w.grad for w in watched], params)
            history.step_loss.append(float(loss.data))
            if record_params:
                elapsed += time.perf_counter() - start  # copying is bookkeeping, not training
                history.params_path.append([p.copy() for p in params])
                start = time.perf_counter()
        elapsed += time.perf_counter() - start
        history.on_epoch_end(epoch, {"loss": full_loss(loss_fn, params, X, y), "time": elapsed})
        if history.diverged:
            break  # diverged: more steps would only feed NaN gradients to the optimizer
    return history


def time_to_target(history: History, target: float) -> Reached | None:
    """The first epoch (and training time) at which the full loss is <= ``target``; None if never.

    ``history`` is what :func:`train` returned (entry k of its logs is after k epochs).
    """
    if not math.isfinite(target):
        raise ValueError(f"Argument `target` must be a finite number. Received: target={target!r}")
    epochs = steps_to_tolerance(history.history["loss"], target)
    return None if epochs is None else Reached(epochs, history.history["time"][epochs])


class Path(NamedTuple):
    """Iterates of :func:`minimize`: ``points[t]`` is theta after ``t`` steps, ``losses[t] = J(points[t])``.

    Both have ``steps + 1`` rows (row 0 is the start).  Rows after a divergence (theta or J
    no longer finite, or a gradient with NaN/inf) are NaN.
    """

    points: np.ndarray
    losses: np.ndarray

    @property
    def diverged(self) -> bool:
        """True when the run stopped early: its last loss is NaN."""
        return bool(np.isnan(self.losses[-1]))


def minimize(f, theta0, optimizer, steps: int, grad=None) -> Path:
    """Run ``steps`` optimizer steps on ``J = f(theta)`` from ``theta0``; return the :class:`Path`.

    Each step: g = grad J(theta), then ``optimizer.apply([g], [theta])`` (for SGD:
    theta <- theta - lr g).  Without ``grad``, ``f`` maps an autodiff Tensor to a scalar
    Tensor and g comes from autodiff; with ``grad`` (a hand-written gradient, numpy in and
    out) ``f`` and ``grad`` are called on the numpy array theta.  ``theta0`` (a number or
    array) is not modified.  The run stops where theta, J or g stops being finite.
    """
    steps = check_int("steps", steps, minimum=0)
    theta = np.array(theta0, dtype=np.float64)
    if not np.all(np.isfinite(theta)):
        raise ValueError("Argument `theta0` must contain only finite numbers.")
    value_and_grad = autodiff.value_and_grad(f) if grad is None else lambda t: (f(t), grad(t))
    points = np.full((steps + 1,) + theta.shape, np.nan)
    losses = np.full(steps + 1, np.nan)
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is an outcome to show, not an error
        for t in range(steps + 1):
            if not np.all(np.isfinite(theta)):
                break
            value, g = value_and_grad(theta)
            if not math.isfinite(float(value)):
                break
            points[t], losses[t] = theta, float(value)
            if t == steps or not np.all(np.isfinite(g)):
                break  # optimizers refuse a NaN/inf gradient: the run ends here
            optimizer.apply([g], [theta])
    return Path(points, losses)
