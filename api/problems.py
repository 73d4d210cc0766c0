"""RFC 9457 problem details: every error, validation included, as application/problem+json with
a stable ``code``, the field it concerns and the request id."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from api.validation_messages import zh_message
from domain.kernel.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    Locked,
    NotFound,
    RuleBroken,
    TooLarge,
    Unauthenticated,
    UnsupportedMedia,
)
from persistence.engine import database_unavailable

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://lianhu.org/problems/"

STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    Forbidden: 403,
    Unauthenticated: 401,
    Locked: 429,
    RuleBroken: 422,
    Invalid: 422,
    Conflict: 409,
    TooLarge: 413,
    UnsupportedMedia: 415,
}

TITLES = {
    400: "请求无效",
    401: "未登录或凭证无效",
    403: "无权访问",
    404: "未找到",
    405: "不支持的方法",
    409: "与现有数据冲突",
    413: "请求内容过大",
    415: "不支持的媒体类型",
    422: "数据校验未通过",
    429: "请求过于频繁",
    500: "服务器内部错误",
    503: "服务暂时不可用",
}
# How long a client waits before trying again while the database is unreachable.
RETRY_AFTER_SECONDS = 5


class FieldError(BaseModel):
    field: str | None = None
    message: str
    code: str | None = None
    row: int | None = None
    column: str | None = Field(default=None, description="导入文件中的列名（按文件表头原样）")
    cell: str | None = Field(default=None, description="导入文件中的单元格，如 D3")
    org_id: int | None = Field(default=None, description="所涉组织（如设置与之冲突的下级组织）")
    org_name: str | None = None


class Problem(BaseModel):
    """The problem+json body (RFC 9457) with Lianhu's extensions."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    field: str | None = None
    errors: list[FieldError] = []
    request_id: str | None = None
    instance: str | None = None


def problem_response(
    request: Request,
    *,
    status: int,
    code: str,
    detail: str,
    field: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    request_id = getattr(request.state, "request_id", None)
    body = Problem(
        type=TYPE_BASE + code.replace(".", "/"),
        title=TITLES.get(status, "错误"),
        status=status,
        detail=detail,
        code=code,
        field=field,
        errors=[FieldError(**e) for e in errors or []],
        request_id=request_id,
        instance=str(request.url.path),
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _without_tag(loc: tuple[Any, ...], body: Any) -> tuple[Any, ...]:
    """The location without the variant's tag pydantic puts in it for a body told apart by
    ``action`` (``body.escalate.reason``): the field is ``reason`` of the body as sent."""
    tagged = len(loc) > 2 and loc[0] == "body" and isinstance(body, dict)
    return (loc[0], *loc[2:]) if tagged and body.get("action") == loc[1] else loc


def _pointer(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) if parts else str(loc[-1]) if loc else ""


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method some route serves at ``path`` (HEAD with GET), for a 405's ``Allow``.

    Starlette answers 405 from the first route whose path matches, and lists only that route's
    methods; a path served by several routes (GET and POST of a list, GET, PATCH and DELETE of a
    record) needs all of them."""
    table: list[tuple[re.Pattern[str], set[str]]] | None = getattr(app.state, "allow_table", None)
    if table is None:
        table = [
            (compile_path(route.path)[0], set(route.methods))
            for route in iter_route_contexts(app.routes)
            if route.path and route.methods
        ]
        app.state.allow_table = table
    methods: set[str] = set()
    for regex, served in table:
        if regex.match(path):
            methods |= served
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 400)
        headers = None
        if isinstance(exc, Locked):
            headers = {"Retry-After": str(exc.retry_after_seconds)}
        if isinstance(exc, Unauthenticated):
            headers = {"WWW-Authenticate": "Bearer"}
        return problem_response(
            request,
            status=status,
            code=exc.code,
            detail=exc.message,
            field=exc.field,
            errors=[dict(e) for e in exc.errors],
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = []
        for err in exc.errors():
            loc = _without_tag(tuple(err.get("loc", ())), exc.body)
            kind = str(err.get("type", "invalid"))
            if kind in ("union_tag_invalid", "union_tag_not_found"):
                loc = (*loc, str(err.get("ctx", {}).get("discriminator", "")).strip("'"))
            field = "body" if kind == "json_invalid" else _pointer(loc)
            errors.append({"field": field, "message": zh_message(err), "code": kind})
        first = errors[0] if errors else {"field": None, "message": "invalid", "code": "invalid"}
        malformed = any(e["code"] == "json_invalid" for e in errors)
        return problem_response(
            request,
            status=400 if malformed else 422,
            code="request.malformed_json" if malformed else "request.validation",
            detail=f"{first['field']}: {first['message']}"
            if first["field"]
            else str(first["message"]),
            field=first["field"] or None,
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "http.not_found", 405: "http.method_not_allowed"}.get(
            exc.status_code, f"http.{exc.status_code}"
        )
        headers = dict(exc.headers) if exc.headers else {}
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(app, request.scope["path"]))
        return problem_response(
            request,
            status=exc.status_code,
            code=code,
            detail=str(exc.detail),
            headers=headers or None,
        )

    @app.exception_handler(SQLAlchemyError)
    async def _database(request: Request, exc: SQLAlchemyError) -> JSONResponse:
        if not database_unavailable(exc):
            raise exc  # a bug: answered 500 and logged with its traceback (below)
        logging.getLogger("lianhu").warning(
            "database unavailable: %s", str(exc).splitlines()[0] if str(exc) else type(exc)
        )
        return problem_response(
            request,
            status=503,
            code="server.unavailable",
            detail="服务器暂时不可用，稍后自动重试",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logging.getLogger("lianhu").exception("unhandled error", exc_info=exc)
        return problem_response(
            request, status=500, code="server.error", detail="服务器内部错误，已记录"
        )
