"""How a big optimizer step runs fast: cache-sized blocks, reused scratch arrays, threads.

None of this changes a single bit of the result: every element goes through the
same operations in the same order whatever the block size or the thread count.
It lives here so that the optimizers themselves read like their equations.

- :func:`pieces` cuts a parameter (and its gradient and slots) into blocks of
  BLOCK_BYTES, so that the temporaries of ``update_step`` stay in the CPU cache
  instead of round-tripping through main memory.
- :func:`scratch` hands ``update_step`` temporaries that belong to the calling
  thread and are reused step after step: a step allocates nothing.  (A freshly
  allocated temporary above ~128 KiB is handed back to the system by glibc's
  malloc when freed, so it page-faults again on every use: that made blocks
  above 128 KiB 3-5x slower before the temporaries were reused.)
- :func:`run_shared` shares the blocks among THREADS threads (numpy releases the
  GIL inside each operation, so the arithmetic runs on every core, as XLA's
  does), and :class:`ThreadChoice` checks, from the steps' own timings, that the
  threads pay: when other programs hold the cores, one thread is faster.
"""
from __future__ import annotations

import contextvars
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait

import numpy as np

__all__ = ["BLOCK_BYTES", "THREADS", "PARALLEL_MIN_SIZE", "AUTO_THREADS", "pieces", "scratch",
           "split_for_threads", "all_finite", "run_shared", "ThreadChoice"]

#: Elementwise rules are applied to blocks of this many bytes per array, so that
#: ``update_step``'s passes over its temporaries run in the CPU caches rather than
#: main memory, and there are few enough blocks that numpy's per-call cost (~1 us per
#: operation, 12 operations per Adam block, each handing the GIL over) stays small.
#: Measured (Adam, float32, reused scratch, quiet 2-core machine with 1 MiB of L2 per
#: core and a shared 32 MiB L3), time / copy floor, two runs each:
#:   1e7 parameters, two threads: 128 KiB 1.97x, 256 KiB 1.41-1.52x, 512 KiB 1.24-1.30x,
#:   1 MiB 1.22-1.23x, 2 MiB 1.35x;  one thread: 256 KiB 2.07-2.22x, 512 KiB 2.0x, 1 MiB 2.02-2.05x;
#:   1e6 parameters, one thread: 256 KiB 2.42-2.51x, 512 KiB 1.89-1.90x, 1 MiB 1.77-1.81x.
#: Fewer, larger blocks pay more than cache locality costs, up to about L2's size per
#: array: a block's six arrays (p, g, m, v and two temporaries) then sit in L3.
BLOCK_BYTES = 1 << 20

#: The blocks of a big step are shared among at most this many threads.
THREADS = min(8, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
              else os.cpu_count() or 1)

#: Steps over fewer elements than this run in the calling thread alone.  Every
#: numpy call hands the GIL over, which costs microseconds; measured on 2 cores,
#: threads gain nothing at 1e6 parameters (SGD: 20% slower), 10-25% on Adam from 2e6.
PARALLEL_MIN_SIZE = 1 << 20

#: True: a shared call with a ``key`` picks one thread or THREADS from the timings of
#: earlier calls (:class:`ThreadChoice`).  False: always THREADS.
AUTO_THREADS = True


