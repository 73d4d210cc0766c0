"""Visits (走访记录, 民情日志) logged, edited, amended."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from domain.audit.model import AuditAction
from domain.kernel.events import Change

# ── Visits (走访, 民情日志) ───────────────────────────────────────────────────────────────────


@dataclass(frozen=True, kw_only=True)
class VisitLogged(Change):
    entity: ClassVar[str] = "visit"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class VisitEdited(Change):
    """A visit changed within its edit window (its text, or checklist ticks added)."""

    entity: ClassVar[str] = "visit"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class VisitAmended(Change):
    """A visit corrected after its edit window (补充更正): a new visit, the original kept."""

    entity: ClassVar[str] = "visit"
    action: ClassVar[str] = AuditAction.AMEND
