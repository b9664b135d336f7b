"""Plain data between the grader and a sandboxed worker: JSON, with arrays as ``.npy`` bytes.

The grader never unpickles what a learner's code produced: a value crosses the sandbox's
border as a tagged JSON tree, arrays and numpy scalars as ``.npy`` bytes read back with
``np.load(allow_pickle=False)``.  So what arrives is always a base ``numpy.ndarray``, a
numpy scalar or a built-in (``None``, ``bool``, ``int``, ``float``, ``str``, ``list``,
``tuple``, ``dict``): no lying subclass, no object with a patched ``__eq__``, no code.

A function crosses as a *handle* (``{"t": "fn", "h": 3}``) that the receiving side turns
into something callable through the other side (see :mod:`course_lib.classroom.judge`
and :mod:`course_lib.classroom.worker`); anything else arrives as an :class:`Opaque`
placeholder that compares equal to nothing.
"""
from __future__ import annotations

import base64
import io
from typing import Any, Callable

import numpy as np

MAX_DEPTH = 32          # nesting levels of lists, tuples and dicts
MAX_ITEMS = 100_000     # items of one list, tuple or dict
MAX_STRING = 100_000    # characters of one string


class WireError(ValueError):
    """A message that is not well-formed plain data."""


class Opaque:
    """Stands for a value that cannot cross as plain data (a generator, an object of a custom class)."""

    def __init__(self, type_name: str):
        self.type_name = str(type_name)[:100]

    def __repr__(self) -> str:
        return f"<{self.type_name} object (not plain data)>"

    def __eq__(self, other: Any) -> bool:
        return False

    __hash__ = object.__hash__


def _npy(array: np.ndarray) -> str:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _from_npy(text: str) -> np.ndarray:
    try:
        return np.load(io.BytesIO(base64.b64decode(text, validate=True)), allow_pickle=False)
    except Exception as err:
        raise WireError(f"bad array: {type(err).__name__}: {err}") from None


def _plain_array(value: Any) -> np.ndarray | None:
    """``value`` as a base ndarray of a number or bool dtype, else None."""
    array = np.asarray(value).view(np.ndarray)
    return array if array.dtype.kind in "biufc" else None


def encode(value: Any, handle_of: Callable[[Any], int] | None = None, depth: int = 0) -> dict:
    """A JSON-ready tree for ``value``; callables become handles given by ``handle_of``."""
    if depth > MAX_DEPTH:
        return {"t": "opaque", "type": "too deeply nested"}
    if value is None:
        return {"t": "none"}
    if isinstance(value, bool):
        return {"t": "bool", "v": bool(value)}
    if isinstance(value, int) and not isinstance(value, np.integer):
        return {"t": "int", "v": str(int(value))}
    if isinstance(value, float) and not isinstance(value, np.floating):
        return {"t": "float", "v": repr(float(value))}
    if isinstance(value, str):
        return {"t": "str", "v": str(value)[:MAX_STRING]}
    if isinstance(value, np.generic):
        array = _plain_array(value)
        return {"t": "npscalar", "npy": _npy(array)} if array is not None else {"t": "opaque", "type": type(value).__name__}
    if isinstance(value, np.ndarray):
        array = _plain_array(value)
        return {"t": "nd", "npy": _npy(array)} if array is not None else {"t": "opaque", "type": f"array of {value.dtype}"}
    if isinstance(value, (list, tuple)):
        items = [encode(v, handle_of, depth + 1) for v in list(value)[:MAX_ITEMS]]
        return {"t": "tuple" if isinstance(value, tuple) else "list", "v": items}
    if isinstance(value, dict):
        pairs = list(value.items())[:MAX_ITEMS]
        return {"t": "dict", "v": [[encode(k, handle_of, depth + 1), encode(v, handle_of, depth + 1)] for k, v in pairs]}
    if callable(value) and handle_of is not None:
        return {"t": "fn", "h": int(handle_of(value)), "name": str(getattr(value, "__name__", "function"))[:100]}
    return {"t": "opaque", "type": type(value).__name__}


def decode(tree: Any, function_of: Callable[[int, str], Any] | None = None, depth: int = 0) -> Any:
    """The value a tree of :func:`encode` stands for; handles become ``function_of(handle, name)``."""
    if depth > MAX_DEPTH or not isinstance(tree, dict):
        raise WireError("not a value tree")
    tag = tree.get("t")
    if tag == "none":
        return None
    if tag == "bool":
        return bool(tree["v"])
    if tag == "int":
        text = str(tree["v"])
        if len(text) > 5000:
            raise WireError("integer too long")
        return int(text)
    if tag == "float":
        return float(str(tree["v"]))
    if tag == "str":
        return str(tree["v"])[:MAX_STRING]
    if tag == "nd":
        return _from_npy(tree["npy"])
    if tag == "npscalar":
        return _from_npy(tree["npy"])[()]
    if tag in ("list", "tuple"):
        items = [decode(v, function_of, depth + 1) for v in list(tree["v"])[:MAX_ITEMS]]
        return tuple(items) if tag == "tuple" else items
    if tag == "dict":
        result = {}
        for key, value in list(tree["v"])[:MAX_ITEMS]:
            key = decode(key, function_of, depth + 1)
            if isinstance(key, (list, dict, np.ndarray)):
                raise WireError("unhashable dict key")
            result[key] = decode(value, function_of, depth + 1)
        return result
    if tag == "fn" and function_of is not None:
        return function_of(int(tree["h"]), str(tree.get("name", "function"))[:100])
    if tag in ("opaque", "fn"):
        return Opaque(tree.get("type", "function"))
    raise WireError(f"unknown tag {tag!r}")

