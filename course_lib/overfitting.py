"""Overfitting, measured: training and validation curves over seeds, and inverted dropout's arithmetic.

A model overfits when its training loss keeps falling while its validation loss turns back up:
the validation curve is U-shaped, and the gap

    gap(epoch) = val_loss(epoch) - loss(epoch)

widens.  One seed's curve is noisy, so :func:`run_curves` trains the same model recipe with several
seeds (weights and batch order) through ``nn.Sequential.fit`` and stacks the curves, shape
(seeds, epochs), so a lesson can assert on their mean and on every seed.

Inverted dropout (Srivastava et al. 2014, in Keras's "inverted" form) keeps each unit with
probability 1 - rate and scales the kept ones up, so that the expected output equals the input:

    y = x * m / (1 - rate),   m_i ~ Bernoulli(1 - rate),   E[y] = x

:func:`inverted_dropout` applies it with a given mask m, which is what lets a test compare it with
``keras.layers.Dropout`` and with ``nn.Dropout`` mask for mask.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import check_fraction, check_int

__all__ = ["inverted_dropout", "Curves", "run_curves"]


def inverted_dropout(x, keep_mask, rate):
    """x * keep_mask / (1 - rate), in x's dtype (the training-time output of Keras's Dropout)."""
    check_fraction("rate", rate)
    x, keep_mask = np.asarray(x), np.asarray(keep_mask)
    if keep_mask.shape != x.shape:
        raise ValueError(f"`keep_mask` must have the shape of `x`, {x.shape}; got {keep_mask.shape}")
    dtype = x.dtype if np.issubdtype(x.dtype, np.floating) else np.dtype("float32")
    return x.astype(dtype, copy=False) * (keep_mask.astype(dtype) / dtype.type(1 - rate))  # x m / (1 - rate)


@dataclass
class Curves:
    """Per-seed, per-epoch logs: ``history[key]`` has shape (seeds, epochs); ``seeds`` lists the seeds.

    A run stopped early (EarlyStopping) is padded with NaN after its last epoch; ``stopped_epochs``
    holds the number of epochs each seed trained.
    """

    history: dict
    seeds: list
    stopped_epochs: np.ndarray

    def __getitem__(self, key):
        return self.history[key]

    def mean(self, key):
        """The mean curve over seeds (ignoring NaN padding)."""
        return np.nanmean(self.history[key], axis=0)

    def gap(self):
        """val_loss - loss, shape (seeds, epochs): the generalization gap per epoch."""
        return self.history["val_loss"] - self.history["loss"]


def run_curves(build_model, x, y, validation_data, seeds=(0, 1, 2), epochs=50, batch_size=32, make_callbacks=None):
    """Train ``build_model(seed)`` once per seed and stack its History.

    ``build_model(seed)`` returns a compiled ``nn.Sequential`` (it decides the architecture, the
    regularization and the optimizer); ``fit`` uses the same seed for the batch order, so each run is
    reproducible.  ``make_callbacks()`` (optional) returns fresh callbacks for each run, e.g.
    ``lambda: [callbacks.EarlyStopping(patience=5)]``.  Returns :class:`Curves`.
    """
    epochs, batch_size = check_int("epochs", epochs), check_int("batch_size", batch_size)
    seeds = list(seeds)
    if not seeds:
        raise ValueError("`seeds` must list at least one seed")
    runs = []
    for seed in seeds:
        model = build_model(seed)
        if not hasattr(model, "fit"):
            raise TypeError(f"`build_model(seed)` must return a compiled model with .fit; got {model!r}")
        cbs = list(make_callbacks()) if make_callbacks is not None else []
        runs.append(model.fit(x, y, batch_size=batch_size, epochs=epochs, validation_data=validation_data,
                              seed=seed, callbacks=cbs, verbose=0).history)
    keys = list(runs[0])
    stopped = np.array([len(r[keys[0]]) for r in runs])
    history = {k: np.full((len(seeds), epochs), np.nan) for k in keys}
    for i, run in enumerate(runs):
        for k in keys:
            history[k][i, :len(run[k])] = run[k]
    return Curves(history, seeds, stopped)
