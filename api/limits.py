"""Upload size limits: refuse an oversized body with 413 before reading it (pure ASGI)."""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import PROBLEM_JSON, TITLES, TYPE_BASE


class UploadLimitMiddleware:
    """One limit for the request paths matching ``paths`` (a regular expression)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int,
        paths: str = r"^/api/v1/imports",
        code: str = "import.too_large",
        what: str = "上传文件",
    ) -> None:
        self.app, self.max_bytes, self.paths = app, max_bytes, re.compile(paths)
        self.code, self.what = code, what

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.paths.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, send)
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
            if seen > self.max_bytes:
                exceeded = True
                return {"type": "http.request", "body": b"", "more_body": False}
            return message

        async def guarded_send(message: Message) -> None:
            if not exceeded:
                await send(message)

        await self.app(scope, counted, guarded_send)
        if exceeded:
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        limit_mb = max(1, self.max_bytes // (1024 * 1024))
        state = scope.get("state") or {}
        body = json.dumps(
            {
                "type": TYPE_BASE + self.code.replace(".", "/"),
                "title": TITLES[413],
                "status": 413,
                "detail": f"{self.what}超过 {limit_mb} MB 的上限",
                "code": self.code,
                "field": "file",
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
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
