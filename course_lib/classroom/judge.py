"""Judge outside: the tests run in the grader, the learner's code in a sandboxed worker.

The test cells of an exercise source (visible check and hidden tests, nbgrader's format) run
here, in the grader's own process, with the trusted ``numpy``, references and checks.  Each name
an answer cell defines (``mse``) is bound to a :class:`Remote`: calling it sends the inputs to
the worker as plain data (:mod:`course_lib.classroom.wire`), the worker calls the learner's
function, and the result comes back as plain data.  So a test cell reads exactly as in the
notebook, but no hook, patch or lying object of the learner can reach the verdict, and the
hidden tests and solutions never enter the learner's process.  What the call did is mirrored
faithfully: the result (dtype and shape included), the arguments after the call (so an in-place
change is seen), the warnings it raised (re-issued here, so ``simplefilter("error")`` works) and
the exception it raised (re-raised here by name).

:class:`Session` owns the worker of one submission: it runs the set-up, answer and added cells
there, restarts it in a fresh sandbox after a timeout or a death and replays the cells that had
run, and bounds everything by a per-cell time limit and the submission's deadline.
"""
from __future__ import annotations

import ast
import builtins
import io
import numbers
import time
import warnings
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass

import numpy as np

from course_lib.classroom import wire
from course_lib.classroom.sandbox import SandboxedWorker, WorkerLost

MAX_RESTARTS = 5


@dataclass
class Outcome:
    """What happened when one cell ran."""
    status: str  # "ok", "error", "timeout", "died", "not run"
    ename: str = ""
    evalue: str = ""
    output: str = ""                 # what a test cell printed (the visible check's per-case lines)
    result: float | None = None      # a test cell's last expression, when it is a number (partial credit)

    @property
    def fatal(self) -> bool:  # the worker had to be restarted after this cell
        return self.status in ("timeout", "died")


# ================================================================ values coming back

def rebuild_exception(ename: str, evalue: str) -> BaseException:
    """The learner's exception, by name: a built-in one when it exists, else an Exception named so."""
    if ename == "SystemExit":
        return SystemExit(int(evalue) if evalue.lstrip("-").isdigit() else (evalue or None))
    cls = getattr(builtins, ename, None)
    if isinstance(cls, type) and issubclass(cls, Exception):
        try:
            return cls(evalue)
        except Exception:  # built-ins that need other arguments (UnicodeDecodeError)
            pass
    name = ename if ename.isidentifier() else "LearnerError"
    return type(name, (Exception,), {})(evalue)


def _reissue(warned: list) -> None:
    for category_name, message in warned[:wire.MAX_ITEMS]:
        category = getattr(builtins, str(category_name), None)
        if not (isinstance(category, type) and issubclass(category, Warning)):
            category = RuntimeWarning
        warnings.warn(str(message), category, stacklevel=3)


def _mirror(before, after) -> None:
    """Write the worker's arguments-after-the-call into ours, so that an in-place change shows here too."""
    if isinstance(before, np.ndarray) and isinstance(after, np.ndarray):
        if before.shape == after.shape and before.flags.writeable:
            np.copyto(before, after, casting="unsafe")
    elif isinstance(before, list) and isinstance(after, list):
        if len(before) == len(after):
            for b, a in zip(before, after):
                _mirror(b, a)
        else:
            before[:] = after
    elif isinstance(before, tuple) and isinstance(after, tuple):
        for b, a in zip(before, after):
            _mirror(b, a)
    elif isinstance(before, dict) and isinstance(after, dict):
        for key in before:
            if key in after:
                _mirror(before[key], after[key])


class Remote:
    """A learner's function, seen from the grader: calls go to the worker, results come back as data."""

    def __init__(self, session: "Session", target, name: str, params: list[str] | None = None):
        self._session, self._target, self.__name__ = session, target, name
        self.__qualname__ = name
        if params is not None:
            self.__signature__ = _signature(params)

    def __call__(self, *args, **kwargs):
        return self._session.call(self._target, args, kwargs)

    def __repr__(self) -> str:
        return f"<learner's function {self.__name__}>"


