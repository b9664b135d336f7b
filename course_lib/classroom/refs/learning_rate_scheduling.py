"""References for ``exercises/05_learning_rate_scheduling.ipynb``: schedules, ReduceLROnPlateau, range-test rates,
and the diagnosis of a run from its losses and gradient norms.

Every expected value comes from :mod:`course_lib.schedules` (equal to ``keras.optimizers.schedules``
where Keras has the schedule), :mod:`course_lib.callbacks` (equal to ``keras.callbacks``) or
:mod:`course_lib.lr_finder`.
"""
import numpy as np

from course_lib import callbacks, optimizers, schedules
from course_lib.classroom.feedback import Case
from course_lib.lr_finder import exponential_rates


def step_decay(step, initial_lr, drop, every):
    """lr = initial_lr * drop ** floor(step / every)   (ExponentialDecay with staircase=True)."""
    return schedules.ExponentialDecay(initial_lr, decay_steps=every, decay_rate=drop, staircase=True)(step)


def warmup_cosine(step, peak_lr, warmup_steps, total_steps, alpha=0.0):
    """Linear warmup from 0 to peak_lr over warmup_steps, then cosine to alpha * peak_lr at total_steps
    (keras.optimizers.schedules.CosineDecay(0.0, total_steps - warmup_steps, alpha, peak_lr, warmup_steps))."""
    return schedules.CosineDecay(0.0, decay_steps=total_steps - warmup_steps, alpha=alpha,
                                 warmup_target=peak_lr, warmup_steps=warmup_steps)(step)


def triangular_lr(step, base_lr, max_lr, step_size):
    """Smith's triangular cyclical rate (CyclicLR, mode="triangular")."""
    return schedules.CyclicLR(base_lr=base_lr, max_lr=max_lr, step_size=step_size, mode="triangular")(step)


class _Holder:
    """The part of a model ReduceLROnPlateau touches: ``optimizer.learning_rate``."""

    def __init__(self, learning_rate):
        self.optimizer = self
        self.learning_rate = learning_rate


def plateau_rates(val_losses, lr, factor, patience, min_delta):
    """The learning rate after each epoch's ReduceLROnPlateau decision (cooldown 0, min_lr 0)."""
    callback = callbacks.ReduceLROnPlateau(monitor="val_loss", factor=factor, patience=patience,
                                           min_delta=min_delta)
    callback.set_model(_Holder(lr))
    callback.on_train_begin()
    rates = []
    for epoch, value in enumerate(val_losses):
        callback.on_epoch_end(epoch, {"val_loss": value})
        rates.append(callback.model.optimizer.learning_rate)
    return rates


def range_test_rates(start_lr, end_lr, num_steps):
    """lr_k = start_lr * (end_lr / start_lr) ** (k / (num_steps - 1)), k = 0 .. num_steps - 1."""
    return exponential_rates(start_lr, end_lr, num_steps)


