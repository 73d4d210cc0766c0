"""The built frontend (frontend/dist): the field app at /app/, the admin console at /admin/.

Both are single-page apps, so any path under them that is not a file answers with its page and the
client router takes over. Without a build (no node on the machine) the API still runs, and these
paths answer a 503 problem saying how to build it.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from api.problems import problem_response

DEFAULT_DIST = Path(__file__).resolve().parent.parent / "frontend" / "dist"
# Hashed file names never change content; the pages and the service worker must be revalidated
# or a phone keeps an old app forever.
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

router = APIRouter(include_in_schema=False)


def _dist(request: Request) -> Path:
    dist: Path = getattr(request.app.state, "frontend_dist", None) or DEFAULT_DIST
    return dist


def _not_built(request: Request) -> Response:
    return problem_response(
        request,
        status=503,
        code="frontend.not_built",
        detail="前端尚未构建：在项目根目录运行 make frontend（需要 Node 20）后重试；API 不受影响。",
    )


def _file(path: Path, *, immutable: bool) -> FileResponse:
    return FileResponse(path, headers={"Cache-Control": IMMUTABLE if immutable else REVALIDATE})


def _page(request: Request, name: str) -> Response:
    page = _dist(request) / name
    return _file(page, immutable=False) if page.is_file() else _not_built(request)


@router.get("/app")
def app_root() -> RedirectResponse:
    return RedirectResponse("/app/", status_code=308)


@router.get("/admin")
def admin_root() -> RedirectResponse:
    return RedirectResponse("/admin/", status_code=308)


@router.get("/app/{path:path}")
def field_app(path: str, request: Request) -> Response:
    dist = _dist(request).resolve()
    if path and path != "admin.html":
        target = (dist / path).resolve()
        if target.is_relative_to(dist) and target.is_file():
            return _file(target, immutable=path.startswith("assets/"))
        if "." in path.rsplit("/", 1)[-1]:
            # A missing asset is a 404, never the page: a stale chunk must fail loudly.
            return problem_response(
                request, status=404, code="http.not_found", detail=f"没有这个文件：{path}"
            )
    return _page(request, "index.html")


@router.get("/admin/{path:path}")
def admin_console(path: str, request: Request) -> Response:  # noqa: ARG001 - any path, one page
    return _page(request, "admin.html")
