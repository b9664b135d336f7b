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

Finds the submissions and their students, sets and times with :mod:`course_lib.classroom.collect`
(``submissions/<student>/<set>.ipynb``).  Writes ``OUT/grades.csv`` (one row per student, set and
task) and ``OUT/feedback/<student>/<set>.md``, merged by (student, set) so that regrading one student
or one set replaces exactly those rows and files (:mod:`course_lib.classroom.reports`), atomically,
after every submission.  Each submission is graded in a process of its own (``--jobs`` at a time,
:mod:`course_lib.classroom.batch`): one that dies or overruns is retried once, then scored 0 with the
reason.  The exit code is 1 when any submission could not be graded or read, or matched no set.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from course_lib.classroom import collect, explain, reports
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
    title: str = ""   # the task's heading in the source ("Task 1 — Mean squared error")


@dataclass
class SubmissionResult:
    student: str
    path: str
    source: str = ""      # the source notebook's file name ("00_warmup.ipynb"); "" when none matched
    tasks: list[TaskResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    ungraded: str = ""    # why this submission could not be graded (its grading process failed twice)
    unreadable: str = ""  # why the notebook could not be read, or matched no exercise set
    set_title: str = ""   # the set's title (the source's first heading)
    submitted_at: str = ""

    @property
    def set_name(self) -> str:
        return Path(self.source).stem

    @property
    def submission(self) -> str:
        return f"{self.student}/{self.set_name or Path(self.path).stem}"

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


HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.MULTILINE)
POINTS_SUFFIX = re.compile(r"\s*\(\s*[0-9.]+\s+points?\s*\)\s*$")


def task_titles(nb) -> dict[str, str]:
    """For each test cell, the last Markdown heading before it ("Task 1 — Mean squared error"), points left off."""
    titles, heading = {}, ""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found = HEADING.findall(cell.source)
            heading = POINTS_SUFFIX.sub("", found[-1]) if found else heading
        elif is_test_cell(cell):
            titles[grade_id(cell)] = heading or grade_id(cell)
    return titles


def set_title(nb) -> str:
    """The set's title: the first Markdown heading of the source."""
    for cell in nb.cells:
        found = HEADING.findall(cell.source) if cell.cell_type == "markdown" else []
        if found:
            return found[0]
    return ""


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

def grade_cells(asm: Assembled, outcomes: dict[int, Outcome], timeout: int, memory_mb: int) -> list[TaskResult]:
    """One TaskResult per test cell of the assembled notebook; the reason puts the cause first (:mod:`.explain`)."""
    nb, answers_of = asm.nb, asm.answers_of
    by_id = {grade_id(c): outcomes[i] for i, c in enumerate(nb.cells) if i in outcomes and grade_id(c)}
    titles = task_titles(nb)
    results = []
    for index, cell in enumerate(nb.cells):
        if not is_test_cell(cell):
            continue
        gid, max_points = grade_id(cell), float(nbgrader_meta(cell)["points"])
        missing = [a for a in answers_of[gid] if a in asm.missing_answers]
        if missing:
            results.append(TaskResult(gid, 0.0, max_points, "your answer cell is missing (deleted, or its metadata "
                                      f"was changed: it was '{missing[0]}')", title=titles[gid]))
            continue
        outcome = outcomes.get(index, Outcome("not run"))
        output = ANSI.sub("", outcome.output).strip()
        # a failed answer cell is reported even when its test passes (names defined elsewhere were checked)
        answer_notes = explain.answer_failures(answers_of[gid], by_id, timeout, memory_mb)
        if outcome.status != "ok":
            points = 0.0
        else:
            number = outcome.result
            points = max_points if number is None else min(max(number, 0.0), max_points)
        reason = explain.task_reason(outcome, output, answer_notes, points, max_points, timeout, memory_mb)
        used = _forbidden_in(asm, gid)
        if used:
            points, reason = 0.0, used
        results.append(TaskResult(gid, points, max_points, reason, output, titles[gid]))
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


# ================================================================ one submission

def load_sources(source_dir: Path) -> dict[str, nbformat.NotebookNode]:
    """Read every source notebook in ``source_dir``, keyed by file name."""
    return {p.name: nbformat.read(p, as_version=4) for p in sorted(Path(source_dir).glob("*.ipynb"))}


def _zero_for_all(result: SubmissionResult, source_nb, reason: str) -> SubmissionResult:
    """Every task of the set at 0 with the reason (0 out of the set's points); 0 / 0 when no set is known."""
    titles = task_titles(source_nb) if source_nb is not None else {}
    for cell in source_nb.cells if source_nb is not None else []:
        if is_test_cell(cell):
            gid = grade_id(cell)
            result.tasks.append(TaskResult(gid, 0.0, float(nbgrader_meta(cell)["points"]), reason, title=titles[gid]))
    if not result.tasks:
        result.tasks.append(TaskResult("(notebook)", 0.0, 0.0, reason, title="the whole notebook"))
    return result


