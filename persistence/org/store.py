"""The org tree's repository."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from domain.kernel.access import Scope
from domain.kernel.errors import NotFound
from domain.kernel.org import OrgLevel, OrgUnit, path_of
from persistence.accounts.tables import ApiKeyRow, UserRow
from persistence.issues.tables import IssueRow
from persistence.locks import Lock, serialize
from persistence.org.tables import OrgUnitRow
from persistence.registers.tables import (
    HouseholdRow,
    MemberRow,
)
from persistence.schemes.tables import SchemeBindingRow
from persistence.scoping import in_subtree
from persistence.values import refuse_duplicate


def org_to_domain(row: OrgUnitRow) -> OrgUnit:
    return OrgUnit(
        id=row.id,
        name=row.name,
        level=OrgLevel(row.level),
        parent_id=row.parent_id,
        path=row.path,
        code=row.code,
        external_id=row.external_id,
    )


class SqlOrgRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, org_id: int, scope: Scope) -> OrgUnit:
        row = self.session.get(OrgUnitRow, org_id)
        if row is None or not scope.covers(row.path):
            raise NotFound("org.not_found", f"组织 {org_id} 不存在", field="org_id")
        return org_to_domain(row)

    def add(
        self,
        *,
        name: str,
        level: OrgLevel,
        parent: OrgUnit | None,
        code: str | None,
        external_id: str | None,
        at: datetime,
    ) -> OrgUnit:
        refuse_duplicate(self.session, OrgUnitRow.code, code, None)
        refuse_duplicate(self.session, OrgUnitRow.external_id, external_id, None)
        row = OrgUnitRow(
            name=name,
            level=level.value,
            parent_id=parent.id if parent else None,
            path="/",
            code=code,
            external_id=external_id,
            created_at=at,
            updated_at=at,
        )
        self.session.add(row)
        self.session.flush()  # the id is part of the path
        row.path = path_of(parent.path if parent else None, row.id)
        self.session.flush()
        return org_to_domain(row)

    def update(self, unit: OrgUnit, *, at: datetime) -> None:
        refuse_duplicate(self.session, OrgUnitRow.code, unit.code, unit.id)
        refuse_duplicate(self.session, OrgUnitRow.external_id, unit.external_id, unit.id)
        row = self.session.get_one(OrgUnitRow, unit.id)
        row.name, row.code, row.external_id, row.updated_at = (
            unit.name,
            unit.code,
            unit.external_id,
            at,
        )
        row.version = OrgUnitRow.version + 1
        self.session.flush()

    def lock_tree(self) -> None:
        serialize(self.session, Lock.ORG_TREE)

    def move_subtree(self, unit: OrgUnit, moved: OrgUnit, *, at: datetime) -> None:
        """Re-parent and rewrite every descendant's path in one statement."""
        old = unit.path
        self.session.execute(
            update(OrgUnitRow)
            .where(in_subtree(OrgUnitRow.path, old))
            .values(
                path=moved.path + func.substr(OrgUnitRow.path, len(old) + 1),
                updated_at=at,
                version=OrgUnitRow.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        self.session.execute(
            update(OrgUnitRow).where(OrgUnitRow.id == unit.id).values(parent_id=moved.parent_id)
        )
        self.session.expire_all()

    def is_empty(self, unit: OrgUnit) -> bool:
        """Nothing hangs on the node: no children, members, households, accounts, keys or
        issues (raised there or handled there)."""
        for column in (
            OrgUnitRow.parent_id,
            IssueRow.origin_org_id,
            IssueRow.handler_org_id,
            MemberRow.org_id,
            MemberRow.reported_community_id,
            HouseholdRow.org_id,
            UserRow.org_id,
            ApiKeyRow.org_id,
        ):
            if self.session.scalar(select(func.count()).where(column == unit.id)):
                return False
        return True

    def delete(self, unit: OrgUnit) -> None:
        self.session.execute(delete(SchemeBindingRow).where(SchemeBindingRow.org_id == unit.id))
        self.session.execute(delete(OrgUnitRow).where(OrgUnitRow.id == unit.id))
