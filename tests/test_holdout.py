"""The test set is read once: HeldOutSet counts every read, refuses a second one unless forced, and logs all attempts."""
import numpy as np
import pytest

from course_lib.holdout import HeldOutSet, TestSetReuseError


def _test_set():
    return HeldOutSet(np.arange(12.0).reshape(6, 2), np.array([0, 1, 0, 1, 1, 0]))


def test_first_read_runs_and_is_counted():
    test = _test_set()
    assert test.reads == 0 and len(test) == 6  # len is not a read
    assert test.evaluate(lambda x, y: float(y.mean())) == 0.5
    assert test.reads == 1 and test.refused == 0


def test_second_read_is_refused_with_a_clear_message_and_logged():
    test = _test_set()

    def accuracy(x, y):
        return 1.0

    test.evaluate(accuracy)
    with pytest.raises(TestSetReuseError, match=r"already evaluated \(read 1 time\(s\), first by 'accuracy'\).*force=True"):
        test.evaluate(accuracy)
    assert test.reads == 1 and test.refused == 1
    assert [(a.attempt, a.allowed, a.forced) for a in test.log] == [(1, True, False), (2, False, False)]
    assert "read 1 time(s) (0 forced), 1 refused" in test.summary()


def test_forced_reads_run_and_are_reported():
    test = _test_set()
    for _ in range(3):
        test.evaluate(lambda x, y: 0.0, force=True)
    assert test.reads == 3
    assert [a.forced for a in test.log] == [False, True, True]  # the first read is not "forced"
    assert "(2 forced)" in test.summary()


def test_a_score_function_cannot_change_the_test_set():
    test = _test_set()

    def vandal(x, y):
        x[:] = 0
        y[:] = 9
        return 0.0

    test.evaluate(vandal)
    assert test.evaluate(lambda x, y: (x.sum(), y.sum()), force=True) == (66.0, 3)


@pytest.mark.parametrize("x, y, message", [
    (np.zeros((3, 2)), np.zeros(4), "same number of samples"),
    (np.zeros((0, 2)), np.zeros(0), "at least one sample"),
])
def test_bad_arrays_are_refused(x, y, message):
    with pytest.raises(ValueError, match=message):
        HeldOutSet(x, y)


def test_score_must_be_callable():
    with pytest.raises(TypeError, match="`score` must be a callable"):
        _test_set().evaluate(0.9)
