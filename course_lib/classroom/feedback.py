"""Instant feedback for the exercises: visible checks that explain, not bare asserts.

A visible check runs the learner's function on several inputs next to a reference
and prints one line per case::

    ✓ case 1: mse(y_true=[1. 2.], y_pred=[1. 4.])
    ✗ case 2: mse(y_true=[0. 0.], y_pred=[3. 4.]): expected 12.5, got 3.5355
    Hint: average the squared differences, do not take the square root.
    1 of 2 cases passed: 1.0 / 2 points

It never raises on a learner's mistake: not implemented yet, returns ``None``, wrong
shape or dtype, NaN, an exception, or changing its input in place all become a readable
line.  It returns a :class:`Score`, a float whose ``repr`` is the plain number, so the
cell's output is e.g. ``1.0``: nbgrader's autograder and ``course_lib.classroom.grade`` read that
number as partial credit.  (Hidden tests, which only the instructor's version has, use
plain ``assert``.)
"""
from __future__ import annotations

import copy
import inspect
import warnings
from typing import Any, Callable, Iterable

import numpy as np

PASS, FAIL = "✓", "✗"
NOT_IMPLEMENTED = "not implemented yet — replace `raise NotImplementedError()` with your code"


class Score(float):
    """Points earned by a visible check; shown as the bare number so graders can parse it."""

    def __repr__(self) -> str:
        return repr(float(self))


class Case:
    """One input to try: ``Case(x, y, label="empty batch", axis=0)``."""

    def __init__(self, *args: Any, label: str | None = None, **kwargs: Any):
        self.args, self.kwargs, self.label = args, kwargs, label


class _Mismatch(Exception):
    """Raised internally when a result does not match; its message is shown to the learner."""


# ---------------------------------------------------------------- formatting

