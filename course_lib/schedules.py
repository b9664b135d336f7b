"""Learning-rate schedules: callables ``lr = schedule(step)``.

Mirrors ``keras.optimizers.schedules``: same class names, argument names and
defaults, and the same formulas written in the same order.  We compute in
float64.  Keras computes in the dtype of ``initial_learning_rate`` and casts
every other hyperparameter to it, so how close the two are depends on how the
Keras schedule is built:

- every float hyperparameter given as a numpy float64: equal to ~1e-16
  (measured: bit for bit; ``keras_check.keras_schedule_like`` builds it so);
- plain Python floats, the everyday way: Keras rounds them through float32 and
  computes in float32.  Relative to the initial rate the difference is ~1e-7,
  but it grows where a rounded hyperparameter is raised to a power: after 1000
  steps of ``ExponentialDecay(0.1, 7, 0.9)`` the two differ by 4e-6 relative
  (float32's 0.9 is 2.4e-8 off, and 0.9**143 multiplies that by 143).

``step`` is the optimizer's iteration counter, starting at 0.  Every schedule
returns a Python float.

Two schedules Keras lacks are added, with PyTorch's semantics:

- :class:`CyclicLR` -- cyclical learning rates (Smith 2017), like
  ``torch.optim.lr_scheduler.CyclicLR``;
- :class:`OneCycle` -- the one-cycle policy (Smith & Topal 2018), like
  ``torch.optim.lr_scheduler.OneCycleLR``.
"""
from __future__ import annotations

import math

from ._checks import check_choice, check_finite, check_fraction, check_non_negative, check_positive

__all__ = [
    "LearningRateSchedule",
    "Constant",
    "ExponentialDecay",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "InverseTimeDecay",
    "CosineDecay",
    "CosineDecayRestarts",
    "CyclicLR",
    "OneCycle",
]


# ---------------------------------------------------------------- base class
class LearningRateSchedule:
    """Base class: a schedule is a callable ``lr = schedule(step)``.

    Mirrors ``keras.optimizers.schedules.LearningRateSchedule``.  Subclasses
    implement ``__call__``; ``get_config()`` returns the constructor arguments,
    with Keras's keys, so a schedule can be rebuilt as ``cls(**config)``.
    """

    def __call__(self, step):  # pragma: no cover - abstract
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(step)")

    def get_config(self):
        return dict(self._config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._config.items())
        return f"{type(self).__name__}({args})"


class Constant(LearningRateSchedule):
    """A constant learning rate: ``lr(t) = learning_rate``.

    Keras has no constant schedule; it is what a plain float ``learning_rate``
    means to a Keras optimizer.
    """

    def __init__(self, learning_rate):
        self.learning_rate = check_positive("learning_rate", learning_rate)
        self._config = {"learning_rate": self.learning_rate}

    def __call__(self, step):
        check_non_negative("step", step)
        return self.learning_rate


class _StepDecay(LearningRateSchedule):
    """What ExponentialDecay and InverseTimeDecay share: progress p = t / decay_steps,
    rounded down to whole periods when ``staircase``."""

    # ExponentialDecay needs decay_rate > 0 (a negative base to a fractional power is not real).
    _check_decay_rate = staticmethod(check_positive)

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False):
        self.initial_learning_rate = check_positive("initial_learning_rate", initial_learning_rate)
        self.decay_steps = check_positive("decay_steps", decay_steps)
        self.decay_rate = self._check_decay_rate("decay_rate", decay_rate)
        self.staircase = bool(staircase)
        self._config = {"initial_learning_rate": initial_learning_rate, "decay_steps": decay_steps,
                        "decay_rate": decay_rate, "staircase": self.staircase}

    def _progress(self, step):
        p = check_non_negative("step", step) / self.decay_steps
        return math.floor(p) if self.staircase else p


class ExponentialDecay(_StepDecay):
    """Exponential decay.  Mirrors ``keras.optimizers.schedules.ExponentialDecay``.

        p     = t / decay_steps        (floor(t / decay_steps) if staircase)
        lr(t) = initial_learning_rate * decay_rate ** p
    """

    def __call__(self, step):
        return self.initial_learning_rate * self.decay_rate ** self._progress(step)


