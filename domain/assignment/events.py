"""Rosters (联户名单): proposals drafted, edited, published; ties and requests declared."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from domain.audit.model import AuditAction
from domain.kernel.events import Change

# ── Assignment (包户) ─────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, kw_only=True)
class ProposalDrafted(Change):
    entity: ClassVar[str] = "assignment_proposal"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class ProposalEdited(Change):
    entity: ClassVar[str] = "assignment_proposal"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class ProposalPublished(Change):
    """A draft roster made the one in force: the area's assignments changed together."""

    entity: ClassVar[str] = "assignment_proposal"
    action: ClassVar[str] = AuditAction.PUBLISH


@dataclass(frozen=True, kw_only=True)
class TieDeclared(Change):
    """A member's declared tie to a household (血缘相通, 志趣相投)."""

    entity: ClassVar[str] = "member_tie"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class RequestsDeclared(Change):
    """A member's own declaration of the households they ask to look after (自行申报)."""

    entity: ClassVar[str] = "member_request"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class TieRemoved(Change):
    entity: ClassVar[str] = "member_tie"
    action: ClassVar[str] = AuditAction.DELETE
    tombstone: ClassVar[bool] = True