def _signature(params: list[str]):
    import inspect
    try:
        return inspect.Signature([inspect.Parameter(str(p).lstrip("*").split("=")[0].split(":")[0],
                                                    inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in params])
    except (TypeError, ValueError):
        return None


# ================================================================ static checks of the learner's code

def defined_names(code: str) -> list[str]:
    """Top-level names a cell defines (functions, classes, assignments): the names a test can use."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names += [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    return list(dict.fromkeys(names))


def forbidden_uses(code: str, forbidden: list[str]) -> list[str]:
    """The forbidden names that ``code`` mentions: as a name, an attribute, in an import or in a string."""
    if not forbidden:
        return []
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    seen = set()
    for node in ast.walk(tree):
        words = []
        if isinstance(node, ast.Name):
            words = [node.id]
        elif isinstance(node, ast.Attribute):
            words = [node.attr]
        elif isinstance(node, ast.alias):
            words = node.name.split(".") + ([node.asname] if node.asname else [])
        elif isinstance(node, ast.ImportFrom) and node.module:
            words = node.module.split(".")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            seen |= {name for name in forbidden if name in node.value}
        seen |= {w for w in words if w in forbidden}
    return [name for name in forbidden if name in seen]


# ================================================================ the session

class Session:
    """One submission's worker: runs its cells, answers calls, survives timeouts and deaths."""

    def __init__(self, memory_mb: int, cell_timeout: float, deadline: float, sandboxed: bool = True):
        self.memory_mb, self.cell_timeout, self.deadline, self.sandboxed = memory_mb, cell_timeout, deadline, sandboxed
        self.worker: SandboxedWorker | None = None
        self.replay: list[str] = []   # cells that ran without killing the worker: they rebuild its state
        self.restarts = 0

    # ---------------------------------------------------------------- life cycle
    def _ensure_worker(self) -> None:
        if self.worker is not None:
            return
        if time.monotonic() >= self.deadline:
            raise WorkerLost("timeout", "the submission's time limit was used up")
        self.worker = SandboxedWorker(self.memory_mb, self.sandboxed,
                                      start_timeout=max(1.0, self.deadline - time.monotonic()))
        for code in self.replay:
            reply = self._request({"op": "run", "code": code}, self._cell_deadline())
            if reply.get("status") not in ("ok", "error"):
                raise WorkerLost("died", "replaying the earlier cells failed")

    def _lost(self) -> None:
        """After a timeout or a death: kill what is left; the next request starts a fresh sandbox."""
        self.close()
        self.restarts += 1

    def close(self) -> None:
        if self.worker is not None:
            self.worker.kill()
            self.worker = None

    @property
    def exhausted(self) -> bool:
        return self.restarts > MAX_RESTARTS or time.monotonic() >= self.deadline

    def _cell_deadline(self) -> float:
        return min(time.monotonic() + self.cell_timeout, self.deadline)

    def _request(self, message: dict, deadline: float) -> dict:
        self.worker.send(message)
        reply = self.worker.receive(deadline)
        if reply.get("op") != "reply":
            raise WorkerLost("died", "the worker broke the protocol")
        return reply

    # ---------------------------------------------------------------- cells
    def run(self, code: str) -> Outcome:
        """Run a set-up, answer or added cell in the worker."""
        try:
            self._ensure_worker()
            reply = self._request({"op": "run", "code": code}, self._cell_deadline())
        except WorkerLost as lost:
            self._lost()
            return Outcome(lost.status, evalue=lost.detail)
        if reply.get("status") == "ok":
            self.replay.append(code)
            return Outcome("ok")
        self.replay.append(code)  # it failed but did not kill the worker: its side effects count
        return Outcome("error", str(reply.get("ename", ""))[:100], str(reply.get("evalue", ""))[:500])

    def bind(self, names: list[str], namespace: dict) -> None:
        """Make ``namespace`` show the worker's current ``names``: Remote for a function, the value, or absent."""
        self._ensure_worker()
        reply = self._request({"op": "describe", "names": list(names)}, self._cell_deadline())
        described = reply.get("names", {})
        for name in names:
            info = described.get(name, {}) if isinstance(described, dict) else {}
            kind = info.get("kind") if isinstance(info, dict) else None
            if kind == "function":
                params = info.get("params")
                namespace[name] = Remote(self, name, name, params if isinstance(params, list) else None)
            elif kind == "value":
                try:
                    namespace[name] = wire.decode(info.get("value"), self._remote_of)
                except wire.WireError:
                    namespace[name] = wire.Opaque("malformed value")
            else:
                namespace.pop(name, None)

    def _remote_of(self, handle: int, name: str) -> Remote:
        return Remote(self, handle, name)

    def run_test(self, code: str, namespace: dict, answer_names: list[str]) -> Outcome:
        """Run a test cell here, with the answers bound to the worker; the verdict never leaves this process."""
        output = io.StringIO()
        try:
            self.bind(answer_names, namespace)
            value = _exec_cell(code, namespace, output)
        except WorkerLost as lost:
            self._lost()
            return Outcome(lost.status, evalue=lost.detail, output=output.getvalue())
        except KeyboardInterrupt:
            raise
        except BaseException as err:  # noqa: B036 (a hidden test's AssertionError, a re-raised SystemExit)
            return Outcome("error", type(err).__name__, str(err)[:500], output=output.getvalue())
        number = float(value) if isinstance(value, numbers.Real) and not isinstance(value, bool) else None
        return Outcome("ok", output=output.getvalue(), result=number)

    # ---------------------------------------------------------------- calls
    def call(self, target, args: tuple, kwargs: dict):
        """Call the learner's ``target`` in the worker (see the module docstring)."""
        callbacks: dict[int, object] = {}

        def handle_of(fn) -> int:
            callbacks[len(callbacks) + 1] = fn
            return len(callbacks)

        self._ensure_worker()
        deadline = self._cell_deadline()  # each call of the learner's function gets the per-cell limit
        self.worker.send({"op": "call", "target": target, "args": wire.encode(list(args), handle_of),
                          "kwargs": wire.encode(dict(kwargs), handle_of)})
        while True:
            message = self.worker.receive(deadline)
            if message.get("op") != "callback":
                break
            self.worker.send(self._callback(callbacks, message))
        if message.get("op") != "reply":
            raise WorkerLost("died", "the worker broke the protocol")
        _reissue(message.get("warnings") or [])
        try:
            _mirror(list(args), wire.decode(message.get("args_after", {"t": "list", "v": []})))
            _mirror(dict(kwargs), wire.decode(message.get("kwargs_after", {"t": "dict", "v": []})))
        except (wire.WireError, KeyError, TypeError, ValueError):
            pass
        status = message.get("status")
        if status == "raised":
            raise rebuild_exception(str(message.get("ename", "Exception"))[:100], str(message.get("evalue", ""))[:500])
        if status != "ok":
            raise RuntimeError(f"could not pass data to or from your function: {message.get('ename')}: {message.get('evalue')}")
        return wire.decode(message.get("value"), self._remote_of)

    @staticmethod
    def _callback(callbacks: dict, message: dict) -> dict:
        """Run a test's own function (passed to the learner's) here, on the data the worker sent."""
        fn = callbacks.get(message.get("h"))
        try:
            if fn is None:
                raise LookupError("unknown function")
            value = fn(*wire.decode(message.get("args")), **wire.decode(message.get("kwargs")))
            return {"op": "callback_result", "status": "ok", "value": wire.encode(value)}
        except Exception as err:
            return {"op": "callback_result", "status": "error", "ename": type(err).__name__, "evalue": str(err)[:300]}


def _exec_cell(code: str, namespace: dict, output: io.StringIO):
    """Run a trusted cell like IPython: statements, then the value of a final expression."""
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    with redirect_stdout(output), redirect_stderr(io.StringIO()):
        exec(compile(tree, "<test cell>", "exec"), namespace)
        if last is not None:
            return eval(compile(ast.Expression(last.value), "<test cell>", "eval"), namespace)
    return None


def run_trusted(code: str, namespace: dict) -> Outcome:
    """Run an instructor's set-up or plain cell in the grader's namespace (its output is not kept)."""
    try:
        _exec_cell(code, namespace, io.StringIO())
    except Exception as err:
        return Outcome("error", type(err).__name__, str(err)[:500])
    return Outcome("ok")
