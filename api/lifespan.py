"""The app's lifespan: what a worker process sets up once its event loop runs."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import anyio
from anyio import to_thread
from starlette.types import ASGIApp


def with_worker_threads(
    threads: int, background: Sequence[Callable[[], Coroutine[Any, Any, None]]] = ()
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """A lifespan that serves synchronous endpoints on ``threads`` threads (anyio's default
    is 40): as many as the engine keeps connections, so no request waits for one or opens one
    (see persistence.engine.make_engine). On two cores, 40 threads only contend for the GIL.
    It also builds the routes before the first request (see ``build_routes``), then freezes
    what startup made (see ``freeze_startup_objects``). The ``background`` tasks (the deadline
    sweep) run while the worker serves and are cancelled when it stops."""

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = threads
        build_routes(app)
        freeze_startup_objects()
        async with anyio.create_task_group() as tasks:
            for task in background:
                tasks.start_soon(task)
            yield
            tasks.cancel_scope.cancel()

    return lifespan


def build_routes(app: ASGIApp) -> int:
    """FastAPI (0.16x) builds an included router's routes when the first request reaches it:
    about a second on this project, paid by whichever user comes first to each new worker.
    Built here at startup instead; returns how many routers were built. With a FastAPI that
    builds routes eagerly there is nothing to build and nothing happens."""
    pending: list[Any] = list(getattr(getattr(app, "router", None), "routes", []))
    built = 0
    while pending:
        route = pending.pop()
        candidates = getattr(route, "effective_candidates", None)
        if callable(candidates):
            pending.extend(candidates())
            built += 1
    return built


def freeze_startup_objects() -> None:
    """Move everything alive after startup (modules, routes, models, SQLAlchemy's tables and
    caches: a few hundred thousand objects) out of the garbage collector's sight. They live as
    long as the worker, yet every full collection walked them all: a 110-150 ms pause of the
    whole worker, a few times a minute under load, which was the visits' p99 (bench-field;
    with the freeze a full collection takes 2-4 ms). Collections still run for what requests
    create. Once per process: a worker starts once (the test suite starts many apps)."""
    global _frozen
    if not _frozen:
        gc.collect()
        gc.freeze()
        _frozen = True


_frozen = False
