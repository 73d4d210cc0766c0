"""The bare FastAPI endpoint ``make bench-field`` compares logging a visit with: the same path and
JSON body, parsed and echoed, and nothing else (no auth, no database)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

app = FastAPI()


@app.post("/api/v1/visits", status_code=201)
async def log_visit(body: dict[str, Any]) -> dict[str, Any]:
    return {"id": 1, **body}
