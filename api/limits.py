"""Upload size limit: refuse an oversized body with 413 before reading it (pure ASGI)."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import PROBLEM_JSON, TITLES, TYPE_BASE


class UploadLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_bytes: int, prefix: str = "/api/v1/imports") -> None:
        self.app, self.max_bytes, self.prefix = app, max_bytes, prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
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
        limit_mb = self.max_bytes // (1024 * 1024)
        state = scope.get("state") or {}
        body = json.dumps(
            {
                "type": TYPE_BASE + "import/too_large",
                "title": TITLES[413],
                "status": 413,
                "detail": f"上传文件超过 {limit_mb} MB 的上限",
                "code": "import.too_large",
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
