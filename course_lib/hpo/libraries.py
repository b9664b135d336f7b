"""The same search spaces and objectives in the libraries people use: Optuna and Hyperopt.

``optuna_params(trial, space)`` asks an Optuna trial for each dimension (``suggest_float(..., log=)``,
``suggest_int``, ``suggest_categorical``); ``hyperopt_space(space)`` writes the space in Hyperopt's
``hp`` vocabulary (``hp.loguniform`` takes the *natural logs* of the bounds).  ``run_optuna`` and
``run_hyperopt`` run a search and return a :class:`~course_lib.hpo.history.History`, so their
best-so-far curves sit next to ours.  Both libraries are imported when called.

``run_optuna`` keeps its study in memory unless it is given a ``study`` or a ``storage``: an Optuna storage
URL (``sqlite:///...``, ``postgresql+psycopg://...``, ``journal:PATH``) or storage object, which several
processes can share (:mod:`course_lib.hpo.workers` starts them).
"""
from __future__ import annotations

import math

import numpy as np

from .._checks import check_int
from .history import History
from .space import Categorical, Integer, LogUniform, Space, to_python

__all__ = ["optuna_params", "run_optuna", "hyperopt_space", "run_hyperopt"]


def optuna_params(trial, space: Space) -> dict:
    """The parameters an Optuna trial suggests for ``space`` (the same distributions as ours)."""
    params = {}
    for name, dim in space.dimensions.items():
        if isinstance(dim, Categorical):
            params[name] = trial.suggest_categorical(name, dim.choices)
        elif isinstance(dim, Integer):
            params[name] = trial.suggest_int(name, dim.low, dim.high, log=dim.log)
        else:
            params[name] = trial.suggest_float(name, dim.low, dim.high, log=isinstance(dim, LogUniform))
    return params


def run_optuna(objective, space: Space, n_trials, sampler=None, study=None, storage=None,
               study_name=None, user_attrs=None) -> History:
    """Minimize ``objective(params)`` with an Optuna study; return this process's trials as a History.

    The study is, in this order: ``study`` if given; else the study ``study_name`` in ``storage`` (a URL or
    an Optuna storage; created if missing, joined if another process made it); else a new in-memory study.
    ``user_attrs`` (e.g. ``{"worker": "w0"}``) are set on each trial when it starts, so a shared study
    says who ran what.
    """
    import optuna

    n_trials = check_int("n_trials", n_trials)
    history = History()

    def wrapped(trial):
        for key, value in (user_attrs or {}).items():
            trial.set_user_attr(key, value)
        recorded = history.evaluate(objective, optuna_params(trial, space))
        return recorded.value  # NaN: Optuna marks the trial failed too, and goes on

    if study is None:
        if storage is not None:
            from .workers import make_storage  # a URL names SQLite, PostgreSQL or a journal file
            storage = make_storage(storage) if isinstance(storage, str) else storage
        study = optuna.create_study(study_name=study_name, storage=storage, direction="minimize",
                                    sampler=sampler, load_if_exists=True)
    study.optimize(wrapped, n_trials=n_trials)
    return history


def hyperopt_space(space: Space) -> dict:
    """``space`` in Hyperopt's vocabulary: hp.uniform, hp.loguniform (log bounds), hp.quniform, hp.choice."""
    from hyperopt import hp

    out = {}
    for name, dim in space.dimensions.items():
        if isinstance(dim, Categorical):
            out[name] = hp.choice(name, dim.choices)
        elif isinstance(dim, Integer):
            # cells of width 1 around each integer: round(U(low - 1/2, high + 1/2)) is uniform over low..high
            out[name] = (hp.qloguniform(name, math.log(dim.low), math.log(dim.high + 1), 1) if dim.log
                         else hp.quniform(name, dim.low - 0.5, dim.high + 0.5, 1))
        elif isinstance(dim, LogUniform):
            out[name] = hp.loguniform(name, math.log(dim.low), math.log(dim.high))
        else:
            out[name] = hp.uniform(name, dim.low, dim.high)
    return out


def run_hyperopt(objective, space: Space, n_trials, seed=0) -> History:
    """Minimize ``objective(params)`` with Hyperopt's TPE, ``rstate=np.random.default_rng(seed)``."""
    from hyperopt import STATUS_FAIL, STATUS_OK, Trials, fmin, tpe

    n_trials = check_int("n_trials", n_trials)
    history = History()

    def wrapped(raw):
        params = {name: _typed(space[name], value) for name, value in raw.items()}
        recorded = history.evaluate(objective, params)
        return {"loss": recorded.value, "status": STATUS_OK if recorded.state == "complete" else STATUS_FAIL}

    fmin(wrapped, hyperopt_space(space), algo=tpe.suggest, max_evals=n_trials, trials=Trials(),
         rstate=np.random.default_rng(seed), show_progressbar=False)
    return history


def _typed(dim, value):
    """Hyperopt returns integers as floats (8.0): give them back their type and bounds."""
    if isinstance(dim, Integer):
        return int(np.clip(round(value), dim.low, dim.high))
    return to_python(value)
