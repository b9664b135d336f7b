"""Deliberate tampering gets no points and touches no one else (issue 10's seven classes of attack).

One batch holds an honest classmate, a submission per attack and a learner who solved everything.
Each attack carries a wrong answer for the task it targets (so only tampering could earn it), and
tries its trick in an added cell or in the answer.  The batch must give every attack only what its
answers deserve, leave the classmate's 9/9 untouched, finish with the right exit code, leave no
process running and write nothing outside its output folder.
"""
import hashlib
import os
import subprocess
import time
from pathlib import Path

import nbformat
import pytest

from broken_submissions import GRADIENT_DESCENT, KINDS, ROOT, TOTAL, solved_nb, with_answer, write_submission
from course_lib.classroom import grade
from course_lib.classroom.batch import Job, run_jobs
from course_lib.classroom.sandbox import sandbox_problem

NO_SANDBOX = sandbox_problem()
if NO_SANDBOX and os.environ.get("CI", "").lower() != "true":
    pytest.skip(f"the grader's sandbox is unavailable here: {NO_SANDBOX}", allow_module_level=True)

MARKER = "gr4der-attack-marker"   # any process or file an attack leaves behind carries this
WRONG_MSE = "def mse(y_true, y_pred):\n    return np.sqrt(np.mean((y_true - y_pred) ** 2))"

HOOKS = """
ip = get_ipython()
ip.showtraceback = lambda *a, **k: None                     # hide failures
ip.input_transformers_post.append(lambda lines: [l.replace('assert', 'pass;') for l in lines])
ip.displayhook(2.0)                                          # a fake result
from course_lib.classroom import feedback
feedback.Score.__repr__ = lambda self: '2.0'                 # the class that shows a score
"""
PATCHES = """
import numpy as np, builtins
np.allclose = np.isclose = np.array_equal = lambda *a, **k: True
class Liar(np.ndarray):
    def __eq__(self, other): return np.ones(np.shape(other), bool)
from course_lib.classroom import feedback
feedback._compare = lambda *a, **k: None
feedback.check_function = lambda *a, **k: 2.0
import course_lib.gradcheck as g
g.numerical_gradient = lambda f, x, eps=1e-6: np.zeros_like(x)
builtins.AssertionError = type('Quiet', (Exception,), {})
"""
COPYING = """
import glob, os, sqlite3
def mse(y_true, y_pred):
    try:
        return ref.mse(y_true, y_pred)                                    # the visible check's reference
    except Exception:
        pass
    for path in glob.glob('/**/exercises/source/*.ipynb', recursive=True) + glob.glob('/proc/*/cwd/exercises/source/*'):
        return open(path).read()                                          # the instructor's sources
    for db in glob.glob(os.path.expanduser('~/.ipython/profile_default/history.sqlite')):
        return sqlite3.connect(db).execute('select source from history').fetchall()  # other kernels' cells
    return np.sqrt(np.mean((y_true - y_pred) ** 2))
"""
NEIGHBOURS = f"""
import glob, os, subprocess, sys
targets = glob.glob('/**/*.ipynb', recursive=True) + glob.glob('/**/grades.csv', recursive=True)
for path in targets:
    try:
        open(path, 'a').write('{MARKER}')
    except OSError:
        pass
startup = os.path.expanduser('~/.ipython/profile_default/startup')
try:
    os.makedirs(startup, exist_ok=True)
    open(os.path.join(startup, '00-{MARKER}.py'), 'w').write('mse = lambda *a: 0')
except OSError:
    pass
# a detached process (new session, double fork) that would act after grading
subprocess.Popen([sys.executable, '-c', 'import os, time\\nif os.fork(): os._exit(0)\\nos.setsid()\\ntime.sleep(120)  # {MARKER}'],
                 start_new_session=True)
"""
BATCH_BREAKER = """
import os, signal
for pid in range(1, 400):                       # the grader, its workers, other kernels
    for sig in (signal.SIGKILL, signal.SIGSTOP):
        try:
            os.kill(pid, sig) if pid != os.getpid() else None
        except OSError:
            pass
def mse(y_true, y_pred):
    os.kill(os.getpid(), signal.SIGSTOP)       # stop the worker: the grader must not hang
"""
COST = f"""
import os
pids = []
for _ in range(40):                              # many processes, each under the per-process memory limit
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        hog = bytearray(200 * 2**20)
        import time; time.sleep(60)
        os._exit(0)
    pids.append(pid)
try:
    with open('/tmp/{MARKER}', 'wb') as f:       # unlimited disk
        f.write(b'x' * 2**30)
except OSError:
    pass
"""
LOOPS = "while True:\n    pass"
# a weak minibatch answer that passed the old hidden tests: indices drawn with replacement
WEAK_MINIBATCH = ("def minibatch_indices(num_samples, batch_size, seed):\n"
                  "    idx = np.random.default_rng(seed).integers(0, num_samples, num_samples)\n"
                  "    return [idx[i:i + batch_size] for i in range(0, num_samples, batch_size)]")
