"""The learner's side of grading: defines the answers and calls them, inside the sandbox.

Started by :mod:`course_lib.classroom.sandbox` as
``python -m course_lib.classroom.worker --memory-mb M --max-processes P --file-mb F [--uid U]``
inside bubblewrap.  It talks to the grader over its standard input and output, one JSON
message per line (:mod:`course_lib.classroom.wire`), and answers three requests:

- ``{"op": "run", "code": ...}``: run a cell (set-up, answer or added cell) in an IPython shell;
- ``{"op": "describe", "names": [...]}``: what each name is now (a function, a plain value, absent);
- ``{"op": "call", "target": ..., "args": ..., "kwargs": ...}``: call a learner's function on the
  inputs a test sent, and return the result, the arguments after the call (to judge in-place
  changes), the warnings it raised, or the exception.  A function the test passed in (a callback
  such as ``lambda v: np.sum(np.sin(v))``) runs back in the grader: the worker asks for it.

Nothing here judges anything: the tests, the references and the verdict stay in the grader.
Before any learner code runs the worker drops root (when it has it), caps its address space,
its processes and the size of files it writes, moves the protocol off file descriptors 0 and 1
(a learner's ``print`` goes to a log), turns IPython's history off, and replaces the reference
modules (which hold solutions and are not in the sandbox) by a stand-in that says so.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import types
import warnings

MAX_WARNINGS = 20
LOG_PATH = "/tmp/learner-output.txt"


# ================================================================ start-up

def limit_resources(memory_mb: int, max_processes: int, file_mb: int) -> None:
    """Address space per process, processes of this user, size of any file written; no core dumps."""
    for limit, value in ((resource.RLIMIT_AS, memory_mb * 2**20), (resource.RLIMIT_FSIZE, file_mb * 2**20),
                         (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(limit, (value, value))
    if max_processes:
        resource.setrlimit(resource.RLIMIT_NPROC, (max_processes, max_processes))


def drop_privileges(uid: int) -> None:
    """Become an unprivileged user of our own (RLIMIT_NPROC only binds non-root users); keep no capability."""
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def take_protocol_channel() -> tuple:
    """Move the protocol to private descriptors; fd 0 reads nothing, fds 1 and 2 go to the log."""
    reader = os.fdopen(os.dup(0), "rb")
    writer = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDONLY)
    log = os.open(LOG_PATH, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(null, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    return reader, writer


def hide_references() -> None:
    """``from course_lib.classroom.refs import warmup as ref`` gives a stand-in: the references stay outside."""
    def unavailable(name: str) -> types.ModuleType:
        module = types.ModuleType(f"course_lib.classroom.refs.{name}")

        def refuse(attr: str):
            raise AttributeError(f"the reference answers are not available while grading (ref.{attr})")
        module.__getattr__ = refuse
        return module

    package = types.ModuleType("course_lib.classroom.refs")
    package.__path__ = []
    package.__getattr__ = lambda name: unavailable(name) if not name.startswith("__") else None
    sys.modules[package.__name__] = package


def make_shell():
    """An IPython shell without history, its directory a fresh one in the sandbox's private /tmp."""
    from traitlets.config import Config
    from IPython.core.interactiveshell import InteractiveShell

    config = Config()
    config.HistoryManager.enabled = False
    return InteractiveShell.instance(config=config)


# ================================================================ the requests

