"""Must-attend events (五必到): reported, attended, cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from domain.audit.model import AuditAction
from domain.kernel.events import Change

# ── Must-attend (五必到) ──────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, kw_only=True)
class MustAttendReported(Change):
    entity: ClassVar[str] = "must_attend_event"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class MustAttendAttended(Change):
    """Attended by a visit (on time or late): the event now names the visit."""

    entity: ClassVar[str] = "must_attend_event"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class MustAttendCancelled(Change):
    """Withdrawn by the branch (撤销), kept on record with who and why."""

    entity: ClassVar[str] = "must_attend_event"
    action: ClassVar[str] = AuditAction.UPDATE
