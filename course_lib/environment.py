"""Does this environment meet the course's requirements?

The minimum versions come from the installed package's own metadata (written from
``pyproject.toml``), so there is one list of requirements, not two.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata

from packaging.requirements import Requirement

__all__ = ["RequirementStatus", "check_requirements"]


@dataclass(frozen=True)
class RequirementStatus:
    """One row of the environment check."""

    name: str
    specifier: str  # e.g. ">=1.26"
    installed: str | None  # None when the package is missing

    @property
    def ok(self) -> bool:
        return self.installed is not None and (
            not self.specifier or Requirement(f"{self.name}{self.specifier}").specifier.contains(
                self.installed, prereleases=True
            )
        )

    def __str__(self) -> str:
        mark = "OK " if self.ok else "MISSING" if self.installed is None else "TOO OLD/NEW"
        return f"{mark:<4} {self.name}{self.specifier}"


def check_requirements(dist: str = "course-lib", extras: tuple[str, ...] = ()) -> list[RequirementStatus]:
    """Check each requirement of the installed course package against what is installed.

    ``extras`` adds optional groups (e.g. ``("test",)``).  Raises ``ValueError`` when
    the course package itself is not installed (run ``make lab`` or ``pip install -e .``).
    """
    try:
        requires = metadata.requires(dist) or []
    except metadata.PackageNotFoundError:
        raise ValueError(f"{dist!r} is not installed; run `make lab` (or `pip install -e .`) first") from None
    rows = []
    for text in requires:
        req = Requirement(text)
        if req.marker is not None and not any(req.marker.evaluate({"extra": e}) for e in extras or ("",)):
            continue
        try:
            installed = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            installed = None
        rows.append(RequirementStatus(req.name, str(req.specifier), installed))
    return rows
