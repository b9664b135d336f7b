"""Argument checks shared by the modules (one wording for one rule)."""
from __future__ import annotations

import numbers

__all__ = ["check_int"]


def check_int(name: str, value, minimum: int = 1) -> int:
    """``value`` as an int; ValueError naming ``name`` unless it is an integer >= ``minimum``.

    ``bool`` is refused although Python counts it as an int: ``epochs=True`` is a bug.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        kind = {1: "a positive integer", 0: "a non-negative integer"}.get(minimum, f"an integer >= {minimum}")
        raise ValueError(f"Argument `{name}` must be {kind}. Received: {name}={value!r}")
    return int(value)
