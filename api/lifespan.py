"""The app's lifespan: what a worker process sets up once its event loop runs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from anyio import to_thread


def with_worker_threads(threads: int) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """A lifespan that serves synchronous endpoints on ``threads`` threads (anyio's default
    is 40): as many as the engine keeps connections, so no request waits for one or opens one
    (see persistence.engine.make_engine). On two cores, 40 threads only contend for the GIL."""

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = threads
        yield

    return lifespan
