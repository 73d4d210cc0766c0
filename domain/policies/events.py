"""Policies (政策明白卡) defined, changed, and delivered to households."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from domain.audit.model import AuditAction
from domain.kernel.events import Change

# ── Policies (政策明白卡) ─────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, kw_only=True)
class PolicyDefined(Change):
    entity: ClassVar[str] = "policy"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class PolicyUpdated(Change):
    entity: ClassVar[str] = "policy"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class PolicyDeliveryStarted(Change):
    """A policy's first step with a household (政策落实到户: explained)."""

    entity: ClassVar[str] = "policy_delivery"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class PolicyDeliveryAdvanced(Change):
    entity: ClassVar[str] = "policy_delivery"
    action: ClassVar[str] = AuditAction.UPDATE
