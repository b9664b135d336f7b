"""Many workers on one Optuna study (course_lib.hpo.workers), on a journal file and on a real PostgreSQL server.

Protects: ``python -m course_lib.hpo.workers`` with 4 workers x 25 trials gives 100 finished trials with
unique numbers, none lost; a worker killed in the middle of a trial is restarted for what it had left, and
the study still gets the requested number of COMPLETE trials. With PostgreSQL's heartbeat the killed trial
is marked FAIL and retried (same parameters); a journal file has no heartbeat, so there it stays RUNNING.

The PostgreSQL server is a private cluster in a temporary directory (``initdb`` refuses root, so it runs as
the ``postgres`` user), on a free loopback port. It needs root and Debian's ``postgresql`` package; without
them the PostgreSQL tests skip, except under ``CI=true`` (``.ci/run`` installs the package), where they fail.
"""
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter

import optuna
import pytest
from notebook_files import ROOT

from course_lib.hpo import workers
from course_lib.hpo.libraries import run_optuna
from course_lib.hpo.objectives import FewMatter

N_WORKERS, N_TRIALS = 4, 25
SLOW_TASK = "slow_task:SlowFewMatter"  # tests/slow_task.py: FewMatter after a sleep
HEARTBEAT, GRACE = 1, 2                # seconds: a dead worker's trial is failed ~2-3 s after it died


# ---------------------------------------------------------------- fast checks of the library's pieces


def test_workspace_dir_is_the_classrooms():
    from course_lib.classroom.workspace import WORKSPACE_DIR

    assert workers.WORKSPACE_DIR == WORKSPACE_DIR
    assert workers.DEFAULT_STORAGE == f"sqlite:///{WORKSPACE_DIR / 'optuna' / 'tuning.db'}"


@pytest.mark.parametrize("kwargs, message", [
    (dict(url=""), "`url` must be a storage URL"),
    (dict(url="workspace/tuning.db"), "journal:PATH"),
    (dict(url="journal:x.log", heartbeat_interval=1), "JournalStorage has no heartbeat"),
    (dict(url="sqlite:///x.db", heartbeat_interval=0.5), "`heartbeat_interval` must be a positive integer"),
    (dict(url="sqlite:///x.db", grace_period=0), "`grace_period` must be a positive integer"),
    (dict(url="sqlite:///x.db", max_retry=-1), "`max_retry` must be a non-negative integer"),
])
def test_make_storage_names_the_bad_argument(kwargs, message):
    with pytest.raises(ValueError, match=message):
        workers.make_storage(**kwargs)


def test_load_task_by_name_or_import_path_and_its_errors():
    assert isinstance(workers.load_task("few-matter", seed=3), FewMatter)
    assert (workers.load_task("course_lib.hpo.objectives:FewMatter", 3).optimum == FewMatter(3).optimum).all()
    with pytest.raises(ValueError, match="`task` must be one of"):
        workers.load_task("no-such-task")
    with pytest.raises(ValueError, match="must be callable on a params dict and have a `space`"):
        workers.load_task("course_lib.hpo.workers:DEFAULT_STORAGE")


def test_run_optuna_with_a_storage_url_joins_the_same_study(tmp_path):
    """Two calls on one SQLite URL add to one study (a restart, or a second process); tags land on the trials."""
    url, task = f"sqlite:///{tmp_path / 'study.db'}", FewMatter(0)
    first = run_optuna(task, task.space, 4, storage=url, study_name="s", user_attrs={"worker": "a"})
    second = run_optuna(task, task.space, 3, storage=url, study_name="s", user_attrs={"worker": "b"})
    trials = optuna.load_study(study_name="s", storage=url).trials
    assert (len(first), len(second), len(trials)) == (4, 3, 7)
    assert [t.user_attrs["worker"] for t in trials] == ["a"] * 4 + ["b"] * 3
    assert [t.value for t in trials] == [t.value for t in list(first) + list(second)]


