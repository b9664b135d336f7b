"""A task slow enough to kill a worker in the middle of a trial (tests/test_tuning_workers.py).

``SlowFewMatter`` is ``FewMatter`` that first sleeps ``SLOW_TASK_SECONDS`` (default 0.2 s), as a real
training would take time; the workers import it as ``slow_task:SlowFewMatter`` with tests/ on PYTHONPATH.
"""
import os
import time

from course_lib.hpo.objectives import FewMatter


class SlowFewMatter(FewMatter):
    """FewMatter after a sleep of ``SLOW_TASK_SECONDS`` seconds."""

    def __call__(self, params) -> float:
        time.sleep(float(os.environ.get("SLOW_TASK_SECONDS", "0.2")))
        return super().__call__(params)
