"""The audit log's writer."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert
from sqlalchemy.orm import Session

from domain.audit.model import AuditEntry
from persistence.audit.tables import AuditRow


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
        self.session.connection().execute(
            insert(AuditRow),
            [
                {
                    "at": e.at,
                    "actor": e.actor,
                    "action": e.action.value,
                    "entity": e.entity,
                    "entity_id": e.entity_id,
                    "org_path": e.org_path,
                    "before": dict(e.before) if e.before is not None else None,
                    "after": dict(e.after) if e.after is not None else None,
                    "request_id": e.request_id or self.request_id,
                }
                for e in entries
            ],
        )
