"""The optimizer base class: everything that is the same for every optimizer.

Mirrors ``keras.optimizers.Optimizer`` (Keras 3).  One call of
``apply(grads, params)`` is one training step::

    1. check the inputs (counts, shapes, float dtypes, no NaN/inf gradient)
    2. gradient accumulation   (if gradient_accumulation_steps = n: add g to the
                               accumulator and stop here, except every n-th call,
                               which goes on with g <- (g + accumulator) / n)
    3. clip the gradients      (clipnorm | global_clipnorm | clipvalue)
    4. weight decay            p <- p - p * weight_decay * lr
    5. the optimizer's rule    update_step(grad, param, lr, **slots)
                               (big arrays: in cache-sized blocks, shared among
                               threads, see :mod:`._blocks`)
    6. EMA (if use_ema)        average <- mu average + (1 - mu) p, and every
                               ema_overwrite_frequency-th step p <- average
    7. one more call counted   (``iterations`` counts the updates: calls // n)

``lr`` is the learning rate at the current iteration: a float, or a schedule
``lr(step)`` evaluated at ``step`` = the number of earlier calls (0 on the first
step; with gradient accumulation Keras's schedules count calls, not updates).

Two details make us agree with Keras to the last bit rather than "roughly":

- Keras stores the learning rate in a float32 variable, so we round it to
  float32 too, even when the parameters are float64.
- Keras turns a hyperparameter into a constant with ``ops.cast(beta_1, dtype)``,
  which first builds a float32 tensor: the constant carries float32 rounding
  even in float64 (:func:`keras_constant`).  Where Keras instead combines a
  plain Python number with a tensor (``(g - m) * (1 - beta_1)``), the number
  keeps its full precision, as it does in numpy.
"""
from __future__ import annotations

import math

import numpy as np

from .._checks import (check_fraction, check_int, check_non_negative, check_number,
                       check_optional_positive)
from . import _blocks

__all__ = ["Optimizer", "NonFiniteGradientError", "keras_constant"]

class NonFiniteGradientError(ValueError):
    """A gradient holds NaN or inf, so ``Optimizer.apply`` refused to update the parameters.

    A ValueError (so ``except ValueError`` still catches it), with its own class so that
    a learning-rate search can tell "training diverged" apart from a genuine bug
    (a wrong shape, a bad argument) that must not be mistaken for divergence.
    """


def keras_constant(value, dtype):
    """``value`` as Keras's ``ops.cast(value, dtype)`` gives it: rounded to float32 first."""
    return np.dtype(dtype).type(np.float32(value))


