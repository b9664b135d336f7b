"""Training callbacks: History, ReduceLROnPlateau, EarlyStopping, CSVLogger (with its reader) and MomentumScheduler.

Mirrors ``keras.callbacks`` (Keras 3.15): same names, arguments, defaults and
decisions, epoch by epoch.  A callback acts on a model that has

- ``model.optimizer.learning_rate`` -- a float that can be set,
- ``model.stop_training``          -- a bool the training loop checks after each epoch,
- ``model.get_weights()`` / ``model.set_weights(list_of_arrays)``.

The training loop calls the hooks: ``on_train_begin``, then per epoch
``on_epoch_begin`` / (per batch ``on_train_batch_begin`` / ``on_train_batch_end``)
/ ``on_epoch_end(epoch, logs)`` with ``logs`` a dict such as
``{"loss": 0.31, "val_loss": 0.35}``, and finally ``on_train_end``.

Two Keras details matter for exact agreement and are kept on purpose:

- "is this an improvement?" is decided in float32 (Keras's ``ops.less`` turns
  Python floats into float32 tensors), so changes below float32 resolution
  (~6e-8 relative) never count as improvements;
- the learning rate lives in a float32 variable in Keras, so ReduceLROnPlateau
  reads it and stores the reduced rate rounded to float32 (0.1 * 0.1 becomes
  0.010000000707805157): its rates are then bit for bit Keras's, and so is the
  decision "already at ``min_lr``, do not reduce".

Unlike Keras, an unknown ``mode`` or a negative ``patience`` is an error here
(Keras warns and falls back to "auto", or silently accepts it).
"""
from __future__ import annotations

import csv
import math
import warnings
from pathlib import Path

import numpy as np

from ._checks import check_choice, check_int

__all__ = ["Callback", "History", "ReduceLROnPlateau", "EarlyStopping", "CSVLogger", "read_csv_log",
           "MomentumScheduler"]

# Direction of the metrics Keras knows by name (its metric objects' ``_direction``),
# used by mode="auto".  Keras reads it from the compiled model; we need no model.
_MAXIMIZED = {"accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
              "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "auc", "precision",
              "recall", "r2_score", "f1_score"}
_MINIMIZED = {"loss", "mean_squared_error", "mean_absolute_error", "root_mean_squared_error",
              "mean_absolute_percentage_error", "mean_squared_logarithmic_error",
              "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"}


class Callback:
    """Base class: hooks the training loop calls.  Mirrors ``keras.callbacks.Callback``.

    Every hook does nothing by default; a subclass overrides the ones it needs.
    ``self.model`` is set by the training loop through ``set_model``.
    """

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        pass

    def on_train_batch_end(self, batch, logs=None):
        pass


class History(Callback):
    """Records each epoch's logs.  Mirrors ``keras.callbacks.History``.

    ``history.history[key][k]`` is ``logs[key]`` of the k-th ``on_epoch_end`` call and
    ``history.epoch[k]`` the epoch index it was called with:

        on_epoch_end(epoch, logs):   epoch list += [epoch];   history[key] += [logs[key]] for each key

    Both training loops return one.  ``nn.Sequential.fit`` runs it after the user's
    callbacks (as Keras does), so it also records what they add to the logs (e.g.
    ``"learning_rate"``).  ``training.train`` logs the full loss and the training time
    after 0, 1, ..., epochs epochs (see that function) and, beyond Keras, fills two
    per-step records: ``step_loss`` (the mini-batch loss of every step) and ``params_path``
    (a copy of the parameters after every step, when asked).
    """

    def __init__(self):
        super().__init__()
        self.history, self.epoch = {}, []
        self.step_loss, self.params_path = [], []  # filled by course_lib.training.train only

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self  # as Keras: the model holds its latest history

    @property
    def diverged(self) -> bool:
        """True when a logged loss became NaN or infinite."""
        return not all(math.isfinite(v) for v in self.history.get("loss", []))


