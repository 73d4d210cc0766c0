"""Operations: liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from persistence.migrations import database_revision, head_revision

router = APIRouter(tags=["ops"])


@router.get("/healthz", summary="进程存活")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="数据库可达且迁移为最新",
    responses={503: {"description": "数据库不可达，或迁移未到最新（status 说明是哪种）"}},
)
def readyz(request: Request) -> JSONResponse:
    engine = request.app.state.engine
    try:
        current = database_revision(engine)
    except Exception as exc:
        return JSONResponse(
            {"status": "unavailable", "database": type(exc).__name__}, status_code=503
        )
    head = head_revision()
    ready = current == head
    return JSONResponse(
        {"status": "ready" if ready else "migrations_pending", "revision": current, "head": head},
        status_code=200 if ready else 503,
    )
