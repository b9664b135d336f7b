"""The PyTorch comparisons, as data: which ``torch.optim`` call is set against which ``course_lib`` optimizer.

Hyperparameters are powers of two (0.0625, 0.875, 1 - 2^-7 ...) on purpose: Keras (and so ``course_lib``)
rounds hyperparameters through float32 even for float64 parameters, PyTorch keeps them in double; with
values that float32 holds exactly, the two agree to rounding error (1e-12 in float64) wherever their
*definitions* agree, and any larger difference is the definitions' own.
"""
from __future__ import annotations

from dataclasses import dataclass, field

LR = 0.0625
MOMENTUM = 0.875
BETAS = (0.875, 0.9921875)
WD = 0.125
STEPS = 30
#: Agreement tolerance in float64 (rounding error only: the definitions are the same).
AGREE_TOL = 1e-12


@dataclass(frozen=True)
class OptimizerCase:
    """``torch.optim.<torch_name>(**torch_kwargs)`` against ``course_lib.optimizers.get(ours, **our_kwargs)``.

    ``scale`` multiplies the loss (1e-6 makes the gradients tiny, where epsilon matters); ``l2`` adds
    ``l2 * w`` to the gradient that *our* optimizer sees (an L2 penalty l2/2 ||w||^2 in the loss).
    ``agree`` says whether the two definitions are the same update.
    """
    torch_name: str
    torch_kwargs: dict
    ours: str
    our_kwargs: dict
    agree: bool
    why: str
    scale: float = 1.0
    l2: float = 0.0
    extra: dict = field(default_factory=dict)


_ADAM_T = dict(lr=LR, betas=BETAS)
_ADAM_O = dict(learning_rate=LR, beta_1=BETAS[0], beta_2=BETAS[1])

CASES = {
    "SGD": OptimizerCase("SGD", dict(lr=LR), "sgd", dict(learning_rate=LR), True,
                         "p -= lr g in both"),
    "SGD momentum": OptimizerCase(
        "SGD", dict(lr=LR, momentum=MOMENTUM), "sgd", dict(learning_rate=LR, momentum=MOMENTUM), True,
        "PyTorch's b = mu b + g; p -= lr b is Keras's v = mu v - lr g; p += v with v = -lr b (constant lr)"),
    "SGD Nesterov": OptimizerCase(
        "SGD", dict(lr=LR, momentum=MOMENTUM, nesterov=True), "sgd",
        dict(learning_rate=LR, momentum=MOMENTUM, nesterov=True), True,
        "p -= lr (g + mu b) is p += mu v - lr g"),
    "Adam (eps=0)": OptimizerCase("Adam", dict(**_ADAM_T, eps=0.0), "adam", dict(**_ADAM_O, epsilon=0.0), True,
                                  "without epsilon the bias corrections are the same algebra"),
    "AdamW (eps=0)": OptimizerCase(
        "AdamW", dict(**_ADAM_T, eps=0.0, weight_decay=WD), "adamw",
        dict(**_ADAM_O, epsilon=0.0, weight_decay=WD), True, "both decay p *= 1 - lr wd before the Adam step"),
    "RMSprop (eps=0)": OptimizerCase(
        "RMSprop", dict(lr=LR, alpha=MOMENTUM, eps=0.0), "rmsprop", dict(learning_rate=LR, rho=MOMENTUM, epsilon=0.0),
        True, "PyTorch's alpha is Keras's rho"),
    "Adagrad (eps=0, acc0=0)": OptimizerCase(
        "Adagrad", dict(lr=LR, eps=0.0), "adagrad", dict(learning_rate=LR, initial_accumulator_value=0.0, epsilon=0.0),
        True, "with the same starting accumulator"),
    "SGD weight_decay": OptimizerCase(
        "SGD", dict(lr=LR, weight_decay=WD), "sgd", dict(learning_rate=LR, weight_decay=WD), True,
        "without momentum, L2 (g + wd p) and decoupled decay (p -= lr wd p) are the same step"),
    "torch Adam weight_decay = L2 penalty": OptimizerCase(
        "Adam", dict(**_ADAM_T, eps=0.0, weight_decay=WD), "adam", dict(**_ADAM_O, epsilon=0.0), True,
        "PyTorch's Adam(weight_decay) adds wd p to the gradient: our Adam on loss + wd/2 ||w||^2", l2=WD),
    # ------------------------------------------------------------------ where the definitions differ
    "Adam weight_decay: torch vs Keras": OptimizerCase(
        "Adam", dict(**_ADAM_T, eps=0.0, weight_decay=WD), "adam", dict(**_ADAM_O, epsilon=0.0, weight_decay=WD),
        False, "PyTorch: L2 penalty through the adaptive step; Keras: decoupled decay (AdamW's rule)"),
    "SGD momentum + weight_decay": OptimizerCase(
        "SGD", dict(lr=LR, momentum=MOMENTUM, weight_decay=WD), "sgd",
        dict(learning_rate=LR, momentum=MOMENTUM, weight_decay=WD), False,
        "PyTorch's L2 term enters the momentum buffer; Keras's decay does not"),
    "Adam eps=1e-8": OptimizerCase(
        "Adam", dict(**_ADAM_T, eps=1e-8), "adam", dict(**_ADAM_O, epsilon=1e-8), False,
        "PyTorch adds eps to sqrt(v_hat), Keras to sqrt(v): Keras's eps is larger by 1/sqrt(1 - beta_2^t)"),
    "Adam eps=1e-8, gradients ~1e-7": OptimizerCase(
        "Adam", dict(**_ADAM_T, eps=1e-8), "adam", dict(**_ADAM_O, epsilon=1e-8), False,
        "the same, when sqrt(v) is near eps", scale=1e-6),
    "RMSprop eps=1e-8, gradients ~1e-7": OptimizerCase(
        "RMSprop", dict(lr=LR, alpha=MOMENTUM, eps=1e-8), "rmsprop",
        dict(learning_rate=LR, rho=MOMENTUM, epsilon=1e-8), False,
        "PyTorch: g / (sqrt(v) + eps); Keras: g / sqrt(v + eps), so sqrt(1e-8) = 1e-4 dominates tiny gradients",
        scale=1e-6),
    "Adagrad defaults": OptimizerCase(
        "Adagrad", dict(lr=LR), "adagrad", dict(learning_rate=LR), False,
        "PyTorch starts the accumulator at 0 (eps=1e-10 outside the root), Keras at 0.1 (eps=1e-7 inside)"),
}

#: The PyTorch training loop of the notebook (logistic regression on the breast-cancer set).
TRAINING = dict(epochs=20, batch_size=32, lr=0.1, momentum=0.9, seed=0)
