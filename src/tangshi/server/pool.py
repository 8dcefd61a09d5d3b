"""A bounded worker pool for generation: a fixed number of threads and a short, bounded queue.

Decoding is torch work, which releases the GIL, so a few threads use a few cores. A job that
finds every worker busy and the queue full is refused at once (:class:`Busy`, HTTP 503) instead
of waiting in an unbounded queue; a job that takes longer than the timeout is abandoned by its
caller (:class:`TimedOut`, HTTP 504) but keeps its slot until the thread really finishes, so the
pool never runs more than ``workers`` jobs at once.
"""
from __future__ import annotations

import asyncio
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, TypeVar

T = TypeVar("T")


class Busy(Exception):
    """Every worker is busy and the queue is full."""


class TimedOut(Exception):
    """The job did not finish within the timeout."""


def default_workers() -> int:
    """One worker per core the process may use, at most 4."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, 4))


class BoundedPool:
    """At most ``workers`` jobs running and ``queue`` waiting; more are refused."""

    def __init__(self, workers: int, queue: int, timeout: float) -> None:
        assert workers >= 1 and queue >= 0 and timeout > 0
        self.workers, self.queue, self.timeout = workers, queue, timeout
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tangshi-poet")
        self._lock = threading.Lock()
        self._admitted = 0  # running + waiting

    @property
    def admitted(self) -> int:
        return self._admitted

    def _admit(self) -> None:
        with self._lock:
            if self._admitted >= self.workers + self.queue:
                raise Busy(f"all {self.workers} workers are busy and {self.queue} requests are waiting")
            self._admitted += 1

    def _release(self, _: Future) -> None:
        with self._lock:
            self._admitted -= 1

    def submit(self, fn: Callable[..., T], *args, **kwargs) -> Future:
        """Run ``fn`` on a worker, or raise :class:`Busy` at once."""
        self._admit()
        try:
            fut = self._executor.submit(fn, *args, **kwargs)
        except BaseException:
            self._release(None)  # type: ignore[arg-type]
            raise
        fut.add_done_callback(self._release)  # runs when the thread finishes (or the job is cancelled)
        return fut

    async def run(self, fn: Callable[..., T], *args) -> T:
        """``fn(*args)`` on a worker, awaited: :class:`Busy` at once when full, :class:`TimedOut` after the timeout."""
        fut = self.submit(fn, *args)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(fut), self.timeout)
        except (asyncio.TimeoutError, TimeoutError):
            fut.cancel()
            raise TimedOut(f"the answer took longer than {self.timeout:g} s") from None

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