class PiecewiseConstantDecay(LearningRateSchedule):
    """Step schedule.  Mirrors ``keras.optimizers.schedules.PiecewiseConstantDecay``.

        lr(t) = values[0]   if t <= boundaries[0]
                values[i]   if boundaries[i-1] < t <= boundaries[i]
                values[-1]  if t > boundaries[-1]

    A boundary step still uses the value *before* it (``<=``), as in Keras.
    """

    def __init__(self, boundaries, values):
        boundaries, values = list(boundaries), list(values)
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of `boundaries` must be 1 less than the length of `values`. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, "
                f"values={values} of length {len(values)}.")
        if not boundaries:
            raise ValueError("Argument `boundaries` must not be empty (use Constant for one value).")
        self.boundaries = [check_finite("boundaries", b) for b in boundaries]
        if any(a >= b for a, b in zip(self.boundaries, self.boundaries[1:])):
            raise ValueError(f"Argument `boundaries` must be strictly increasing. Received: boundaries={boundaries}")
        self.values = [check_non_negative("values", v) for v in values]
        self._config = {"boundaries": boundaries, "values": values}

    def __call__(self, step):
        step = check_non_negative("step", step)
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return value
        return self.values[-1]


class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay.  Mirrors ``keras.optimizers.schedules.PolynomialDecay``.

        T     = decay_steps                                   (cycle=False: t <- min(t, T))
        T     = decay_steps * ceil(t / decay_steps), T>=decay_steps   (cycle=True)
        lr(t) = (initial_learning_rate - end_learning_rate) * (1 - t / T) ** power
                + end_learning_rate
    """

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001,
                 power=1.0, cycle=False):
        self.initial_learning_rate = check_positive("initial_learning_rate", initial_learning_rate)
        self.decay_steps = check_positive("decay_steps", decay_steps)
        self.end_learning_rate = check_non_negative("end_learning_rate", end_learning_rate)
        self.power = check_finite("power", power)
        self.cycle = bool(cycle)
        self._config = {"initial_learning_rate": initial_learning_rate, "decay_steps": decay_steps,
                        "end_learning_rate": end_learning_rate, "power": power, "cycle": self.cycle}

    def __call__(self, step):
        step = check_non_negative("step", step)
        decay_steps = self.decay_steps
        if self.cycle:
            # The first multiple of decay_steps that is >= step (1 at step 0).
            multiplier = 1.0 if step == 0 else math.ceil(step / self.decay_steps)
            decay_steps = decay_steps * multiplier
        else:
            step = min(step, decay_steps)
        p = step / decay_steps
        return ((self.initial_learning_rate - self.end_learning_rate) * (1 - p) ** self.power
                + self.end_learning_rate)


class InverseTimeDecay(_StepDecay):
    """Inverse-time decay.  Mirrors ``keras.optimizers.schedules.InverseTimeDecay``.

        p     = t / decay_steps        (floor(t / decay_steps) if staircase)
        lr(t) = initial_learning_rate / (1 + decay_rate * p)
    """

    _check_decay_rate = staticmethod(check_non_negative)

    def __call__(self, step):
        return self.initial_learning_rate / (1.0 + self.decay_rate * self._progress(step))


def _cosine(fraction, alpha):
    """Cosine from 1 down to alpha as fraction goes 0 -> 1: (1-alpha)*0.5*(1+cos(pi*f)) + alpha."""
    return (1 - alpha) * (0.5 * (1.0 + math.cos(math.pi * fraction))) + alpha


class CosineDecay(LearningRateSchedule):
    """Cosine decay with optional linear warmup (Loshchilov & Hutter 2017; Goyal et al. 2017).

    Mirrors ``keras.optimizers.schedules.CosineDecay``.  With W = warmup_steps,
    T = decay_steps and lr_0 = initial_learning_rate:

        warmup_target is None:  lr(t) = lr_0 * ((1 - alpha) * 0.5 * (1 + cos(pi * min(t, T) / T)) + alpha)
        otherwise, t <- min(t, W + T):
            t <  W:  lr(t) = (warmup_target - lr_0) * t / W + lr_0                  (linear warmup)
            t >= W:  lr(t) = warmup_target * ((1 - alpha) * 0.5 * (1 + cos(pi * (t - W) / T)) + alpha)
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, warmup_target=None,
                 warmup_steps=0):
        self.decay_steps = check_positive("decay_steps", decay_steps)
        self.alpha = check_finite("alpha", alpha)
        self.warmup_steps = check_non_negative("warmup_steps", warmup_steps)
        if warmup_target is None:
            self.initial_learning_rate = check_positive("initial_learning_rate", initial_learning_rate)
            self.warmup_target = None
        else:
            # Warming up from 0 is the usual recipe, so 0 is allowed here.
            self.initial_learning_rate = check_non_negative("initial_learning_rate", initial_learning_rate)
            self.warmup_target = check_positive("warmup_target", warmup_target)
        self._config = {"initial_learning_rate": initial_learning_rate, "decay_steps": decay_steps,
                        "alpha": alpha, "warmup_target": warmup_target, "warmup_steps": warmup_steps}

    def __call__(self, step):
        step = check_non_negative("step", step)
        if self.warmup_target is None:
            step = min(step, self.decay_steps)
            return self.initial_learning_rate * _cosine(step / self.decay_steps, self.alpha)
        step = min(step, self.decay_steps + self.warmup_steps)
        if step < self.warmup_steps:
            fraction = step / self.warmup_steps
            return (self.warmup_target - self.initial_learning_rate) * fraction + self.initial_learning_rate
        fraction = (step - self.warmup_steps) / self.decay_steps
        return self.warmup_target * _cosine(fraction, self.alpha)


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts, SGDR (Loshchilov & Hutter 2017).

    Mirrors ``keras.optimizers.schedules.CosineDecayRestarts``.  Period i lasts
    T_i = first_decay_steps * t_mul**i steps and starts from m_mul**i.  With
    f = t / first_decay_steps:

        t_mul == 1:  i = floor(f),                               f_i = f - i
        t_mul != 1:  i = floor(log(1 - f (1 - t_mul)) / log(t_mul)),
                     f_i = (f - (1 - t_mul**i) / (1 - t_mul)) / t_mul**i
        lr(t) = initial_learning_rate * ((1 - alpha) * m_mul**i * 0.5 * (1 + cos(pi f_i)) + alpha)

    (As in Keras, the floor ``alpha`` is not scaled by m_mul**i.)  With t_mul < 1 the
    periods shrink and all of them last first_decay_steps / (1 - t_mul) steps together:
    a later step raises ValueError naming the cause, where Keras returns NaN.
    """

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0):
        self.initial_learning_rate = check_positive("initial_learning_rate", initial_learning_rate)
        self.first_decay_steps = check_positive("first_decay_steps", first_decay_steps)
        self.t_mul = check_positive("t_mul", t_mul)
        self.m_mul = check_non_negative("m_mul", m_mul)
        self.alpha = check_finite("alpha", alpha)
        self._config = {"initial_learning_rate": initial_learning_rate,
                        "first_decay_steps": first_decay_steps, "t_mul": t_mul, "m_mul": m_mul,
                        "alpha": alpha}

    def _restart_and_fraction(self, fraction):
        """Which period ``i`` the step is in, and how far into it (0..1)."""
        t_mul = self.t_mul
        if t_mul == 1.0:
            i_restart = math.floor(fraction)
            return i_restart, fraction - i_restart
        # Periods grow geometrically: sum_{k<i} t_mul**k = (1 - t_mul**i) / (1 - t_mul).
        if t_mul < 1.0 and fraction * (1.0 - t_mul) >= 1.0:
            # Shrinking periods add up to first_decay_steps / (1 - t_mul) steps in all; past
            # that there is no period left (the log below would be of a number <= 0).
            raise ValueError(
                f"CosineDecayRestarts is undefined at step {fraction * self.first_decay_steps:g}: with "
                f"t_mul={t_mul} < 1 the periods shrink, and all of them together last "
                f"first_decay_steps / (1 - t_mul) = {self.first_decay_steps / (1.0 - t_mul):g} steps "
                "(Keras returns NaN there). Use t_mul >= 1, or stop before that step.")
        i_restart = math.floor(math.log(1.0 - fraction * (1.0 - t_mul)) / math.log(t_mul))
        sum_r = (1.0 - t_mul**i_restart) / (1.0 - t_mul)
        return i_restart, (fraction - sum_r) / t_mul**i_restart

    def __call__(self, step):
        fraction = check_non_negative("step", step) / self.first_decay_steps
        i_restart, fraction = self._restart_and_fraction(fraction)
        m_fac = self.m_mul**i_restart
        cosine_decayed = 0.5 * m_fac * (1.0 + math.cos(math.pi * fraction))
        return self.initial_learning_rate * ((1 - self.alpha) * cosine_decayed + self.alpha)


# -------------------------------------------------- schedules Keras lacks
_CYCLIC_MODES = ("triangular", "triangular2", "exp_range")


class CyclicLR(LearningRateSchedule):
    """Cyclical learning rate (Smith 2017, "Cyclical Learning Rates for Training Neural Networks").

    The rate goes linearly from base_lr up to max_lr in ``step_size`` steps and
    back down in ``step_size`` steps, forever.  With s = step_size:

        cycle = floor(1 + t / (2 s))
        x     = |t / s - 2 cycle + 1|
        lr(t) = base_lr + (max_lr - base_lr) * max(0, 1 - x) * scale

    scale = 1 ("triangular"), 1 / 2**(cycle - 1) ("triangular2": the amplitude
    halves every cycle) or gamma**t ("exp_range").  Same values as
    ``torch.optim.lr_scheduler.CyclicLR(base_lr, max_lr, step_size_up=step_size,
    mode=mode, gamma=gamma)``; Keras has no cyclical schedule.
    """

    def __init__(self, base_lr=0.001, max_lr=0.006, step_size=2000, mode="triangular", gamma=1.0):
        self.base_lr = check_positive("base_lr", base_lr)
        self.max_lr = check_positive("max_lr", max_lr)
        if self.max_lr < self.base_lr:
            raise ValueError(f"Argument `max_lr` must be >= base_lr. Received: max_lr={max_lr}, base_lr={base_lr}")
        self.step_size = check_positive("step_size", step_size)
        self.mode = check_choice("mode", mode, _CYCLIC_MODES)
        self.gamma = check_positive("gamma", gamma)
        self._config = {"base_lr": base_lr, "max_lr": max_lr, "step_size": step_size, "mode": mode,
                        "gamma": gamma}

    def _scale(self, cycle, step):
        if self.mode == "triangular2":
            return 1.0 / 2.0 ** (cycle - 1)
        if self.mode == "exp_range":
            return self.gamma**step
        return 1.0

    def __call__(self, step):
        step = check_non_negative("step", step)
        cycle = math.floor(1 + step / (2 * self.step_size))
        x = abs(step / self.step_size - 2 * cycle + 1)
        return self.base_lr + (self.max_lr - self.base_lr) * max(0.0, 1 - x) * self._scale(cycle, step)


def _anneal_cos(start, end, pct):
    """Cosine from start (pct=0) to end (pct=1): end + (start - end) / 2 * (1 + cos(pi pct))."""
    return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)


def _anneal_linear(start, end, pct):
    """Straight line from start (pct=0) to end (pct=1)."""
    return (end - start) * pct + start


class OneCycle(LearningRateSchedule):
    """One-cycle policy (Smith & Topal 2018), with ``torch.optim.lr_scheduler.OneCycleLR``'s semantics.

    The rate warms up from initial_lr = max_lr / div_factor to max_lr during the
    first pct_start of the run, then anneals down to
    min_lr = initial_lr / final_div_factor by step total_steps - 1.  Phases
    (end steps as in PyTorch, with P = pct_start * total_steps):

        two phases:   [0, P - 1]: initial_lr -> max_lr;  [P - 1, N - 1]: max_lr -> min_lr
        three_phase:  [0, P - 1]: initial_lr -> max_lr;  [P - 1, 2P - 2]: max_lr -> initial_lr;
                      [2P - 2, N - 1]: initial_lr -> min_lr

    Inside a phase from step a to step b, pct = (t - a) / (b - a) and

        "cos":     lr = end + (start - end) / 2 * (1 + cos(pi pct))
        "linear":  lr = start + (end - start) * pct

    Valid steps are 0..total_steps (PyTorch raises past that, and so do we).
    Keras has no one-cycle schedule.

    Momentum (PyTorch's ``cycle_momentum=True``, Smith's recipe): ``momentum(step)``
    moves against the rate, with the same phases and the same anneal function:

        two phases:   max_momentum -> base_momentum;  base_momentum -> max_momentum
        three_phase:  max_momentum -> base_momentum;  base_momentum -> max_momentum;  max_momentum

    (PyTorch's defaults base_momentum=0.85, max_momentum=0.95).  Calling the schedule
    gives the rate; an optimizer takes the momentum through the callback
    :class:`course_lib.callbacks.MomentumScheduler`, as PyTorch's scheduler writes it
    into the optimizer (SGD's ``momentum``, Adam's ``beta_1``) before each step.
    """

    def __init__(self, max_lr, total_steps, pct_start=0.3, anneal_strategy="cos", div_factor=25.0,
                 final_div_factor=1e4, three_phase=False, cycle_momentum=True, base_momentum=0.85,
                 max_momentum=0.95):
        self.max_lr = check_positive("max_lr", max_lr)
        if isinstance(total_steps, bool) or int(total_steps) != total_steps or total_steps <= 0:
            raise ValueError(f"Argument `total_steps` must be a positive integer. Received: total_steps={total_steps}")
        self.total_steps = int(total_steps)
        self.pct_start = check_fraction("pct_start", pct_start, high_inclusive=True)
        self.anneal_strategy = check_choice("anneal_strategy", anneal_strategy, ("cos", "linear"))
        self.div_factor = check_positive("div_factor", div_factor)
        self.final_div_factor = check_positive("final_div_factor", final_div_factor)
        self.three_phase = bool(three_phase)
        self.cycle_momentum = bool(cycle_momentum)
        self.base_momentum = check_fraction("base_momentum", base_momentum)
        self.max_momentum = check_fraction("max_momentum", max_momentum)
        self.initial_lr = self.max_lr / self.div_factor
        self.min_lr = self.initial_lr / self.final_div_factor
        self.phases = self._phases()
        self._config = {"max_lr": max_lr, "total_steps": total_steps, "pct_start": pct_start,
                        "anneal_strategy": anneal_strategy, "div_factor": div_factor,
                        "final_div_factor": final_div_factor, "three_phase": self.three_phase,
                        "cycle_momentum": self.cycle_momentum, "base_momentum": base_momentum,
                        "max_momentum": max_momentum}

    def _phases(self):
        """(end_step, start_lr, end_lr) per phase, exactly as PyTorch sets them up."""
        n, p = self.total_steps, self.pct_start
        if self.three_phase:
            phases = [(float(p * n) - 1, self.initial_lr, self.max_lr),
                      (float(2 * p * n) - 2, self.max_lr, self.initial_lr),
                      (n - 1, self.initial_lr, self.min_lr)]
        else:
            phases = [(float(p * n) - 1, self.initial_lr, self.max_lr),
                      (n - 1, self.max_lr, self.min_lr)]
        starts = [0] + [end for end, _, _ in phases[:-1]]
        # PyTorch divides by zero (or runs a phase backwards) when a phase has no length.
        if any(end <= start for start, (end, _, _) in zip(starts, phases)):
            raise ValueError("Arguments `pct_start` and `total_steps` leave a phase with no steps: "
                             f"pct_start={self.pct_start}, total_steps={n}, three_phase={self.three_phase}")
        return phases

    def _phase_and_pct(self, step):
        """(index of the phase that holds ``step``, pct = (step - a) / (b - a) inside it), as PyTorch."""
        step = check_non_negative("step", step)
        if step > self.total_steps:
            raise ValueError(f"Argument `step` must be <= total_steps={self.total_steps}. Received: step={step}")
        start_step = 0
        for i, (end_step, _, _) in enumerate(self.phases):
            if step <= end_step or i == len(self.phases) - 1:
                return i, (step - start_step) / (end_step - start_step)
            start_step = end_step

    def _anneal(self, start, end, pct):
        return (_anneal_cos if self.anneal_strategy == "cos" else _anneal_linear)(start, end, pct)

    def __call__(self, step):
        i, pct = self._phase_and_pct(step)
        _, start_lr, end_lr = self.phases[i]
        return self._anneal(start_lr, end_lr, pct)

    def momentum(self, step):
        """The momentum at ``step``: against the rate, max_momentum -> base_momentum -> max_momentum."""
        if not self.cycle_momentum:
            raise ValueError("This OneCycle has cycle_momentum=False: it schedules the learning rate only.")
        i, pct = self._phase_and_pct(step)
        high, low = self.max_momentum, self.base_momentum
        start, end = [(high, low), (low, high), (high, high)][i]      # phase 1 down, phase 2 up, phase 3 flat
        return self._anneal(start, end, pct)
