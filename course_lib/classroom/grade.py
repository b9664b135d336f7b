"""Autograde exercise submissions without a server.

Usage:
    python -m course_lib.classroom.grade PATH... [--source DIR] [--out DIR] [--timeout S] [--memory-mb M] [--jobs N]
                                         [--submission-timeout S] [--deadline S] [--unsafe-no-sandbox]

PATH is a submitted notebook or a folder of them (searched recursively).  For each one:

1. **Rebuild** the notebook to grade from the instructor's *source* (``exercises/source/``):
   the learner's answer cells (matched by nbgrader ``grade_id``) and the cells they added,
   but the source's test cells, with their hidden tests.  Edited test cells are ignored
   (and noted); a deleted answer cell scores 0 for its task.
2. **Execute** it, judging outside (:mod:`course_lib.classroom.judge`): the set-up, answer and
   added cells run in a worker inside a bubblewrap sandbox (:mod:`course_lib.classroom.sandbox`);
   the test cells run here, in the grader's process, where each answer's name is bound to the
   learner's function in the worker and results come back as plain data.  A cell that times out
   or kills the worker is recorded; the worker is restarted in a fresh sandbox, earlier cells are
   replayed, and grading continues, all within the submission's wall-clock cap.
3. **Grade** each test cell as nbgrader does: an error scores 0 (the reason is the
   exception), a number as the cell's result is partial credit (the visible checks of
   :mod:`course_lib.classroom.feedback` return one), anything else earns full points.  A task
   whose answers use a name the source forbids for it scores 0 with the reason.

Writes ``OUT/grades.csv`` (submission, task, points, max_points, reason) and a readable
``OUT/feedback/<submission>.md`` per submission, atomically, after every submission.  Each
submission is graded in a process of its own (``--jobs`` at a time, :mod:`course_lib.classroom.batch`):
one that dies or overruns is retried once, then scored 0 with the reason; the exit code is 1 when
any submission could not be graded.
"""
from __future__ import annotations

import argparse
import copy
import csv
import json
import os
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from course_lib.classroom.build import (SOURCE_DIR, grade_id, is_answer_cell, is_test_cell, nbgrader_meta,
                                  strip_hidden_tests)
from course_lib.classroom.batch import Job, run_jobs
from course_lib.classroom.judge import Outcome, Session, defined_names, forbidden_uses, run_trusted
from course_lib.classroom.sandbox import SandboxUnavailable, sandbox_problem

DEFAULT_TIMEOUT_S = 30
DEFAULT_MEMORY_MB = 2048
DEFAULT_SUBMISSION_TIMEOUT_S = 300
ANSI = re.compile(r"\x1b\[[0-9;]*m")


# ================================================================ results

@dataclass
class TaskResult:
    """The grade of one test cell."""
    task: str
    points: float
    max_points: float
    reason: str = ""
    output: str = ""  # what the visible check printed: the learner's per-case feedback