# ----- blocks ---------------------------------------------------------------------------
def pieces(grad, param, lr, slots, elementwise=True):
    """The ``(grad, param, lr, slots)`` calls of one parameter's step: the whole arrays,
    or BLOCK_BYTES-sized blocks of them when the rule is ``elementwise``."""
    n, block = param.size, max(1, BLOCK_BYTES // param.itemsize)
    if not elementwise or n <= block or not param.flags.c_contiguous:
        return [(grad, param, lr, slots)]
    # Flat views share memory with the arrays, so updating a block updates them.
    g, p = grad.reshape(-1), param.reshape(-1)
    s = {k: v.reshape(-1) for k, v in slots.items()}
    return [(g[a:a + block], p[a:a + block], lr, {k: v[a:a + block] for k, v in s.items()})
            for a in range(0, n, block)]


# ----- scratch arrays -------------------------------------------------------------------
_local = threading.local()


def scratch(like, count):
    """``count`` distinct arrays shaped like ``like`` (same dtype), to use as ``out=``.

    Their values are garbage.  They belong to the calling thread and are handed out
    again by its next call: use them within one ``update_step`` and keep no reference.
    A C-contiguous ``like`` of at most one block gets views of the thread's block
    buffers (no allocation, no page fault); anything else (a whole non-elementwise
    array, a Fortran-ordered one) gets fresh ``np.empty_like`` arrays, which keep its
    memory layout, so reductions over them (Lamb's norms) add in the same order.
    """
    if like.size > max(1, BLOCK_BYTES // like.itemsize) or not like.flags.c_contiguous:
        return [np.empty_like(like) for _ in range(count)]
    owned = _local.__dict__.setdefault("buffers", {}).setdefault(like.dtype, [])
    for k in range(count):
        if k == len(owned):
            owned.append(np.empty(like.size, like.dtype))
        elif owned[k].size < like.size:     # grows to the largest block seen, once
            owned[k] = np.empty(like.size, like.dtype)
    return [buffer[:like.size].reshape(like.shape) for buffer in owned[:count]]


# ----- the NaN check, shared too ------------------------------------------------------
def all_finite(g):
    """True if ``g`` has no NaN or inf: a cheap test first (``g . g``, one BLAS pass,
    no temporary, twice as fast as ``g.sum()``), the exact one only if it fails
    (huge finite numbers may overflow the dot product)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.isfinite(np.vdot(g, g)) or np.isfinite(g).all())


def split_for_threads(g):
    """``g`` as one view per thread along its first axis if it is big, else ``[g]``."""
    if g.ndim == 0 or g.size < PARALLEL_MIN_SIZE:
        return [g]
    return np.array_split(g, min(THREADS, len(g)))


# ----- sharing a step among threads ---------------------------------------------------
class ThreadChoice:
    """One thread or several?  Learnt from the timings of earlier calls of the same work.

    Threads pay when the cores are free; when another program holds one, two threads
    on the remaining core hand the GIL back and forth and run slower than one
    (measured: 24 ms against 18 ms for an Adam step at 1e7 parameters).  So each kind
    of work (``key``) keeps a running average of its seconds per element with one
    thread and with ``threads``; a call uses the faster, and every ``probe_every``-th
    call re-measures the other, so that the choice follows the machine's load.
    Threads must win by ``margin`` (10%): where they barely pay, their timings
    vary more than one thread's (measured under load: SGD-momentum at 1e7,
    0.59 vs 0.65 ns per parameter on average, yet a median 9% slower in that run).
    The first ``skip_first`` timings of each thread count are not counted: they
    include one-off costs (starting the worker threads, the first touch of their
    scratch arrays) that made two threads look slower than one for a whole
    benchmark run (measured: 15.3 ms, one thread's time, against 10.0 ms in runs
    where the first timing was not skewed).
    """

    def __init__(self, probe_every=16, weight=0.3, margin=0.1, skip_first=0):
        self.probe_every, self.weight, self.margin = probe_every, weight, margin
        self.skip_first = skip_first
        self._costs: dict = {}      # key -> {threads: seconds per element}
        self._calls: dict = {}      # key -> number of calls so far
        self._skipped: dict = {}    # (key, threads) -> timings not counted so far

    def pick(self, key, threads):
        """The thread count for the next call of ``key`` (1 or ``threads``)."""
        costs = self._costs.get(key, {})
        for candidate in (threads, 1):          # measure each once first
            if candidate not in costs:
                return candidate
        calls = self._calls.get(key, 0)
        fast, slow = ((threads, 1) if costs[threads] < (1 - self.margin) * costs[1]
                      else (1, threads))
        return slow if calls % self.probe_every == self.probe_every - 1 else fast

    def record(self, key, threads, seconds_per_element):
        """Fold one call's timing into the running average of ``key`` at ``threads``."""
        skipped = self._skipped.get((key, threads), 0)
        if skipped < self.skip_first:               # a first call: one-off costs, not counted
            self._skipped[(key, threads)] = skipped + 1
            return
        costs = self._costs.setdefault(key, {})
        old = costs.get(threads)
        costs[threads] = (seconds_per_element if old is None
                          else old + self.weight * (seconds_per_element - old))
        self._calls[key] = self._calls.get(key, 0) + 1

    def costs(self, key):
        """``{threads: seconds per element}`` measured so far for ``key``."""
        return dict(self._costs.get(key, {}))


#: The choices of this process (tests and benchmarks may replace it with a fresh one).
thread_choice = ThreadChoice(skip_first=1)

_pool, _pool_pid, _pool_lock = None, None, threading.Lock()


def _thread_pool():
    """The worker threads (THREADS - 1 of them; the caller is the last one), started once."""
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():   # threads do not survive a fork
            _pool = ThreadPoolExecutor(max(1, THREADS - 1), thread_name_prefix="course_lib")
            _pool_pid = os.getpid()
        return _pool


def run_shared(fn, calls, sizes, key=None):
    """``[fn(*args) for args in calls]``, shared among THREADS threads when the work is big.

    ``sizes[k]`` is the work of ``calls[k]`` (its element count).  The threads take
    the calls one by one from a common queue, so that a thread the system
    pauses (another program wants its core) leaves no fixed share undone: the
    others take over.  The caller is one of the threads.  numpy's settings
    (``np.errstate``) are carried into the workers.  With a ``key`` (and
    AUTO_THREADS), :data:`thread_choice` decides between one thread and THREADS.
    """
    threads, total = min(THREADS, len(calls)), sum(sizes)
    if threads < 2 or total < PARALLEL_MIN_SIZE:
        return [fn(*args) for args in calls]
    if key is None or not AUTO_THREADS:
        return _run_threads(fn, calls, threads)
    key = (key, total.bit_length())     # the cost per element depends on the size too
    choice = thread_choice
    threads = choice.pick(key, threads)
    start = time.perf_counter()
    results = (_run_threads(fn, calls, threads) if threads > 1
               else [fn(*args) for args in calls])
    choice.record(key, threads, (time.perf_counter() - start) / total)
    return results


def _run_threads(fn, calls, threads):
    results, queue, lock = [None] * len(calls), enumerate(calls), threading.Lock()

    def work():
        while True:
            with lock:
                k, args = next(queue, (None, None))
            if k is None:
                return
            results[k] = fn(*args)

    pool = _thread_pool()
    futures = [pool.submit(contextvars.copy_context().run, work) for _ in range(threads - 1)]
    try:
        work()
    finally:
        for future in futures:
            future.cancel()     # a worker that has not started yet is not waited for
        wait(futures)           # never return (or raise) while a worker still writes
    for future in futures:
        if not future.cancelled():
            future.result()     # re-raise a worker's exception
    return results
