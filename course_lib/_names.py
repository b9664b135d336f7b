"""Keras-style default names, shared by layers, losses and initializers."""
from __future__ import annotations

__all__ = ["snake_case"]


def snake_case(name: str) -> str:
    """``"MeanSquaredError"`` -> ``"mean_squared_error"``: a class name as Keras names its objects."""
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")
