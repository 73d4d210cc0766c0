"""The change feed's read side: the outbox in commit-safe order, scoped to the caller.

Order and cursor. A poller must never skip a change that commits after it read past it. On
SQLite one writer at a time gives ids in commit order, so the id alone orders the feed. On
PostgreSQL transactions commit in any order: a transaction given outbox id 10 may commit after
one given 11. So each row carries its transaction's id (``tx``), the feed reads in (tx, id)
order, and only rows of transactions older than every one still running
(``pg_snapshot_xmin``): whatever commits later has a larger transaction id than any row read,
so it sorts after the cursor. A long transaction holds the feed back until it ends; it never
makes it skip.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Select, Text, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from domain.changes.rules import readable_kinds
from domain.kernel.access import Scope
from persistence.assignment.tables import AssignmentRow
from persistence.outbox.tables import OutboxRow
from persistence.scoping import in_subtree


@dataclass(frozen=True, order=True)
class Cursor:
    """A position in the feed: after the row (``tx``, ``id``). ``Cursor(0, 0)``: the start."""

    tx: int
    id: int

    def __str__(self) -> str:
        return f"{self.tx}.{self.id}"

    @classmethod
    def parse(cls, text: str) -> Cursor:
        tx, _, row = text.partition(".")
        return cls(int(tx), int(row))


START = Cursor(0, 0)


@dataclass(frozen=True)
class ChangeRecord:
    """An outbox row as the caller reads it: ``removed`` when the record left the caller's
    subtree (it now lies elsewhere; for the caller it is gone)."""

    row: OutboxRow
    removed: bool

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.row.tx, self.row.id)


def changes_after(
    session: Session, scope: Scope, *, after: Cursor, limit: int
) -> tuple[list[ChangeRecord], bool]:
    """Up to ``limit`` changes after the cursor that the caller may read, and whether more
    follow: in the caller's subtree (where the record is, or where it was), of the kinds of
    record its permissions read, and for an ordinary member of their own households only."""
    stmt = _visible(session, scope).where(
        or_(OutboxRow.tx > after.tx, and_(OutboxRow.tx == after.tx, OutboxRow.id > after.id))
    )
    rows = session.scalars(stmt.order_by(OutboxRow.tx, OutboxRow.id).limit(limit + 1)).all()
    return [_as_read(r, scope) for r in rows[:limit]], len(rows) > limit


def _visible(session: Session, scope: Scope) -> Select[OutboxRow]:
    stmt = select(OutboxRow).where(
        or_(in_subtree(OutboxRow.org_path, scope.org_path), _left(scope.org_path))
    )
    kinds = readable_kinds(scope.permissions)
    if kinds is not None:
        stmt = stmt.where(OutboxRow.entity.in_(sorted(kinds)))
    if scope.own_households_only:
        stmt = stmt.where(
            OutboxRow.household_id.in_(
                select(AssignmentRow.household_id).where(
                    AssignmentRow.member_id == (scope.member_id or -1),
                    AssignmentRow.ended_on.is_(None),
                )
            )
        )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.where(OutboxRow.tx < _oldest_running())
    return stmt


def _left(path: str) -> ColumnElement[bool]:
    return and_(OutboxRow.left_path.is_not(None), in_subtree(OutboxRow.left_path, path))


def _oldest_running() -> ColumnElement[Any]:
    return cast(cast(func.pg_snapshot_xmin(func.pg_current_snapshot()), Text), BigInteger)


def _as_read(row: OutboxRow, scope: Scope) -> ChangeRecord:
    here = row.org_path is not None and scope.covers(row.org_path)
    return ChangeRecord(row, removed=not here)
