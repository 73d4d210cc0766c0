"""What happens to the org tree (组织架构): units created, renamed, moved, deleted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from domain.audit.model import AuditAction
from domain.kernel.events import Change

# ── Org tree ──────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, kw_only=True)
class OrgUnitCreated(Change):
    entity: ClassVar[str] = "org_unit"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class OrgUnitUpdated(Change):
    entity: ClassVar[str] = "org_unit"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class OrgUnitMoved(Change):
    """A unit and its subtree moved under another parent (its paths change)."""

    entity: ClassVar[str] = "org_unit"
    action: ClassVar[str] = AuditAction.MOVE


@dataclass(frozen=True, kw_only=True)
class OrgUnitDeleted(Change):
    entity: ClassVar[str] = "org_unit"
    action: ClassVar[str] = AuditAction.DELETE
    tombstone: ClassVar[bool] = True
