"""Why a task lost its points, written for the student: the cause first, then what it led to.

The grader (:mod:`course_lib.classroom.grade`) knows, for each task, how its answer cells ran
and how its test cell ran (an :class:`~course_lib.classroom.judge.Outcome` each), and what the
visible check printed.  A student needs these in the order things happened:

1. the **cause**: an answer cell that timed out, ran out of memory or raised (``your answer cell
   timed out ... (infinite loop?)``);
2. its **consequence** in the test: the check's first failed case, or ``NameError: name 'mse' is
   not defined`` when the answer cell never got to define ``mse``;
3. a **hidden test** that failed after the visible check had given points, said as what it is:
   it overrides the visible score (``a hidden test failed: ... (this overrides the visible check's
   1.5 / 2 points)``).

"infinite loop?" is suggested only where the evidence points to one: a cell or call that timed out
before the visible check printed anything, or a ``MemoryError`` without numpy's "Unable to allocate"
message (Python's own structures, a list or a bytearray, grew until the limit).
"""
from __future__ import annotations

import re

from course_lib.classroom.judge import Outcome

VISIBLE_SCORE = re.compile(r"^(?:all cases passed|\d+ of \d+ cases passed|passed|not passed yet): "
                           r"(?P<got>[0-9.]+) / (?P<max>[0-9.]+) points$", re.MULTILINE)
NUMPY_ALLOCATION = "Unable to allocate"


def visible_score(output: str) -> tuple[float, float] | None:
    """(points, max) from the visible check's summary line, or None when it never got that far."""
    found = VISIBLE_SCORE.findall(output)
    return (float(found[-1][0]), float(found[-1][1])) if found else None


def first_failed_case(output: str) -> str:
    """The first ✗ line a visible check printed (without the mark), or ''."""
    return next((ln[1:].strip() for ln in output.splitlines() if ln.startswith("✗")), "")


def memory_hint(evalue: str) -> str:
    """What a MemoryError's message says about its cause."""
    if NUMPY_ALLOCATION in evalue:  # one array too large for the limit: a shape mistake, not a loop
        return f"one array was larger than the limit ({evalue.strip()}): check its shape"
    return "something kept growing until the memory limit (infinite loop?)"


def failure(outcome: Outcome, timeout: float, memory_mb: int, printed: str = "") -> str:
    """One cell's failure in a sentence; ``printed`` is what the visible check had printed before it."""
    if outcome.status == "timeout":
        loop = "infinite loop?" if not printed.strip() else "too slow on one of the later cases, or a loop that never ends?"
        return f"timeout: it ran longer than the {timeout:g} s limit ({loop})"
    if outcome.status == "died":
        grew = "MemoryError" in printed
        return ("the kernel died" + (" after running out of memory (infinite loop?)" if grew else
                                     " (os._exit, exit(), a crash or exhausted memory)")
                + "; it was restarted in a fresh sandbox")
    if outcome.status == "not run":
        return f"not run: {outcome.evalue or 'the worker died too often'}"
    if outcome.ename == "NotImplementedError":
        return "not implemented yet (the answer still raises NotImplementedError)"
    if outcome.ename == "MemoryError":
        return f"out of memory (limit {memory_mb} MB): {memory_hint(outcome.evalue)}"
    if outcome.ename == "SystemExit":
        return f"the code called sys.exit({outcome.evalue})"
    return f"{outcome.ename}: {outcome.evalue}".rstrip(": ")


def answer_failures(answers: list[str], outcomes: dict[str, Outcome], timeout: float, memory_mb: int) -> list[str]:
    """'your answer cell failed: ...' for each of the task's answer cells that did not run cleanly."""
    failed = [a for a in answers if a in outcomes and outcomes[a].status != "ok"]
    which = (lambda a: "your answer cell") if len(answers) == 1 else (
        lambda a: f"your answer cell {answers.index(a) + 1} of {len(answers)}")
    return [f"{which(a)} failed: {failure(outcomes[a], timeout, memory_mb)}" for a in failed]


def memory_in_cases(output: str, memory_mb: int) -> str:
    """The cause when the visible check's cases raised MemoryError (the check itself carries on), or ''."""
    errors = [ln for ln in output.splitlines() if ln.startswith("✗") and "raised MemoryError" in ln]
    if not errors:
        return ""
    message = errors[0].split("raised MemoryError", 1)[1].lstrip(": ")
    return f"your function ran out of memory (limit {memory_mb} MB): {memory_hint(message)}"


def task_reason(test: Outcome, output: str, answer_notes: list[str], points: float, max_points: float,
                timeout: float, memory_mb: int) -> str:
    """Why the task scored ``points`` of ``max_points`` (cause first), or '' for full points and no problem."""
    visible = visible_score(output)
    first_fail = first_failed_case(output)
    parts = list(answer_notes)
    if test.status == "ok":
        if points < max_points:
            parts.append(memory_in_cases(output, memory_mb))
            parts.append(first_fail or "partial credit")
    elif test.ename == "NotImplementedError":
        parts.append(first_fail or failure(test, timeout, memory_mb, output))
    elif visible is not None and test.status == "error" and test.ename not in ("MemoryError", "SystemExit"):
        # the visible check finished (it never raises): what raised afterwards is a hidden test
        message = test.evalue if test.ename == "AssertionError" and test.evalue else failure(test, timeout, memory_mb)
        if visible[0] > 0:  # the student saw points in the notebook: say why they are gone
            parts.append(f"a hidden test failed: {message} (this overrides the visible check's "
                         f"{visible[0]:g} / {visible[1]:g} points)")
            parts.append(f"the visible check: {first_fail}" if first_fail else "")
        else:
            parts += [first_fail, f"a hidden test failed too: {message}"]
    else:
        cause = failure(test, timeout, memory_mb, output)
        parts.append(memory_in_cases(output, memory_mb) if test.ename == "MemoryError" and memory_in_cases(output, memory_mb) else
                     ("so the test failed: " + cause) if answer_notes else cause)
        if first_fail:
            parts.append(first_fail)
    return "; ".join(p for p in parts if p)