class _MonitorCallback(Callback):
    """Shared logic: which way is better, and by how much (Keras's ``MonitorCallback``).

    An improvement over ``reference`` is

        mode "min":  current - (-min_delta) < reference     (lower by more than min_delta)
        mode "max":  current - min_delta    > reference     (higher by more than min_delta)

    compared in float32, as Keras does.
    """

    def __init__(self, monitor, mode, min_delta):
        super().__init__()
        self.monitor = monitor
        self.mode = check_choice("mode", mode, ("auto", "min", "max"))
        self.min_delta = abs(float(min_delta))
        self.maximize = self._direction() == "max"
        if not self.maximize:
            self.min_delta = -self.min_delta
        self.best = None

    def _direction(self):
        if self.mode != "auto":
            return self.mode
        name = self.monitor.removeprefix("val_")
        if name in _MAXIMIZED:
            return "max"
        if name in _MINIMIZED:
            return "min"
        raise ValueError(f"mode='auto' cannot tell whether monitor={self.monitor!r} should go up or down. "
                         "Pass `mode`='min' or 'max'.")

    def _is_improvement(self, current, reference):
        if reference is None:
            return True
        current, reference = np.float32(current - self.min_delta), np.float32(reference)
        return bool(current > reference) if self.maximize else bool(current < reference)

    def _monitored(self, logs, what):
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(f"{what} is conditioned on metric `{self.monitor}` which is not available. "
                          f"Available metrics are: {','.join(logs or {})}.", stacklevel=3)
        return current


class MomentumScheduler(Callback):
    """Sets the optimizer's momentum before every step from a schedule (Keras has none).

    Before update t (``t = optimizer.iterations``):

        SGD:   optimizer.momentum = schedule.momentum(t)
        Adam:  optimizer.beta_1   = schedule.momentum(t)     (and every optimizer with a beta_1)

    which is what ``torch.optim.lr_scheduler.OneCycleLR(cycle_momentum=True)`` writes
    into the optimizer's parameter groups.  ``schedule`` is any object with a
    ``momentum(step)`` method, e.g. :class:`course_lib.schedules.OneCycle`.  The optimizer
    must start with a non-zero momentum, so that it builds its velocity slot.
    """

    def __init__(self, schedule):
        super().__init__()
        if not callable(getattr(schedule, "momentum", None)):
            raise ValueError(f"Argument `schedule` must have a momentum(step) method. Received: schedule={schedule!r}")
        self.schedule = schedule

    def on_train_batch_begin(self, batch, logs=None):
        optimizer = self.model.optimizer
        name = "beta_1" if hasattr(optimizer, "beta_1") else "momentum"     # Adam's first moment or SGD's velocity
        if name == "momentum" and not getattr(optimizer, "momentum", 0):
            raise ValueError("MomentumScheduler needs an optimizer with momentum: got momentum=0 (no velocity slot).")
        setattr(optimizer, name, float(self.schedule.momentum(optimizer.iterations)))


