"""Start an IPython kernel with a memory limit (used by :mod:`course_lib.classroom.grade`).

Usage (as a kernelspec argv):
    python -m course_lib.classroom.sandbox_kernel --memory-mb 2048 -f {connection_file} [ipykernel options]

Why a launcher: the limit must apply to the kernel process that runs the learner's code,
never to the grader.  ``RLIMIT_AS`` caps the kernel's address space, so a submission that
allocates too much gets a ``MemoryError`` (or dies) instead of exhausting the machine.
"""
from __future__ import annotations

import resource
import sys


def _pop_memory_limit(argv: list[str]) -> int | None:
    """Remove ``--memory-mb N`` (or ``--memory-mb=N``) from argv and return N."""
    for i, arg in enumerate(argv):
        if arg == "--memory-mb":
            value = argv[i + 1]
            del argv[i:i + 2]
            return int(value)
        if arg.startswith("--memory-mb="):
            del argv[i]
            return int(arg.split("=", 1)[1])
    return None


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space at ``megabytes`` MiB (soft and hard limit)."""
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def main() -> None:
    """Apply the memory limit from the command line, then start an ordinary ipykernel."""
    megabytes = _pop_memory_limit(sys.argv)
    if megabytes:
        limit_memory(megabytes)
    from ipykernel import kernelapp  # imported after the limit, so the limit covers it

    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main()
