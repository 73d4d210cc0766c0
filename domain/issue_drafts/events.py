"""An issue draft (问题线索) raised from a visit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from domain.audit.model import AuditAction
from domain.kernel.events import Change


@dataclass(frozen=True, kw_only=True)
class IssueDraftRaised(Change):
    """A flagged item of a visit (四个必记) raised as an issue draft."""

    entity: ClassVar[str] = "issue_draft"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class IssueDraftBecameIssue(Change):
    """The draft became an issue of the flow (``after.status``: raised)."""

    entity: ClassVar[str] = "issue_draft"
    action: ClassVar[str] = AuditAction.UPDATE
