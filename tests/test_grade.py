"""The autograder (course_lib.classroom.grade) grades every kind of broken submission, and never breaks.

Protects issue 4's acceptance: unsolved, wrong answer, wrong shape, returns None, raises,
infinite loop, memory hog, sys.exit, a killed kernel, a deleted cell, a tampered test
cell, an import failure and an unreadable file each get the right points and a reason;
so do an answer that passes the visible check but not the hidden tests (the grader runs
them), one that patches the reference the visible check uses, and an answer cell that
fails; the reference solution of every exercise set gets full points; a batch of 20+ is
graded in one run (timed and printed); the memory limit really applies; student code runs
in a separate, limited process.  The submissions are generated from the sources by
tests/broken_submissions.py.
"""
import csv
import os
import time
from pathlib import Path

import pytest

from broken_submissions import KINDS, ROOT, TOTAL, Kind, max_points, write_submission
from course_lib.classroom import grade
from course_lib.classroom.build import source_notebooks
from course_lib.classroom.judge import Outcome, Session
from course_lib.classroom.sandbox import sandbox_problem

# The grader refuses to run learner code without its sandbox; in CI (CI=true) these tests must run, never skip.
NO_SANDBOX = sandbox_problem()
if NO_SANDBOX and os.environ.get("CI", "").lower() != "true":
    pytest.skip(f"the grader's sandbox is unavailable here: {NO_SANDBOX}", allow_module_level=True)

TIMEOUT_S = 5      # per cell: the infinite loop costs this much; generous, as other jobs may load the machine
MEMORY_MB = 1024   # per kernel: numpy + ipykernel reserve ~0.8 GB of address space
BATCH = 20         # at least this many submissions in one run
SOURCES = source_notebooks()
SOLVED = {f"solved {p.stem}": Kind(None, max_points(p), source=p) for p in SOURCES}
# The learner version handed in untouched: every set's release earns nothing.
UNTOUCHED = {f"untouched {p.stem}": Kind(None, 0.0, raw=(ROOT / "exercises" / p.name).read_text(), source=p)
             for p in SOURCES}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Grade every broken kind and the solution of every set (padded to 20 submissions) in one run."""
    folder = tmp_path_factory.mktemp("submissions")
    paths = {name: write_submission(name, kind, folder) for name, kind in {**KINDS, **SOLVED, **UNTOUCHED}.items()}
    for i in range(BATCH - len(paths)):
        write_submission(f"solved copy {i}", KINDS["solved"], folder)
    out = tmp_path_factory.mktemp("graded")
    start = time.perf_counter()
    results = grade.grade_all([str(folder)], out_dir=out, timeout=TIMEOUT_S, memory_mb=MEMORY_MB,
                              jobs=2, verbose=False)
    seconds = time.perf_counter() - start
    by_path = {Path(r.path): r for r in results}
    graded = {name: by_path[path] for name, path in paths.items()}
    _print_table(graded, len(results), seconds)
    return graded, results, out


def _print_table(graded, count, seconds):
    lines = ["| submission | points | task that loses points: reason |", "|---|---|---|"]
    for name, r in graded.items():
        lost = [f"{t.task} {t.points:g}/{t.max_points:g}: {t.reason}" for t in r.tasks if t.points < t.max_points]
        lines.append(f"| {name} | {r.points:g} / {r.max_points:g} | {'; '.join(lost)[:160] or '—'} |")
    lines.append(f"\nbatch of {count} submissions graded in {seconds:.1f} s with 2 jobs "
                 f"(per-cell timeout {TIMEOUT_S} s, memory limit {MEMORY_MB} MB)")
    table = "\n".join(lines)
    print("\n" + table)
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "grade_points_table.md").write_text(table + "\n")


@pytest.mark.parametrize("name", list(KINDS))
def test_broken_submission_gets_expected_points_and_reason(batch, name):
    graded, _, _ = batch
    kind, result = KINDS[name], graded[name]
    assert result.points == pytest.approx(kind.total), [(t.task, t.points, t.reason) for t in result.tasks]
    assert result.max_points == kind.max_points
    if kind.task:
        task = next(t for t in result.tasks if t.task == kind.task)
        assert task.points == pytest.approx(kind.task_points)
        assert kind.reason in task.reason
        assert kind.visible in task.output, task.output
    if kind.note:
        assert any(kind.note in n for n in result.notes), result.notes
    for task in result.tasks:  # every lost point comes with a reason
        assert task.points == task.max_points or task.reason


@pytest.mark.parametrize("name", list(SOLVED))
def test_reference_solution_gets_full_points(batch, name):
    """Every set's solution scores its maximum, each task without a reason: hidden tests and checks agree."""
    graded, _, _ = batch
    result = graded[name]
    assert result.source == SOLVED[name].source.name
    assert result.max_points == SOLVED[name].max_points > 0
    assert [(t.task, t.reason) for t in result.tasks if t.points < t.max_points or t.reason] == []
    assert not result.notes


