"""Instant feedback (course_lib.classroom.feedback): every common mistake gives a readable line, never a traceback.

Protects issue 4 item 2, and the contract with graders: the returned Score displays as a bare
number that nbgrader's own determine_grade reads as partial credit.
"""
import numpy as np
import nbformat
import pytest
from nbgrader.utils import determine_grade

from course_lib.classroom.feedback import NOT_IMPLEMENTED, Case, Score, check_function, check_value


def ref(y_true, y_pred):
    return np.mean((y_true - y_pred) ** 2)


CASES = [(np.array([1.0, 2.0]), np.array([1.0, 4.0])),
         Case(np.zeros(3, np.float32), np.ones(3, np.float32), label="float32")]


def good(y_true, y_pred):
    return np.mean((y_true - y_pred) ** 2)


def not_implemented(y_true, y_pred):
    raise NotImplementedError()


def returns_none(y_true, y_pred):
    np.mean((y_true - y_pred) ** 2)


def no_mean(y_true, y_pred):
    return (y_true - y_pred) ** 2


def float64(y_true, y_pred):
    return np.mean((y_true - y_pred) ** 2, dtype=np.float64)


def nan(y_true, y_pred):
    return np.log(-np.ones_like(y_true)).mean()


def raises(y_true, y_pred):
    raise KeyError("oops")


def mutates(y_true, y_pred):
    y_pred -= y_true
    return np.mean(y_pred ** 2)


def exits(y_true, y_pred):
    raise SystemExit(2)


def python_float(y_true, y_pred):
    return float(np.mean((y_true - y_pred) ** 2))


@pytest.mark.parametrize("fn, points, message", [
    (good, 2.0, "all cases passed: 2 / 2 points"),
    (not_implemented, 0.0, NOT_IMPLEMENTED),
    (returns_none, 0.0, "returned None — did you forget `return`?"),
    (no_mean, 0.0, "wrong shape: expected (), got (2,)"),
    (float64, 1.0, "wrong dtype: expected float32, got float64"),
    (nan, 0.0, "result contains NaN"),
    (raises, 0.0, "raised KeyError: 'oops'"),
    (mutates, 1.0, "changed its input `y_pred` in place"),  # case 2 subtracts zeros: no change
    (exits, 0.0, "called sys.exit(2)"),
    (python_float, 1.0, "wrong dtype: expected float32, got Python float"),  # float64 case 1 accepts it
])
def test_each_mistake_gets_its_message_and_score(capsys, fn, points, message):
    score = check_function(fn, ref, CASES, hint="average the squares", points=2)
    out = capsys.readouterr()
    assert isinstance(score, Score) and score == points
    assert message in out.out
    assert out.err == ""  # stderr output would cost all points in nbgrader
    assert ("Hint: average the squares" in out.out) == (0 < points < 2 or (points == 0 and fn is not not_implemented))


def test_expected_and_got_are_shown(capsys):
    check_function(lambda a, b: ref(a, b) + 1, ref, CASES[:1], name="mse")
    assert "✗ case 1: mse([1. 2.], [1. 4.]): expected 2, got 3" in capsys.readouterr().out


def test_tuples_and_tolerances():
    assert check_function(lambda x: (x, 2 * x), lambda x: (x, 2 * x + 1e-9), [(1.0,)]) == 1
    assert check_function(lambda x: (x,), lambda x: (x, 2 * x), [(1.0,)]) == 0
    assert check_function(lambda x: x + 1e-3, lambda x: x, [(1.0,)], rtol=1e-2) == 1


def test_python_values_count_as_float64_only():
    """A Python float is a fine answer where the reference is float64, a wrong dtype where it is float32."""
    assert check_function(python_float, ref, CASES[:1]) == 1
    assert check_function(lambda a, b: [0.5, 0.5, 0.5], lambda a, b: (b - a) / 2, CASES[1:]) == 0


def test_a_1d_array_answers_for_a_list_but_not_for_a_tuple(capsys):
    """Asked for a list of numbers, a 1-D array holding them passes; a pair like (w, v) must stay a pair."""
    assert check_function(lambda n: np.arange(n) * 0.5, lambda n: [i * 0.5 for i in range(n)], [(3,)]) == 1
    assert check_function(lambda n: np.arange(n) * 0.5, lambda n: [0.0, 0.5], [(3,)]) == 0
    assert check_function(lambda n: np.arange(2.0), lambda n: (0.0, 1.0), [(2,)]) == 0
    out = capsys.readouterr().out
    assert "expected a list of 2 items, got [0. 0.5 1. ]" in out and "expected a tuple of 2 items" in out


def test_check_value(capsys):
    assert check_value(lambda: 0.25, 0.25, name="lr") == 1
    assert check_value(0.3, 0.25, name="lr", points=3) == 0
    assert check_value(not_implemented.__get__, 0.25) == 0  # a callable that needs arguments: raises, reported
    out = capsys.readouterr().out
    assert "✓ lr = 0.25" in out and "✗ lr: expected 0.25, got 0.3" in out and "raised TypeError" in out


def test_score_is_read_as_partial_credit_by_nbgrader():
    """The check's cell output ('1.5') is what nbgrader's determine_grade parses."""
    cell = nbformat.v4.new_code_cell("check_function(...)", metadata={"nbgrader": {
        "grade": True, "solution": False, "grade_id": "t", "points": 2, "locked": True, "schema_version": 3}})
    cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": repr(Score(1.5))}, execution_count=1)]
    assert repr(Score(1.5)) == "1.5"
    assert determine_grade(cell) == (1.5, 2.0)
