"""Set 06's recognised mistakes: each listed wrong answer is caught by the visible cases and named.

Protects the exercise set's feedback: a learner who made a common mistake (EI for maximization, a
uniform draw instead of a log-uniform one, an unclipped mutation, floor instead of ceil) is told which
one before any hint gives the formula away; the reference itself is never labelled.
"""
from course_lib.classroom.feedback import check_function
from course_lib.classroom.refs import hyperparameter_optimization as ref

SETS = [(ref.log_uniform, ref.LOG_UNIFORM_CASES, ref.LOG_UNIFORM_MISTAKES),
        (ref.expected_improvement, ref.EI_CASES, ref.EI_MISTAKES),
        (ref.mutate, ref.MUTATE_CASES, ref.MUTATE_MISTAKES),
        (ref.halving_rungs, ref.HALVING_CASES, ref.HALVING_MISTAKES)]


def test_every_listed_mistake_is_caught_and_named_before_any_hint(capsys):
    for reference, cases, mistakes in SETS:
        for wrong, description in mistakes:
            score = check_function(wrong, reference, cases, points=1, mistakes=mistakes, hint="THE FORMULA")
            out = capsys.readouterr().out
            assert score < 1, f"{description}: the visible cases must catch it"
            assert f"recognised mistake: {description}" in out, description
            assert "THE FORMULA" not in out  # the hint waits


def test_the_references_are_never_labelled(capsys):
    for reference, cases, mistakes in SETS:
        assert check_function(reference, reference, cases, mistakes=mistakes) == 1.0
    assert "mistake" not in capsys.readouterr().out
