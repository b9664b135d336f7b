"""Set 12's references agree with the libraries that do the same job (SciPy's filter, Keras's CosineDecay).

Protects the grades: a learner's answer is judged against these references, so a wrong reference would mark
right answers wrong.  (Its recognised mistakes are tested in tests/test_recognised_mistakes.py.)
"""
import numpy as np
from scipy.signal import lfilter

from course_lib import schedules
from course_lib.classroom.refs import applications_language_reinforcement as ref

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
