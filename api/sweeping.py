"""The deadline sweep on a timer (督办: 预警, 超期, 黄牌/红牌, 台账到期复查), until the jobs feature
lands: each server worker sweeps every ``LIANHU_SWEEP_MINUTES`` (0: never; run ``lianhu sweep``
from cron instead). Several workers sweeping at once do no harm: a sweep reads its batch locked
and marks only what is due and not yet marked, so the second finds nothing to do."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

import anyio
from anyio import to_thread
from sqlalchemy.orm import Session, sessionmaker

from domain.issues import services as issues
from persistence.unit_of_work import SqlAlchemyUnitOfWork

log = logging.getLogger("lianhu.sweep")


def sweep_once(sessions: sessionmaker[Session], at: datetime) -> issues.SweepReport:
    report = issues.sweep(SqlAlchemyUnitOfWork(sessions), at)
    if report.events:
        log.info("sweep marked %d issues (%d marks)", report.issues, report.events)
    return report


def periodic_sweep(
    sessions: sessionmaker[Session], clock: Callable[[], datetime], minutes: int
) -> Callable[[], Coroutine[Any, Any, None]]:
    """A task for the lifespan: sweep now, then every ``minutes``. A failed sweep (the database
    away) is logged and tried again next time: the marks it missed are still due then."""

    async def run() -> None:
        while True:
            try:
                await to_thread.run_sync(sweep_once, sessions, clock())
            except Exception:
                log.exception("deadline sweep failed; trying again in %d minutes", minutes)
            await anyio.sleep(minutes * 60)

    return run
