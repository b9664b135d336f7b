"""Optimizers, each equal to its ``keras.optimizers`` twin step by step.

One optimizer per module; the shared machinery (learning rate, clipping, weight
decay, slots) is in :mod:`._base`, and what makes a big step fast (cache-sized
blocks, reused scratch arrays, threads) in :mod:`._blocks`.

    >>> import numpy as np
    >>> from course_lib import optimizers
    >>> w = np.array([1.0, -2.0])
    >>> opt = optimizers.get("adam", learning_rate=0.1)
    >>> opt.apply([2 * w], [w])            # one step on f(w) = ||w||^2, in place
    >>> w.round(4).tolist(), opt.iterations
    ([0.9, -1.9], 1)
"""
from __future__ import annotations

from ._base import NonFiniteGradientError, Optimizer, keras_constant
from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .ftrl import Ftrl
from .lamb import Lamb
from .lion import Lion
from .muon import Muon
from .nadam import Nadam
from .rmsprop import RMSprop
from .schedule_free_adamw import ScheduleFreeAdamW
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "AdamW", "Adamax",
           "Nadam", "Lion", "Lamb", "Ftrl", "Adafactor", "Muon", "ScheduleFreeAdamW", "get",
           "keras_constant", "ALL", "NonFiniteGradientError"]

#: Every optimizer, by its lower-case name (the names ``keras.optimizers.get`` takes).
ALL = {cls.__name__.lower(): cls for cls in
       (SGD, Adagrad, RMSprop, Adadelta, Adam, AdamW, Adamax, Nadam, Lion, Lamb, Ftrl,
        Adafactor, Muon, ScheduleFreeAdamW)}


def get(identifier, **kwargs) -> Optimizer:
    """An optimizer from its name (case-insensitive), e.g. ``get("adam", learning_rate=0.01)``.

    Mirrors ``keras.optimizers.get``; an ``Optimizer`` instance is returned unchanged.
    """
    if isinstance(identifier, Optimizer):
        if kwargs:
            raise TypeError("keyword arguments can only be given with an optimizer name")
        return identifier
    if not isinstance(identifier, str):
        raise TypeError(f"`identifier` must be an optimizer name or an Optimizer. "
                        f"Received: {identifier!r}")
    try:
        cls = ALL[identifier.lower()]
    except KeyError:
        raise ValueError(f"Unknown optimizer {identifier!r}; expected one of "
                         f"{sorted(ALL)}") from None
    return cls(**kwargs)
