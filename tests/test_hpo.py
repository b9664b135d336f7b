"""course_lib.hpo: spaces, history, grid/random search, GA, halving — checked against scikit-learn and scipy.

Protects: the grid is ParameterGrid's (same points, same order); log-uniform samples follow
scipy.stats.loguniform; successive halving's rungs are HalvingRandomSearchCV's; the GA's operators
keep every gene's type and bounds; bad input gets an error naming the argument; a NaN trial fails
and the search goes on.
"""
import math

import numpy as np
import pytest
from scipy import stats
from sklearn.model_selection import ParameterGrid

from course_lib import hpo
from course_lib.hpo import genetic
from course_lib.hpo.objectives import FewMatter

SPACE = hpo.Space({
    "lr": hpo.LogUniform(1e-4, 1e-1),
    "dropout": hpo.Uniform(0.0, 0.5),
    "units": hpo.Integer(8, 64),
    "activation": hpo.Categorical(["relu", "tanh"]),
})


# ---------------------------------------------------------------- spaces
def test_grid_equals_sklearn_parameter_grid_points_and_order():
    grid = SPACE.grid(3)
    values = {name: SPACE[name].grid(3) for name in SPACE.names}
    expected = list(ParameterGrid(values))
    assert len(grid) == 3 * 3 * 3 * 2
    assert grid == expected  # same dicts in the same order: sorted names, last varying fastest


def test_grid_values_per_type():
    assert hpo.LogUniform(1e-4, 1e-1).grid(4) == pytest.approx([1e-4, 1e-3, 1e-2, 1e-1], rel=1e-12)
    assert hpo.Uniform(0, 1).grid(3) == [0.0, 0.5, 1.0]
    assert hpo.Integer(1, 3).grid(5) == [1, 2, 3]
    assert hpo.Integer(8, 128, log=True).grid(5) == [8, 16, 32, 64, 128]


def test_log_uniform_samples_pass_ks_test_against_scipy():
    rng = np.random.default_rng(0)
    samples = hpo.LogUniform(1e-5, 1e-1).sample(rng, size=5000)
    result = stats.kstest(samples, stats.loguniform(1e-5, 1e-1).cdf)
    assert result.pvalue > 0.01
    # and the test can fail: uniform samples on the same range are rejected
    wrong = hpo.Uniform(1e-5, 1e-1).sample(rng, size=5000)
    assert stats.kstest(wrong, stats.loguniform(1e-5, 1e-1).cdf).pvalue < 1e-6


def test_samples_respect_types_and_bounds_and_seed():
    a = [SPACE.sample(np.random.default_rng(3)) for _ in range(2)]
    assert a[0] == a[1]  # same seed, same point
    rng = np.random.default_rng(1)
    for _ in range(200):
        p = SPACE.sample(rng)
        assert 1e-4 <= p["lr"] <= 1e-1 and 0 <= p["dropout"] <= 0.5
        assert isinstance(p["units"], int) and 8 <= p["units"] <= 64
        assert p["activation"] in ("relu", "tanh")


def test_integer_sampling_is_uniform_over_all_values():
    counts = np.bincount(hpo.Integer(0, 4).sample(np.random.default_rng(0), size=10000), minlength=5)
    assert stats.chisquare(counts).pvalue > 0.01


def test_unit_cube_round_trip():
    rng = np.random.default_rng(2)
    for _ in range(50):
        p = SPACE.sample(rng)
        u = SPACE.to_unit(p)
        assert np.all((0 <= u) & (u <= 1))
        back = SPACE.from_unit(u)
        assert back["units"] == p["units"] and back["activation"] == p["activation"]
        assert back["lr"] == pytest.approx(p["lr"], rel=1e-12)
    assert hpo.LogUniform(1e-4, 1e-2).to_unit(1e-3) == pytest.approx(0.5)  # log-scaled: the middle is 1e-3


