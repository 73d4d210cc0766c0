"""Visit photos added or deleted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from domain.audit.model import AuditAction
from domain.kernel.events import Change


@dataclass(frozen=True, kw_only=True)
class PhotoAdded(Change):
    entity: ClassVar[str] = "visit_photo"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class PhotoDeleted(Change):
    entity: ClassVar[str] = "visit_photo"
    action: ClassVar[str] = AuditAction.DELETE
    tombstone: ClassVar[bool] = True
