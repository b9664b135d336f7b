"""Side-by-side checks of ``course_lib`` against PyTorch, which the course does not require.

PyTorch is an optional extra (``pip install -e ".[torch]"``).  Each comparison runs **live** when
``torch`` imports, and otherwise reads the results that ``tools/make_torch_check.py`` stored in
:mod:`._stored` from a live run; the values are the same either way, so a notebook prints the same
output in both modes.  Set the environment variable ``COURSE_LIB_NO_TORCH=1`` to use the stored
results even where PyTorch is installed (tests/test_torch_check.py checks the stored results against
live PyTorch whenever it is installed).

- :data:`CASES`: which ``torch.optim`` call is compared with which ``course_lib`` optimizer, and whether
  their definitions agree (SGD, momentum, Nesterov, Adam, AdamW, RMSprop, Adagrad, weight decay);
- :func:`torch_trajectory` / :func:`our_trajectory` / :func:`compare`: the two parameter paths on one problem;
- :func:`torch_training`: a PyTorch training loop (``zero_grad`` / ``backward`` / ``step`` and an
  ``lr_scheduler``) on the breast-cancer set.
"""
from __future__ import annotations

import importlib.util
import os

import numpy as np

from .. import optimizers
from ._cases import AGREE_TOL, CASES, STEPS, TRAINING, OptimizerCase
from ._problem import fidelity_problem, loss_gradient

__all__ = ["CASES", "AGREE_TOL", "STEPS", "TRAINING", "OptimizerCase", "DISABLE_ENV", "torch_available",
           "mode", "torch_trajectory", "our_trajectory", "compare", "torch_training", "fidelity_problem"]

#: Set to 1 to ignore an installed PyTorch and read the stored results.
DISABLE_ENV = "COURSE_LIB_NO_TORCH"


def torch_available() -> bool:
    """True when PyTorch is installed and not switched off with ``COURSE_LIB_NO_TORCH=1``."""
    if os.environ.get(DISABLE_ENV, "") not in ("", "0"):
        return False
    return importlib.util.find_spec("torch") is not None


def mode() -> str:
    """Which PyTorch results this session uses, in words."""
    from . import _stored
    if torch_available():
        import torch
        return f"live: PyTorch {torch.__version__} is installed"
    return (f"stored: results of PyTorch {_stored.TORCH_VERSION} saved by tools/make_torch_check.py "
            f"(PyTorch is not installed, or {DISABLE_ENV}=1)")


def _check_case(name):
    if name not in CASES:
        raise ValueError(f"`name` must be one of {sorted(CASES)}. Received: name={name!r}")
    return CASES[name]


def torch_trajectory(name, live=None):
    """PyTorch's parameters after steps 0..STEPS for case ``name``, shape (STEPS + 1, 3).

    ``live=None`` runs PyTorch when it is available and reads the stored run otherwise;
    ``live=True`` / ``False`` forces one (tests use both).
    """
    _check_case(name)
    if live is None:
        live = torch_available()
    if live:
        from . import _live
        return np.array(_live.trajectory(name))
    from . import _stored
    return np.array(_stored.TRAJECTORIES[name])


def our_trajectory(name):
    """``course_lib``'s parameters after steps 0..STEPS on the same problem, shape (STEPS + 1, 3)."""
    case = _check_case(name)
    X, t, w = fidelity_problem()
    w = w.copy()
    opt = optimizers.get(case.ours, **case.our_kwargs)
    path = [w.copy()]
    for _ in range(STEPS):
        grad = loss_gradient(w, X, t, case.scale) + case.l2 * w    # an L2 penalty l2/2 ||w||^2, if any
        opt.apply([grad], [w])
        path.append(w.copy())
    return np.array(path)


def compare(name, live=None):
    """Largest |ours - PyTorch| over the trajectory, relative to the largest move |w_t - w_0| PyTorch made."""
    ours, theirs = our_trajectory(name), torch_trajectory(name, live)
    diff = float(np.max(np.abs(ours - theirs)))
    moved = float(np.max(np.abs(theirs - theirs[0])))
    return {"case": name, "max_abs_diff": diff, "relative_to_move": diff / moved, "agree": CASES[name].agree}


def torch_training(live=None):
    """The notebook's PyTorch training loop on the breast-cancer set: per-epoch loss and lr, test accuracy.

    ``seconds_per_epoch`` is measured live only (``None`` from the stored run: a time from another
    machine would mean nothing here).
    """
    if live is None:
        live = torch_available()
    if live:
        from ..data import load_breast_cancer
        from . import _live
        X_train, X_test, y_train, y_test = load_breast_cancer()
        return _live.train_logistic(X_train, y_train, X_test, y_test)
    from . import _stored
    return {**_stored.TRAINING, "seconds_per_epoch": None}
