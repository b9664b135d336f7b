"""Set 12's recognised mistakes: each listed wrong answer is caught by the visible cases and named.

Protects the exercise set's feedback: a learner who summed the returns forwards, discounted once too often,
added the baseline, forgot the loss's minus sign, started the cosine at step 0 or forgot the perplexity's
exponential is told which mistake it is before any hint gives the formula away; the references are never labelled.
"""
import numpy as np
from scipy.signal import lfilter

from course_lib import schedules
from course_lib.classroom.feedback import check_function
from course_lib.classroom.refs import applications_language_reinforcement as ref

SETS = [(ref.discounted_returns, ref.RETURNS_CASES, ref.RETURNS_MISTAKES),
        (ref.reinforce_loss, ref.LOSS_CASES, ref.LOSS_MISTAKES),
        (ref.warmup_cosine, ref.SCHEDULE_CASES, ref.SCHEDULE_MISTAKES),
        (ref.perplexity, ref.PERPLEXITY_CASES, ref.PERPLEXITY_MISTAKES)]


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


def test_references_agree_with_the_libraries_that_do_the_same_job():
    rewards = np.random.default_rng(0).normal(size=30)
    np.testing.assert_allclose(ref.discounted_returns(rewards, 0.9),
                               lfilter([1.0], [1.0, -0.9], rewards[::-1])[::-1], rtol=0, atol=1e-12)
    assert abs(ref.perplexity(np.full((5, 65), 1 / 65), np.arange(5)) - 65) < 1e-9
    assert abs(ref.uniform_perplexity() - 65.0) < 1e-9
    assert ref.constant_baseline_changes_expected_gradient() is False


def test_warmup_cosine_reference_equals_keras():
    """CosineDecay with warm-up equals Keras's (tests/test_schedules.py checks the class; this, the task's cases)."""
    import keras

    for case in ref.SCHEDULE_CASES:
        step, eta0, target, warmup, decay, alpha = case.args
        theirs = keras.optimizers.schedules.CosineDecay(eta0, decay, alpha=alpha, warmup_target=target,
                                                        warmup_steps=warmup)(step)
        assert abs(ref.warmup_cosine(*case.args) - float(theirs)) <= 1e-6 * target, case.label
    assert isinstance(schedules.CosineDecay(0.0, 10, warmup_target=1.0, warmup_steps=2)(1), float)
