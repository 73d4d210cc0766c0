"""Contact cards (党群联心卡): issued, revoked, printed as sheets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from domain.audit.model import AuditAction
from domain.kernel.events import Change

# ── Contact cards (党群联心卡) ────────────────────────────────────────────────────────────────


@dataclass(frozen=True, kw_only=True)
class CardIssued(Change):
    """A household's card token issued (the ones before it revoked). Never the token itself."""

    entity: ClassVar[str] = "card_token"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class CardRevoked(Change):
    entity: ClassVar[str] = "card_token"
    action: ClassVar[str] = AuditAction.DELETE


@dataclass(frozen=True, kw_only=True)
class CardSheetIssued(Change):
    """Cards for a whole area at once (a printed sheet)."""

    entity: ClassVar[str] = "card_sheet"
    action: ClassVar[str] = AuditAction.CREATE
