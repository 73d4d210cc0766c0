"""Bulk import (批量导入) of a register file: validate it whole, then write all or nothing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Final

from domain.kernel.access import Permission, Scope
from domain.kernel.time import local_date
from domain.kernel.unit_of_work import UnitOfWork
from domain.transfer.events import DataImported
from domain.transfer.importing import ImportKind, check

WRITE_PERMISSION: Final = {
    ImportKind.ORG_UNITS: Permission.ORG_WRITE,
    ImportKind.MEMBERS: Permission.MEMBER_WRITE,
    ImportKind.HOUSEHOLDS: Permission.HOUSEHOLD_WRITE,
}


UNITS: Final = {
    ImportKind.ORG_UNITS: "个组织",
    ImportKind.MEMBERS: "名党员",
    ImportKind.HOUSEHOLDS: "户",
}


def counted(kind: ImportKind, created: int, updated: int, *, dry_run: bool) -> str:
    """ "新增 4 户、更新 2 户，确认导入？" (a preview) or "已导入：新增 4 户、更新 2 户"."""
    unit = UNITS[kind]
    what = f"新增 {created} {unit}、更新 {updated} {unit}"
    return f"{what}，确认导入？" if dry_run else f"已导入：{what}"


def import_rows(
    uow: UnitOfWork,
    scope: Scope,
    kind: ImportKind,
    rows: Iterable[list[str]],
    *,
    source: dict[str, Any],
    at: datetime,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Returns the summary (rows, created, updated, ignored columns, a sentence of the counts);
    raises ``Invalid`` with every bad row when any row is bad, having written nothing.

    ``dry_run`` (the preview before an import is confirmed): the same checks and the same
    writes, so the counts are exactly what the import would do, then rolled back — nothing
    written, nothing audited."""
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
        if dry_run:  # leaving the unit of work uncommitted rolls the writes back
            return {
                **summary,
                "dry_run": True,
                "message": counted(kind, created, updated, dry_run=True),
            }
        # One entry per import: the file's digest identifies exactly what was written.
        uow.emit(
            DataImported(
                kind=kind.value,
                actor=scope.actor,
                entity_id=None,
                org_path=scope.org_path,
                at=at,
                after={**summary, **source},
            )
        )
        uow.commit()
        return {
            **summary,
            "dry_run": False,
            "message": counted(kind, created, updated, dry_run=False),
        }