@pytest.mark.parametrize("name", list(UNTOUCHED))
def test_untouched_learner_version_gets_no_points(batch, name):
    graded, _, _ = batch
    result = graded[name]
    assert result.source == UNTOUCHED[name].source.name
    assert result.max_points == max_points(UNTOUCHED[name].source) > 0
    assert result.points == 0, [(t.task, t.points, t.reason) for t in result.tasks if t.points]


def test_batch_of_20_is_graded_and_reported(batch):
    graded, results, out = batch
    assert len(results) >= BATCH
    solved_copies = [r for r in results if "solved_copy" in r.submission]
    assert all(r.points == TOTAL for r in solved_copies)
    with open(out / "grades.csv") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == sum(len(r.tasks) for r in results)
    assert list(rows[0]) == ["student", "set", "task", "title", "points", "max_points", "reason", "seconds",
                             "submitted_at", "submission"]
    for r in results:
        feedback = (out / "feedback" / f"{r.submission}.md").read_text()
        assert f"{r.points:g} / {r.max_points:g} points" in feedback


def test_feedback_shows_the_learners_per_case_messages(batch):
    graded, _, out = batch
    text = (out / "feedback" / f"{graded['returns None'].submission}.md").read_text()
    assert "returned None — did you forget `return`?" in text
    assert "✓ case 1: mse_grad" in text  # the tasks that pass show their checks too


def _run_in_worker(code: str, memory_mb: int, names: list[str]) -> tuple[Outcome, dict]:
    session = Session(memory_mb, TIMEOUT_S * 5, time.monotonic() + 120)
    try:
        outcome, namespace = session.run(code), {}
        session.bind(names, namespace)
    finally:
        session.close()
    return outcome, namespace


def test_memory_limit_applies_to_the_worker():
    """Reserving 1.6 GB fails under a 1024 MB limit and succeeds under 4096 MB: the limit, not the machine, stops it."""
    code = "import numpy as np\nx = np.empty(200 * 2**20)\nsize = x.nbytes"
    outcome, _ = _run_in_worker(code, MEMORY_MB, [])
    assert (outcome.status, outcome.ename) == ("error", "MemoryError"), outcome
    outcome, namespace = _run_in_worker(code, 4096, ["size"])
    assert outcome.status == "ok" and namespace["size"] == 200 * 2**20 * 8


def test_student_code_runs_in_a_separate_limited_process(tmp_path):
    """An answer cell records where it runs: not the grader's process, and under the address-space limit."""
    spy = ("import os, resource\nwhere = (os.getpid(), resource.getrlimit(resource.RLIMIT_AS)[0])\n"
           "def mse(y_true, y_pred):\n    return np.mean((y_true - y_pred) ** 2)")
    outcome, namespace = _run_in_worker(spy, MEMORY_MB, ["where"])
    pid, limit = namespace["where"]
    assert outcome.status == "ok" and pid != os.getpid()
    assert limit == MEMORY_MB * 2**20


def test_cli_writes_reports_and_rejects_missing_paths(tmp_path, capsys):
    path = write_submission("solved", KINDS["solved"], tmp_path / "subs")
    assert grade.main([str(path), "--out", str(tmp_path / "out"), "--timeout", "20"]) == 0
    assert (tmp_path / "out" / "grades.csv").read_text().count("\n") == 6
    assert (tmp_path / "out" / "feedback" / "solved" / "00_warmup.md").exists()
    assert grade.main([str(tmp_path / "nope")]) == 2
    assert "no such submission" in capsys.readouterr().err


def test_clashing_students_are_told_apart_and_named_after_their_folder(tmp_path):
    """Two folders holding alice/00_warmup.ipynb: the second is graded as alice-2, never overwriting the first."""
    for group in ("a/morning", "a/evening"):
        write_submission("alice", KINDS["solved"], tmp_path / group)
    sources = grade.load_sources(grade.SOURCE_DIR)
    found, notes = grade.plan([str(tmp_path / g) for g in ("a/morning", "a/evening")], sources)
    assert [(s.student, s.label) for s in found] == [("alice", "alice/00_warmup.ipynb"), ("alice-2", "alice/00_warmup.ipynb")]
    assert list(notes) == [1] and "graded as student 'alice-2'" in notes[1]
    for given in ("a/morning", "a/morning/alice", "a/morning/alice/00_warmup.ipynb"):
        assert [s.student for s in grade.collect.find_submissions([str(tmp_path / given)])] == ["alice"]
