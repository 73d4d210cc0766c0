"""Bulk import (批量导入) of a register file: validate it whole, then write all or nothing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Final

from domain.access import Permission, Scope
from domain.audit import AuditAction
from domain.importing import ImportKind, check
from domain.ports import UnitOfWork
from domain.services.audit_trail import record
from domain.time import local_date

WRITE_PERMISSION: Final = {
    ImportKind.ORG_UNITS: Permission.ORG_WRITE,
    ImportKind.MEMBERS: Permission.MEMBER_WRITE,
    ImportKind.HOUSEHOLDS: Permission.HOUSEHOLD_WRITE,
}


def import_rows(
    uow: UnitOfWork,
    scope: Scope,
    kind: ImportKind,
    rows: Iterable[list[str]],
    *,
    source: dict[str, Any],
    at: datetime,
) -> dict[str, Any]:
    """Returns the summary (rows, created, updated, ignored columns); raises ``Invalid`` with
    every bad row when any row is bad, having written nothing."""
    scope.require(Permission.IMPORT)
    scope.require(WRITE_PERMISSION[kind])
    with uow:
        ctx = uow.bulk.context(kind, scope, today=local_date(at))
        report, records = check(kind, rows, ctx)
        # Records stream into the database as they pass; a bad row anywhere rolls it all back.
        created, updated = uow.bulk.write(kind, records, at=at)
        report.raise_if_bad()
        summary = {
            "kind": kind.value,
            "rows": report.rows,
            "created": created,
            "updated": updated,
            "ignored_columns": report.ignored_columns,
        }
        # One entry per import: the file's digest identifies exactly what was written.
        record(
            uow.audit,
            scope,
            action=AuditAction.IMPORT,
            entity=kind.value,
            entity_id=None,
            org_path=scope.org_path,
            at=at,
            after={**summary, **source},
        )
        uow.commit()
        return summary
