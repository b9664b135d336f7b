"""Argument checks shared by the modules (one wording for one rule)."""
from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["check_int", "check_number", "check_finite", "check_non_negative", "check_optional_positive",
           "check_positive", "check_fraction", "check_betas", "check_choice",
           "check_name", "check_point", "check_shape", "check_float_dtype",
           "check_vector"]


def check_int(name: str, value, minimum: int = 1) -> int:
    """``value`` as an int; ValueError naming ``name`` unless it is an integer >= ``minimum``.

    ``bool`` is refused although Python counts it as an int: ``epochs=True`` is a bug.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        kind = {1: "a positive integer", 0: "a non-negative integer"}.get(minimum, f"an integer >= {minimum}")
        raise ValueError(f"Argument `{name}` must be {kind}. Received: {name}={value!r}")
    return int(value)


def check_fraction(name, value, low_inclusive=True, high_inclusive=False):
    """Raise ValueError unless ``0 <= value < 1``; the bounds' inclusion is chosen by the flags.

    The default ``[0, 1)`` suits decay rates (beta_1, rho: 1 would never forget);
    ``high_inclusive=True`` gives ``[0, 1]`` (label smoothing, a fraction of the steps).
    """
    check_number(name, value)
    low_ok = value >= 0 if low_inclusive else value > 0
    high_ok = value <= 1 if high_inclusive else value < 1
    if not (low_ok and high_ok):
        interval = ("[" if low_inclusive else "(") + "0, 1" + ("]" if high_inclusive else ")")
        raise ValueError(f"`{name}` must be a float in {interval}. Received: {name}={value!r}")
    return float(value)


def check_betas(beta_1, beta_2, epsilon=None):
    """The Adam family's checks: beta_1, beta_2 in [0, 1); epsilon >= 0."""
    check_fraction("beta_1", beta_1)
    check_fraction("beta_2", beta_2)
    if epsilon is not None:
        check_non_negative("epsilon", epsilon)


def check_non_negative(name, value):
    """``value`` as a float; raise ValueError unless it is a finite number ``>= 0``."""
    check_number(name, value)
    if not value >= 0 or math.isinf(value):
        raise ValueError(f"`{name}` must be a finite float >= 0. Received: {name}={value!r}")
    return float(value)


def check_finite(name, value):
    """``value`` as a float; raise ValueError unless it is a finite number (NaN and inf refused)."""
    check_number(name, value)
    if not math.isfinite(value):
        raise ValueError(f"`{name}` must be a finite float. Received: {name}={value!r}")
    return float(value)


def check_number(name, value):
    """Raise TypeError unless ``value`` is a real number (``bool`` is refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` must be a float. Received: {name}={value!r}")


def check_positive(name, value):
    """``value`` as a float; raise unless it is a finite number ``> 0``."""
    check_number(name, value)
    if not (value > 0 and math.isfinite(value)):
        raise ValueError(f"`{name}` must be a finite float > 0. Received: {name}={value!r}")
    return float(value)


def check_optional_positive(name, value):
    """Raise unless ``value`` is None or a finite number ``> 0``."""
    if value is None:
        return
    check_number(name, value)
    if not (value > 0 and math.isfinite(value)):
        raise ValueError(f"`{name}` must be None or a finite float > 0. Received: {name}={value!r}")


def check_choice(name, value, choices):
    """Raise ValueError unless ``value`` is one of ``choices`` (compared with ``==``)."""
    if value not in tuple(choices):
        raise ValueError(f"`{name}` must be one of {list(choices)}. Received: {name}={value!r}")
    return value


def check_name(argument, value, table, what, titles=None):
    """``table[key]`` for the key that the string ``value`` names, in any case.

    ``titles`` maps a key to a second accepted name (a landscape's title).  A non-string is
    a TypeError, an unknown name a ValueError listing the valid names; both name ``argument``.
    """
    if not isinstance(value, str):
        article = "an" if what[0] in "aeiou" else "a"
        raise TypeError(f"{argument} must be a str naming {article} {what}, got {type(value).__name__}")
    wanted = value.strip().lower()
    for key, item in table.items():
        if wanted in (key.lower(), (titles or {}).get(key, key).lower()):
            return item
    raise ValueError(f"unknown {what} {value!r} for {argument}; valid names: {', '.join(table)}")


def check_point(name, point):
    """``point`` as a pair of floats ``(x, y)``; ValueError unless it is a finite point of shape (2,)."""
    arr = np.asarray(point, dtype=np.float64)
    if arr.shape != (2,):
        raise ValueError(f"{name} must be a point [x, y] of shape (2,), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {arr.tolist()}")
    return float(arr[0]), float(arr[1])


def check_shape(name, shape):
    """``shape`` as a tuple of ints; TypeError unless it is a sequence of integers, ValueError if one is < 0."""
    try:
        shape = tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        raise TypeError(f"`{name}` must be a tuple of ints. Received: {name}={shape!r}") from None
    if any(d < 0 for d in shape):
        raise ValueError(f"`{name}` must have dimensions >= 0. Received: {name}={shape}")
    return shape


def check_float_dtype(name, dtype):
    """``dtype`` as a numpy dtype; ValueError unless it is a floating-point type (float32, float64...)."""
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        raise ValueError(f"`{name}` must be a floating-point dtype. Received: {name}={dtype!r}") from None
    if not np.issubdtype(resolved, np.floating):
        raise ValueError(f"`{name}` must be a floating-point dtype. Received: {name}={dtype!r}")
    return resolved


def check_vector(name, values, min_size=0):
    """``values`` as a 1-D float64 array; ValueError unless it is 1-D with at least ``min_size`` entries."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1 or arr.size < min_size:
        at_least = f" of at least {min_size} numbers" if min_size else " of numbers"
        raise ValueError(f"`{name}` must be a 1-D sequence{at_least}. Received shape {arr.shape}")
    return arr