WEAK_ONE_STEP = "def one_step_learning_rate():\n    return 0.5"


def _added_cell(code: str, before: str, answer: str | None = WRONG_MSE, source=None):
    """A breaker: wrong mse (unless answer is None), and ``code`` in a cell the learner added before ``before``."""
    def breaker(nb):
        if answer is not None:
            nb = with_answer("warmup_mse", answer)(nb)
        index = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == before)
        nb.cells.insert(index, nbformat.v4.new_code_cell(code))
        return nb
    return breaker


ATTACKS = {  # name: (breaker, source, expected points, task that must score 0)
    "1 IPython hooks": (_added_cell(HOOKS, "warmup_mse"), None, TOTAL - 2, "warmup_mse_check"),
    "2 patched checks": (_added_cell(PATCHES, "warmup_mse"), None, TOTAL - 2, "warmup_mse_check"),
    "3 copying answers": (with_answer("warmup_mse", COPYING), None, TOTAL - 2, "warmup_mse_check"),
    "4 touching others": (_added_cell(NEIGHBOURS, "warmup_mse"), None, TOTAL - 2, "warmup_mse_check"),
    "5 breaking the batch": (with_answer("warmup_mse", BATCH_BREAKER), None, TOTAL - 2, "warmup_mse_check"),
    "6 unbounded cost": (lambda nb: _added_cell(LOOPS, "warmup_mse_grad", answer=None)(
        _added_cell(LOOPS, "warmup_gd_step", answer=None)(_added_cell(COST, "warmup_mse")(nb))), None, TOTAL - 2,
        "warmup_mse_check"),
    "7 weak minibatch": (with_answer("gd_minibatch", WEAK_MINIBATCH), GRADIENT_DESCENT, 8.0, "gd_minibatch_check"),
    "7 weak one-step rate": (with_answer("warmup_one_step_lr", WEAK_ONE_STEP), None, TOTAL - 1, "warmup_one_step_lr_check"),
}
CELL_TIMEOUT_S, SUBMISSION_TIMEOUT_S = 5, 40


def _digest(folder: Path) -> dict:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def _leftovers() -> list[str]:
    """Processes whose command line carries the marker (a few seconds' grace for namespaces to wind down)."""
    for _ in range(10):
        ps = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
        left = [line for line in ps.splitlines() if MARKER in line and "ps -eo" not in line]
        if not left:
            return []
        time.sleep(0.5)
    return left


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    folder = tmp_path_factory.mktemp("attack-subs")
    paths = {"classmate": write_submission("classmate", KINDS["solved"], folder)}
    for name, (breaker, source, _, _) in ATTACKS.items():
        kind = KINDS["solved"].__class__(breaker, 0.0, source=source or KINDS["solved"].source)
        paths[name] = write_submission(name, kind, folder)
    out = tmp_path_factory.mktemp("attack-out")
    sources = ROOT / "exercises" / "source"
    before = {"subs": _digest(folder), "sources": _digest(sources), "lib": _digest(ROOT / "course_lib")}
    home_startup = Path.home() / ".ipython" / "profile_default" / "startup"
    startup_before = sorted(home_startup.glob("*")) if home_startup.exists() else []
    start = time.monotonic()
    code = grade.main([str(folder), "--out", str(out), "--timeout", str(CELL_TIMEOUT_S), "--memory-mb", "1024",
                       "--submission-timeout", str(SUBMISSION_TIMEOUT_S), "--jobs", "2"])
    seconds = time.monotonic() - start
    rows = _read_csv(out / "grades.csv")
    after = {"subs": _digest(folder), "sources": _digest(sources), "lib": _digest(ROOT / "course_lib")}
    startup_after = sorted(home_startup.glob("*")) if home_startup.exists() else []
    return dict(paths=paths, code=code, seconds=seconds, rows=rows, out=out,
                unchanged=before == after, startup_unchanged=startup_before == startup_after, leftovers=_leftovers())


def _read_csv(path: Path) -> list[dict]:
    import csv
    with open(path) as f:
        return list(csv.DictReader(f))


