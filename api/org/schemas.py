from __future__ import annotations

from pydantic import BaseModel

from api.common import ExternalId, Id, OrgNameStr, StrictIn
from api.paging import Page
from domain.kernel.org import LEVEL_LABELS, OrgLevel, OrgUnit


class OrgUnitIn(StrictIn):
    name: OrgNameStr
    level: OrgLevel
    parent_id: Id | None = None
    code: ExternalId | None = None
    external_id: ExternalId | None = None


class OrgUnitUpdate(StrictIn):
    name: OrgNameStr | None = None
    code: ExternalId | None = None
    external_id: ExternalId | None = None


class OrgMoveIn(StrictIn):
    parent_id: Id


class OrgUnitOut(BaseModel):
    id: int
    name: str
    level: OrgLevel
    level_label: str
    parent_id: int | None
    path: str
    depth: int
    code: str | None
    external_id: str | None

    @classmethod
    def from_domain(cls, unit: OrgUnit) -> OrgUnitOut:
        return cls(
            id=unit.id,
            name=unit.name,
            level=unit.level,
            level_label=LEVEL_LABELS[unit.level],
            parent_id=unit.parent_id,
            path=unit.path,
            depth=unit.depth,
            code=unit.code,
            external_id=unit.external_id,
        )


class OrgUnitPage(Page[OrgUnitOut]):
    pass
