"""A scheme (联户方案) chosen or removed on an org unit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from domain.audit.model import AuditAction
from domain.kernel.events import Change


@dataclass(frozen=True, kw_only=True)
class SchemeSet(Change):
    """A level chose or tuned its scheme (联户模式)."""

    entity: ClassVar[str] = "scheme_binding"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class SchemeRemoved(Change):
    entity: ClassVar[str] = "scheme_binding"
    action: ClassVar[str] = AuditAction.DELETE
    tombstone: ClassVar[bool] = True