class Worker:
    """Runs cells and calls functions for the grader."""

    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer
        self.shell = make_shell()
        self.handles: dict[int, object] = {}  # functions returned by learner code, by handle

    # ---------------------------------------------------------------- messages
    def send(self, message: dict) -> None:
        self.writer.write(json.dumps(message).encode() + b"\n")
        self.writer.flush()

    def receive(self) -> dict:
        line = self.reader.readline()
        if not line:  # the grader is gone: so are we
            os._exit(0)
        return json.loads(line)

    # ---------------------------------------------------------------- values
    def handle_of(self, fn) -> int:
        handle = len(self.handles) + 1
        self.handles[handle] = fn
        return handle

    def encode(self, value) -> dict:
        from course_lib.classroom import wire
        return wire.encode(value, self.handle_of)

    def decode(self, tree):
        from course_lib.classroom import wire
        return wire.decode(tree, self.callback)

    def callback(self, handle: int, name: str):
        """A function the grader passed in: calling it asks the grader to run it on plain data."""
        def call_back(*args, **kwargs):
            self.send({"op": "callback", "h": handle, "args": self.encode(list(args)),
                       "kwargs": self.encode(dict(kwargs))})
            reply = self.receive()
            while reply.get("op") != "callback_result":  # the grader called us back in turn: serve it
                self.send({"op": "reply", **self.dispatch(reply)})
                reply = self.receive()
            if reply.get("status") == "ok":
                return self.decode(reply["value"])
            raise RuntimeError(f"the test's function {name} raised {reply.get('ename')}: {reply.get('evalue')}")
        call_back.__name__ = name
        return call_back

    # ---------------------------------------------------------------- operations
    def run(self, request: dict) -> dict:
        result = self.shell.run_cell(request["code"], store_history=False)
        error = result.error_before_exec or result.error_in_exec
        if error is None:
            return {"status": "ok"}
        return {"status": "error", **_exception_fields(error)}

    def describe(self, request: dict) -> dict:
        names = {}
        for name in request["names"]:
            if name not in self.shell.user_ns:
                names[name] = {"kind": "missing"}
                continue
            value = self.shell.user_ns[name]
            if callable(value):
                names[name] = {"kind": "function", "params": _parameter_names(value)}
            else:
                names[name] = {"kind": "value", "value": self.encode(value)}
        return {"status": "ok", "names": names}

    def call(self, request: dict) -> dict:
        target = request["target"]
        fn = self.handles.get(target) if isinstance(target, int) else self.shell.user_ns.get(target)
        if not callable(fn):
            return {"status": "raised", "ename": "NameError", "evalue": f"name {target!r} is not defined"}
        args, kwargs = self.decode(request["args"]), self.decode(request["kwargs"])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                value = fn(*args, **kwargs)
            except BaseException as err:  # noqa: B036 (sys.exit and KeyboardInterrupt are answers too)
                outcome = {"status": "raised", **_exception_fields(err)}
            else:
                outcome = {"status": "ok", "value": self.encode(value)}
        outcome["warnings"] = [[w.category.__name__, str(w.message)[:300]] for w in caught[:MAX_WARNINGS]]
        outcome["args_after"], outcome["kwargs_after"] = self.encode(args), self.encode(kwargs)
        return outcome

    def dispatch(self, request: dict) -> dict:
        operations = {"run": self.run, "describe": self.describe, "call": self.call}
        try:
            return operations[request["op"]](request)
        except Exception as err:  # a malformed request or an unencodable value: say so, go on
            return {"status": "failed", **_exception_fields(err)}

    def serve(self) -> None:
        self.send({"op": "ready"})
        while True:
            self.send({"op": "reply", **self.dispatch(self.receive())})


def _exception_fields(err: BaseException) -> dict:
    return {"ename": type(err).__name__[:100], "evalue": str(err)[:500]}


def _parameter_names(fn) -> list[str]:
    import inspect
    try:
        return [str(p)[:50] for p in inspect.signature(fn).parameters][:50]
    except (TypeError, ValueError):
        return []


# ================================================================ main

def main(argv: list[str]) -> None:
    """Start the worker inside the sandbox: drop privileges, set the limits, then serve requests."""
    parser = argparse.ArgumentParser(prog="python -m course_lib.classroom.worker")
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--max-processes", type=int, default=0)
    parser.add_argument("--file-mb", type=int, default=64)
    parser.add_argument("--uid", type=int, default=None)
    args = parser.parse_args(argv)
    if args.uid is not None and os.getuid() == 0:
        drop_privileges(args.uid)
    limit_resources(args.memory_mb, args.max_processes, args.file_mb)
    reader, writer = take_protocol_channel()
    hide_references()
    Worker(reader, writer).serve()


if __name__ == "__main__":
    main(sys.argv[1:])
