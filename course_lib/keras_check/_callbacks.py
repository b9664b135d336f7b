"""Our callbacks next to ``keras.callbacks``, fed the same logged metrics."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._table import Comparison, absdiff


class _Optimizer:
    """The part of an optimizer a callback touches: a settable float learning rate."""

    def __init__(self, learning_rate):
        self.learning_rate = learning_rate


class StandInModel:
    """The part of a model a callback touches (what ``fit`` would give it).

    ``optimizer`` is anything with a ``learning_rate`` attribute: a real
    ``keras.optimizers.SGD`` for Keras's callbacks (its rate is a float32
    variable), a plain holder of a Python float for ours.
    """

    def __init__(self, optimizer, weights):
        self.optimizer = optimizer
        self.stop_training = False
        self._weights = [np.array(w, copy=True) for w in weights]

    def get_weights(self):
        return [np.array(w, copy=True) for w in self._weights]

    def set_weights(self, weights):
        self._weights = [np.array(w, copy=True) for w in weights]


@dataclass
class CallbackTrace:
    """What one callback did over a run of epochs."""

    learning_rates: list = field(default_factory=list)  # after each epoch's on_epoch_end
    stopped_after: int | None = None                    # epoch after which stop_training was set
    final_weights: list = field(default_factory=list)   # after on_train_end


def run_callback(callback, values, monitor="val_loss", learning_rate=0.1, weights_per_epoch=None,
                 optimizer=None, read_lr=float):
    """Feed ``callback`` the logged ``values`` of ``monitor``, one per epoch, as ``fit`` would.

    At epoch ``i`` the model's weights are ``weights_per_epoch[i]`` (default: one
    array filled with ``i``), so restored weights show which epoch they came from.
    Stops early when the callback sets ``model.stop_training``.  ``read_lr``
    turns the optimizer's learning rate into a Python float.
    """
    if weights_per_epoch is None:
        weights_per_epoch = [[np.full((2, 3), float(i))] for i in range(len(values))]
    model = StandInModel(optimizer if optimizer is not None else _Optimizer(learning_rate),
                         weights_per_epoch[0])
    callback.set_model(model)
    trace = CallbackTrace()
    callback.on_train_begin()
    for epoch, value in enumerate(values):
        callback.on_epoch_begin(epoch)
        model.set_weights(weights_per_epoch[epoch])  # "training" for this epoch
        callback.on_epoch_end(epoch, {monitor: float(value)})
        trace.learning_rates.append(read_lr(model.optimizer.learning_rate))
        if model.stop_training:
            trace.stopped_after = epoch
            break
    callback.on_train_end()
    trace.final_weights = model.get_weights()
    return trace


def run_keras_callback(callback, values, monitor="val_loss", learning_rate=0.1, weights_per_epoch=None):
    """:func:`run_callback` for a Keras callback: the model's optimizer is a real ``keras.optimizers.SGD``."""
    import keras

    return run_callback(callback, values, monitor, learning_rate, weights_per_epoch,
                        optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
                        read_lr=lambda lr: float(keras.ops.convert_to_numpy(lr)))


def compare_callback(ours, keras_callback, values, monitor="val_loss", learning_rate=0.1):
    """Run both callbacks on the same metric sequence; one row per epoch.

    Each row is ``(epoch, |lr_ours - lr_keras|)``.  An epoch where only one of the
    two stopped training, and the final weights when they differ (restored from
    different epochs), show as ``inf``: a different decision, not a rounding.
    """
    a = run_callback(ours, values, monitor, learning_rate)
    b = run_keras_callback(keras_callback, values, monitor, learning_rate)
    rows = [(epoch, absdiff(x, y)) for epoch, (x, y) in enumerate(zip(a.learning_rates, b.learning_rates))]
    if a.stopped_after != b.stopped_after:
        rows.append((min(e for e in (a.stopped_after, b.stopped_after) if e is not None), float("inf")))
    same_weights = all(np.array_equal(x, y) for x, y in zip(a.final_weights, b.final_weights))
    if not same_weights:
        rows.append((len(values), float("inf")))
    return Comparison(name=type(ours).__name__, dtype="float32", rows=rows)
