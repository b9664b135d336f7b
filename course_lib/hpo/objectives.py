"""Objectives to tune: a synthetic one where few hyperparameters matter, and a real MLP on the digits.

``FewMatter(seed)`` (Bergstra & Bengio 2012, Fig. 1): six hyperparameters in [0, 1], only two matter,

    f(x) = (x_0 - a)^2 + (x_1 - b)^2 + 0.001 * mean_{j>=2} (x_j - 1/2)^2,   (a, b) ~ U(0.1, 0.9)^2 per seed.

``DigitsMLP(seed)``: the validation loss (sparse categorical cross-entropy) of a one-hidden-layer
perceptron (``nn.Dense(units, relu) -> Dropout -> Dense(10, softmax)``, AdamW) trained for a few
epochs on scikit-learn's digits, on a split drawn by ``seed`` (train / validation / test, standardized
with the training statistics).  The resource is the number of epochs.  A trial costs ~10-30 ms.
"""
from __future__ import annotations

import numpy as np

from .. import data, nn, optimizers
from .._checks import check_int
from .space import Categorical, Integer, LogUniform, Space, Uniform

__all__ = ["FewMatter", "DigitsMLP"]


class FewMatter:
    """f(x) = (x_0 - a)^2 + (x_1 - b)^2 + 0.001 mean_j (x_j - 1/2)^2 over six Uniform(0, 1)."""

    space = Space({f"x{j}": Uniform(0.0, 1.0) for j in range(6)})

    def __init__(self, seed=0):
        self.optimum = np.random.default_rng(seed).uniform(0.1, 0.9, size=2)   # (a, b)

    def __call__(self, params) -> float:
        a, b = self.optimum
        x = np.array([params[f"x{j}"] for j in range(6)])
        return float((x[0] - a) ** 2 + (x[1] - b) ** 2 + 0.001 * np.mean((x[2:] - 0.5) ** 2))


class DigitsMLP:
    """Validation loss of an MLP on the digits after ``epochs`` epochs; ``__call__(params, epochs=None)``."""

    space = Space({
        "learning_rate": LogUniform(1e-4, 1e-1),
        "weight_decay": LogUniform(1e-6, 1e-1),
        "units": Integer(8, 128, log=True),
        "batch_size": Categorical([32, 128]),
        "dropout": Uniform(0.0, 0.5),
    })

    def __init__(self, seed=0, n_train=600, n_val=200, epochs=3):
        self.seed = seed
        self.epochs = check_int("epochs", epochs)
        x, y = data.load_digits(dtype="float32", standardize=False)
        order = np.random.default_rng(seed).permutation(len(x))
        train, val, test = np.split(order, [n_train, n_train + n_val])
        mean, std = x[train].mean(axis=0), x[train].std(axis=0)
        scale = lambda part: ((x[part] - mean) / np.where(std > 0, std, 1.0)).astype("float32")
        self.train_set, self.val_set, self.test_set = [(scale(p), y[p]) for p in (train, val, test)]

    def train(self, params, epochs=None):
        """The model trained with ``params`` for ``epochs`` (default ``self.epochs``) epochs; deterministic."""
        model = nn.Sequential([nn.Dense(int(params["units"]), activation="relu"),
                               nn.Dropout(params["dropout"], seed=self.seed),
                               nn.Dense(10, activation="softmax")], seed=self.seed)
        model.compile(optimizer=optimizers.AdamW(learning_rate=params["learning_rate"],
                                                 weight_decay=params["weight_decay"]),
                      loss="sparse_categorical_crossentropy")
        with np.errstate(all="ignore"):  # a diverging rate gives NaN: the trial fails, quietly
            model.fit(*self.train_set, batch_size=int(params["batch_size"]), verbose=0, seed=self.seed,
                      epochs=self.epochs if epochs is None else check_int("epochs", epochs))
        return model

    def loss(self, model, part="val") -> float:
        x, y = self.val_set if part == "val" else self.test_set
        with np.errstate(all="ignore"):
            return float(model.evaluate(x, y, batch_size=len(x)))

    def __call__(self, params, epochs=None) -> float:
        return self.loss(self.train(params, epochs), "val")

    def test_loss(self, params, epochs=None) -> float:
        """The held-out test loss of the same (deterministic) training."""
        return self.loss(self.train(params, epochs), "test")
