"""One Optuna study, many workers: a search shared through Optuna's storage, not a scheduler of our own.

Every worker is an ordinary process running ``study.optimize``; they coordinate only through the study's
storage, which hands out unique trial numbers and shows each worker what the others found.  The storage
is named by a URL:

===================================================  ==============================================
``sqlite:///workspace/optuna/tuning.db`` (default)   one file, one machine; several processes work but
                                                     queue on SQLite's single writer lock
``journal:workspace/optuna/tuning.log``              ``JournalStorage(JournalFileBackend(path))``: an
                                                     append-only file with a lock, several processes
                                                     on one machine
``postgresql+psycopg://user@host:5432/db``           a PostgreSQL server: several machines (the
                                                     ``[scale]`` extra installs the driver, psycopg 3)
===================================================  ==============================================

A worker that dies in the middle of a trial leaves that trial RUNNING forever, unless the storage has a
**heartbeat**: each running trial writes a timestamp every ``heartbeat_interval`` seconds; when a worker
starts its next trial it marks FAIL every trial silent for more than ``grace_period`` seconds, and Optuna's
``RetryHeartbeatStaleTrialCallback`` (``RetryFailedTrialCallback`` before Optuna 4.9) queues a copy with the
same parameters, which the next free worker runs.  Only the database storages (SQLite, PostgreSQL) have
heartbeats; ``JournalStorage`` has none, so there a dead worker's trial stays RUNNING.

:func:`run_workers` starts ``n_workers`` local processes, each running ``n_trials`` trials (Optuna's own
count, so the study gets exactly ``n_workers * n_trials`` of them), and restarts a worker killed by a
signal for the trials it had not finished.  On the command line (also ``make tune-workers``)::

    python -m course_lib.hpo.workers --storage journal:workspace/optuna/tuning.log --study demo \\
        --workers 4 --trials 25 --task few-matter

On a second machine, run the same command with the same PostgreSQL URL and study name.
"""
from __future__ import annotations

import argparse
import importlib
import inspect
import os
import re
import signal
import socket
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from .._checks import check_choice, check_int
from .libraries import run_optuna

__all__ = ["DEFAULT_STORAGE", "TASKS", "make_storage", "load_task", "tune", "run_workers", "WorkerReport",
           "main"]

#: The learner's git-ignored workspace: classroom.workspace.WORKSPACE_DIR, not imported from there because
#: that module loads nbformat (seconds), and every worker process would pay for it.
WORKSPACE_DIR = Path(__file__).resolve().parents[2] / "workspace"
#: The default storage: an SQLite file in the workspace.
DEFAULT_STORAGE = f"sqlite:///{WORKSPACE_DIR / 'optuna' / 'tuning.db'}"
#: Named tasks for the command line; any other ``module:attribute`` is imported.
TASKS = {"few-matter": "course_lib.hpo.objectives:FewMatter", "digits": "course_lib.hpo.objectives:DigitsMLP"}
_JOURNAL = "journal:"


def make_storage(url: str, heartbeat_interval=None, grace_period=None, max_retry=3):
    """The Optuna storage that ``url`` names (see the module's table), with heartbeats if asked.

    ``heartbeat_interval`` (s, an integer as Optuna wants): how often a running trial says it is alive.
    ``grace_period`` (s): silence after which the trial is failed (Optuna's default: twice the interval).
    ``max_retry``: how many times one trial's parameters are retried after their worker died.
    """
    import optuna

    if not isinstance(url, str) or not url:
        raise ValueError(f"Argument `url` must be a storage URL such as {DEFAULT_STORAGE!r}, "
                         f"'journal:PATH' or 'postgresql+psycopg://user@host:port/db'. Received: url={url!r}")
    heartbeat_interval = _optional_seconds("heartbeat_interval", heartbeat_interval)
    grace_period = _optional_seconds("grace_period", grace_period)
    max_retry = check_int("max_retry", max_retry, minimum=0)
    if url.startswith(_JOURNAL):
        if heartbeat_interval is not None:
            raise ValueError("Argument `heartbeat_interval` needs a database storage (sqlite:// or postgresql://): "
                             f"Optuna's JournalStorage has no heartbeat. Received: url={url!r}")
        path = Path(url[len(_JOURNAL):]).expanduser()
        path.parent.mkdir(parents=True, exist_ok=True)
        return optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(str(path)))
    if "://" not in url:
        raise ValueError(f"Argument `url` must be an Optuna storage URL (sqlite:///PATH, postgresql+psycopg://..., "
                         f"or journal:PATH for a journal file). Received: url={url!r}")
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    if heartbeat_interval is None:
        return optuna.storages.RDBStorage(url)
    with warnings.catch_warnings():  # heartbeats are "experimental" in Optuna (since 2.9)
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return optuna.storages.RDBStorage(url, heartbeat_interval=heartbeat_interval, grace_period=grace_period,
                                          **{_retry_keyword(): _retry_callback()(max_retry=max_retry)})