@dataclass
class SubmissionResult:
    submission: str
    path: str
    source: str = ""
    tasks: list[TaskResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    ungraded: str = ""  # why this submission could not be graded (its grading process failed twice)

    @property
    def points(self) -> float:
        return sum(t.points for t in self.tasks)

    @property
    def max_points(self) -> float:
        return sum(t.max_points for t in self.tasks)


# ================================================================ 1. rebuild from the source

@dataclass
class Assembled:
    nb: nbformat.NotebookNode
    missing_answers: set[str]
    notes: list[str]
    answers_of: dict[str, list[str]]  # test cell id -> the answer cells it checks (from the source)
    names_of: dict[str, list[str]] = field(default_factory=dict)    # answer cell id -> names its solution defines
    learner_code: dict[str, str] = field(default_factory=dict)      # answer cell id -> the learner's code
    added_code: list[str] = field(default_factory=list)             # the learner's own added cells
    forbidden: dict[str, list[str]] = field(default_factory=dict)   # test cell id -> names its answers must not use


def _learner_cells(sub_nb) -> tuple[dict[str, nbformat.NotebookNode], list[tuple[str | None, nbformat.NotebookNode]], list[str]]:
    """Split a submission into cells by grade_id and added code cells (with the id they follow)."""
    by_id: dict[str, nbformat.NotebookNode] = {}
    extras: list[tuple[str | None, nbformat.NotebookNode]] = []
    notes: list[str] = []
    anchor = None
    for cell in sub_nb.cells:
        gid = grade_id(cell)
        if gid:
            if gid in by_id:
                notes.append(f"cell '{gid}' appears more than once; the last copy was graded")
            by_id[gid] = cell
            anchor = gid
        elif cell.cell_type == "code" and cell.source.strip():
            extras.append((anchor, cell))
    return by_id, extras, notes


def _plain_code(cell) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(cell.source)


def assemble(source_nb, sub_nb) -> Assembled:
    """The notebook to grade: the source's cells, with the learner's answers and added cells."""
    by_id, extras, notes = _learner_cells(sub_nb)
    source_ids = {grade_id(c) for c in source_nb.cells if grade_id(c)}
    source_plain = {c.source for c in source_nb.cells if c.cell_type == "code" and not grade_id(c)}
    extras = [(a, c) for a, c in extras if c.source not in source_plain]  # the instructor's own plain cells
    unknown = [gid for gid in by_id if gid not in source_ids]
    extras += [(None, by_id[gid]) for gid in unknown]
    if unknown:
        notes.append(f"cells with unknown grade_id {', '.join(unknown)} were run as added code")

    first_answer = next((grade_id(c) for c in source_nb.cells if is_answer_cell(c)), None)
    cells, missing = [], set()
    for cell in source_nb.cells:
        gid = grade_id(cell)
        if gid == first_answer:  # added cells that come before any graded cell
            cells += [_plain_code(c) for a, c in extras if a is None]
        if is_answer_cell(cell) and cell.cell_type == "code":
            if gid in by_id:
                answer = copy.deepcopy(cell)
                answer.source = by_id[gid].source
                cells.append(answer)
            else:
                missing.add(gid)
        else:
            cells.append(copy.deepcopy(cell))
            if is_test_cell(cell) and gid in by_id and by_id[gid].source.strip() != strip_hidden_tests(cell.source).strip():
                notes.append(f"test cell '{gid}' was edited; the original test was used")
        cells += [_plain_code(c) for a, c in extras if a == gid and gid is not None]
    for gid in sorted(missing):
        notes.append(f"answer cell '{gid}' is missing (deleted, or its metadata was changed)")
    nb = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(source_nb.metadata))
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return Assembled(nb, missing, notes, task_answers(source_nb), answer_names(source_nb),
                     {gid: by_id[gid].source for gid in by_id}, [c.source for _, c in extras],
                     {grade_id(c): forbidden_names(c) for c in source_nb.cells if is_test_cell(c)})


def forbidden_names(test_cell) -> list[str]:
    """Names the answers of this task must not use, declared in the source's test cell metadata
    (``"grader": {"forbidden_names": [...]}``): e.g. the library function the task re-implements."""
    return [str(n) for n in test_cell.metadata.get("grader", {}).get("forbidden_names", [])]


def task_answers(nb) -> dict[str, list[str]]:
    """For each test cell, the answer cells it checks: those since the previous test cell."""
    tasks, pending = {}, []
    for cell in nb.cells:
        if is_answer_cell(cell):
            pending.append(grade_id(cell))
        elif is_test_cell(cell):
            tasks[grade_id(cell)], pending = pending, []
    return tasks


# ================================================================ 2. execute: answers in the sandbox, tests here

def answer_names(source_nb) -> dict[str, list[str]]:
    """For each answer cell of the source, the names its solution defines (what the tests may call)."""
    return {grade_id(c): defined_names(c.source) for c in source_nb.cells if is_answer_cell(c)}


