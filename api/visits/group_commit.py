"""Group commit (组提交): writes that arrive while a batch is being written wait, and go together
in the next batch — one transaction, one flush to disk, a handful of statements — each still
answered on its own.

Logging a visit is the platform's hottest write: 64 members logging at once cost 64
transactions of six round trips each, and on a small server PostgreSQL spends more time
starting, planning and committing them than writing the rows (bench-field). Gathered, the same
visits cost one insert, one audit insert and one commit between them. A lone request does not
wait for company: it is written at once, as a batch of one; batches only grow while the
database is busy, which is exactly when they help.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from starlette.concurrency import run_in_threadpool

Item = TypeVar("Item")
Result = TypeVar("Result")


@dataclass
class _Lane(Generic[Item, Result]):
    """One event loop's queue (a uvicorn worker has one loop; futures belong to their loop)."""

    pending: list[tuple[Item, asyncio.Future[Result]]] = field(default_factory=list)
    running: int = 0
    # The batches being written, held here: asyncio keeps only weak references to tasks.
    writing: set[asyncio.Future[list[Result | Exception]]] = field(default_factory=set)
    changed: asyncio.Event = field(default_factory=asyncio.Event)


class GroupCommit(Generic[Item, Result]):
    """``submit(item)`` answers with ``write``'s outcome for that item, or raises it.

    ``write(items)`` runs in a worker thread and returns one outcome per item, an exception
    being that item's refusal. If it raises instead, something failed for the batch as a
    whole (a lost connection, a deadlock): each item is then
    written alone, so only the one at fault gets the error. At most ``concurrency`` batches
    run at once, of at most ``max_batch`` items each, in arrival order."""

    def __init__(
        self,
        write: Callable[[list[Item]], Sequence[Result | Exception]],
        *,
        concurrency: int,
        max_batch: int,
    ) -> None:
        self._write = write
        self._concurrency = concurrency
        self._max_batch = max_batch
        self._lanes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Lane[Item, Result]]
        self._lanes = weakref.WeakKeyDictionary()

    async def submit(self, item: Item) -> Result:
        loop = asyncio.get_running_loop()
        lane = self._lanes.setdefault(loop, _Lane())
        entry: tuple[Item, asyncio.Future[Result]] = (item, loop.create_future())
        future = entry[1]
        lane.pending.append(entry)
        try:
            while not future.done():
                if lane.running < self._concurrency and lane.pending:
                    await self._run_batch(lane)
                else:
                    await lane.changed.wait()  # a batch ended: mine, or a free slot
        finally:
            if not future.done() and entry in lane.pending:  # the caller went away
                lane.pending.remove(entry)
        return future.result()

    async def _run_batch(self, lane: _Lane[Item, Result]) -> None:
        batch = lane.pending[: self._max_batch]
        del lane.pending[: len(batch)]
        lane.running += 1
        items = [i for i, _ in batch]
        task = asyncio.create_task(run_in_threadpool(self._outcomes, items))
        lane.writing.add(task)
        task.add_done_callback(lambda done: self._settle(lane, batch, done))
        # Shielded: a caller who goes away leaves the batch to finish for the others in it.
        await asyncio.shield(task)

    def _outcomes(self, items: list[Item]) -> list[Result | Exception]:
        try:
            return list(self._write(items))
        except Exception as exc:
            if len(items) == 1:
                return [exc]
            return [self._alone(item) for item in items]

    def _alone(self, item: Item) -> Result | Exception:
        try:
            return self._write([item])[0]
        except Exception as exc:
            return exc

    @staticmethod
    def _settle(
        lane: _Lane[Item, Result],
        batch: list[tuple[Item, asyncio.Future[Result]]],
        done: asyncio.Future[list[Result | Exception]],
    ) -> None:
        lane.running -= 1
        lane.writing.discard(done)
        if done.cancelled():  # the event loop is closing
            for _, future in batch:
                future.cancel()
            outcomes: Sequence[Result | BaseException] = []
        elif (failure := done.exception()) is not None:
            outcomes = [failure] * len(batch)
        else:
            outcomes = done.result()
        for (_, future), outcome in zip(batch, outcomes, strict=False):
            if future.done():
                continue
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
        # Wake everyone waiting: those whose visit this was, and those who may run a batch now.
        changed, lane.changed = lane.changed, asyncio.Event()
        changed.set()