def _optional_seconds(name, value):
    """None, or a positive whole number of seconds (Optuna's heartbeat settings are ints)."""
    return None if value is None else check_int(name, value)


def _retry_callback():
    """Optuna >= 4.9 names it RetryHeartbeatStaleTrialCallback; RetryFailedTrialCallback is its old name."""
    import optuna

    return getattr(optuna.storages, "RetryHeartbeatStaleTrialCallback", None) or optuna.storages.RetryFailedTrialCallback


def _retry_keyword():
    import optuna

    names = inspect.signature(optuna.storages.RDBStorage).parameters
    return "heartbeat_stale_trial_callback" if "heartbeat_stale_trial_callback" in names else "failed_trial_callback"


def load_task(spec: str, seed=0):
    """The objective a worker minimizes: a name of ``TASKS`` or ``'module:attribute'``.

    The attribute is a task (callable on a params dict, with a ``space``) or a class of them, built with
    ``seed``, like :class:`~course_lib.hpo.objectives.FewMatter`.
    """
    target = TASKS.get(spec, spec)
    module_name, _, attribute = target.partition(":") if isinstance(target, str) else ("", "", "")
    if not module_name or not attribute:
        raise ValueError(f"Argument `task` must be one of {sorted(TASKS)} or 'module:attribute'. Received: task={spec!r}")
    task = getattr(importlib.import_module(module_name), attribute)
    if inspect.isclass(task):
        task = task(seed)
    if not callable(task) or not hasattr(task, "space"):
        raise ValueError(f"Argument `task`: {target} must be callable on a params dict and have a `space`.")
    return task


def tune(task="few-matter", storage=DEFAULT_STORAGE, study_name="course", n_trials=25, seed=0, worker="w0",
         sampler="tpe"):
    """One worker: run ``n_trials`` trials of ``task`` in the shared study; return its History.

    ``sampler``: ``"tpe"`` (Optuna's default, which reads every finished trial of the study, the other
    workers' too) or ``"random"`` (no model: the cheapest when trials are many and short). Each worker seeds
    it with ``seed`` + its index, so two workers never propose the same sequence. Each trial records
    ``worker``, ``host`` and ``pid`` as user attributes.
    """
    import optuna

    task = load_task(task, seed) if isinstance(task, str) else task
    samplers = {"tpe": optuna.samplers.TPESampler, "random": optuna.samplers.RandomSampler}
    sampler = samplers[check_choice("sampler", sampler, samplers)](seed=seed + _index(worker))
    tags = {"worker": worker, "host": socket.gethostname(), "pid": os.getpid()}
    return run_optuna(task, task.space, n_trials, sampler=sampler, storage=storage, study_name=study_name,
                      user_attrs=tags)


def _index(worker: str) -> int:
    """The worker's number, from the digits that end its name ('host-w3' -> 3)."""
    digits = re.search(r"(\d+)$", str(worker))
    return int(digits.group(1)) if digits else 0


@dataclass
class WorkerReport:
    """What happened to one worker process: its name, exit codes (one per start), restarts."""

    worker: str
    exit_codes: list = field(default_factory=list)

    @property
    def restarts(self) -> int:
        return max(0, len(self.exit_codes) - 1)


def run_workers(storage, study_name, n_workers, n_trials, task="few-matter", seed=0, sampler="tpe",
                heartbeat_interval=None, grace_period=None, max_retry=3, restarts=3, poll=0.2,
                env=None) -> list[WorkerReport]:
    """Start ``n_workers`` processes on one study, each for ``n_trials`` trials; wait; return their reports.

    ``storage`` is a URL (the processes open it themselves) and ``task`` a name that :func:`load_task` knows.

    A worker killed by a signal (negative exit code) is started again, at most ``restarts`` times in all,
    for the trials it had not completed; a worker that exits with an error is not (that is a bug to read,
    and RuntimeError says which). Every process is stopped when this function leaves, whatever happens.
    """
    n_workers, n_trials = check_int("n_workers", n_workers), check_int("n_trials", n_trials)
    restarts = check_int("restarts", restarts, minimum=0)
    check_choice("sampler", sampler, ("tpe", "random"))
    load_task(task, seed)  # a wrong task name fails here, before any process starts
    storage_object = make_storage(storage, heartbeat_interval, grace_period, max_retry)  # checks the arguments
    _create_study(storage_object, study_name)
    prefix = f"{socket.gethostname()}-{os.getpid()}"  # unique across machines and launches: "host-pid-w3"
    reports = {f"{prefix}-w{i}": WorkerReport(f"{prefix}-w{i}") for i in range(n_workers)}
    options = dict(storage=storage, study_name=study_name, task=task, seed=seed, sampler=sampler,
                   heartbeat_interval=heartbeat_interval, grace_period=grace_period, max_retry=max_retry)
    running = {name: _start(name, n_trials, options, env) for name in reports}
    try:
        while running:
            time.sleep(poll)
            for name, process in list(running.items()):
                if process.poll() is None:
                    continue
                del running[name]
                reports[name].exit_codes.append(process.returncode)
                if process.returncode > 0:
                    raise RuntimeError(f"worker {name} failed with exit code {process.returncode} (its error is above)")
                left = n_trials - _completed_by(storage, study_name, name)
                if process.returncode < 0 and left > 0 and restarts > 0:
                    restarts -= 1  # killed in the middle: start it again for what it had left
                    running[name] = _start(name, left, options, env)
    finally:
        for process in running.values():
            process.kill()
            process.wait()
    return list(reports.values())


