"""Exercise sets' recognised mistakes: each listed wrong answer is caught by the visible cases and named.

Protects the sets' feedback: a learner who made a listed mistake — set 06: EI for maximization, a uniform draw
instead of a log-uniform one, an unclipped mutation, floor instead of ceil; set 12: returns summed forwards,
discounting once too often, the baseline added, the loss's minus sign forgotten, the cosine started at step 0,
the perplexity's exponential forgotten — is told which one before any hint gives the formula away; the
references themselves are never labelled.
"""
import pytest

from course_lib.classroom.feedback import check_function
from course_lib.classroom.refs import applications_language_reinforcement as apps2
from course_lib.classroom.refs import hyperparameter_optimization as hpo

SETS = {
    "06 log-uniform": (hpo.log_uniform, hpo.LOG_UNIFORM_CASES, hpo.LOG_UNIFORM_MISTAKES),
    "06 expected improvement": (hpo.expected_improvement, hpo.EI_CASES, hpo.EI_MISTAKES),
    "06 mutation": (hpo.mutate, hpo.MUTATE_CASES, hpo.MUTATE_MISTAKES),
    "06 halving rungs": (hpo.halving_rungs, hpo.HALVING_CASES, hpo.HALVING_MISTAKES),
    "12 discounted returns": (apps2.discounted_returns, apps2.RETURNS_CASES, apps2.RETURNS_MISTAKES),
    "12 REINFORCE loss": (apps2.reinforce_loss, apps2.LOSS_CASES, apps2.LOSS_MISTAKES),
    "12 warm-up + cosine": (apps2.warmup_cosine, apps2.SCHEDULE_CASES, apps2.SCHEDULE_MISTAKES),
    "12 perplexity": (apps2.perplexity, apps2.PERPLEXITY_CASES, apps2.PERPLEXITY_MISTAKES),
}


@pytest.mark.parametrize("task", SETS)
def test_every_listed_mistake_is_caught_and_named_before_any_hint(task, capsys):
    reference, cases, mistakes = SETS[task]
    for wrong, description in mistakes:
        score = check_function(wrong, reference, cases, points=1, mistakes=mistakes, hint="THE FORMULA")
        out = capsys.readouterr().out
        assert score < 1, f"{description}: the visible cases must catch it"
        assert f"recognised mistake: {description}" in out, description
        assert "THE FORMULA" not in out  # the hint waits


@pytest.mark.parametrize("task", SETS)
def test_the_reference_is_never_labelled(task, capsys):
    reference, cases, mistakes = SETS[task]
    assert check_function(reference, reference, cases, mistakes=mistakes) == 1.0
    assert "mistake" not in capsys.readouterr().out
