"""The list of notebooks that the course ships, shared by the structural tests."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def course_notebooks() -> list[Path]:
    """Every notebook in notebooks/ and exercises/ (learner versions and sources)."""
    found = list((ROOT / "notebooks").glob("*.ipynb")) + list((ROOT / "exercises").rglob("*.ipynb"))
    return sorted(p for p in found if ".ipynb_checkpoints" not in p.parts)
