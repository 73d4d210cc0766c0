"""What happens to the registers: members (党员), households (农户), their residents and categories.

A household moved to another village is, for the subtree it left, a removal (``left_path``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from domain.audit.model import AuditAction
from domain.kernel.events import Change

# ── Registers ─────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, kw_only=True)
class MemberCreated(Change):
    entity: ClassVar[str] = "member"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class MemberUpdated(Change):
    entity: ClassVar[str] = "member"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class MemberDeleted(Change):
    entity: ClassVar[str] = "member"
    action: ClassVar[str] = AuditAction.DELETE
    tombstone: ClassVar[bool] = True


@dataclass(frozen=True, kw_only=True)
class HouseholdCreated(Change):
    entity: ClassVar[str] = "household"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class HouseholdUpdated(Change):
    entity: ClassVar[str] = "household"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class HouseholdMoved(Change):
    """A household given to another grid (``left_path``: the grid it left)."""

    entity: ClassVar[str] = "household"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class HouseholdDeleted(Change):
    entity: ClassVar[str] = "household"
    action: ClassVar[str] = AuditAction.DELETE
    tombstone: ClassVar[bool] = True


@dataclass(frozen=True, kw_only=True)
class ResidentsSet(Change):
    """A household's residents as policy rules read them (no names)."""

    entity: ClassVar[str] = "household_residents"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class CategoryAdded(Change):
    """A county's own household category (户类可扩展)."""

    entity: ClassVar[str] = "category"
    action: ClassVar[str] = AuditAction.CREATE
