"""Batching: the poems asked for while the workers are busy are decoded together.

At batch 1 a decoding step is bound by memory and by per-call overhead, not by arithmetic,
so eight poems in one batch cost little more than one (``bench/generate_speed.py``). Each
request is put in a pending list and buys a ticket from the :class:`BoundedPool` (which keeps
its limits: 503 when full, 504 after the timeout). A worker running a ticket takes the oldest
pending request and every other pending request that may share its decode
(:meth:`tangshi.request.WriteRequest.batch_key`, up to ``max_rows`` candidate rows), writes them with
``poet.write_batch``, and answers each; a ticket whose request was already answered by
another worker's batch returns at once.
"""
from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field

from tangshi.request import WriteRequest
from tangshi.server.pool import BoundedPool, Busy, TimedOut


@dataclass
class _Entry:
    request: WriteRequest
    key: tuple | None
    rows: int
    future: Future = field(default_factory=Future)


class Batcher:
    """Writes poems for ``poet`` on ``pool``'s workers, merging compatible pending requests."""

    def __init__(self, poet, pool: BoundedPool, max_rows: int = 32) -> None:
        self.poet, self.pool, self.max_rows = poet, pool, max_rows
        self._lock = threading.Lock()
        self._pending: list[_Entry] = []

    async def write(self, request: WriteRequest) -> list:
        """The poems for one request; :class:`Busy` or :class:`TimedOut` on overload."""
        entry = _Entry(request, request.batch_key(), request.rows)
        with self._lock:
            self._pending.append(entry)
        try:
            ticket = self.pool.submit(self._drain)
        except Busy:
            with self._lock:
                self._pending.remove(entry)
            raise
        try:
            poems = await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(entry.future)), self.pool.timeout)
            ticket.cancel()  # answered in another worker's batch: the ticket, still queued, frees its slot
            return poems
        except (asyncio.TimeoutError, TimeoutError):
            entry.future.cancel()  # never started: no batch will take it
            ticket.cancel()
            raise TimedOut(f"generation took longer than {self.pool.timeout:g} s") from None
        except asyncio.CancelledError:  # the client went away
            entry.future.cancel()
            ticket.cancel()
            raise

    def _take(self) -> list[_Entry]:
        """The oldest live pending request and the pending ones that may share its decode."""
        with self._lock:
            batch: list[_Entry] = []
            rows = 0
            for entry in list(self._pending):
                if entry.future.cancelled():
                    self._pending.remove(entry)
                    continue
                if batch and (entry.key is None or entry.key != batch[0].key or rows + entry.rows > self.max_rows):
                    continue
                self._pending.remove(entry)
                if entry.future.set_running_or_notify_cancel():
                    batch.append(entry)
                    rows += entry.rows
                    if batch[0].key is None:
                        break
            return batch

    def _drain(self) -> None:
        """One ticket's work on a worker thread."""
        batch = self._take()
        if not batch:
            return
        try:
            results = self.poet.write_batch([e.request for e in batch])
        except BaseException as err:  # noqa: BLE001 - every waiting request must hear of it
            results = [err] * len(batch)
        for entry, result in zip(batch, results):
            if isinstance(result, BaseException):
                entry.future.set_exception(result)
            else:
                entry.future.set_result(result)