def execute(asm: Assembled, skip: set[int], timeout: float, memory_mb: int, deadline: float,
            sandboxed: bool = True) -> dict[int, Outcome]:
    """Run the assembled notebook: set-up, answer and added cells in the worker, test cells here.

    The instructor's set-up cells also run here (the tests need their imports).  A test sees the
    names the answer cells before it define, bound to the worker (:class:`judge.Session`).
    """
    session = Session(memory_mb, timeout, deadline, sandboxed)
    namespace: dict = {"__name__": "__main__"}
    names: list[str] = []
    outcomes: dict[int, Outcome] = {}
    try:
        for index, cell in enumerate(asm.nb.cells):
            if cell.cell_type != "code" or index in skip:
                continue
            if session.exhausted:
                outcomes[index] = Outcome("not run", evalue=_why_exhausted(session, deadline))
            elif is_test_cell(cell):
                outcomes[index] = session.run_test(cell.source, namespace, names)
            else:
                outcomes[index] = session.run(cell.source)
                if is_answer_cell(cell):
                    names += [n for n in asm.names_of.get(grade_id(cell), []) if n not in names]
                elif grade_id(cell):  # the instructor's set-up cell: the tests need its imports too
                    run_trusted(cell.source, namespace)
    finally:
        session.close()
    return outcomes


def _why_exhausted(session: Session, deadline: float) -> str:
    if time.monotonic() >= deadline:
        return "the submission's time limit was used up"
    return "the worker died too often"


# ================================================================ 3. grade the test cells

def _failure_reason(outcome: Outcome, timeout: int, memory_mb: int) -> str:
    if outcome.status == "timeout":
        return f"timeout: a cell, or one call of a function, ran longer than {timeout:g} s (infinite loop?)"
    if outcome.status == "died":
        return "the kernel died (os._exit, exit(), a crash or exhausted memory); it was restarted in a fresh sandbox"
    if outcome.status == "not run":
        return f"not run: {outcome.evalue or 'the worker died too often'}"
    if outcome.ename == "NotImplementedError":
        return "not implemented yet (the answer still raises NotImplementedError)"
    if outcome.ename == "MemoryError":
        return f"out of memory (limit {memory_mb} MB)"
    if outcome.ename == "SystemExit":
        return f"the code called sys.exit({outcome.evalue})"
    if outcome.ename == "AssertionError":
        return f"AssertionError: {outcome.evalue}" if outcome.evalue else "AssertionError (a hidden test failed)"
    return f"{outcome.ename}: {outcome.evalue}".rstrip(": ")


def _answer_notes(answers: list[str], outcomes_by_id: dict[str, Outcome], timeout: int, memory_mb: int) -> str:
    failed = [f"answer cell '{a}' failed: {_failure_reason(outcomes_by_id[a], timeout, memory_mb)}"
              for a in answers if a in outcomes_by_id and outcomes_by_id[a].status != "ok"]
    return "; ".join(failed)


def grade_cells(asm: Assembled, outcomes: dict[int, Outcome], timeout: int, memory_mb: int) -> list[TaskResult]:
    """One TaskResult per test cell of the assembled notebook."""
    nb, answers_of = asm.nb, asm.answers_of
    by_id = {grade_id(c): outcomes[i] for i, c in enumerate(nb.cells) if i in outcomes and grade_id(c)}
    results = []
    for index, cell in enumerate(nb.cells):
        if not is_test_cell(cell):
            continue
        gid, max_points = grade_id(cell), float(nbgrader_meta(cell)["points"])
        missing = [a for a in answers_of[gid] if a in asm.missing_answers]
        if missing:
            results.append(TaskResult(gid, 0.0, max_points, f"answer cell '{missing[0]}' is missing (deleted or renamed)"))
            continue
        outcome = outcomes.get(index, Outcome("not run"))
        output = ANSI.sub("", outcome.output).strip()
        visible = _first_failed_check(output)
        # a failed answer cell is reported even when its test passes (names defined elsewhere were checked)
        answer_notes = _answer_notes(answers_of[gid], by_id, timeout, memory_mb)
        if outcome.status != "ok":
            failure = _failure_reason(outcome, timeout, memory_mb)
            if visible:  # the learner's view first, then why the cell failed (often a hidden test)
                failure = visible if outcome.ename == "NotImplementedError" else f"{visible}; then {failure}"
            points, reason = 0.0, failure
        else:
            number = outcome.result
            points = max_points if number is None else min(max(number, 0.0), max_points)
            reason = "" if points >= max_points else (visible or "partial credit")
        used = _forbidden_in(asm, gid)
        if used:
            points, reason = 0.0, used
        results.append(TaskResult(gid, points, max_points, "; ".join(filter(None, [reason, answer_notes])), output))
    return results


