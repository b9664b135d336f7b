"""A reproducibility report: what a reader needs to re-run a result and get the same numbers.

``seed_everything(seed)`` seeds Python's ``random`` and numpy's global generator (and Keras, with
``keras.utils.set_random_seed``, only when Keras is already imported: it never imports TensorFlow).
Course code takes explicit seeds anyway; seeding the globals protects against a library that
draws from them.  :class:`RunReport` gathers the seeds, library versions, chosen
hyperparameters, scores, test-set reads and wall time of one run; :meth:`RunReport.fingerprint`
is everything except the wall time, so "the same run twice gives the same numbers" is one
comparison of two fingerprints.
"""
from __future__ import annotations

import json
import platform
import random
import sys
from dataclasses import asdict, dataclass, field
from importlib import metadata

import numpy as np

from ._checks import check_int

__all__ = ["seed_everything", "library_versions", "RunReport"]

DEFAULT_LIBRARIES = ("numpy", "scikit-learn", "optuna", "matplotlib")


def seed_everything(seed) -> int:
    """Seed Python's ``random``, numpy's global generator and (if imported) Keras; return the seed."""
    seed = check_int("seed", seed, minimum=0)
    random.seed(seed)
    np.random.seed(seed)
    if "keras" in sys.modules:  # never import Keras (and TensorFlow) just to seed it
        sys.modules["keras"].utils.set_random_seed(seed)
    return seed


def library_versions(names=DEFAULT_LIBRARIES) -> dict:
    """``{"python": "3.11.x", name: version, ...}`` of the installed distributions (``None`` if absent)."""
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _rounded(value, digits):
    """Floats rounded (nested in dicts and lists), so that a report prints and compares cleanly."""
    if isinstance(value, dict):
        return {k: _rounded(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(v, digits) for v in value]
    if isinstance(value, (float, np.floating)):
        return round(float(value), digits)
    return value


@dataclass
class RunReport:
    """Seeds, versions, hyperparameters, scores, test-set reads and wall time of one run."""

    seed: int
    hyperparameters: dict
    scores: dict
    test_reads: int
    wall_time_s: float
    versions: dict = field(default_factory=library_versions)

    def fingerprint(self) -> dict:
        """Everything but the wall time: two runs of the same code and seed must give equal fingerprints."""
        out = asdict(self)
        del out["wall_time_s"]
        return out

    def to_json(self, digits=4) -> str:
        """The report as JSON, floats rounded to ``digits`` decimals."""
        return json.dumps(_rounded(asdict(self), digits), indent=1)

    def show(self, digits=4) -> None:
        """Print the report, one field per line, floats rounded."""
        for key, value in _rounded(asdict(self), digits).items():
            print(f"{key:>16}: {value}")