@pytest.mark.parametrize("make, match", [
    (lambda: hpo.Space({}), "at least one hyperparameter"),
    (lambda: hpo.Uniform(1.0, 1.0), "`low` must be smaller than `high`"),
    (lambda: hpo.Uniform(2.0, 1.0), "`low` must be smaller than `high`"),
    (lambda: hpo.LogUniform(0.0, 1.0), "log-scaled range needs `low` > 0"),
    (lambda: hpo.LogUniform(-1.0, 1.0), "log-scaled range needs `low` > 0"),
    (lambda: hpo.Integer(0, 10, log=True), "log-scaled range needs `low` > 0"),
    (lambda: hpo.Uniform(0.0, math.inf), "finite"),
    (lambda: hpo.Categorical([]), "non-empty"),
])
def test_bad_dimensions_raise_value_error(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_unknown_parameter_type_and_non_numbers_raise_type_error():
    with pytest.raises(TypeError, match="Unknown type for hyperparameter 'lr'"):
        hpo.Space({"lr": (1e-4, 1e-1)})
    with pytest.raises(TypeError, match="`low` must be a float"):
        hpo.Uniform("0", 1)
    with pytest.raises(TypeError, match="`low` must be an integer"):
        hpo.Integer(0.5, 3)
    with pytest.raises(TypeError, match="random_state"):
        hpo.RandomSearch(SPACE, random_state="seed")


# ---------------------------------------------------------------- history, grid and random search
def test_nan_objective_marks_trial_failed_and_search_goes_on():
    calls = []

    def objective(p):
        calls.append(p)
        return float("nan") if len(calls) % 2 else p["dropout"]

    history = hpo.RandomSearch(SPACE, random_state=0).optimize(objective, 6)
    assert len(history) == 6 and len(calls) == 6
    assert [t.state for t in history] == ["failed", "complete"] * 3
    assert history.best_value == min(t.value for t in history.completed)
    assert np.isinf(history.best_so_far()[0]) and np.all(np.isfinite(history.best_so_far()[1:]))


def test_every_trial_failed_has_no_best():
    history = hpo.RandomSearch(SPACE, random_state=0).optimize(lambda p: float("nan"), 3)
    with pytest.raises(ValueError, match="No completed trial"):
        history.best_trial


def test_objective_returning_a_non_number_is_a_clear_error():
    with pytest.raises(TypeError, match="must return a number"):
        hpo.RandomSearch(SPACE, random_state=0).optimize(lambda p: "good", 1)


def test_history_records_params_time_resource_and_best_so_far():
    history = hpo.GridSearch(SPACE, points=2).optimize(lambda p: p["lr"] + p["dropout"], 100)
    assert len(history) == 2 * 2 * 2 * 2  # the grid ends the search early
    assert [t.params for t in history] == SPACE.grid(2)
    assert [t.number for t in history] == list(range(16))
    assert all(t.duration >= 0 and t.resource == 1 for t in history)
    best = history.best_so_far()
    assert np.all(np.diff(best) <= 0) and best[-1] == history.best_value == pytest.approx(1e-4)
    assert history.cumulative_resource()[-1] == 16


def test_n_trials_is_checked():
    with pytest.raises(ValueError, match="n_trials"):
        hpo.RandomSearch(SPACE).optimize(lambda p: 0.0, 0)


def test_random_search_is_seeded_and_beats_grid_when_few_parameters_matter():
    f = FewMatter(seed=0)
    a = hpo.RandomSearch(f.space, random_state=4).optimize(f, 64)
    b = hpo.RandomSearch(f.space, random_state=4).optimize(f, 64)
    assert [t.params for t in a] == [t.params for t in b]
    wins = 0
    for seed in range(5):
        f = FewMatter(seed)
        grid = hpo.GridSearch(f.space, points=2).optimize(f, 64).best_value
        rand = hpo.RandomSearch(f.space, random_state=seed).optimize(f, 64).best_value
        wins += rand < grid
    assert wins == 5


# ---------------------------------------------------------------- genetic algorithm
def test_crossover_and_mutation_keep_types_and_bounds():
    rng = np.random.default_rng(0)
    for _ in range(300):
        a, b = SPACE.sample(rng), SPACE.sample(rng)
        child = genetic.crossover(a, b, SPACE, rng)
        lo_u, hi_u = sorted((a["units"], b["units"]))
        assert isinstance(child["units"], int) and lo_u <= child["units"] <= hi_u
        assert min(a["lr"], b["lr"]) * (1 - 1e-12) <= child["lr"] <= max(a["lr"], b["lr"]) * (1 + 1e-12)
        assert child["activation"] in (a["activation"], b["activation"])
        m = genetic.mutate(child, SPACE, rng, mutation_rate=1.0, sigma=0.5)
        assert isinstance(m["units"], int) and 8 <= m["units"] <= 64
        assert 1e-4 <= m["lr"] <= 1e-1 and 0.0 <= m["dropout"] <= 0.5
        assert m["activation"] != child["activation"]  # a mutated choice is another choice


def test_tournament_picks_the_best_of_the_contenders():
    fitness = np.array([5.0, 1.0, 3.0, 0.5])
    assert genetic.tournament(fitness, 4, np.random.default_rng(0)) == 3  # everyone competes
    picks = [genetic.tournament(fitness, 2, np.random.default_rng(s)) for s in range(200)]
    assert 0 not in picks  # the worst never wins a tournament of two


def test_genetic_algorithm_is_seeded_keeps_elite_and_improves():
    f = FewMatter(seed=1)
    runs = [hpo.GeneticAlgorithm(f.space, population_size=10, random_state=7).optimize(f, 60) for _ in range(2)]
    assert [t.params for t in runs[0]] == [t.params for t in runs[1]]
    first_generation = min(t.value for t in runs[0].trials[:10])
    assert runs[0].best_value < first_generation  # evolution improved on the random start
    with pytest.raises(ValueError, match="elitism"):
        hpo.GeneticAlgorithm(f.space, population_size=4, elitism=4)
    with pytest.raises(ValueError, match="crossover_rate"):
        hpo.GeneticAlgorithm(f.space, crossover_rate=1.5)


# ---------------------------------------------------------------- successive halving, Hyperband
@pytest.mark.parametrize("n_candidates, min_resources, max_resources, factor", [
    ("exhaust", 20, 600, 3), (30, 20, 600, 3), (50, 10, 600, 2), (9, 40, 600, 3), (100, 30, 600, 4),
])
def test_halving_rungs_equal_sklearn(n_candidates, min_resources, max_resources, factor):
    from sklearn.datasets import make_classification
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingRandomSearchCV
    from sklearn.tree import DecisionTreeClassifier

    X, y = make_classification(n_samples=max_resources, random_state=0)
    search = HalvingRandomSearchCV(DecisionTreeClassifier(random_state=0), {"max_depth": list(range(1, 200))},
                                   n_candidates=n_candidates, min_resources=min_resources, factor=factor,
                                   max_resources=max_resources, cv=2, random_state=0).fit(X, y)
    rungs = hpo.halving_rungs(n_candidates, min_resources, max_resources, factor)
    assert [n for n, _ in rungs] == search.n_candidates_
    assert [r for _, r in rungs] == search.n_resources_


def test_successive_halving_runs_its_rungs_and_saves_compute():
    f = FewMatter(seed=0)
    sh = hpo.SuccessiveHalving(f.space, n_candidates=27, min_resources=1, max_resources=27, random_state=0)
    history = sh.optimize(lambda p, r: f(p) + 1.0 / r)  # more resource, better value
    assert [sum(t.info["rung"] == i for t in history) for i in range(4)] == [27, 9, 3, 1]
    assert sh.compute == 27 * 1 + 9 * 3 + 3 * 9 + 1 * 27 < 27 * 27
    # the survivors of each rung are the best of the rung before
    rung0 = sorted((t for t in history if t.info["rung"] == 0), key=lambda t: t.value)
    assert {tuple(sorted(t.params.items())) for t in rung0[:9]} == \
        {tuple(sorted(t.params.items())) for t in history if t.info["rung"] == 1}


def test_hyperband_brackets_match_li_et_al_table():
    # Li et al. (2018), Table 1: R = 81, eta = 3
    brackets = hpo.hyperband_brackets(1, 81, 3)
    assert brackets == [
        [(81, 1), (27, 3), (9, 9), (3, 27), (1, 81)],
        [(34, 3), (11, 9), (3, 27), (1, 81)],
        [(15, 9), (5, 27), (1, 81)],
        [(8, 27), (2, 81)],
        [(5, 81)],
    ]
    f = FewMatter(seed=0)
    hb = hpo.Hyperband(f.space, min_resources=1, max_resources=9, random_state=0)
    history = hb.optimize(lambda p, r: f(p))
    assert hb.compute == sum(n * r for b in hpo.hyperband_brackets(1, 9, 3) for n, r in b)
    assert hb.best_trial_.resource == 9


def test_halving_bad_input():
    with pytest.raises(ValueError, match="min_resources"):
        hpo.halving_rungs(10, 100, 10)
    with pytest.raises(ValueError, match="factor"):
        hpo.halving_rungs(10, 1, 10, factor=1)


# ---------------------------------------------------------------- Optuna and Hyperopt adapters
def test_optuna_and_hyperopt_draw_from_the_same_space():
    import optuna
    from course_lib.hpo.libraries import run_hyperopt, run_optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    seen = {"optuna": [], "hyperopt": []}
    for name, run in (("optuna", lambda f: run_optuna(f, SPACE, 40, optuna.samplers.RandomSampler(seed=0))),
                      ("hyperopt", lambda f: run_hyperopt(f, SPACE, 40, seed=0))):
        history = run(lambda p, name=name: seen[name].append(p) or (float("nan") if p["units"] == 8 else p["lr"]))
        assert len(history) == 40
        assert all(t.state == ("failed" if t.params["units"] == 8 else "complete") for t in history)
        for p in seen[name]:
            assert 1e-4 <= p["lr"] <= 1e-1 and 0 <= p["dropout"] <= 0.5 and p["activation"] in ("relu", "tanh")
            assert isinstance(p["units"], int) and 8 <= p["units"] <= 64
    hyperopt_units = {p["units"] for p in seen["hyperopt"]}
    assert min(hyperopt_units) <= 12 and max(hyperopt_units) >= 58  # the ends of the integer range are reachable