class ReduceLROnPlateau(_MonitorCallback):
    """Multiply the learning rate by ``factor`` when the monitored metric stops improving.

    Mirrors ``keras.callbacks.ReduceLROnPlateau``.  At the end of each epoch:

        if in cooldown:            cooldown_counter -= 1; wait = 0
        if improvement over best:  best = current; wait = 0
        elif not in cooldown:      wait += 1
            if wait >= patience and lr > min_lr:
                lr = max(lr * factor, min_lr); cooldown_counter = cooldown; wait = 0
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto",
                 min_delta=1e-4, cooldown=0, min_lr=0.0):
        super().__init__(monitor, mode, min_delta)
        if not 0 <= factor < 1:
            raise ValueError(f"Argument `factor` must be in [0, 1): ReduceLROnPlateau only reduces. "
                             f"Received: factor={factor}")
        if min_lr < 0:
            raise ValueError(f"Argument `min_lr` must be >= 0. Received: min_lr={min_lr}")
        self.factor = float(factor)
        self.patience = check_int("patience", patience, minimum=0)
        self.verbose = verbose
        self.cooldown = check_int("cooldown", cooldown, minimum=0)
        self.min_lr = float(min_lr)
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def in_cooldown(self):
        return self.cooldown_counter > 0

    def _current_lr(self):
        lr = self.model.optimizer.learning_rate
        if callable(lr):
            raise TypeError("ReduceLROnPlateau needs a float `learning_rate`; this optimizer has a "
                            f"schedule ({type(lr).__name__}), which sets the rate itself.")
        return float(lr)

    def _reduce_lr(self, epoch):
        # Keras keeps the rate in a float32 variable, so we read and store it as float32 too:
        # then both decide identically whether min_lr has been reached.
        old_lr = float(np.float32(self._current_lr()))
        if not old_lr > np.float32(self.min_lr):  # already at the floor
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        self.model.optimizer.learning_rate = float(np.float32(new_lr))
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
        return True

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        logs["learning_rate"] = self._current_lr()
        current = self._monitored(logs, "Learning rate reduction")
        if current is None:
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience and self._reduce_lr(epoch):
                self.cooldown_counter = self.cooldown
                self.wait = 0


class EarlyStopping(_MonitorCallback):
    """Stop training when the monitored metric has stopped improving.

    Mirrors ``keras.callbacks.EarlyStopping``.  At the end of each epoch from
    ``start_from_epoch`` on:

        wait += 1
        if improvement over best:
            best = current  (and remember the weights if restore_best_weights)
            if baseline is None or current is an improvement over baseline: wait = 0
        elif wait >= patience and epoch > 0:
            model.stop_training = True

    So training stops after ``patience`` epochs without improvement; with a
    ``baseline`` it also stops when the metric never beats the baseline.  At the
    end of training, ``restore_best_weights=True`` puts back the weights of the
    best epoch (whether or not training stopped early).
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, min_delta)
        self.patience = check_int("patience", patience, minimum=0)
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = check_int("start_from_epoch", start_from_epoch, minimum=0)
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights = None
        self.best_epoch = 0

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def _snapshot(self):
        # Copies: our optimizers update the weight arrays in place.
        return [np.array(w, copy=True) for w in self.model.get_weights()]

    def on_epoch_end(self, epoch, logs=None):
        current = self._monitored(logs, "Early stopping")
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self._snapshot()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self._snapshot()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)


class CSVLogger(Callback):
    """Stream each epoch's logs to a CSV file.  Mirrors ``keras.callbacks.CSVLogger``.

    The file has a header ``epoch,<keys sorted by name>`` (Keras adds ``val_<key>`` columns,
    filled with ``NA``, when the first epoch has no validation key) and one row per epoch,
    flushed at once, so the file is complete up to the last finished epoch even if the
    kernel dies.  Numbers are written as Python's ``str`` writes them (shortest round-trip
    form), so :func:`read_csv_log` gets back exactly the logged floats.  ``append=True``
    continues an existing file (no second header).
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.sep, self.append = str(filename), separator, bool(append)
        self.keys, self.writer, self.csv_file, self.append_header = None, None, None, True

    def on_train_begin(self, logs=None):
        path = Path(self.filename)
        if self.append and path.exists():
            with open(path) as f:
                self.append_header = not f.readline()  # an empty file still needs its header
        self.close()
        self.csv_file = open(path, "a" if self.append else "w", newline="")
        self.writer, self.keys = None, None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:  # the columns are fixed by the first epoch, as in Keras
            self.keys = sorted(logs)
            if self.keys and not any(k.startswith("val_") for k in self.keys):
                self.keys += [f"val_{k}" for k in self.keys]
        if self.writer is None:
            dialect = type("Dialect", (csv.excel,), {"delimiter": self.sep})
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch", *self.keys], dialect=dialect)
            if self.append_header:
                self.writer.writeheader()
        self.writer.writerow({"epoch": epoch, **{k: logs.get(k, "NA") for k in self.keys}})
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        self.close()

    def close(self):
        """Close the file (training's end does it; call it after an interrupted training)."""
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None


def read_csv_log(filename, separator=","):
    """Read a :class:`CSVLogger` file back: ``{"epoch": [0, 1, ...], key: [float, ...], ...}``.

    The same dict as ``History.history`` plus the ``epoch`` column, so a curve plotted before a
    kernel restart can be plotted again, identically, after it.  ``NA`` cells become NaN.
    """
    with open(filename, newline="") as f:
        rows = list(csv.DictReader(f, delimiter=separator))
    if not rows:
        raise ValueError(f"{filename} holds no epoch: is it a CSVLogger file of a training that ran?")
    columns = {key: [row[key] for row in rows] for key in rows[0]}
    return {key: [int(v) for v in values] if key == "epoch" else [float("nan") if v == "NA" else float(v) for v in values]
            for key, values in columns.items()}
