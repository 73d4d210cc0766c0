"""What happens to meetings and their tasks: one event per use, each a ``Change`` of the record
kinds ``meeting`` and ``meeting_task`` at the meeting's org, carrying the record before and
after and the version it made.

Personal data: a meeting names members and household representatives by id and name, as the
village board does; it holds no phone, address or household category (the audit trail's masking,
domain/registers/masking.py, would hide them by name). The minutes' own words are carried as a
visit's notes are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from domain.audit.model import AuditAction
from domain.kernel.events import Change


@dataclass(frozen=True, kw_only=True)
class MeetingChange(Change):
    entity: ClassVar[str] = "meeting"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class MeetingPlanned(MeetingChange):
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class MeetingEdited(MeetingChange):
    pass


@dataclass(frozen=True, kw_only=True)
class AgendaSet(MeetingChange):
    """The agenda drawn from the area's issues, or as the secretary edited it."""


@dataclass(frozen=True, kw_only=True)
class AttendanceRecorded(MeetingChange):
    """Who came (the meeting took place: planned → held)."""


@dataclass(frozen=True, kw_only=True)
class MinutesRecorded(MeetingChange):
    pass


@dataclass(frozen=True, kw_only=True)
class MeetingRated(MeetingChange):
    """A representative's 评议 at a 民主评议会."""


@dataclass(frozen=True, kw_only=True)
class MinutesFinalised(MeetingChange):
    """The minutes final (定稿); the tasks of a 民事交办会 published with them."""

    action: ClassVar[str] = AuditAction.PUBLISH


@dataclass(frozen=True, kw_only=True)
class MeetingCancelled(MeetingChange):
    pass


@dataclass(frozen=True, kw_only=True)
class TaskChange(Change):
    entity: ClassVar[str] = "meeting_task"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class TaskAssigned(TaskChange):
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class TaskPublished(TaskChange):
    action: ClassVar[str] = AuditAction.PUBLISH


@dataclass(frozen=True, kw_only=True)
class TaskDone(TaskChange):
    pass
