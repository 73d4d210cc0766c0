"""Writing domain events to the outbox, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Text, cast, func, insert, literal, select
from sqlalchemy.orm import Session

from domain.kernel.events import Change, Event
from persistence.assignment.tables import AssignmentRow
from persistence.bulk import BULK_ROWS, insert_rows, json_text
from persistence.issue_drafts.tables import IssueDraftRow
from persistence.must_attend.tables import MustAttendEventRow
from persistence.org.tables import OrgUnitRow
from persistence.outbox.tables import OutboxRow
from persistence.policies.tables import PolicyRow
from persistence.registers.tables import HouseholdRow, MemberRow
from persistence.visits.tables import VisitRow

# The records that carry a version, by the entity name their events use. An event that does not
# name its record's version gets the one the row now has.
VERSIONED: dict[str, Any] = {
    "org_unit": OrgUnitRow,
    "member": MemberRow,
    "household": HouseholdRow,
    "assignment": AssignmentRow,
    "visit": VisitRow,
    "must_attend_event": MustAttendEventRow,
    "issue_draft": IssueDraftRow,
    "policy": PolicyRow,
}


_COLUMNS = (
    "type",
    "entity",
    "entity_id",
    "version",
    "tombstone",
    "org_path",
    "left_path",
    "household_id",
    "actor",
    "request_id",
    "occurred_at",
    "payload",
)


class SqlOutboxStore:
    def __init__(self, session: Session, request_id: str | None = None) -> None:
        self.session = session
        self.request_id = request_id

    def version_of(self, entity: str, entity_id: object) -> int | None:
        """The version the record has now (None: not a versioned record, or not there)."""
        row = VERSIONED.get(entity)
        if row is None or not isinstance(entity_id, int):
            return None
        found: int | None = self.session.scalar(select(row.version).where(row.id == entity_id))
        return found

    def add_many(self, events: Sequence[Event]) -> None:
        """One row per event, in one INSERT; the versions not named are read in one query per
        kind of record."""
        if not events:
            return
        versions = self._versions(events)
        rows = [self._row(e, versions) for e in events]
        if len(rows) >= BULK_ROWS:
            # A group commit's hundreds of events: one COPY, not a statement per row.
            tx = self.session.scalar(select(self._tx()))
            insert_rows(
                self.session,
                OutboxRow.__tablename__,
                ("tx", *_COLUMNS),
                ((tx, *(r[c] for c in _COLUMNS[:-1]), json_text(r["payload"])) for r in rows),
            )
            return
        self.session.connection().execute(insert(OutboxRow).values(tx=self._tx()), rows)

    def _tx(self) -> ColumnElement[int]:
        if self.session.get_bind().dialect.name == "postgresql":
            return cast(cast(func.pg_current_xact_id(), Text), BigInteger)
        return literal(0, BigInteger)

    def _versions(self, events: Sequence[Event]) -> dict[tuple[str, int], int]:
        wanted: dict[str, set[int]] = {}
        for e in events:
            versioned = e.entity in VERSIONED and isinstance(e.entity_id, int)
            if versioned and e.version is None and not e.tombstone:
                assert isinstance(e.entity_id, int)
                wanted.setdefault(e.entity, set()).add(e.entity_id)
        found: dict[tuple[str, int], int] = {}
        for entity, ids in wanted.items():
            row = VERSIONED[entity]
            for record_id, version in self.session.execute(
                select(row.id, row.version).where(row.id.in_(ids))
            ):
                found[entity, record_id] = version
        return found

    def _row(self, e: Event, versions: dict[tuple[str, int], int]) -> dict[str, Any]:
        version = e.version
        if version is None and isinstance(e.entity_id, int):
            version = versions.get((e.entity, e.entity_id))
        return {
            "type": e.type_name(),
            "entity": e.record_kind(),
            "entity_id": None if e.entity_id is None else str(e.entity_id),
            "version": version,
            "tombstone": e.tombstone,
            "org_path": e.org_path,
            "left_path": e.left_path,
            "household_id": e.household_id if isinstance(e, Change) else None,
            "actor": e.actor,
            "request_id": e.request_id or self.request_id,
            "occurred_at": e.at,
            "payload": e.payload(),
        }
