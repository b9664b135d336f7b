"""Our learning-rate schedules next to ``keras.optimizers.schedules``."""
from __future__ import annotations

from ._table import Comparison, absdiff


def keras_schedule_like(ours, dtype="float64"):
    """Build the ``keras.optimizers.schedules`` twin of one of our schedules.

    Keras computes a schedule in the dtype of ``initial_learning_rate``, and
    ``ops.cast(python_float, "float64")`` goes through float32 on the TensorFlow
    backend.  So every float argument is handed over as a numpy scalar of
    ``dtype``: with "float64" Keras then computes in full double precision, with
    "float32" exactly as it does by default.
    """
    import keras
    import numpy as np

    cls = getattr(keras.optimizers.schedules, type(ours).__name__, None)
    if cls is None:
        raise ValueError(f"Keras has no schedule named {type(ours).__name__!r}.")
    scalar = np.dtype(dtype).type

    def cast(value):
        if isinstance(value, float):
            return scalar(value)
        if isinstance(value, list):
            return [cast(v) for v in value]
        return value

    config = {key: cast(value) for key, value in ours.get_config().items()}
    if "values" in config:  # PiecewiseConstantDecay: its values set the result dtype
        config["values"] = [scalar(v) for v in config["values"]]
    if "initial_learning_rate" in config:
        config["initial_learning_rate"] = scalar(config["initial_learning_rate"])
    return cls(**config)


def compare_schedule(ours, keras_schedule=None, steps=range(101), dtype="float64"):
    """Evaluate ``ours(step)`` and ``keras_schedule(step)`` at each step.

    ``keras_schedule`` defaults to :func:`keras_schedule_like` ``(ours, dtype)``.
    Returns a :class:`Comparison` with one row ``(step, |ours - keras|)`` per step;
    its dtype is the dtype Keras computed in.
    """
    import keras

    if keras_schedule is None:
        keras_schedule = keras_schedule_like(ours, dtype)
    rows, keras_dtype = [], None
    for step in steps:
        value = keras_schedule(step)
        keras_dtype = keras.backend.standardize_dtype(keras.ops.convert_to_tensor(value).dtype)
        rows.append((int(step), absdiff(ours(step), keras.ops.convert_to_numpy(value))))
    return Comparison(name=type(ours).__name__, dtype=str(keras_dtype), rows=rows)


def tabulated_keras_schedule(ours, steps):
    """A ``keras.optimizers.schedules.LearningRateSchedule`` that replays ``ours`` from a table.

    For schedules Keras does not have (CyclicLR, OneCycle...): the rates
    ``ours(0), ..., ours(steps - 1)`` are computed once, in float32 (Keras's learning-rate
    dtype), and the Keras schedule returns ``table[min(step, steps - 1)]``.  It uses only
    ``keras.ops``, so it also runs inside a compiled ``model.fit`` on any backend.
    """
    import keras
    import numpy as np

    table = np.array([ours(t) for t in range(steps)], dtype="float32")

    class TabulatedSchedule(keras.optimizers.schedules.LearningRateSchedule):
        """Rates read from a precomputed table, the last one held after the table ends."""

        def __call__(self, step):
            index = keras.ops.minimum(keras.ops.cast(step, "int32"), len(table) - 1)
            return keras.ops.take(table, index)

        def get_config(self):
            return {"table": table.tolist()}

    return TabulatedSchedule()
