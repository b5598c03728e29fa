"""Spread independent work over the CPUs (forked workers), keeping results in input order so
the output never depends on the number of workers."""
from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
_nice = 0  # niceness added in workers forked now (see lower_priority)


def jobs_setting() -> int | None:
    """PORTAL_JOBS, the most workers to use (None: not set). ValueError, in Chinese, for anything but
    a whole number: the command line reports it before any work (`PORTAL_JOBS=abc` raised a
    traceback from deep inside the check)."""
    value = os.environ.get("PORTAL_JOBS", "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"PORTAL_JOBS 应为整数（最多同时使用的进程数，1 表示不另开进程），现为 “{value}”") from None


def workers() -> int:
    """CPUs this process may use; PORTAL_JOBS caps it (PORTAL_JOBS=1 runs everything in-process)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    try:
        jobs = jobs_setting()
    except ValueError:  # reported by the command line; `mkdocs build` goes on with every CPU
        jobs = None
    return max(1, min(cpus, 8, cpus if jobs is None else jobs))


def fork_map(fn: Callable[..., list[T]], calls: Sequence[tuple[Any, ...]]) -> list[T]:
    """Run fn(*args) for each args, in forked workers when there is more than one call and more
    than one CPU, and concatenate the lists they return, in order. Workers inherit the parent's
    memory, so large read-only state can be reached through module globals instead of pickling."""
    n = workers()
    if n == 1 or len(calls) < 2 or multiprocessing.get_start_method(allow_none=True) not in (None, "fork"):
        return [x for args in calls for x in fn(*args)]
    with ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("fork"),
                             initializer=functools.partial(os.nice, _nice) if _nice else None) as pool:
        futures = [pool.submit(fn, *args) for args in calls]
        try:
            return [x for f in futures for x in f.result()]
        except BaseException:
            pool.shutdown(cancel_futures=True)  # interrupted or failed: only the slices under way finish
            raise


@contextlib.contextmanager
def lower_priority(increment: int) -> Iterator[None]:
    """Workers forked inside this block run `increment` steps nicer: for work with slack while
    another process (the search indexer) is the longest step and should keep its core."""
    global _nice
    saved, _nice = _nice, increment
    try:
        yield
    finally:
        _nice = saved


def chunks(total: int, threshold: int) -> list[tuple[int, int]]:
    """(start, end) slices: one slice below threshold, else a few per worker for load balance."""
    if total < threshold or workers() == 1:
        return [(0, total)]
    size = -(-total // (workers() * 4))
    return [(i, min(i + size, total)) for i in range(0, total, size)]