def _identify(result: SubmissionResult, path: Path, sub_nb, sources: dict) -> None:
    """Fill in the submission's set (flagged when its cells belong to another set), title and time."""
    source, flag = collect.choose_source(path, sub_nb, sources)
    result.source = source or ""
    result.set_title = set_title(sources[source]) if source else ""
    if flag:
        result.notes.append(flag)
    try:
        result.submitted_at, _ = collect.submitted_at(path)
    except OSError:
        result.submitted_at = ""


def grade_submission(path: str, student: str, source_dir: str, timeout: float = DEFAULT_TIMEOUT_S,
                     memory_mb: int = DEFAULT_MEMORY_MB, submission_timeout: float = DEFAULT_SUBMISSION_TIMEOUT_S,
                     sandboxed: bool = True) -> SubmissionResult:
    """Grade one submitted notebook within ``submission_timeout`` seconds; never raises (problems become reasons)."""
    start = time.perf_counter()
    deadline = time.monotonic() + submission_timeout
    result = SubmissionResult(student=student, path=str(path))
    sources = load_sources(Path(source_dir))
    sub_nb, read_error = collect.read_notebook(Path(path))
    _identify(result, Path(path), sub_nb, sources)
    source_nb = sources.get(result.source)
    if read_error or source_nb is None:
        result.unreadable = read_error or "no exercise set matches this notebook (by file name or by its cells)"
        _zero_for_all(result, source_nb, result.unreadable)
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
    result.notes += asm.notes
    restarts = sum(o.fatal for o in outcomes.values())
    if restarts:
        result.notes.append(f"the kernel was restarted {restarts} time(s) in a fresh sandbox; earlier cells were re-run")
    for index, cell in enumerate(asm.nb.cells):
        outcome = outcomes.get(index)
        if outcome and outcome.status == "error" and nbgrader_meta(cell).get("locked") and not is_test_cell(cell):
            result.notes.append(f"set-up cell '{grade_id(cell)}' failed: {outcome.ename}: {outcome.evalue}")


# ================================================================ batch

def _result_from_json(data: dict) -> SubmissionResult:
    tasks = [TaskResult(**t) for t in data.pop("tasks")]
    return SubmissionResult(**data, tasks=tasks)


def _ungraded(sub: collect.Submission, sources: dict, why: str) -> SubmissionResult:
    """A submission whose grading failed twice (or was cut by the batch deadline): 0 with the reason."""
    result = SubmissionResult(sub.student, str(sub.path), ungraded=why)
    sub_nb, _ = collect.read_notebook(sub.path)
    _identify(result, sub.path, sub_nb, sources)
    return _zero_for_all(result, sources.get(result.source), f"could not be graded: {why}")


def plan(paths: list[str], sources: dict) -> tuple[list[collect.Submission], dict[int, str]]:
    """The submissions under ``paths``, with students renamed where two notebooks share a (student, set)."""
    submissions = collect.find_submissions(paths)
    sets = [collect.choose_source(s.path, collect.read_notebook(s.path)[0], sources)[0] or "" for s in submissions]
    return submissions, collect.tell_apart(submissions, [Path(s).stem for s in sets])


