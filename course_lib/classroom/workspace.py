"""Copy the exercises into the learner's workspace, never overwriting their work.

Usage:  python -m course_lib.classroom.workspace      (``make lab`` runs it)

- ``exercises/NN_topic.ipynb`` is copied to ``workspace/NN_topic.ipynb`` only when that file
  is missing.  A file that exists is the learner's: it is never replaced.
- ``workspace/.versions.json`` records which version of each exercise was delivered (a hash
  of its cell sources, so re-executing an exercise does not count as a change).  When an
  exercise changes after the learner started, the new version is written *beside* theirs
  as ``NN_topic.new-<hash>.ipynb`` and a note says so.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
EXERCISES_DIR = ROOT / "exercises"
WORKSPACE_DIR = ROOT / "workspace"
VERSIONS_FILE = ".versions.json"


def version_hash(path: Path) -> str:
    """A short hash of a notebook's cell types and sources (outputs and ids are ignored)."""
    nb = nbformat.read(path, as_version=4)
    digest = hashlib.sha256()
    for cell in nb.cells:
        digest.update(f"{cell.cell_type}\0{cell.source}\0".encode())
    return digest.hexdigest()[:10]


def _load_versions(workspace: Path) -> dict[str, str]:
    try:
        return json.loads((workspace / VERSIONS_FILE).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _save_versions(workspace: Path, versions: dict[str, str]) -> None:
    (workspace / VERSIONS_FILE).write_text(json.dumps(versions, indent=1, sort_keys=True) + "\n")


def sync_one(exercise: Path, workspace: Path, versions: dict[str, str]) -> str | None:
    """Deliver one exercise; update ``versions``; return a note for the learner, or None."""
    name, current = exercise.name, version_hash(exercise)
    mine = workspace / name
    if not mine.exists():
        shutil.copy2(exercise, mine)
        versions[name] = current
        return f"copied {name} into {workspace.name}/"
    delivered = versions.get(name)
    if delivered is None and version_hash(mine) == current:
        versions[name] = current  # e.g. the record was lost: theirs is this very version
        return None
    if delivered == current:
        return None
    beside = workspace / f"{exercise.stem}.new-{current}.ipynb"
    if not beside.exists():
        shutil.copy2(exercise, beside)
    versions[name] = current
    return (f"NOTE: {name} was updated since you started it. Your file is untouched; "
            f"the new version is {workspace.name}/{beside.name}")


def sync_workspace(exercises_dir: Path = EXERCISES_DIR, workspace: Path = WORKSPACE_DIR) -> list[str]:
    """Copy missing exercises into workspace; put updated ones beside the learner's; return the notes."""
    workspace = Path(workspace)
    workspace.mkdir(parents=True, exist_ok=True)
    versions = _load_versions(workspace)
    notes = [sync_one(ex, workspace, versions) for ex in sorted(Path(exercises_dir).glob("*.ipynb"))]
    _save_versions(workspace, versions)
    return [n for n in notes if n]


def main() -> int:
    """Command line (run by `make lab`): bring the workspace up to date and print what changed."""
    notes = sync_workspace()
    for note in notes:
        print(note)
    print(f"Your exercises are in {WORKSPACE_DIR.relative_to(ROOT)}/ (your files there are never overwritten).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
