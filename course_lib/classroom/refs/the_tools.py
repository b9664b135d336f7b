"""References for ``exercises/09_the_tools.ipynb``: translating an Adam configuration to Keras and PyTorch,
decoupled weight decay as an L2 coefficient, and LogisticRegression's solvers measured.

Every expected value is checked elsewhere against the library itself: the translation against Keras
(:func:`course_lib.keras_check.compare_optimizer`) and ``torch.optim`` (:mod:`course_lib.torch_check`),
the L2 coefficient by running :mod:`course_lib.optimizers` both ways, the iteration counts by scikit-learn.
The ``mistake_*`` functions compute what a known wrong answer returns, so the checks can name the mistake.
"""
import warnings

import numpy as np

from course_lib.classroom.feedback import Case

SOLVERS = ("lbfgs", "newton-cg", "saga")


def optimizer_arguments(learning_rate, beta_1, beta_2, epsilon, weight_decay):
    """course_lib ``Adam(learning_rate, beta_1, beta_2, epsilon, weight_decay)`` (decoupled decay) in Keras and PyTorch."""
    return {"keras": {"learning_rate": learning_rate, "beta_1": beta_1, "beta_2": beta_2, "epsilon": epsilon,
                      "weight_decay": weight_decay},
            "torch_class": "AdamW",      # PyTorch's Adam(weight_decay) is an L2 penalty; AdamW decouples it
            "torch": {"lr": learning_rate, "betas": [beta_1, beta_2], "eps": epsilon, "weight_decay": weight_decay}}


def l2_from_decoupled(weight_decay, learning_rate):
    """lambda of keras.regularizers.L2(lambda) (penalty lambda sum w^2) equal to SGD's decoupled weight_decay.

    Decoupled: p -= lr wd p.  L2: the gradient gains 2 lambda p, so p -= lr 2 lambda p: lambda = wd / 2.
    """
    return weight_decay / 2


def solver_iterations(X, y, C):
    """{solver: n_iter_} of LogisticRegression(C, solver, tol=1e-4, max_iter=5000, random_state=0)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    counts = {}
    for solver in SOLVERS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model = LogisticRegression(C=C, solver=solver, tol=1e-4, max_iter=5000, random_state=0).fit(X, y)
        counts[solver] = int(model.n_iter_[0])
    return counts


def fewest_iterations_solver():
    """The solver with the fewest iterations on the breast-cancer training set, C=1 (measured)."""
    from course_lib.data import load_breast_cancer

    X, _, y, _ = load_breast_cancer()
    counts = solver_iterations(X, y, 1.0)
    return min(counts, key=counts.get)


# ----------------------------------------------------------------- recognised mistakes
def mistake_torch_adam(learning_rate, beta_1, beta_2, epsilon, weight_decay):
    """torch.optim.Adam: its weight_decay is an L2 penalty, not the decoupled decay asked for."""
    return {**optimizer_arguments(learning_rate, beta_1, beta_2, epsilon, weight_decay), "torch_class": "Adam"}


def mistake_keras_names_in_torch(learning_rate, beta_1, beta_2, epsilon, weight_decay):
    """Keras's argument names given to PyTorch."""
    answer = optimizer_arguments(learning_rate, beta_1, beta_2, epsilon, weight_decay)
    return {**answer, "torch": dict(answer["keras"])}


def mistake_l2_equals_decay(weight_decay, learning_rate):
    """lambda = wd: forgets that the gradient of lambda sum w^2 is 2 lambda w."""
    return weight_decay


def mistake_l2_times_lr(weight_decay, learning_rate):
    """lambda = lr wd / 2: the learning rate multiplies the gradient already."""
    return learning_rate * weight_decay / 2


TRANSLATION_MISTAKES = [
    (mistake_torch_adam, "torch.optim.Adam's weight_decay adds wd * p to the gradient (an L2 penalty that then goes "
                         "through the adaptive step); the decoupled decay of course_lib and Keras is another class"),
    (mistake_keras_names_in_torch, "those are Keras's names: PyTorch spells them lr, betas (one pair) and eps"),
]
L2_MISTAKES = [
    (mistake_l2_equals_decay, "2 times too large: the gradient of lambda * sum(w**2) is 2 * lambda * w"),
    (mistake_l2_times_lr, "the learning rate already multiplies the penalty's gradient in the SGD step; "
                          "do not put it in lambda too"),
]

TRANSLATION_CASES = [
    Case(0.001, 0.9, 0.999, 1e-7, 0.004, label="Keras's AdamW defaults"),
    Case(0.0625, 0.875, 0.9921875, 0.0, 0.125, label="the notebook's powers of two"),
    Case(0.01, 0.8, 0.99, 1e-8, 0.0, label="no decay"),
]
L2_CASES = [
    Case(0.01, 0.1, label="weight_decay 0.01, learning rate 0.1"),
    Case(0.5, 0.01, label="weight_decay 0.5, learning rate 0.01"),
    Case(0.0, 0.3, label="no decay"),
]
_rng = np.random.default_rng(9)
_X = _rng.normal(size=(200, 5))
_y = (_X @ np.array([1.0, -1.0, 0.5, 0.0, 2.0]) + _rng.normal(size=200) > 0).astype(int)
SOLVER_CASES = [
    Case(_X, _y, 1.0, label="200 samples, 5 features, C=1"),
    Case(_X, _y, 0.01, label="the same, C=0.01 (strong penalty)"),
]