def grade_all(paths: list[str], source_dir: Path = SOURCE_DIR, out_dir: Path | None = None,
              timeout: float = DEFAULT_TIMEOUT_S, memory_mb: int = DEFAULT_MEMORY_MB, jobs: int = 2,
              verbose: bool = True, submission_timeout: float = DEFAULT_SUBMISSION_TIMEOUT_S,
              deadline_s: float | None = None, sandboxed: bool = True) -> list[SubmissionResult]:
    """Grade every submission, each in a grading process of its own (``jobs`` at a time).

    Reports (``out_dir``) are merged into what is there by (student, set) and rewritten atomically
    after every submission.  A grading process that dies or runs past ``submission_timeout``
    (+ start-up margin) is retried once, then the submission gets 0 with the reason
    (``SubmissionResult.ungraded``).  The batch stops at ``deadline_s`` (default: enough for every
    submission to use its cap twice).
    """
    if sandboxed:
        problem = sandbox_problem()
        if problem:
            raise SandboxUnavailable(problem)
    source_dir = Path(source_dir).resolve()
    sources = load_sources(source_dir)
    submissions, clashes = plan(paths, sources)
    previous = reports.read_grades(Path(out_dir) / reports.GRADES) if out_dir is not None else []
    cap = submission_timeout + 60  # the process's own start-up and reports, beyond the submission's time
    rounds = -(-len(submissions) // max(1, jobs))
    deadline = time.monotonic() + (deadline_s if deadline_s is not None else rounds * 2 * cap + 60)
    batch_jobs = [Job(i, [sys.executable, "-m", "course_lib.classroom.grade", "--one", str(s.path), s.student,
                          "--source", str(source_dir), "--timeout", str(timeout), "--memory-mb", str(memory_mb),
                          "--submission-timeout", str(submission_timeout)]
                      + ([] if sandboxed else ["--unsafe-no-sandbox"]), cap)
                  for i, s in enumerate(submissions)]
    results: dict[int, SubmissionResult] = {}

    def on_result(job: Job, data: dict | None, why: str) -> None:
        sub = submissions[job.key]
        try:
            r = _result_from_json(data) if data is not None else _ungraded(sub, sources, why)
        except (TypeError, KeyError, ValueError) as err:
            r = _ungraded(sub, sources, f"its result could not be read ({type(err).__name__})")
        r.notes += [clashes[job.key]] if job.key in clashes else []
        results[job.key] = r
        if out_dir is not None:
            done = [results[k] for k in sorted(results)]
            reports.write_grades(reports.merge(previous, done), Path(out_dir) / reports.GRADES)
            reports.write_feedback(r, Path(out_dir))
        if verbose:
            problem = f"  NOT GRADED: {why}" if why else (f"  NOT READ: {r.unreadable}" if r.unreadable else "")
            print(f"{r.student} · {r.set_name or 'unknown set'}: {r.points:g} / {r.max_points:g}  ({r.seconds:.1f} s)"
                  f"{problem}", flush=True)

    if out_dir is not None:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        reports.write_grades(previous, Path(out_dir) / reports.GRADES)
    run_jobs(batch_jobs, jobs, deadline, on_result)
    return [results[k] for k in sorted(results)]


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Parse the command line of ``python -m course_lib.classroom.grade``."""
    parser = argparse.ArgumentParser(prog="python -m course_lib.classroom.grade", description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="submitted notebooks or folders of them (submissions/<student>/<set>.ipynb)")
    parser.add_argument("--source", default=str(SOURCE_DIR), help="folder of source notebooks (default: exercises/source)")
    parser.add_argument("--out", default="graded",
                        help="where grades.csv and feedback/ go, merged by (student, set) with what is there (default: ./graded)")
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
    parser.add_argument("--one", nargs=2, metavar=("PATH", "STUDENT"), help=argparse.SUPPRESS)  # a grading process
    args = parser.parse_args(argv)
    if not args.paths and not args.one:
        parser.error("give at least one PATH")
    return args


def _grade_one(args: argparse.Namespace) -> int:
    """The grading process of one submission: its result as JSON on standard output."""
    path, student = args.one
    result = grade_submission(path, student, args.source, args.timeout, args.memory_mb, args.submission_timeout,
                              sandboxed=not args.unsafe_no_sandbox)
    sys.stdout.write(json.dumps(asdict(result)))
    sys.stdout.flush()
    return 0


def main(argv: list[str]) -> int:
    """Command line: grade every submission found under the given paths.

    Exit code 0: every submission was graded; 1: some could not be graded or read, or matched no
    exercise set (their rows say why); 2: nothing was graded (a missing path, a grades.csv of another
    format in the output folder, or no sandbox without ``--unsafe-no-sandbox``).
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
    except (FileNotFoundError, reports.OldGradesFile) as err:
        print(f"ERROR: {err}", file=sys.stderr)
        return 2
    except SandboxUnavailable as err:
        print(f"ERROR: cannot sandbox the submissions: {err}.\nInstall it, or pass --unsafe-no-sandbox to run "
              "learner code without isolation (only for code you trust).", file=sys.stderr)
        return 2
    ungraded = [r for r in results if r.ungraded]
    unreadable = [r for r in results if r.unreadable and not r.ungraded]
    print(f"graded {len(results) - len(ungraded) - len(unreadable)} of {len(results)} submission(s) in "
          f"{time.perf_counter() - start:.1f} s; merged into {Path(args.out) / reports.GRADES} and "
          f"{Path(args.out) / reports.FEEDBACK}/")
    for problem, group in (("could not be graded", ungraded), ("could not be read or matched no exercise set", unreadable)):
        if group:
            print(f"ERROR: {len(group)} submission(s) {problem} (0 points, the reason is in their rows): "
                  f"{', '.join(r.path for r in group)}", file=sys.stderr)
    return 1 if ungraded or unreadable else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