class Optimizer:
    """Base class of every optimizer.  Mirrors ``keras.optimizers.Optimizer``.

    A subclass sets ``slot_names`` (the per-parameter state, e.g.
    ``("momentum", "velocity")``), optionally ``initial_slot_value(name, dtype)``,
    and writes ``update_step(grad, param, lr, **slots)``: the update rule, in
    place, readable next to its equation.

    Arguments (Keras's names and defaults):
        learning_rate: float > 0, or a callable schedule ``lr(step) -> float``.
        weight_decay: None or float >= 0; before each step
            ``p <- p - p * weight_decay * lr`` (decoupled weight decay).
        clipnorm: clip each gradient to L2 norm <= clipnorm:
            ``g <- g * clipnorm / max(||g||, clipnorm)``.
        global_clipnorm: clip all gradients together:
            ``g_i <- g_i * clipnorm * min(1/||G||, 1/clipnorm)``, ``||G||^2 = sum_i ||g_i||^2``.
        clipvalue: clip each element to ``[-clipvalue, clipvalue]``.
        At most one of the three clipping options may be set.
        use_ema: keep an exponential moving average of every parameter
            (``averages``, one array per parameter) after each call:
            ``average <- mu average + (1 - mu) p`` with ``mu = ema_momentum``, except
            ``mu = 0`` while ``iterations == 0`` (the average starts at the parameter).
        ema_momentum: float in [0, 1], default 0.99.
        ema_overwrite_frequency: None or int >= 1: when
            ``(iterations + 1) % ema_overwrite_frequency == 0`` after a call's EMA
            update, the parameters are overwritten by their averages.  None: never
            during training; call ``finalize_variable_values(params)`` at the end
            (Keras's ``fit`` does it after the last epoch).
        gradient_accumulation_steps: None or int >= 2: the parameters change only
            every n-th call, with the mean of the last n gradients (a batch n times
            bigger, in memory for one).  ``iterations`` (the ``t`` of Adam's bias
            correction, the EMA's counter) counts those updates, ``calls // n``; a
            learning-rate schedule sees the calls, as Keras's do.

    Gradients containing NaN or inf are refused: ``apply`` raises
    :class:`NonFiniteGradientError` (a ValueError) naming the parameter index
    *before* changing anything (Keras would instead silently write NaN into the
    parameters and the optimizer state).

    Parameters are matched to their slots by position: pass them to ``apply``
    in the same order every step.
    """

    slot_names: tuple[str, ...] = ()
    #: True when update_step treats every element on its own (so it may be applied
    #: block by block, the blocks shared among threads).  Lamb, which needs
    #: whole-tensor norms, sets it to False: it then gets whole arrays.
    elementwise = True

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None,
                 clipvalue=None, global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, gradient_accumulation_steps=None, name=None):
        self.learning_rate = learning_rate
        if weight_decay is not None:
            check_non_negative("weight_decay", weight_decay)
        for arg, value in [("clipnorm", clipnorm), ("clipvalue", clipvalue),
                           ("global_clipnorm", global_clipnorm)]:
            check_optional_positive(arg, value)
        if sum(c is not None for c in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}")
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = bool(use_ema)
        self.ema_momentum = check_fraction("ema_momentum", ema_momentum, high_inclusive=True)
        self.ema_overwrite_frequency = (None if ema_overwrite_frequency is None else
                                        check_int("ema_overwrite_frequency", ema_overwrite_frequency))
        self.gradient_accumulation_steps = (
            None if gradient_accumulation_steps is None else
            check_int("gradient_accumulation_steps", gradient_accumulation_steps, minimum=2))
        self.name = name or type(self).__name__.lower()
        self._calls = 0           # Keras's ``_iterations``: every call of apply
        self.built = False
        self.slots: list[dict[str, np.ndarray]] = []
        self.averages: list[np.ndarray] = []                  # use_ema: Keras's "average" slots
        self.accumulated_gradients: list[np.ndarray] = []     # Keras's "gradient_accumulator"

    # ----- the step counter --------------------------------------------------
    @property
    def iterations(self) -> int:
        """Updates made so far: the calls of ``apply``, divided by
        ``gradient_accumulation_steps`` (rounded down) when it is set.  Keras's ``iterations``."""
        return self._calls // (self.gradient_accumulation_steps or 1)

    @iterations.setter
    def iterations(self, value):
        # Restarting from step t (a reference answer, a resumed run): as many calls as updates.
        self._calls = check_int("iterations", value, minimum=0) * (self.gradient_accumulation_steps or 1)

    # ----- learning rate ---------------------------------------------------
    @property
    def learning_rate(self):
        """The learning rate as set: a float (rounded to float32, as Keras stores it) or a schedule."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        if callable(value):
            self._learning_rate = value
            return
        check_number("learning_rate", value)
        if not (value > 0 and math.isfinite(value)):
            raise ValueError("`learning_rate` must be a finite float > 0 or a schedule "
                             f"lr(step). Received: learning_rate={value!r}")
        self._learning_rate = float(np.float32(value))

    @property
    def current_learning_rate(self) -> float:
        """The learning rate used by the next step: ``schedule(iterations)`` or the float."""
        lr = self._learning_rate
        if callable(lr):
            lr = float(lr(self._calls))      # Keras: schedule(_iterations), the calls
            if not (lr >= 0 and math.isfinite(lr)):
                raise ValueError(f"The learning-rate schedule returned {lr} at step "
                                 f"{self._calls}; expected a finite float >= 0")
        return float(np.float32(lr))

    # ----- state -----------------------------------------------------------
    def initial_slot_value(self, name, dtype):
        """Starting value of slot ``name`` (0 unless a subclass says otherwise)."""
        return 0.0

    def build_slots(self, param) -> dict:
        """The slots of one parameter: ``{name: array}``.  By default one array shaped like
        ``param`` per name in ``slot_names``, filled with ``initial_slot_value``; a rule
        whose state has other shapes (Adafactor's row and column statistics) or differs
        between parameters (Muon) overrides this."""
        return {name: np.full(param.shape, self.initial_slot_value(name, param.dtype), param.dtype)
                for name in self.slot_names}

    def build(self, params):
        """Create the slots (:meth:`build_slots`) for ``params``, and the EMA and
        gradient-accumulation arrays (zeros, as Keras's) when those options are on."""
        params = list(params)
        for i, p in enumerate(params):
            _check_param(i, p)
        self.slots = [self.build_slots(p) for p in params]
        self.averages = [np.zeros_like(p) for p in params] if self.use_ema else []
        self.accumulated_gradients = ([np.zeros_like(p) for p in params]
                                      if self.gradient_accumulation_steps else [])
        self._shapes = [(p.shape, p.dtype) for p in params]
        self.built = True

    # ----- one step --------------------------------------------------------
    def apply(self, grads, params):
        """One optimization step: update the numpy arrays ``params`` in place.

        Builds the slots on the first call.  ``grads`` are not modified.
        """
        grads, params = list(grads), list(params)
        if not self.built:
            self.build(params)
        grads = self._check_inputs(grads, params)
        n = self.gradient_accumulation_steps
        if not n:
            self._step(grads, params)
        elif (self._calls + 1) % n:                     # not an update: remember g
            for acc, g in zip(self.accumulated_gradients, grads):
                acc += g                                            # acc <- acc + g
        else:                                           # every n-th call: the mean gradient
            mean = [(g + acc) / n for g, acc in zip(grads, self.accumulated_gradients)]
            self._step(mean, params)                                # g <- (g + acc) / n
            for acc in self.accumulated_gradients:
                acc[...] = 0                                        # acc <- 0
        if self.use_ema:
            self._update_averages(params)
        self._calls += 1

    def _step(self, grads, params):
        """Clip, decay and update (steps 3-5 above)."""
        grads = self.clip_gradients(grads)
        self.before_step(params)
        lr = self.current_learning_rate
        pieces = []
        for grad, param, slots in zip(grads, params, self.slots):
            pieces += _blocks.pieces(grad, param, param.dtype.type(lr), slots, self.elementwise)
        _blocks.run_shared(self._decay_and_step, pieces, [args[1].size for args in pieces],
                           key=type(self))

    def _update_averages(self, params):
        """Keras's EMA, after every call (accumulating ones too), then the overwrite."""
        for average, param in zip(self.averages, params):
            dtype = param.dtype.type
            mu = dtype(self.iterations != 0) * self.ema_momentum  # mu = 0 until the first update
            x, = _blocks.scratch(param, 1)
            average *= mu                                           # a <- mu a
            np.multiply(param, 1 - mu, out=x); average += x         # a <- a + (1 - mu) p
        freq = self.ema_overwrite_frequency
        if freq and (self.iterations + 1) % freq == 0:
            self.finalize_variable_values(params)

    def finalize_variable_values(self, params):
        """With ``use_ema``: overwrite ``params`` (in place) with their moving averages.
        Mirrors Keras's method of that name (``fit`` calls it after the last epoch)."""
        if not self.use_ema:
            return
        params = list(params)
        if len(params) != len(self.averages):
            raise ValueError(f"`params` has {len(params)} arrays; the optimizer keeps "
                             f"{len(self.averages)} averages")
        for param, average in zip(params, self.averages):
            param[...] = average

    def before_step(self, params):
        """Hook for state shared by all parameters (Nadam's running product)."""

    def weight_decay_for(self, slots):
        """The weight decay of the parameter owning ``slots`` (Muon's differs by kind)."""
        return self.weight_decay

    def _decay_and_step(self, grad, param, lr, slots):
        weight_decay = self.weight_decay_for(slots)
        if weight_decay is not None:
            wd = keras_constant(weight_decay, param.dtype)
            x, = _blocks.scratch(param, 1)                          # a temporary, reused
            np.multiply(param, wd, out=x); x *= lr; param -= x      # p -= p wd lr (Keras's order)
        self.update_step(grad, param, lr, **slots)

    def update_step(self, grad, param, lr, **slots):
        """The update rule for one parameter array, in place.  Subclasses define it.

        For a big parameter it is called on blocks of the arrays, from several
        threads at once (see ``elementwise`` and :mod:`._blocks`): it must not
        change ``self``; per-step shared state belongs in ``before_step``.  It
        updates the slots in place (``m += x``, never ``m = ...``, which would only
        rebind a local name) and takes its temporaries from ``scratch(param, k)``.
        """
        raise NotImplementedError

    # ----- clipping (Keras's order: clipnorm, then global_clipnorm, then clipvalue) ----
    def clip_gradients(self, grads):
        """Return clipped copies of ``grads`` (the inputs are never modified)."""
        if self.clipnorm:
            return [_clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm:
            return _clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue:
            return [np.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def _check_inputs(self, grads, params):
        if len(grads) != len(params):
            raise ValueError(f"`grads` and `params` must have the same length. Received "
                             f"{len(grads)} gradients for {len(params)} parameters")
        if len(params) != len(self._shapes):
            raise ValueError(f"The optimizer was built for {len(self._shapes)} parameters; "
                             f"`params` has {len(params)}")
        checked = []
        for i, (g, p) in enumerate(zip(grads, params)):
            _check_param(i, p)
            if (p.shape, p.dtype) != self._shapes[i]:
                shape, dtype = self._shapes[i]
                raise ValueError(f"params[{i}] has shape {p.shape} and dtype {p.dtype}; the "
                                 f"optimizer was built with shape {shape} and dtype {dtype}")
            g = np.asarray(g)
            if not np.issubdtype(g.dtype, np.floating):
                raise TypeError(f"grads[{i}] must be a float array. Received dtype {g.dtype}")
            if g.shape != p.shape:
                raise ValueError(f"grads[{i}] has shape {g.shape} but params[{i}] has "
                                 f"shape {p.shape}; they must be equal")
            checked.append(g.astype(p.dtype, copy=False))   # Keras casts to the variable's dtype
        # One part per thread of each big gradient, so that the threads share this pass too.
        parts = [(i, part) for i, g in enumerate(checked) for part in _blocks.split_for_threads(g)]
        finite = _blocks.run_shared(_blocks.all_finite, [(part,) for _, part in parts],
                                    [part.size for _, part in parts], key="finite")
        for (i, _), ok in zip(parts, finite):
            if not ok:
                raise NonFiniteGradientError(
                    f"grads[{i}] contains NaN or inf; refusing to update params[{i}] "
                    "(check the loss and the learning rate)")
        return checked

    def get_config(self) -> dict:
        """Hyperparameters as keyword arguments (Keras's names): ``type(opt)(**opt.get_config())``."""
        return {"learning_rate": self._learning_rate, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "clipvalue": self.clipvalue,
                "global_clipnorm": self.global_clipnorm, "use_ema": self.use_ema,
                "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency,
                "gradient_accumulation_steps": self.gradient_accumulation_steps}

    #: Options left out of repr while they have these (Keras's default) values.
    _QUIET = {"use_ema": False, "ema_momentum": 0.99}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items()
                         if v is not None and self._QUIET.get(k, object()) != v)
        return f"{type(self).__name__}({args})"


def _check_param(i, p):
    if not isinstance(p, np.ndarray):
        raise TypeError(f"params[{i}] must be a numpy array (updated in place). "
                        f"Received {type(p).__name__}")
    if not np.issubdtype(p.dtype, np.floating):
        raise TypeError(f"params[{i}] must be a float array. Received dtype {p.dtype}")
    if not p.flags.writeable:
        raise ValueError(f"params[{i}] is read-only; the optimizer updates it in place")


def _clip_by_norm(g, clipnorm):
    """``g * clipnorm / max(||g||, clipnorm)``, as ``tf.clip_by_norm`` computes it."""
    norm = np.sqrt(np.sum(g * g))
    return g * clipnorm / np.maximum(norm, g.dtype.type(clipnorm))


def _clip_by_global_norm(grads, clipnorm):
    """Scale every gradient by ``clipnorm * min(1/||G||, 1/clipnorm)``; ``||G||`` over all of them."""
    dtype = grads[0].dtype.type
    norm = np.sqrt(np.sum([np.sum(g * g) for g in grads]).astype(grads[0].dtype))
    scale = dtype(clipnorm) * np.minimum(dtype(1.0) / norm, dtype(1.0 / clipnorm))
    return [g * scale for g in grads]
