"""A genetic algorithm: a population evolves by selection, crossover, mutation and elitism.

Each generation (minimization, ``population_size`` individuals, each a params dict):

    elites   = the ``elitism`` best individuals, copied unchanged
    parent   = tournament(population, k): the best of k individuals drawn at random
    child    = crossover(parent_1, parent_2)   with probability ``crossover_rate``, else parent_1
    child    = mutate(child)                   each gene with probability ``mutation_rate``
    next     = elites + children, until ``population_size``

The operators work gene by gene and respect each hyperparameter's type and bounds:

    crossover (blend, numbers):  u = w u_1 + (1 - w) u_2,  w ~ U(0, 1)   in unit coordinates,
                                 so u stays between the parents, inside [0, 1]; integers are rounded
    crossover (Categorical):     the gene of one parent or the other
    mutation (numbers):          u' = clip(u + N(0, sigma^2), 0, 1)
    mutation (Categorical):      another choice, uniformly

Holland (1975); Goldberg (1989).  Library forms: Optuna's ``NSGAIISampler`` (a GA with the same
steps, for one or several objectives), DEAP, pygad.
"""
from __future__ import annotations

import numpy as np

from .._checks import check_fraction, check_int, check_non_negative
from .history import COMPLETE
from .search import Searcher
from .space import Categorical, Space, to_python

__all__ = ["GeneticAlgorithm", "tournament", "crossover", "mutate"]


def tournament(fitness, k, rng) -> int:
    """Index of the best (smallest) of ``k`` individuals drawn at random without replacement."""
    contenders = rng.choice(len(fitness), size=min(k, len(fitness)), replace=False)
    return int(contenders[np.argmin(np.asarray(fitness)[contenders])])


def crossover(parent_1: dict, parent_2: dict, space: Space, rng) -> dict:
    """A child whose every gene lies between its parents' (numbers) or is one of theirs (choices)."""
    child = {}
    for name in space.names:
        dim = space[name]
        if isinstance(dim, Categorical):
            child[name] = parent_1[name] if rng.uniform() < 0.5 else parent_2[name]   # one parent's gene
        else:
            w = rng.uniform()
            u = w * dim.to_unit(parent_1[name]) + (1 - w) * dim.to_unit(parent_2[name])  # u = w u1 + (1-w) u2
            child[name] = to_python(dim.from_unit(u))  # back to the type: integers rounded, inside the bounds
    return child


def mutate(individual: dict, space: Space, rng, mutation_rate=None, sigma=0.1) -> dict:
    """Each gene, with probability ``mutation_rate`` (default 1/d), moved by N(0, sigma^2) in [0, 1] or re-chosen."""
    rate = 1.0 / len(space) if mutation_rate is None else mutation_rate
    child = dict(individual)
    for name in space.names:
        if rng.uniform() >= rate:
            continue
        dim = space[name]
        if isinstance(dim, Categorical):
            others = [c for c in dim.choices if c != child[name]] or dim.choices
            child[name] = others[rng.integers(len(others))]                      # another choice
        else:
            u = np.clip(dim.to_unit(child[name]) + sigma * rng.normal(), 0.0, 1.0)  # u' = clip(u + N(0, s^2))
            child[name] = to_python(dim.from_unit(u))  # back to the type: integers rounded, inside the bounds
    return child


class GeneticAlgorithm(Searcher):
    """A seeded GA over a :class:`Space`; ``optimize(objective, n_trials)`` counts evaluations."""

    def __init__(self, space: Space, population_size=10, tournament_size=3, crossover_rate=0.9,
                 mutation_rate=None, sigma=0.1, elitism=1, random_state=None):
        super().__init__(space, random_state)
        self.population_size = check_int("population_size", population_size, minimum=2)
        self.tournament_size = check_int("tournament_size", tournament_size)
        check_fraction("crossover_rate", crossover_rate)
        if mutation_rate is not None:
            check_fraction("mutation_rate", mutation_rate)
        check_non_negative("sigma", sigma)
        self.crossover_rate, self.mutation_rate, self.sigma = crossover_rate, mutation_rate, sigma
        self.elitism = check_int("elitism", elitism, minimum=0)
        if self.elitism >= self.population_size:
            raise ValueError(f"`elitism` must be smaller than `population_size`. "
                             f"Received: elitism={elitism}, population_size={population_size}")
        self.generation_ = 0
        self._queue = [space.sample(self.rng) for _ in range(self.population_size)]  # generation 0: random
        self._evaluated = []  # (params, value) of the current generation

    def ask(self) -> dict:
        if not self._queue:
            self._queue = self._next_generation()
        return self._queue.pop(0)

    def tell(self, trial) -> None:
        value = trial.value if trial.state == COMPLETE else np.inf   # a failed trial never wins a tournament
        self._evaluated.append((trial.params, value))

    def _next_generation(self) -> list[dict]:
        population = [p for p, _ in self._evaluated]
        fitness = np.array([v for _, v in self._evaluated])
        order = np.argsort(fitness, kind="stable")
        elites = [dict(population[i]) for i in order[: self.elitism]]
        children = []
        while len(elites) + len(children) < self.population_size:
            p1 = population[tournament(fitness, self.tournament_size, self.rng)]
            p2 = population[tournament(fitness, self.tournament_size, self.rng)]
            child = crossover(p1, p2, self.space, self.rng) if self.rng.uniform() < self.crossover_rate else dict(p1)
            children.append(mutate(child, self.space, self.rng, self.mutation_rate, self.sigma))
        self.generation_ += 1
        # elites were evaluated already: keep their values, evaluate only the children
        self._evaluated = [(e, fitness[i]) for e, i in zip(elites, order[: self.elitism])]
        return children
