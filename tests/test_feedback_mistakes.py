"""check_function(mistakes=...) names a recognised mistake and holds the formula-giving hint back."""
import numpy as np

from course_lib.classroom.feedback import Case, check_function


def _ref(x):
    return np.maximum(x - 1.0, 0.0)


def _wrong(x):
    return x - 1.0


MISTAKES = [(_wrong, "you forgot to clip at zero")]
CASES = [Case(np.array([3.0, 0.5])), Case(np.array([2.0, 4.0]))]


def test_a_recognised_mistake_is_named_and_the_hint_waits(capsys):
    score = check_function(_wrong, _ref, CASES, hint="use np.maximum(x - 1, 0)", mistakes=MISTAKES, points=2)
    out = capsys.readouterr().out
    assert "recognised mistake: you forgot to clip at zero" in out
    assert "np.maximum" not in out and "a hint comes if it still fails" in out
    assert float(score) == 1.0  # the second case passes: the wrong answer agrees there


def test_an_unrecognised_error_gets_the_hint(capsys):
    check_function(lambda x: x * 0, _ref, CASES, hint="use np.maximum(x - 1, 0)", mistakes=MISTAKES)
    out = capsys.readouterr().out
    assert "recognised mistake" not in out and "Hint: use np.maximum" in out


def test_correct_answers_never_mention_mistakes(capsys):
    assert float(check_function(_ref, _ref, CASES, mistakes=MISTAKES)) == 1.0
    assert "mistake" not in capsys.readouterr().out


def _label(x):
    return "big" if x > 10 else "small"


def test_string_answers_are_compared_as_labels_and_mistakes_named(capsys):
    """A diagnosis task returns a label: equal strings pass, others fail with both shown."""
    label_cases = [Case(3.0), Case(30.0)]
    assert float(check_function(_label, _label, label_cases, points=2)) == 2.0
    always_small = lambda x: "small"
    score = check_function(always_small, _label, label_cases, points=2,
                           mistakes=[(always_small, "you never look at x")])
    out = capsys.readouterr().out
    assert float(score) == 1.0 and "expected 'big', got 'small'" in out
    assert "recognised mistake: you never look at x" in out
    assert float(check_function(lambda x: 1.0, _label, label_cases)) == 0.0   # a number is not a label
