"""The built frontend (frontend/dist): the field app at /app/, the admin console at /admin/, and
the interactive API docs at /docs (Swagger UI's files are part of the build).

Both are single-page apps, so any path under them that is not a file answers with its page and the
client router takes over. Without a build (no node on the machine) the API still runs, and these
paths answer a 503 problem saying how to build it.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
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


# Swagger UI's files, copied from npm's swagger-ui-dist into the build (frontend/vite.config.ts):
# the interactive docs load nothing from outside, so a county's intranet can open them.
SWAGGER_JS = "docs/swagger-ui-bundle.js"
SWAGGER_CSS = "docs/swagger-ui.css"


@router.get("/docs")
def api_docs(request: Request) -> Response:
    if not (_dist(request) / SWAGGER_JS).is_file():
        return _not_built(request)
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url,
        title=f"{request.app.title} — 接口文档",
        swagger_js_url=f"/app/{SWAGGER_JS}",
        swagger_css_url=f"/app/{SWAGGER_CSS}",
        swagger_favicon_url="/app/icon.svg",
        # No badge from the public validator service; the token survives a reload.
        swagger_ui_parameters={"validatorUrl": None, "persistAuthorization": True},
    )


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