def _create_study(storage, study_name):
    """Create the study once, before the workers start, so that they all join it."""
    import optuna

    optuna.create_study(study_name=study_name, storage=storage, direction="minimize", load_if_exists=True)


def _start(name, n_trials, options, env):
    command = [sys.executable, "-m", "course_lib.hpo.workers", "--worker-name", name, "--trials", str(n_trials),
               "--storage", options["storage"], "--study", options["study_name"], "--task", options["task"],
               "--seed", str(options["seed"]), "--sampler", options["sampler"], "--max-retry", str(options["max_retry"])]
    for flag, key in (("--heartbeat", "heartbeat_interval"), ("--grace", "grace_period")):
        if options[key] is not None:
            command += [flag, str(options[key])]
    return subprocess.Popen(command, env=env)


def _completed_by(storage, study_name, worker):
    import optuna

    study = optuna.load_study(study_name=study_name, storage=make_storage(storage))
    return sum(t.state == optuna.trial.TrialState.COMPLETE and t.user_attrs.get("worker") == worker
               for t in study.get_trials(deepcopy=False))


def main(argv=None) -> int:
    """Command line: start ``--workers`` local processes on one study (or, with ``--worker-name``, be one)."""
    import optuna

    parser = argparse.ArgumentParser(prog="python -m course_lib.hpo.workers", description=__doc__.split("\n")[0])
    parser.add_argument("--storage", default=DEFAULT_STORAGE, help="sqlite:///PATH, journal:PATH or postgresql+psycopg://...")
    parser.add_argument("--study", default="course", help="the study's name (created if missing)")
    parser.add_argument("--workers", type=int, default=2, help="local worker processes to start")
    parser.add_argument("--trials", type=int, default=25, help="trials per worker")
    parser.add_argument("--task", default="few-matter", help=f"one of {sorted(TASKS)} or module:attribute")
    parser.add_argument("--seed", type=int, default=0, help="the task's seed; worker i samples with seed + i")
    parser.add_argument("--sampler", choices=("tpe", "random"), default="tpe", help="Optuna's sampler")
    parser.add_argument("--heartbeat", type=int, default=None, help="heartbeat interval, s (database storages)")
    parser.add_argument("--grace", type=int, default=None, help="silence before a trial is failed, s")
    parser.add_argument("--max-retry", type=int, default=3, help="retries of a dead worker's trial")
    parser.add_argument("--restarts", type=int, default=3, help="restarts of killed workers, in all")
    parser.add_argument("--worker-name", default=None, help=argparse.SUPPRESS)  # set by run_workers
    args = parser.parse_args(argv)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if args.worker_name is not None:  # one worker, in this process
        storage = make_storage(args.storage, args.heartbeat, args.grace, args.max_retry)
        tune(args.task, storage, args.study, args.trials, args.seed, args.worker_name, args.sampler)
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run run_workers' clean-up on `kill` too
    reports = run_workers(args.storage, args.study, args.workers, args.trials, args.task, args.seed, args.sampler,
                          args.heartbeat, args.grace, args.max_retry, args.restarts)
    study = optuna.load_study(study_name=args.study, storage=make_storage(args.storage))
    states = [t.state.name for t in study.get_trials(deepcopy=False)]
    print(f"study {args.study!r}: {len(states)} trials, " +
          ", ".join(f"{states.count(s)} {s}" for s in sorted(set(states))) +
          f"; workers restarted: {sum(r.restarts for r in reports)}")
    if args.storage.startswith(_JOURNAL) and "RUNNING" in states:
        print("trials left RUNNING: their worker died, and a journal file has no heartbeat to fail them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
