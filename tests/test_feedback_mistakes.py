"""check_function(..., mistakes=...) names a recognised mistake on the failing case's line, before the hint.

Protects the exercise sets' feedback: a learner who made a common mistake (EI for maximization, a
uniform draw instead of a log-uniform one) is told which one, and a right answer or an unknown wrong
answer is never labelled with a mistake.
"""
import numpy as np

from course_lib.classroom.feedback import check_function
from course_lib.classroom.refs import hyperparameter_optimization as ref


def test_recognised_mistake_is_named_before_the_hint(capsys):
    wrong = ref.LOG_UNIFORM_MISTAKES["a uniform draw on the linear scale, low + (high - low) u"]
    score = check_function(wrong, ref.log_uniform, ref.LOG_UNIFORM_CASES, points=2, hint="THE HINT",
                           mistakes=ref.LOG_UNIFORM_MISTAKES)
    out = capsys.readouterr().out
    assert score < 2
    named = out.index("this is what a uniform draw on the linear scale")
    assert named < out.index("Hint: THE HINT")


def test_right_or_unknown_answers_are_not_labelled(capsys):
    check_function(ref.log_uniform, ref.log_uniform, ref.LOG_UNIFORM_CASES, mistakes=ref.LOG_UNIFORM_MISTAKES)
    check_function(lambda low, high, u: np.asarray(u) * 0 + 7.0, ref.log_uniform, ref.LOG_UNIFORM_CASES,
                   mistakes=ref.LOG_UNIFORM_MISTAKES)
    assert "this is what" not in capsys.readouterr().out


def test_every_listed_mistake_is_recognised_and_wrong(capsys):
    for fn_ref, cases, mistakes in [(ref.log_uniform, ref.LOG_UNIFORM_CASES, ref.LOG_UNIFORM_MISTAKES),
                                    (ref.expected_improvement, ref.EI_CASES, ref.EI_MISTAKES),
                                    (ref.mutate, ref.MUTATE_CASES, ref.MUTATE_MISTAKES),
                                    (ref.halving_rungs, ref.HALVING_CASES, ref.HALVING_MISTAKES)]:
        for label, wrong in mistakes.items():
            score = check_function(wrong, fn_ref, cases, points=1, mistakes=mistakes)
            out = capsys.readouterr().out
            assert score < 1, f"{label}: the visible cases must catch it"
            assert f"this is what {label} gives" in out, label