STEP_DECAY_CASES = [
    (0, 0.1, 0.5, 10),
    (9, 0.1, 0.5, 10),
    Case(10, 0.1, 0.5, 10, label="first drop at step = every"),
    (35, 0.1, 0.5, 10),
    Case(250, 1.0, 0.1, 100, label="divide by 10 every 100 steps"),
]
WARMUP_COSINE_CASES = [
    Case(0, 0.1, 100, 1000, label="start of warmup: 0"),
    Case(50, 0.1, 100, 1000, label="half-way through warmup"),
    Case(100, 0.1, 100, 1000, label="end of warmup: the peak"),
    (550, 0.1, 100, 1000),
    Case(1000, 0.1, 100, 1000, label="last step: alpha * peak"),
    Case(1500, 0.1, 100, 1000, label="after the end: stays at alpha * peak"),
    Case(400, 0.5, 0, 800, alpha=0.1, label="no warmup, alpha = 0.1"),
]
TRIANGULAR_CASES = [
    Case(0, 0.01, 0.1, 50, label="start: base_lr"),
    (25, 0.01, 0.1, 50),
    Case(50, 0.01, 0.1, 50, label="top of the first cycle"),
    (80, 0.01, 0.1, 50),
    Case(100, 0.01, 0.1, 50, label="end of the first cycle: base_lr again"),
    Case(130, 0.01, 0.1, 50, label="second cycle"),
]
PLATEAU_CASES = [
    Case([1.0, 0.9, 0.8, 0.7], 0.1, 0.5, 2, 1e-3, label="always improving: never reduce"),
    Case([1.0, 1.0, 1.0, 1.0, 1.0], 0.1, 0.5, 2, 0.0, label="flat: reduce every 2 epochs"),
    Case([1.0, 0.8, 0.7995, 0.81, 0.6, 0.61], 0.2, 0.1, 2, 1e-3,
         label="0.7995 is not better than 0.8 by min_delta"),
    Case([0.5, 0.6, 0.4, 0.45, 0.46, 0.47], 1.0, 0.2, 1, 1e-4, label="patience 1"),
]
RANGE_TEST_CASES = [
    (1e-4, 1.0, 5),
    (1e-7, 10.0, 100),
    Case(0.01, 0.02, 2, label="two steps: the two ends"),
]


# ---------------------------------------------------------------- Task 6: diagnose a run
def noisy_quadratic_run(learning_rate, noise, steps=400, seed=0):
    """A real run to diagnose: course_lib's SGD on f(w) = (w_1^2 + 10 w_2^2) / 2 from w = (1, 1), its gradient
    plus Gaussian noise of standard deviation ``noise``.  Returns (losses, grad_norms): f(w) before each step
    and the norm of the (noisy) gradient used at that step, as numpy arrays."""
    rng = np.random.default_rng(seed)
    curvatures, w = np.array([1.0, 10.0]), np.ones(2)
    opt = optimizers.SGD(learning_rate=learning_rate)
    losses, norms = [], []
    for _ in range(steps):
        g = curvatures * w + noise * rng.normal(size=2)
        losses.append(0.5 * np.sum(curvatures * w ** 2))
        norms.append(np.linalg.norm(g))
        opt.apply([g], [w])
    return np.array(losses), np.array(norms)


def diagnose_run(losses, grad_norms):
    """The notebook's rules, in this order:
    1. "diverging"       a loss is not finite, or the last loss is above the first;
    2. "converged"       the last gradient norm is below 1e-3 times the first;
    3. "still improving" the mean loss of the last quarter is below half the third quarter's;
    4. "noise floor"     otherwise (the loss is flat but the gradient has not vanished)."""
    losses, grad_norms = np.asarray(losses, dtype=float), np.asarray(grad_norms, dtype=float)
    if not np.all(np.isfinite(losses)) or losses[-1] > losses[0]:
        return "diverging"
    if grad_norms[-1] < 1e-3 * grad_norms[0]:
        return "converged"
    n, q = len(losses), len(losses) // 4
    if losses[n - q:].mean() < 0.5 * losses[n - 2 * q:n - q].mean():
        return "still improving"
    return "noise floor"


def _loss_only(losses, grad_norms):
    """The mistake: rules 1, 3, 4 without looking at the gradient norms."""
    return diagnose_run(losses, np.ones_like(np.asarray(grad_norms, dtype=float)))


DIAGNOSE_CASES = [
    Case(*noisy_quadratic_run(0.25, 0.0), label="lr 0.25 > 2/L = 0.2"),
    Case(*noisy_quadratic_run(0.1, 1.0), label="lr 0.1, noisy gradients"),
    Case(*noisy_quadratic_run(0.005, 0.0), label="lr 0.005, exact gradients"),
    Case(*noisy_quadratic_run(0.1, 0.0), label="lr 0.1, exact gradients"),
    Case(*noisy_quadratic_run(0.03, 1.0, seed=1), label="lr 0.03, noisy gradients"),
]
DIAGNOSE_MISTAKES = [
    (_loss_only, "you looked at the loss only: a run whose loss still falls geometrically while its gradient has "
                 "vanished has converged; check the gradient norms first"),
]
