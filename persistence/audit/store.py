"""The audit log's writer."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert
from sqlalchemy.orm import Session

from domain.audit.model import AuditEntry
from persistence.audit.tables import AuditRow
from persistence.bulk import BULK_ROWS, insert_rows, json_text

_COLUMNS = (
    "at",
    "actor",
    "action",
    "entity",
    "entity_id",
    "org_path",
    "before",
    "after",
    "request_id",
)


class SqlAuditRepository:
    """Append-only; stamps each entry with the request id of the unit of work."""

    def __init__(self, session: Session, request_id: str | None = None) -> None:
        self.session = session
        self.request_id = request_id

    def add(self, entry: AuditEntry) -> None:
        self.add_many([entry])

    def add_many(self, entries: Sequence[AuditEntry]) -> None:
        # A plain INSERT on the session's connection, sent at once: every write has one, and
        # the ORM's bookkeeping (its bulk-insert path, taken by a list of rows executed through
        # the session) for an object nobody reads back is pure cost.
        if not entries:
            return
        rows = [
            (
                e.at,
                e.actor,
                e.action.value,
                e.entity,
                e.entity_id,
                e.org_path,
                dict(e.before) if e.before is not None else None,
                dict(e.after) if e.after is not None else None,
                e.request_id or self.request_id,
            )
            for e in entries
        ]
        if len(rows) >= BULK_ROWS:  # a group commit's hundreds of entries: one COPY
            insert_rows(
                self.session,
                AuditRow.__tablename__,
                _COLUMNS,
                ((*r[:6], json_text(r[6]), json_text(r[7]), r[8]) for r in rows),
            )
            return
        self.session.connection().execute(
            insert(AuditRow), [dict(zip(_COLUMNS, r, strict=True)) for r in rows]
        )
