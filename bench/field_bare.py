"""The bare FastAPI endpoints ``make bench-field`` compares logging a visit with, served by the
same uvicorn arguments, same path and JSON body:

* ``app`` — parsed and echoed, nothing else: what FastAPI itself costs (no auth, no database).
* ``write_app`` — the visit validated by the API's own model and written as one row through the
  same engine, committed: what logging a visit costs at the least, so that the ratio measures
  what the platform adds (auth, the scope check, the roster rule, the audit entry).
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI
from sqlalchemy import insert

from api.lifespan import with_worker_threads
from api.settings import Settings
from api.visits.schemas import VisitIn
from persistence.engine import make_engine
from persistence.visits.tables import VisitRow

app = FastAPI()


@app.post("/api/v1/visits", status_code=201)
async def log_visit(body: dict[str, Any]) -> dict[str, Any]:
    return {"id": 1, **body}


# Pooled and threaded as the app is (api.main): the same connections and worker threads.
_settings = Settings()
write_app = FastAPI(lifespan=with_worker_threads(_settings.db_pool_size))
_engine = make_engine(
    os.environ.get("LIANHU_DATABASE_URL", "sqlite:///var/bare.db"),
    pool_size=_settings.db_pool_size,
)


@write_app.post("/api/v1/visits", status_code=201)
def write_visit(body: VisitIn) -> dict[str, Any]:
    with _engine.begin() as conn:
        new_id = conn.execute(
            insert(VisitRow)
            .values(
                member_id=body.member_id,
                household_id=body.household_id,
                visited_at=body.visited_at,
                mode=body.mode.value,
                notes=body.notes,
                flags=[f.model_dump(mode="json") for f in body.flags],
                checklist=body.checklist,
                lat=body.lat,
                lng=body.lng,
                created_by="bench:bare",
                created_at=body.visited_at,
            )
            .returning(VisitRow.id)
        ).scalar_one()
    return {"id": new_id, **body.model_dump(mode="json")}