def _short(value: Any, max_chars: int = 80) -> str:
    """A compact one-line rendering of an argument or result."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=5, threshold=8, edgeitems=2, separator=" ")
        text = " ".join(text.split())
        if value.dtype != np.float64:
            text += f" ({value.dtype})"
    elif isinstance(value, (float, np.floating)):
        text = f"{float(value):.6g}"
    elif callable(value):
        text = getattr(value, "__name__", "function")
    else:
        text = " ".join(repr(value).split())
    return text if len(text) <= max_chars else text[: max_chars - 1] + "…"


def _describe_call(name: str, case: Case) -> str:
    parts = [_short(a, 40) for a in case.args] + [f"{k}={_short(v, 40)}" for k, v in case.kwargs.items()]
    call = f"{name}({', '.join(parts)})"
    return f"{case.label}: {call}" if case.label else call


def _exception_text(err: BaseException) -> str:
    message = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return f"{type(err).__name__}: {message}" if message else type(err).__name__


# ---------------------------------------------------------------- comparison

def _as_case(case: Any) -> Case:
    if isinstance(case, Case):
        return case
    return Case(*case) if isinstance(case, tuple) else Case(case)


def _compare(got: Any, expected: Any, rtol: float, atol: float, where: str = "") -> None:
    """Raise _Mismatch with a readable message when ``got`` does not match ``expected``."""
    prefix = f"{where}: " if where else ""
    if got is None and expected is not None:
        raise _Mismatch(f"{prefix}returned None — did you forget `return`?")
    if isinstance(expected, (tuple, list)):
        _compare_sequence(got, expected, rtol, atol, prefix)
        return
    if isinstance(expected, str):  # a label (a diagnosis, a choice): equal, or a mismatch
        if got != expected:
            raise _Mismatch(f"{prefix}expected {expected!r}, got {_short(got)}")
        return
    if isinstance(expected, dict):
        _compare_dict(got, expected, rtol, atol, prefix)
        return
    _compare_numbers(got, expected, rtol, atol, prefix)


def _compare_dict(got: Any, expected: dict, rtol: float, atol: float, prefix: str) -> None:
    """The same keys (named when missing or extra), then each value compared."""
    if not isinstance(got, dict):
        raise _Mismatch(f"{prefix}expected a dict with keys {sorted(expected)}, got {_short(got)}")
    missing, extra = sorted(set(expected) - set(got)), sorted(set(got) - set(expected))
    if missing or extra:
        raise _Mismatch(f"{prefix}keys differ: missing {missing}, unexpected {extra}")
    for key in expected:
        _compare(got[key], expected[key], rtol, atol, where=f"{prefix}[{key!r}]".rstrip(": "))


def _compare_sequence(got: Any, expected: Any, rtol: float, atol: float, prefix: str) -> None:
    items = got
    if isinstance(expected, list) and isinstance(got, np.ndarray) and got.ndim == 1:
        items = list(got)  # a list of numbers asked for: a 1-D array holds the same answer
    if not isinstance(items, (tuple, list)) or len(items) != len(expected):
        raise _Mismatch(f"{prefix}expected a {type(expected).__name__} of {len(expected)} items, "
                        f"got {_short(got)}")
    for i, (g, e) in enumerate(zip(items, expected)):
        _compare(g, e, rtol, atol, where=f"{prefix}item {i}".rstrip(": "))


def _compare_numbers(got: Any, expected: Any, rtol: float, atol: float, prefix: str) -> None:
    try:
        got_arr = np.asarray(got, dtype=float) if not isinstance(got, np.ndarray) else got
    except (TypeError, ValueError):
        raise _Mismatch(f"{prefix}expected a number or array, got {type(got).__name__} {_short(got)}") from None
    exp_arr = np.asarray(expected)
    if got_arr.shape != exp_arr.shape:
        raise _Mismatch(f"{prefix}wrong shape: expected {exp_arr.shape}, got {got_arr.shape}")
    if isinstance(expected, (np.ndarray, np.generic)):
        got_dtype = _dtype_name(got, expected)
        if got_dtype is not None and got_dtype != str(expected.dtype):
            raise _Mismatch(f"{prefix}wrong dtype: expected {expected.dtype}, got {got_dtype}")
    if not np.issubdtype(got_arr.dtype, np.number) and got_arr.dtype != bool:
        raise _Mismatch(f"{prefix}expected numbers, got dtype {got_arr.dtype}")
    if np.isnan(got_arr).any() and not np.isnan(exp_arr).any():
        raise _Mismatch(f"{prefix}result contains NaN (expected {_short(expected)})")
    if not np.allclose(got_arr, exp_arr, rtol=rtol, atol=atol, equal_nan=True):
        diff = np.max(np.abs(got_arr.astype(float) - exp_arr.astype(float)))
        raise _Mismatch(f"{prefix}expected {_short(expected)}, got {_short(got)} (max difference {diff:.3g})")


def _dtype_name(got: Any, expected: Any) -> str | None:
    """The dtype a result carries, for comparing with a numpy reference; None when it carries none.

    A Python float (or list of them) becomes float64, so Python values only count as a wrong
    dtype when the reference is a float of another precision (float32 in, float32 out).
    """
    if isinstance(got, (np.ndarray, np.generic)):
        return str(got.dtype)
    if isinstance(got, (float, int, list, tuple)) and not isinstance(got, bool) and _is_narrow_float(expected):
        return f"Python {type(got).__name__}"
    return None


def _is_narrow_float(expected: Any) -> bool:
    dtype = np.asarray(expected).dtype
    return np.issubdtype(dtype, np.floating) and dtype != np.float64


def _same(a: Any, b: Any) -> bool:
    """True when a deep copy taken before the call still equals the argument after it."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape \
            and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    try:
        return bool(a == b)
    except Exception:  # objects without a usable ==: cannot tell, assume unchanged
        return True


def _parameter_names(fn: Callable, count: int) -> list[str]:
    """Names of the first ``count`` positional parameters of fn (for readable messages)."""
    try:
        params = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        params = []
    return [f"`{params[i]}`" if i < len(params) else f"argument {i + 1}" for i in range(count)]


def _mutated_argument(fn: Callable, before: Case, after: Case) -> str | None:
    names = _parameter_names(fn, len(before.args))
    for name, a, b in zip(names, before.args, after.args):
        if not _same(a, b):
            return f"its input {name}"
    for key in before.kwargs:
        if not _same(before.kwargs[key], after.kwargs[key]):
            return f"its input `{key}`"
    return None


# ---------------------------------------------------------------- running one case

def _call_quietly(fn: Callable, case: Case) -> tuple[Any, list[str]]:
    """Call fn on the case; numpy warnings are collected (stderr output would cost points in nbgrader)."""
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
        warnings.simplefilter("always")
        result = fn(*case.args, **case.kwargs)
    return result, sorted({str(w.message) for w in caught})


def _run_case(fn: Callable, reference: Callable, case: Case, rtol: float, atol: float) -> str | None:
    """Return None when the case passes, else the reason it fails. NotImplementedError propagates."""
    expected = reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
    trial = copy.deepcopy(case)
    try:
        got, warned = _call_quietly(fn, trial)
    except NotImplementedError:
        raise
    except SystemExit as err:  # a function should return, not end the program (the kernel)
        return f"called sys.exit({err.code if err.code is not None else ''}); a function should `return` its result"
    except Exception as err:  # the learner's code raised: show the error, not a traceback
        return f"raised {_exception_text(err)}"
    moved = _mutated_argument(fn, case, trial)
    if moved:
        return f"your function changed {moved} in place; work on a copy (e.g. `x = x.copy()` or `x - y`)"
    try:
        _compare(got, expected, rtol, atol)
    except _Mismatch as mismatch:
        note = f" (numpy warned: {warned[0]})" if warned else ""
        return str(mismatch) + note
    return None


