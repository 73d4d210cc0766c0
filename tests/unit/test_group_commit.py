"""Group commit (api.visits.group_commit): requests that arrive while a batch is written go
together in the next; each gets its own outcome, and one bad item never costs the others theirs."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest

from api.visits.group_commit import GroupCommit

T = TypeVar("T")


def in_fresh_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` in a thread of its own: the browser tests' Playwright leaves an event
    loop running in the main thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class Writer:
    """A write function that records its batches; the first batch waits for ``release`` so
    that the others arrive while it is being written."""

    def __init__(self, outcome: Callable[[list[int]], Sequence[int | Exception]]) -> None:
        self.outcome = outcome
        self.batches: list[list[int]] = []
        self.release = threading.Event()

    def __call__(self, items: list[int]) -> Sequence[int | Exception]:
        self.batches.append(list(items))
        if len(self.batches) == 1:
            assert self.release.wait(5), "the first batch was never released"
        return self.outcome(items)


async def _queued(commit: GroupCommit[int, int], items: list[int]) -> list[asyncio.Task[int]]:
    tasks = [asyncio.create_task(commit.submit(i)) for i in items]
    for _ in range(20):  # let every submission reach the queue
        await asyncio.sleep(0)
    return tasks


def test_a_lone_item_goes_at_once_and_those_arriving_meanwhile_go_together() -> None:
    writer = Writer(lambda items: [i * 10 for i in items])
    commit = GroupCommit(writer, concurrency=1, max_batch=100)

    async def run() -> list[int]:
        tasks = await _queued(commit, [1, 2, 3, 4, 5])
        writer.release.set()
        return list(await asyncio.gather(*tasks))

    assert in_fresh_loop(run()) == [10, 20, 30, 40, 50]
    assert writer.batches == [[1], [2, 3, 4, 5]]


def test_batches_keep_arrival_order_and_their_size_limit() -> None:
    writer = Writer(lambda items: list(items))
    commit = GroupCommit(writer, concurrency=1, max_batch=2)

    async def run() -> list[int]:
        tasks = await _queued(commit, [1, 2, 3, 4, 5])
        writer.release.set()
        return list(await asyncio.gather(*tasks))

    assert in_fresh_loop(run()) == [1, 2, 3, 4, 5]
    assert writer.batches == [[1], [2, 3], [4, 5]]


def test_an_item_refused_raises_for_its_caller_alone() -> None:
    writer = Writer(lambda items: [ValueError(i) if i % 2 else i for i in items])
    commit = GroupCommit(writer, concurrency=1, max_batch=100)

    async def run() -> list[int | BaseException]:
        tasks = await _queued(commit, [2, 3, 4, 5])
        writer.release.set()
        return list(await asyncio.gather(*tasks, return_exceptions=True))

    answers = in_fresh_loop(run())
    assert answers[0] == 2 and answers[2] == 4
    assert isinstance(answers[1], ValueError) and answers[1].args == (3,)
    assert isinstance(answers[3], ValueError) and answers[3].args == (5,)


def test_a_batch_that_fails_as_a_whole_is_written_again_one_by_one() -> None:
    def outcome(items: list[int]) -> list[int | Exception]:
        if 13 in items:
            raise RuntimeError("unique violation")  # as the database would, for the batch
        return list(items)

    writer = Writer(outcome)
    commit = GroupCommit(writer, concurrency=1, max_batch=100)

    async def run() -> list[int | BaseException]:
        tasks = await _queued(commit, [1, 12, 13, 14])
        writer.release.set()
        return list(await asyncio.gather(*tasks, return_exceptions=True))

    answers = in_fresh_loop(run())
    assert answers[0] == 1 and answers[1] == 12 and answers[3] == 14
    assert isinstance(answers[2], RuntimeError)
    assert writer.batches == [[1], [12, 13, 14], [12], [13], [14]]


def test_a_caller_who_goes_away_leaves_the_others_their_answers() -> None:
    writer = Writer(lambda items: [i * 10 for i in items])
    commit = GroupCommit(writer, concurrency=1, max_batch=100)

    async def run() -> tuple[list[int], bool]:
        tasks = await _queued(commit, [1, 2, 3])
        tasks[0].cancel()  # its batch is being written: it finishes for nobody
        tasks[2].cancel()  # still queued: it is taken out of the queue
        for _ in range(5):
            await asyncio.sleep(0)
        writer.release.set()
        answer = await tasks[1]
        with pytest.raises(asyncio.CancelledError):
            await tasks[2]
        return [answer], tasks[0].cancelled()

    assert in_fresh_loop(run()) == ([20], True)
    assert writer.batches == [[1], [2]]


def test_batches_run_side_by_side_up_to_the_concurrency() -> None:
    started = threading.Barrier(2, timeout=5)

    def write(items: list[int]) -> list[int]:
        started.wait()  # both batches must be under way at once to pass
        return list(items)

    commit = GroupCommit(write, concurrency=2, max_batch=100)

    async def run() -> list[int]:
        return list(await asyncio.gather(commit.submit(1), commit.submit(2)))

    assert in_fresh_loop(run()) == [1, 2]
