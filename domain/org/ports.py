"""The org tree's repository (组织架构)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from domain.kernel.access import Scope
from domain.kernel.org import OrgLevel, OrgUnit


class OrgRepository(Protocol):
    def get(self, org_id: int, scope: Scope) -> OrgUnit: ...
    def add(
        self,
        *,
        name: str,
        level: OrgLevel,
        parent: OrgUnit | None,
        code: str | None,
        external_id: str | None,
        at: datetime,
    ) -> OrgUnit: ...
    def update(self, unit: OrgUnit, *, at: datetime) -> None: ...
    def move_subtree(self, unit: OrgUnit, moved: OrgUnit, *, at: datetime) -> None: ...
    # Until the transaction ends, no other creates or moves units: call before reading paths.
    def lock_tree(self) -> None: ...
    def is_empty(self, unit: OrgUnit) -> bool: ...
    def delete(self, unit: OrgUnit) -> None: ...
