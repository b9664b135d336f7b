"""Hyperparameter optimization from scratch (plain numpy/scipy), one concept per module.

- ``space``        search spaces: Uniform, LogUniform, Integer, Categorical; sampling, grids, unit cube
- ``history``      the trial history every searcher shares (params, value, state, time, resource)
- ``search``       the ask/tell loop; grid search and random search
- ``gp``           Gaussian-process regression, Matérn 5/2 + white noise (sklearn's GaussianProcessRegressor)
- ``acquisition``  expected improvement
- ``bayes``        Bayesian optimization: GP + EI
- ``genetic``      a genetic algorithm (tournament, crossover, mutation, elitism)
- ``halving``      successive halving (sklearn's HalvingRandomSearchCV rungs) and Hyperband
- ``objectives``   a synthetic objective where few hyperparameters matter; an MLP on the digits
- ``libraries``    the same spaces in Optuna and Hyperopt (run_optuna, run_hyperopt)
- ``workers``      many processes on one Optuna study (journal file, PostgreSQL): run_workers, make tune-workers
- ``experiments``, ``plotting``   notebook 06's races over seeds and their figures

Every searcher minimizes ``objective(params) -> float`` and takes a scikit-learn-like ``random_state``.
"""
from .acquisition import expected_improvement
from .bayes import BayesianOptimization
from .genetic import GeneticAlgorithm
from .gp import GaussianProcess, Matern52
from .halving import Hyperband, SuccessiveHalving, halving_rungs, hyperband_brackets
from .history import History, Trial
from .search import GridSearch, RandomSearch
from .space import Categorical, Integer, LogUniform, Space, Uniform

__all__ = [
    "Uniform", "LogUniform", "Integer", "Categorical", "Space", "History", "Trial",
    "GridSearch", "RandomSearch", "GaussianProcess", "Matern52", "expected_improvement",
    "BayesianOptimization", "GeneticAlgorithm", "SuccessiveHalving", "Hyperband",
    "halving_rungs", "hyperband_brackets",
]
