"""The learning-rate range test ("LR finder"): find a good learning rate in one short run.

Smith (2017, "Cyclical Learning Rates for Training Neural Networks", section 3.3) and the
fast.ai library popularized it.  Train for ``num_steps`` mini-batches while the learning
rate grows exponentially from ``start_lr`` to ``end_lr``:

    lr_k = start_lr * (end_lr / start_lr) ** (k / (num_steps - 1)),    k = 0 .. num_steps - 1

and record the batch loss L_k at each step.  Batch losses are noisy, so they are smoothed
by an exponential moving average with bias correction (as Adam corrects its moments):

    a_k = beta * a_{k-1} + (1 - beta) * L_k,   a_{-1} = 0
    S_k = a_k / (1 - beta ** (k + 1))

While the rate is too small, the loss hardly moves; in a good range it falls fast; past
the stability limit it shoots up.  The test stops early once S_k > diverge_factor * min S
(or a loss is NaN/inf).  Two usual suggestions read off the curve S(lr):

- "steepest": the rate where S falls fastest, argmin dS/d(log lr), before the minimum;
- "min_loss": the rate of the lowest S, divided by 10 (an order of magnitude below
  the point where training is about to become unstable).

Keras has no LR finder.  :func:`lr_range_test` works on a compiled
:class:`course_lib.nn.Sequential` (anything with ``train_on_batch``, ``optimizer``,
``get_weights``/``set_weights``) and, by default, puts the weights and the optimizer
back as they were, so the model can then be trained from the same start.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass

import numpy as np

from ._checks import check_choice, check_fraction, check_int, check_positive, check_vector
from .data import batch_indices
from .optimizers import NonFiniteGradientError

__all__ = ["exponential_rates", "smooth_losses", "LRFinderResult", "lr_range_test"]

SUGGESTIONS = ("steepest", "min_loss")
#: The "steepest" suggestion ignores the first steps: the smoothed curve rests on too few losses there.
SKIP_START = 10


# ------------------------------------------------------------------ the pieces
def exponential_rates(start_lr, end_lr, num_steps):
    """The rates of the range test: ``lr_k = start_lr * (end_lr / start_lr) ** (k / (num_steps - 1))``.

    Returns a float64 array of ``num_steps`` rates, from ``start_lr`` to ``end_lr``
    (equal spacing on a log axis).
    """
    start_lr, end_lr = check_positive("start_lr", start_lr), check_positive("end_lr", end_lr)
    if end_lr <= start_lr:
        raise ValueError(f"Argument `end_lr` must be > start_lr. Received: start_lr={start_lr}, end_lr={end_lr}")
    num_steps = check_int("num_steps", num_steps, minimum=2)
    return start_lr * (end_lr / start_lr) ** (np.arange(num_steps) / (num_steps - 1))


def smooth_losses(losses, beta=0.98):
    """Bias-corrected exponential moving average of a loss sequence.

        a_k = beta * a_{k-1} + (1 - beta) * L_k  (a_{-1} = 0),    S_k = a_k / (1 - beta ** (k + 1))

    ``beta = 0`` returns the losses unchanged.  A constant sequence stays constant (the
    correction removes the pull towards the starting 0).
    """
    beta = check_fraction("beta", beta)
    losses = check_vector("losses", losses)
    smoothed, average = np.empty_like(losses), 0.0
    for k, loss in enumerate(losses):
        average, smoothed[k] = _ema_step(average, loss, beta, k)
    return smoothed


def _ema_step(average, loss, beta, k):
    """One step of the smoothing: the new average a_k and its bias-corrected value S_k."""
    average = beta * average + (1 - beta) * loss
    return average, average / (1 - beta ** (k + 1))


@dataclass
class LRFinderResult:
    """What the range test recorded: one entry per step taken.

    ``learning_rates[k]`` is the rate of step k, ``losses[k]`` the batch loss at that
    step (before its update), ``smoothed[k]`` the smoothed loss S_k.  ``diverged`` is True
    when the test stopped early because the loss blew up; ``stop_lr`` is then the rate
    at which it stopped.
    """

    learning_rates: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    diverged: bool

    @property
    def stop_lr(self) -> float:
        """The last rate tried (where the test stopped, if it diverged)."""
        return float(self.learning_rates[-1])

    @property
    def min_loss_lr(self) -> float:
        """The rate with the lowest smoothed loss."""
        return float(self.learning_rates[self._argmin()])

    @property
    def steepest_lr(self) -> float:
        """The rate where the smoothed loss falls fastest: argmin of dS / d(log lr), before the minimum.

        The first ``SKIP_START`` (10) steps are left out: the smoothed curve rests on
        too few losses there.
        """
        end = self._argmin() + 1
        start = min(SKIP_START, max(end - 2, 0))
        if end - start < 2:
            raise ValueError("The loss was lowest at the very first steps: no descent to read a slope from. "
                             "Try a smaller `start_lr`.")
        slope = np.gradient(self.smoothed[start:end], np.log(self.learning_rates[start:end]))
        return float(self.learning_rates[start + int(np.argmin(slope))])

    def suggestion(self, method="steepest") -> float:
        """A learning rate to train with: ``"steepest"`` (default) or ``"min_loss"`` (min_loss_lr / 10)."""
        check_choice("method", method, SUGGESTIONS)
        return self.steepest_lr if method == "steepest" else self.min_loss_lr / 10

    def _argmin(self) -> int:
        finite = np.where(np.isfinite(self.smoothed), self.smoothed, np.inf)
        return int(np.argmin(finite))

    def plot(self, ax=None, methods=SUGGESTIONS):
        """Smoothed loss vs learning rate (log axis), with the suggested rates marked; returns the Axes."""
        if ax is None:
            import matplotlib.pyplot as plt

            ax = plt.figure(figsize=(7, 3.5)).subplots()
        ax.plot(self.learning_rates, self.losses, color="0.8", lw=1, label="batch loss")
        ax.plot(self.learning_rates, self.smoothed, lw=2, label="smoothed loss")
        for method, style in zip(methods, ("--", ":")):
            lr = self.suggestion(method)
            ax.axvline(lr, color="k", ls=style, lw=1, label=f"{method}: {lr:.2g}")
        finite = self.smoothed[np.isfinite(self.smoothed)]
        ax.set(xscale="log", xlabel="learning rate", ylabel="loss",
               ylim=(0.9 * finite.min(), min(finite.max(), 4 * finite[0]) * 1.05))
        ax.legend()
        ax.grid(True, alpha=0.3)
        return ax


# ------------------------------------------------------------------ the test
def lr_range_test(model, x, y, *, start_lr=1e-7, end_lr=10.0, num_steps=100, batch_size=32,
                  beta=0.98, diverge_factor=4.0, seed=0, restore=True) -> LRFinderResult:
    """Run the learning-rate range test on a compiled model; return an :class:`LRFinderResult`.

    Step k sets ``model.optimizer.learning_rate = lr_k`` (:func:`exponential_rates`) and
    trains on one mini-batch (``model.train_on_batch``).  Batches come from shuffled
    passes over ``(x, y)`` (reproducible with ``seed``), as many passes as needed.  The
    test stops after ``num_steps`` steps, or as soon as a loss is not finite (or the
    optimizer refuses a NaN/inf gradient: :class:`~course_lib.optimizers.NonFiniteGradientError`)
    or the smoothed loss exceeds ``diverge_factor`` times its minimum.  Any other error (a
    wrong shape, say) is raised as it is.  With ``restore=True`` the model's weights and
    optimizer are put back afterwards, also when an error is raised.
    """
    rates = exponential_rates(start_lr, end_lr, num_steps)
    beta = check_fraction("beta", beta)
    diverge_factor = check_positive("diverge_factor", diverge_factor)
    if diverge_factor <= 1:
        raise ValueError(f"Argument `diverge_factor` must be > 1. Received: diverge_factor={diverge_factor}")
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim == 0 or y.ndim == 0 or len(x) != len(y):
        raise ValueError(f"Arguments `x` and `y` must have the same number of samples; got shapes "
                         f"{x.shape} and {y.shape}")
    if not hasattr(model, "train_on_batch") or getattr(model, "optimizer", None) is None:
        raise ValueError("Argument `model` must be a compiled model (call model.compile(optimizer, loss) first).")

    saved = (model.get_weights(), copy.deepcopy(model.optimizer)) if restore else None
    try:
        losses, smoothed, diverged = _run(model, x, y, rates, batch_size, beta, diverge_factor, seed)
    finally:
        if saved is not None:
            model.set_weights(saved[0])
            model.optimizer = saved[1]
    steps = len(losses)
    return LRFinderResult(rates[:steps], np.array(losses), np.array(smoothed), diverged)


def _run(model, x, y, rates, batch_size, beta, diverge_factor, seed):
    """The loop of :func:`lr_range_test`: returns (losses, smoothed losses, diverged)."""
    rng = np.random.default_rng(seed)
    batches = _endless_batches(len(x), batch_size, rng)
    losses, smoothed, average, best = [], [], 0.0, math.inf
    with np.errstate(over="ignore", invalid="ignore"):  # blowing up is what we look for
        for k, lr in enumerate(rates):
            model.optimizer.learning_rate = float(lr)
            idx = next(batches)
            try:
                loss = float(model.train_on_batch(x[idx], y[idx]))
            except NonFiniteGradientError:  # the optimizer refused NaN/inf gradients: divergence too
                loss = math.inf
            losses.append(loss)
            if not math.isfinite(loss):
                smoothed.append(math.inf)
                return losses, smoothed, True
            average, value = _ema_step(average, loss, beta, k)
            smoothed.append(value)
            best = min(best, smoothed[-1])
            if smoothed[-1] > diverge_factor * best:
                return losses, smoothed, True
    return losses, smoothed, False


def _endless_batches(n, batch_size, rng):
    """Index arrays of mini-batches, epoch after epoch (a new shuffle each epoch)."""
    while True:
        yield from batch_indices(n, batch_size, rng=rng, shuffle=True)