def _forbidden_in(asm: Assembled, gid: str) -> str:
    """Why the task scores 0 when its answers (or the learner's added cells) use a forbidden name, else ''."""
    codes = [(f"answer cell '{a}'", asm.learner_code.get(a, "")) for a in asm.answers_of[gid]]
    codes += [("an added cell", code) for code in asm.added_code]
    for where, code in codes:
        used = forbidden_uses(code, asm.forbidden.get(gid, []))
        if used:
            return (f"{where} uses `{used[0]}`, which this task does not allow "
                    f"(it asks for your own code: {', '.join(asm.forbidden[gid])} are not allowed)")
    return ""


def _first_failed_check(output: str) -> str:
    """The first ✗ line a visible check printed (without the mark), or ''."""
    return next((ln[1:].strip() for ln in output.splitlines() if ln.startswith("✗")), "")


# ================================================================ one submission

def load_sources(source_dir: Path) -> dict[str, nbformat.NotebookNode]:
    """Read every source notebook in ``source_dir``, keyed by file name."""
    return {p.name: nbformat.read(p, as_version=4) for p in sorted(Path(source_dir).glob("*.ipynb"))}


def choose_source(sub_path: Path, sub_nb, sources: dict) -> str | None:
    """The source with the same file name, else the one sharing the most grade_ids with the submission."""
    if sub_path.name in sources:
        return sub_path.name
    ids = {grade_id(c) for c in sub_nb.cells if grade_id(c)} if sub_nb is not None else set()
    overlap = {name: len(ids & {grade_id(c) for c in nb.cells if grade_id(c)}) for name, nb in sources.items()}
    best = max(overlap, key=overlap.get, default=None)
    return best if best and overlap[best] else None


def _zero_for_all(result: SubmissionResult, source_nb, reason: str) -> SubmissionResult:
    for cell in source_nb.cells if source_nb is not None else []:
        if is_test_cell(cell):
            result.tasks.append(TaskResult(grade_id(cell), 0.0, float(nbgrader_meta(cell)["points"]), reason))
    if not result.tasks:
        result.tasks.append(TaskResult("(notebook)", 0.0, 0.0, reason))
    return result


def grade_submission(path: str, name: str, source_dir: str, timeout: float = DEFAULT_TIMEOUT_S,
                     memory_mb: int = DEFAULT_MEMORY_MB, submission_timeout: float = DEFAULT_SUBMISSION_TIMEOUT_S,
                     sandboxed: bool = True) -> SubmissionResult:
    """Grade one submitted notebook within ``submission_timeout`` seconds; never raises (problems become reasons)."""
    start = time.perf_counter()
    deadline = time.monotonic() + submission_timeout
    result = SubmissionResult(submission=name, path=str(path))
    sources = load_sources(Path(source_dir))
    try:
        sub_nb, read_error = nbformat.read(path, as_version=4), None
    except Exception as err:  # not JSON, not a notebook, unreadable
        sub_nb, read_error = None, f"could not read the notebook: {type(err).__name__}: {str(err)[:120]}"
    result.source = choose_source(Path(path), sub_nb, sources) or ""
    source_nb = sources.get(result.source)
    if read_error or source_nb is None:
        _zero_for_all(result, source_nb, read_error or "no exercise source matches this notebook")
    else:
        try:
            _grade_notebook(result, source_nb, sub_nb, timeout, memory_mb, deadline, sandboxed)
        except Exception as err:  # a grader bug must not stop the batch
            result.tasks = []
            _zero_for_all(result, source_nb, f"grader error: {type(err).__name__}: {err}")
    result.seconds = time.perf_counter() - start
    return result