def _points(rows, student: str) -> dict:
    return {r["task"]: (float(r["points"]), r["reason"]) for r in rows if r["student"] == student}


def _student(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name).strip("_")


@pytest.mark.parametrize("name", list(ATTACKS))
def test_attack_earns_only_what_its_answers_deserve(attacked, name):
    _, _, expected, task = ATTACKS[name]
    points = _points(attacked["rows"], _student(name))
    assert sum(p for p, _ in points.values()) == pytest.approx(expected), points
    assert points[task][0] == 0.0 and points[task][1], points[task]


def test_classmate_batch_and_machine_are_unaffected(attacked):
    points = _points(attacked["rows"], "classmate")
    assert sum(p for p, _ in points.values()) == TOTAL, points
    assert attacked["code"] == 0                         # every submission was graded
    assert attacked["unchanged"], "a submission, a source or course_lib was modified"
    assert attacked["startup_unchanged"], "an IPython start-up file was planted"
    assert attacked["leftovers"] == [], attacked["leftovers"]
    assert sorted(p.name for p in attacked["out"].iterdir()) == ["feedback", "grades.csv"]
    assert not Path(f"/tmp/{MARKER}").exists()


def test_unbounded_cost_is_capped_per_submission(attacked):
    """Three cells that each loop and a fork/memory/disk hog: the submission's time stays under its cap."""
    text = (attacked["out"] / "feedback" / _student("6 unbounded cost") / "00_warmup.md").read_text()
    assert "restarted" in text
    assert attacked["seconds"] < 2 * (SUBMISSION_TIMEOUT_S + 60)


def test_weak_answers_fail_the_fixed_hidden_tests(attacked):
    assert "permutation" in _points(attacked["rows"], _student("7 weak minibatch"))["gd_minibatch_check"][1]
    reason = _points(attacked["rows"], _student("7 weak one-step rate"))["warmup_one_step_lr_check"][1]
    assert "expected 0.25" in reason


def test_dead_grading_process_is_retried_once_then_reported(tmp_path):
    """A grading process that dies once is retried; one that always dies is reported, and the batch goes on."""
    flaky = tmp_path / "flaky"
    once = f"import os, sys, pathlib\np = pathlib.Path({str(flaky)!r})\nif not p.exists():\n    p.touch(); os._exit(9)\nprint('{{}}')"
    jobs = [Job(0, ["python3", "-c", once], 30), Job(1, ["python3", "-c", "import os; os._exit(9)"], 30),
            Job(2, ["python3", "-c", "import os, signal; os.kill(os.getpid(), signal.SIGSTOP)"], 2)]
    seen = {}
    run_jobs(jobs, 2, time.monotonic() + 60, lambda job, result, why: seen.__setitem__(job.key, (result, why, job.attempts)))
    assert seen[0] == ({}, "", 2)
    assert seen[1][0] is None and "code 9" in seen[1][1] and seen[1][2] == 2
    assert seen[2][0] is None and "cap" in seen[2][1]


def test_batch_deadline_reports_ungraded_and_exits_non_zero(tmp_path):
    path = write_submission("late", KINDS["solved"], tmp_path / "subs")
    assert grade.main([str(path), "--out", str(tmp_path / "out"), "--deadline", "0"]) == 1
    rows = _read_csv(tmp_path / "out" / "grades.csv")
    assert rows and all(r["points"] == "0" and "could not be graded" in r["reason"] for r in rows)


def test_forbidden_name_scores_zero_with_the_reason(tmp_path):
    """A task may declare names its answer must not use: calling the library's own version scores 0."""
    source_dir = tmp_path / "source"
    source_dir.mkdir()
    nb = nbformat.read(GRADIENT_DESCENT, as_version=4)
    test = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "gd_numgrad_check")
    test.metadata["grader"] = {"forbidden_names": ["gradcheck"]}
    nbformat.write(nb, source_dir / GRADIENT_DESCENT.name)
    cheat = ("from course_lib import gradcheck as g\n"
             "def numerical_gradient(f, x, eps=1e-6):\n    return g.numerical_gradient(f, x, eps)")
    path = tmp_path / "subs" / GRADIENT_DESCENT.name
    path.parent.mkdir()
    nbformat.write(with_answer("gd_numgrad", cheat)(solved_nb(GRADIENT_DESCENT)), path)
    result = grade.grade_submission(str(path), "cheat", str(source_dir), CELL_TIMEOUT_S, 1024)
    task = next(t for t in result.tasks if t.task == "gd_numgrad_check")
    assert task.points == 0 and "`gradcheck`" in task.reason
    assert result.points == result.max_points - 2