def _recognised(reference_mistakes, case: Case, got_case_result: Callable[[], Any], rtol: float, atol: float) -> str | None:
    """The description of the first known mistake whose output the learner's result matches, else None."""
    for wrong, description in reference_mistakes:
        try:
            wrong_value = wrong(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
            _compare(got_case_result(), wrong_value, rtol, atol)
        except Exception:  # does not match this mistake (or the learner's call failed): try the next
            continue
        return description
    return None


def _report(passed: int, total: int, points: float, hint: str | None, failed: bool, named_mistake: bool = False) -> Score:
    earned = Score(round(points * passed / total, 4)) if total else Score(0.0)
    if failed and named_mistake:
        # The named mistake is the feedback: the hint (which may give the formula away) waits for the next try.
        print("Fix that mistake and run the check again; a hint comes if it still fails.")
    elif failed and hint:
        print(f"Hint: {hint}")
    if total == 1:
        verdict = "passed" if passed else "not passed yet"
    else:
        verdict = "all cases passed" if passed == total else f"{passed} of {total} cases passed"
    print(f"{verdict}: {float(earned):g} / {points:g} points")
    return earned


# ---------------------------------------------------------------- public API

def check_function(fn: Callable, reference: Callable, cases: Iterable[Any], *, hint: str | None = None,
                   rtol: float = 1e-6, atol: float = 1e-8, points: float = 1.0,
                   name: str | None = None, mistakes: Iterable[tuple[Callable, str]] = ()) -> Score:
    """Try ``fn`` on every case next to ``reference``; print per-case feedback; return the score.

    ``cases`` are tuples of positional arguments or :class:`Case` objects.  A case passes when
    ``fn`` returns a value of the reference's shape (and dtype, for numpy results) that is close
    to it (``|got - expected| <= atol + rtol |expected|``, as ``np.allclose``) and leaves its
    inputs unchanged.  Score = points x (cases passed / cases).

    ``mistakes`` lists known wrong answers as ``(wrong_function, description)``: when a failing
    result equals what ``wrong_function`` returns on that case, the line names the mistake
    ("recognised mistake: ...") and the hint is held back, so the feedback points at the error
    before any hint gives the formula away.
    """
    if not callable(fn):
        print(f"{FAIL} expected a function, got {_short(fn)}")
        return _report(0, 1, points, hint, failed=True)
    name = name or getattr(fn, "__name__", "your function")
    cases = [_as_case(c) for c in cases]
    mistakes = list(mistakes)
    passed, named = 0, False
    for number, case in enumerate(cases, start=1):
        try:
            problem = _run_case(fn, reference, case, rtol, atol)
        except NotImplementedError:
            print(f"{FAIL} {name}: {NOT_IMPLEMENTED}")
            return _report(0, len(cases), points, None, failed=True)
        if problem is not None and mistakes:
            mistake = _recognised(mistakes, case, lambda: _call_quietly(fn, copy.deepcopy(case))[0], rtol, atol)
            if mistake:
                problem, named = f"{problem}\n    recognised mistake: {mistake}", True
        mark = PASS if problem is None else FAIL
        detail = "" if problem is None else f": {problem}"
        print(f"{mark} case {number}: {_describe_call(name, case)}{detail}")
        passed += problem is None
    return _report(passed, len(cases), points, hint, failed=passed < len(cases), named_mistake=named)


def check_value(got: Any, expected: Any, *, name: str = "your answer", hint: str | None = None,
                rtol: float = 1e-6, atol: float = 1e-8, points: float = 1.0) -> Score:
    """Compare one answer with the expected value; print feedback; return the score.

    ``got`` may be the value itself or a function without arguments that returns it (so the
    answer cell can hold a function whose body the learner fills in).
    """
    try:
        value = got() if callable(got) else got
        _compare(value, expected, rtol, atol)
    except NotImplementedError:
        print(f"{FAIL} {name}: {NOT_IMPLEMENTED}")
        return _report(0, 1, points, None, failed=True)
    except _Mismatch as mismatch:
        print(f"{FAIL} {name}: {mismatch}")
        return _report(0, 1, points, hint, failed=True)
    except Exception as err:
        print(f"{FAIL} {name}: raised {_exception_text(err)}")
        return _report(0, 1, points, hint, failed=True)
    print(f"{PASS} {name} = {_short(value)}")
    return _report(1, 1, points, hint, failed=False)