def _grade_notebook(result: SubmissionResult, source_nb, sub_nb, timeout: float, memory_mb: int,
                    deadline: float, sandboxed: bool) -> None:
    asm = assemble(source_nb, sub_nb)
    skip = {i for i, c in enumerate(asm.nb.cells)
            if is_test_cell(c) and any(a in asm.missing_answers for a in asm.answers_of[grade_id(c)])}
    outcomes = execute(asm, skip, timeout, memory_mb, deadline, sandboxed)
    result.tasks = grade_cells(asm, outcomes, timeout, memory_mb)
    result.notes = asm.notes
    restarts = sum(o.fatal for o in outcomes.values())
    if restarts:
        result.notes.append(f"the kernel was restarted {restarts} time(s) in a fresh sandbox; earlier cells were re-run")
    for index, cell in enumerate(asm.nb.cells):
        outcome = outcomes.get(index)
        if outcome and outcome.status == "error" and nbgrader_meta(cell).get("locked") and not is_test_cell(cell):
            result.notes.append(f"set-up cell '{grade_id(cell)}' failed: {outcome.ename}: {outcome.evalue}")


# ================================================================ reports

def _cell_text(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _write_atomically(path: Path, text: str) -> None:
    """Readers see the old file or the new one, never half of one."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, newline="")
    os.replace(partial, path)


def write_csv(results: list[SubmissionResult], path: Path) -> None:
    """Write one row per submission and task: submission, task, points, max_points, reason (atomically)."""
    import io
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["submission", "task", "points", "max_points", "reason"])
    for r in results:
        for t in r.tasks:
            writer.writerow([r.submission, t.task, f"{t.points:g}", f"{t.max_points:g}", t.reason])
    _write_atomically(Path(path), buffer.getvalue())


def feedback_markdown(r: SubmissionResult) -> str:
    """A readable feedback report for one submission (points table, notes, check messages)."""
    lines = [f"# Feedback: {r.submission}", "",
             f"Exercise set: `{r.source or 'unknown'}` · **{r.points:g} / {r.max_points:g} points**", "",
             "| task | points | reason |", "|---|---|---|"]
    lines += [f"| {t.task} | {t.points:g} / {t.max_points:g} | {_cell_text(t.reason) or '✓'} |" for t in r.tasks]
    if r.notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in r.notes]
    for t in r.tasks:
        if t.output:
            lines += ["", f"## {t.task}", "", "```", t.output[:3000], "```"]
    return "\n".join(lines) + "\n"


def write_reports(results: list[SubmissionResult], out_dir: Path) -> None:
    """Write ``grades.csv`` and ``feedback/<submission>.md`` under ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(results, out_dir / "grades.csv")
    for r in results:
        write_feedback(r, out_dir)


def write_feedback(r: SubmissionResult, out_dir: Path) -> None:
    """Write the submission's readable report to ``out_dir/feedback/<submission>.md``, atomically."""
    target = out_dir / "feedback" / f"{r.submission}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(target, feedback_markdown(r))


# ================================================================ batch

def find_submissions(paths: list[str]) -> list[tuple[Path, str]]:
    """(path, submission name) for every notebook in the given files and folders."""
    found = []
    for arg in map(Path, paths):
        if arg.is_dir():
            for nb in sorted(arg.rglob("*.ipynb")):
                if ".ipynb_checkpoints" not in nb.parts:
                    found.append((nb, nb.relative_to(arg).with_suffix("").as_posix(), arg.resolve().name))
        elif arg.exists():
            found.append((arg, arg.stem, arg.resolve().parent.name))
        else:
            raise FileNotFoundError(f"no such submission file or folder: {arg}")
    return _unique_names(found)


def _unique_names(found: list[tuple[Path, str, str]]) -> list[tuple[Path, str]]:
    """Name clashes (the same notebook under two given folders) are told apart by the folder's name."""
    names = [n for _, n, _ in found]
    named = [(p, n if names.count(n) == 1 else f"{folder}__{n}".replace("/", "__")) for p, n, folder in found]
    seen: dict[str, int] = {}
    unique = []
    for path, name in named:  # still clashing (two folders of the same name): number them
        seen[name] = seen.get(name, 0) + 1
        unique.append((path, name if seen[name] == 1 else f"{name}-{seen[name]}"))
    return unique


def _result_from_json(data: dict) -> SubmissionResult:
    tasks = [TaskResult(**t) for t in data.pop("tasks")]
    return SubmissionResult(**data, tasks=tasks)


def _ungraded(path: Path, name: str, source_dir: Path, why: str) -> SubmissionResult:
    """A submission whose grading failed twice (or was cut by the batch deadline): 0 with the reason."""
    result = SubmissionResult(name, str(path), ungraded=why)
    sources = load_sources(source_dir)
    try:
        result.source = choose_source(path, nbformat.read(path, as_version=4), sources) or ""
    except Exception:
        result.source = sources and choose_source(path, None, sources) or ""
    return _zero_for_all(result, sources.get(result.source), f"could not be graded: {why}")


def grade_all(paths: list[str], source_dir: Path = SOURCE_DIR, out_dir: Path | None = None,
              timeout: float = DEFAULT_TIMEOUT_S, memory_mb: int = DEFAULT_MEMORY_MB, jobs: int = 2,
              verbose: bool = True, submission_timeout: float = DEFAULT_SUBMISSION_TIMEOUT_S,
              deadline_s: float | None = None, sandboxed: bool = True) -> list[SubmissionResult]:
    """Grade every submission, each in a grading process of its own (``jobs`` at a time).

    Reports (``out_dir``) are rewritten atomically after every submission.  A grading process that
    dies or runs past ``submission_timeout`` (+ start-up margin) is retried once, then the submission
    gets 0 with the reason (``SubmissionResult.ungraded``).  The batch stops at ``deadline_s``
    (default: enough for every submission to use its cap twice).
    """
    if sandboxed:
        problem = sandbox_problem()
        if problem:
            raise SandboxUnavailable(problem)
    submissions = find_submissions(paths)
    source_dir = Path(source_dir).resolve()
    cap = submission_timeout + 60  # the process's own start-up and reports, beyond the submission's time
    rounds = -(-len(submissions) // max(1, jobs))
    deadline = time.monotonic() + (deadline_s if deadline_s is not None else rounds * 2 * cap + 60)
    batch_jobs = [Job(i, [sys.executable, "-m", "course_lib.classroom.grade", "--one", str(p), n,
                          "--source", str(source_dir), "--timeout", str(timeout), "--memory-mb", str(memory_mb),
                          "--submission-timeout", str(submission_timeout)]
                      + ([] if sandboxed else ["--unsafe-no-sandbox"]), cap)
                  for i, (p, n) in enumerate(submissions)]
    results: dict[int, SubmissionResult] = {}

    def on_result(job: Job, data: dict | None, why: str) -> None:
        path, name = submissions[job.key]
        try:
            r = _result_from_json(data) if data is not None else _ungraded(path, name, source_dir, why)
        except (TypeError, KeyError, ValueError) as err:
            r = _ungraded(path, name, source_dir, f"its result could not be read ({type(err).__name__})")
        results[job.key] = r
        if out_dir is not None:
            write_csv([results[k] for k in sorted(results)], Path(out_dir) / "grades.csv")
            write_feedback(r, Path(out_dir))
        if verbose:
            print(f"{name}: {r.points:g} / {r.max_points:g}  ({r.seconds:.1f} s){'  NOT GRADED: ' + why if why else ''}",
                  flush=True)

    if out_dir is not None:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        write_csv([], Path(out_dir) / "grades.csv")
    run_jobs(batch_jobs, jobs, deadline, on_result)
    return [results[k] for k in sorted(results)]


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Parse the command line of ``python -m course_lib.classroom.grade``."""
    parser = argparse.ArgumentParser(prog="python -m course_lib.classroom.grade", description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", metavar="PATH", help="submitted notebooks or folders of them")
    parser.add_argument("--source", default=str(SOURCE_DIR), help="folder of source notebooks (default: exercises/source)")
    parser.add_argument("--out", default="graded", help="where grades.csv and feedback/ go (default: ./graded)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S,
                        help="seconds per answer cell, and per call a test makes to a learner's function (default 30)")
    parser.add_argument("--submission-timeout", type=float, default=DEFAULT_SUBMISSION_TIMEOUT_S,
                        help="wall-clock seconds for one submission, restarts included (default 300)")
    parser.add_argument("--deadline", type=float, default=None,
                        help="wall-clock seconds for the whole batch (default: twice every submission's cap)")
    parser.add_argument("--memory-mb", type=int, default=DEFAULT_MEMORY_MB, help="address-space limit per process (default 2048)")
    parser.add_argument("--jobs", type=int, default=2, help="submissions graded in parallel (default 2)")
    parser.add_argument("--unsafe-no-sandbox", action="store_true",
                        help="grade without bubblewrap where it is unavailable: learner code then runs as you, unisolated")
    parser.add_argument("--one", nargs=2, metavar=("PATH", "NAME"), help=argparse.SUPPRESS)  # a grading process
    args = parser.parse_args(argv)
    if not args.paths and not args.one:
        parser.error("give at least one PATH")
    return args


def _grade_one(args: argparse.Namespace) -> int:
    """The grading process of one submission: its result as JSON on standard output."""
    path, name = args.one
    result = grade_submission(path, name, args.source, args.timeout, args.memory_mb, args.submission_timeout,
                              sandboxed=not args.unsafe_no_sandbox)
    sys.stdout.write(json.dumps(asdict(result)))
    sys.stdout.flush()
    return 0


def main(argv: list[str]) -> int:
    """Command line: grade every submission found under the given paths.

    Exit code 0: every submission was graded; 1: some could not be (their rows say why);
    2: nothing was graded (a missing path, or no sandbox without ``--unsafe-no-sandbox``).
    """
    args = parse_args(argv)
    if args.one:
        return _grade_one(args)
    if args.unsafe_no_sandbox and os.environ.get("CI", "").lower() == "true":
        print("ERROR: --unsafe-no-sandbox is refused in CI: install bubblewrap", file=sys.stderr)
        return 2
    start = time.perf_counter()
    try:
        results = grade_all(args.paths, Path(args.source), Path(args.out), args.timeout, args.memory_mb, args.jobs,
                            submission_timeout=args.submission_timeout, deadline_s=args.deadline,
                            sandboxed=not args.unsafe_no_sandbox)
    except FileNotFoundError as err:
        print(f"ERROR: {err}", file=sys.stderr)
        return 2
    except SandboxUnavailable as err:
        print(f"ERROR: cannot sandbox the submissions: {err}.\nInstall it, or pass --unsafe-no-sandbox to run "
              "learner code without isolation (only for code you trust).", file=sys.stderr)
        return 2
    ungraded = [r for r in results if r.ungraded]
    print(f"graded {len(results) - len(ungraded)} of {len(results)} submission(s) in {time.perf_counter() - start:.1f} s; "
          f"wrote {Path(args.out) / 'grades.csv'} and {Path(args.out) / 'feedback'}/")
    if ungraded:
        print(f"ERROR: {len(ungraded)} submission(s) could not be graded: {', '.join(r.submission for r in ungraded)}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
