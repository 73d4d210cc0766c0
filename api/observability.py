"""One structured log line per request, with a request id that is also returned in the
``X-Request-ID`` header and in every problem body. Pure ASGI, so it costs little per request."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("lianhu.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if log.isEnabledFor(logging.INFO):  # no line to build when it would be dropped
                _log_request(scope, request_id, status, started)


def _log_request(scope: Scope, request_id: str, status: int, started: float) -> None:
    # Paths and ids only: never query strings or bodies, which may carry personal data.
    line: dict[str, Any] = {
        "event": "request",
        "request_id": request_id,
        "method": scope["method"],
        "path": scope["path"],
        "status": status,
        "ms": round((time.perf_counter() - started) * 1000, 2),
        "actor": scope["state"].get("actor"),
    }
    log.info(json.dumps(line, ensure_ascii=False))


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level.upper(), format="%(message)s")
