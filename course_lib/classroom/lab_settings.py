"""JupyterLab settings for the course's environment, installed once by the set-up.

A new JupyterLab user is greeted by a pop-up asking "get notified about official Jupyter
news?" that covers the notebook, and the answer would make JupyterLab reach the internet.
The course turns it off for everyone who uses its environment, by writing JupyterLab's
*overrides* file (``<prefix>/share/jupyter/lab/settings/overrides.json``): overrides change
the defaults, so a learner can still switch the news on in Settings.

    python -m course_lib.classroom.lab_settings        # `make lab` / `make test` run it
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

__all__ = ["OVERRIDES", "overrides_path", "install"]

#: plugin id -> {setting: value}; merged into whatever overrides the environment already has.
OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}


def overrides_path(prefix: str | Path = sys.prefix) -> Path:
    """Where JupyterLab reads the environment's overrides (``jupyter lab path``: Application directory)."""
    return Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


def install(prefix: str | Path = sys.prefix) -> Path:
    """Merge :data:`OVERRIDES` into the environment's overrides file; return its path.

    Settings already there for other plugins (or other keys of the same plugin) are kept.
    """
    path = overrides_path(prefix)
    current = {}
    if path.exists():
        try:
            current = json.loads(path.read_text() or "{}")
        except json.JSONDecodeError as err:
            raise ValueError(f"{path} is not valid JSON ({err}); fix or delete it and run again") from None
    for plugin, values in OVERRIDES.items():
        current[plugin] = {**current.get(plugin, {}), **values}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(current, indent=2) + "\n")
    return path


if __name__ == "__main__":
    print(f"JupyterLab settings for the course: {install()}")
