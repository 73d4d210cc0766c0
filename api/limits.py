"""Request body limits, per route: an oversized body is refused with 413 before it is read, whether
its Content-Length says so or its chunks add up past the limit (pure ASGI)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import PROBLEM_JSON, TITLES, TYPE_BASE

KIB = 1024
MIB = 1024 * KIB


@dataclass(frozen=True)
class BodyLimit:
    """At most ``max_bytes`` of body for the request paths matching ``paths`` (a regular
    expression); the refusal names ``code``, ``field`` and what was too large (``what``)."""

    paths: str
    max_bytes: int
    code: str = "request.too_large"
    what: str = "请求内容"
    field: str = "body"

    def matches(self, path: str) -> bool:
        return re.match(self.paths, path) is not None

    @property
    def readable(self) -> str:
        if self.max_bytes >= MIB:
            return f"{self.max_bytes // MIB} MB"
        return f"{max(1, self.max_bytes // KIB)} KB"


class BodyLimitMiddleware:
    """The first of ``limits`` whose paths match a request's path is its limit (list the
    specific routes first and a catch-all last)."""

    def __init__(self, app: ASGIApp, *, limits: Sequence[BodyLimit]) -> None:
        self.app, self.limits = app, tuple(limits)

    def limit_of(self, path: str) -> BodyLimit | None:
        return next((limit for limit in self.limits if limit.matches(path)), None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limit_of(scope["path"]) if scope["type"] == "http" else None
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit.max_bytes:
            await _refuse(limit, scope, send)
            return
        seen = 0
        exceeded = False

        async def counted() -> Message:
            # Past the limit the app gets an empty, final body and its answer is dropped: an
            # exception raised here would be turned into a 400 by the body parser.
            nonlocal seen, exceeded
            if exceeded:
                return {"type": "http.request", "body": b"", "more_body": False}
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit.max_bytes:
                exceeded = True
                return {"type": "http.request", "body": b"", "more_body": False}
            return message

        async def guarded_send(message: Message) -> None:
            if not exceeded:
                await send(message)

        await self.app(scope, counted, guarded_send)
        if exceeded:
            await _refuse(limit, scope, send)


async def _refuse(limit: BodyLimit, scope: Scope, send: Send) -> None:
    state = scope.get("state") or {}
    body = json.dumps(
        {
            "type": TYPE_BASE + limit.code.replace(".", "/"),
            "title": TITLES[413],
            "status": 413,
            "detail": f"{limit.what}超过 {limit.readable} 的上限",
            "code": limit.code,
            "field": limit.field,
            "errors": [],
            "request_id": state.get("request_id"),
            "instance": scope["path"],
        },
        ensure_ascii=False,
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),  # the rest of the body is never read
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