def test_run_workers_refuses_bad_counts_before_starting_anything(tmp_path):
    with pytest.raises(ValueError, match="`n_workers` must be a positive integer"):
        workers.run_workers(f"journal:{tmp_path / 'j.log'}", "s", 0, 5)
    assert not (tmp_path / "j.log").exists()


# ---------------------------------------------------------------- many processes on a real storage


def _need(condition, reason):
    if not condition:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI must run this test: .ci/run installs Debian's postgresql)")
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres_url():
    """A private PostgreSQL cluster in a temporary directory, as the postgres user, on a loopback port."""
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    _need(binaries, "Debian's postgresql package is not installed (/usr/lib/postgresql/*/bin/initdb)")
    _need(os.geteuid() == 0, "the PostgreSQL test needs root, to run the server as the postgres user")
    try:
        user = pwd.getpwnam("postgres")
    except KeyError:
        user = None
    _need(user is not None, "there is no `postgres` user (Debian's postgresql package creates it)")
    try:
        import psycopg  # noqa: F401  (the [scale] extra)
    except ImportError:
        user = None
    _need(user is not None, "psycopg is not installed: pip install -e '.[scale]'")
    bindir = os.path.dirname(binaries[-1])
    as_postgres = dict(user=user.pw_uid, group=user.pw_gid)
    home = tempfile.mkdtemp(prefix="course-pg-")
    os.chown(home, user.pw_uid, user.pw_gid)
    server = None
    try:
        subprocess.run([f"{bindir}/initdb", "-D", f"{home}/data", "-U", "optuna", "--auth=trust", "--no-sync",
                        "-E", "UTF8"], check=True, capture_output=True, timeout=60, **as_postgres)
        port = _free_port()
        with open(f"{home}/server.log", "w") as log:
            server = subprocess.Popen(
                [f"{bindir}/postgres", "-D", f"{home}/data", "-p", str(port), "-c", "listen_addresses=127.0.0.1",
                 "-c", f"unix_socket_directories={home}", "-c", "fsync=off", "-c", "max_connections=100"],
                stdout=log, stderr=log, start_new_session=True, **as_postgres)
        deadline = time.monotonic() + 30
        while subprocess.run([f"{bindir}/pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port)]).returncode != 0:
            assert server.poll() is None and time.monotonic() < deadline, open(f"{home}/server.log").read()
            time.sleep(0.1)
        subprocess.run([f"{bindir}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "optuna", "tuning"],
                       check=True, capture_output=True, timeout=30)
        yield f"postgresql+psycopg://optuna@127.0.0.1:{port}/tuning"
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGINT)  # PostgreSQL's "fast shutdown"
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(params=["journal", "postgresql"])
def storage_url(request, tmp_path):
    if request.param == "journal":
        return f"journal:{tmp_path / 'study.log'}"
    return request.getfixturevalue("postgres_url")


def _start_workers(storage, study, task, seconds, heartbeat=None):
    """``python -m course_lib.hpo.workers`` in its own process group (the workers join that group).

    Random sampling: what is tested is the sharing, and TPE's model would only add CPU time.
    """
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests")]), SLOW_TASK_SECONDS=str(seconds))
    command = [sys.executable, "-m", "course_lib.hpo.workers", "--storage", storage, "--study", study,
               "--workers", str(N_WORKERS), "--trials", str(N_TRIALS), "--task", task, "--sampler", "random"]
    if heartbeat:
        command += ["--heartbeat", str(HEARTBEAT), "--grace", str(GRACE)]
    return subprocess.Popen(command, env=env, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def _finish(launcher, timeout=180):
    """The launcher's output once it exits; the whole process group killed if anything goes wrong."""
    try:
        output, _ = launcher.communicate(timeout=timeout)
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.wait()
    assert launcher.returncode == 0, output
    return output


def _trials(storage, study):
    """The study's trials, read by this process (``storage``: a URL or an open storage)."""
    storage = workers.make_storage(storage) if isinstance(storage, str) else storage
    return optuna.load_study(study_name=study, storage=storage).get_trials(deepcopy=False)


def test_four_workers_of_25_trials_give_100_unique_finished_trials(storage_url):
    start = time.perf_counter()
    launcher = _start_workers(storage_url, "plain", SLOW_TASK, seconds=0.02)
    output = _finish(launcher)
    trials = _trials(storage_url, "plain")
    numbers = [t.number for t in trials]
    print(f"{storage_url.split(':')[0]}: {len(trials)} trials, {len(set(numbers))} unique numbers, "
          f"{time.perf_counter() - start:.1f} s")
    assert Counter(t.state.name for t in trials) == {"COMPLETE": N_WORKERS * N_TRIALS}, output
    assert sorted(numbers) == list(range(N_WORKERS * N_TRIALS))            # unique, none lost, no gap
    per_worker = Counter(t.user_attrs["worker"] for t in trials)
    assert sorted(per_worker.values()) == [N_TRIALS] * N_WORKERS           # every worker did its share
    assert len({t.user_attrs["pid"] for t in trials}) == N_WORKERS         # in four processes


def _kill_mid_trial(launcher, storage, study, victim="-w1", after=3, timeout=120):
    """SIGKILL the worker process ``victim`` while it runs a trial, once it has completed ``after`` trials."""
    deadline, storage = time.monotonic() + timeout, workers.make_storage(storage)  # one connection pool
    while time.monotonic() < deadline:
        assert launcher.poll() is None, "the workers finished before one could be killed"
        try:
            trials = _trials(storage, study)
        except KeyError:  # the launcher has not created the study yet
            trials = []
        mine = [t for t in trials if t.user_attrs.get("worker", "").endswith(victim)]
        # in the middle: tagged with its worker's pid and every parameter drawn, so it is in the objective
        running = [t for t in mine if t.state.name == "RUNNING" and "pid" in t.user_attrs
                   and len(t.params) == len(FewMatter.space.names)]
        if sum(t.state.name == "COMPLETE" for t in mine) >= after and running:
            pid = running[0].user_attrs["pid"]
            assert os.getpgid(pid) == launcher.pid   # one of our own workers, never another process
            os.kill(pid, signal.SIGKILL)
            return pid
        time.sleep(0.1)
    raise AssertionError(f"worker {victim} never ran a trial")


def test_a_worker_killed_in_the_middle_of_a_trial(storage_url):
    """Restarted for its remaining trials; with a heartbeat (PostgreSQL) its trial fails and is retried."""
    heartbeat = storage_url.startswith("postgresql")
    start = time.perf_counter()
    launcher = _start_workers(storage_url, "killed", SLOW_TASK, seconds=0.2, heartbeat=heartbeat)
    try:
        pid = _kill_mid_trial(launcher, storage_url, "killed")
    finally:
        output = _finish(launcher)
    trials = _trials(storage_url, "killed")
    states = Counter(t.state.name for t in trials)
    killed = [t for t in trials if t.user_attrs.get("pid") == pid and t.state.name != "COMPLETE"]
    print(f"{storage_url.split(':')[0]}: {dict(states)}, killed trial {[t.number for t in killed]}, "
          f"{time.perf_counter() - start:.1f} s\n{output}")
    assert sorted(t.number for t in trials) == list(range(len(trials)))   # unique numbers, none lost
    assert states["COMPLETE"] == N_WORKERS * N_TRIALS, output              # the requested number, all the same
    assert "workers restarted: 1" in output
    assert len(killed) == 1
    if heartbeat:   # failed by the heartbeat, retried once with the same parameters
        assert states == {"COMPLETE": N_WORKERS * N_TRIALS, "FAIL": 1}
        assert killed[0].state.name == "FAIL"
        retries = [t for t in trials if t.system_attrs.get("failed_trial") == killed[0].number]
        assert len(retries) == 1 and retries[0].state.name == "COMPLETE"
        assert retries[0].params == killed[0].params
    else:           # JournalStorage has no heartbeat: the killed trial stays RUNNING, and nothing retries it
        assert states == {"COMPLETE": N_WORKERS * N_TRIALS, "RUNNING": 1}
        assert killed[0].state.name == "RUNNING"
        assert "a journal file has no heartbeat" in output
