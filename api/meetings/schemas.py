"""The meetings feature's request and response bodies (会议, 交办事项, 评议)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import Depends
from pydantic import BaseModel, Field, StringConstraints

from api.common import Bool, Id, IsoDate, Label, NotBlank, Printable, StrictIn
from api.paging import Page, window_sorted_by
from domain.meetings.model import (
    ACTION_LABELS,
    AGENDA_KIND_LABELS,
    RATING_TARGET_LABELS,
    SATISFACTION_LABELS,
    STATUS_LABELS,
    TASK_ACTION_LABELS,
    TASK_STATUS_LABELS,
    TYPE_LABELS,
    AgendaKind,
    Meeting,
    MeetingStatus,
    MeetingType,
    RatingTarget,
    Satisfaction,
    Task,
    TaskAction,
    TaskStatus,
    allowed_actions,
)
from domain.meetings.rules import Satisfied, satisfaction
from persistence.meetings.queries import MeetingSummary
from persistence.paging import Window

Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), *NotBlank
]
Words = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), *NotBlank
]
LongText = Annotated[str, StringConstraints(max_length=10_000), *Printable]
Place = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), *Printable]
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), *NotBlank
]

MeetingWindow = Annotated[
    Window,
    Depends(
        window_sorted_by("MeetingSort", ["held_on", "id"], "-held_on", search="按会议名称搜索")
    ),
]
TaskWindow = Annotated[
    Window,
    Depends(
        window_sorted_by(
            "MeetingTaskSort", ["deadline", "created_at", "id"], "deadline", search="按事项搜索"
        )
    ),
]


# ── in ──


class MeetingIn(StrictIn):
    type: MeetingType = Field(description="会议类型")
    org_id: Id = Field(description="召开会议的组织（村/社区/网格支部/乡镇）")
    title: Title
    held_on: IsoDate = Field(description="会议日期")
    place: Place = ""


class MeetingUpdateIn(StrictIn):
    title: Title | None = None
    held_on: IsoDate | None = None
    place: Place | None = None


class AgendaItemIn(StrictIn):
    kind: AgendaKind = AgendaKind.OTHER
    title: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), *NotBlank
    ]
    issue_id: Id | None = Field(default=None, description="讨论的问题（可空）")


class AgendaIn(StrictIn):
    items: list[AgendaItemIn] = Field(max_length=50)


class PresenceIn(StrictIn):
    member_id: Id
    present: Bool
    absence_reason: Annotated[str, StringConstraints(max_length=200), *Printable] | None = None


class AttendanceIn(StrictIn):
    members: list[PresenceIn] = Field(max_length=500, description="党员出席/缺席（缺席须填原因）")
    representatives: list[Id] = Field(
        default_factory=list, max_length=500, description="出席民主评议会的群众代表（户）"
    )


class ItemMinutesIn(StrictIn):
    seq: Annotated[int, Field(ge=1, le=50)]
    minutes: LongText


class ReportIn(StrictIn):
    member_id: Id
    report: LongText


class MinutesIn(StrictIn):
    summary: LongText = ""
    decisions: list[Annotated[str, StringConstraints(max_length=1000), *Printable]] = Field(
        default_factory=list, max_length=100
    )
    items: list[ItemMinutesIn] = Field(default_factory=list, max_length=50)
    reports: list[ReportIn] = Field(
        default_factory=list, max_length=500, description="党员对账汇报"
    )


class CancelIn(StrictIn):
    reason: Reason


class TaskIn(StrictIn):
    title: Title
    owner_member_id: Id = Field(description="责任人（本组织党员）")
    target: Words = Field(description="目标任务")
    measures: Words = Field(description="具体措施")
    deadline: IsoDate = Field(description="完成时限（不早于今天）")
    issue_id: Id | None = Field(default=None, description="交办的问题（须在议程中）")


class TaskDoneIn(StrictIn):
    note: Words = Field(description="办结情况")


class RatingIn(StrictIn):
    household_id: Id = Field(description="群众代表所在户")
    target: RatingTarget
    target_id: Id
    level: Satisfaction


# ── out ──


class AgendaItemOut(BaseModel):
    seq: int
    kind: AgendaKind
    kind_label: str
    title: str
    issue_id: int | None
    minutes: str


class AttendeeOut(BaseModel):
    member_id: int
    name: str
    present: bool
    absence_reason: str | None
    report: str


class RepresentativeOut(BaseModel):
    household_id: int
    name: str


class RatingOut(BaseModel):
    household_id: int
    target: RatingTarget
    target_id: int
    level: Satisfaction
    level_label: str


class SatisfactionOut(BaseModel):
    target: RatingTarget | None
    target_label: str | None
    target_id: int | None
    rated: int
    satisfied: int = Field(description="满意与基本满意")
    rate: float | None = Field(description="满意率（0–1），无评议时为空")

    @classmethod
    def of(cls, s: Satisfied) -> SatisfactionOut:
        return cls(
            target=s.target,
            target_label=RATING_TARGET_LABELS[s.target] if s.target else None,
            target_id=s.target_id,
            rated=s.rated,
            satisfied=s.satisfied,
            rate=s.rate,
        )


class TaskEntryOut(BaseModel):
    seq: int
    at: datetime
    actor: str
    action: TaskAction
    action_label: str
    note: str


class TaskOut(BaseModel):
    id: int
    meeting_id: int
    org_id: int
    title: str
    owner_member_id: int
    owner_name: str
    target: str
    measures: str
    deadline: date
    status: TaskStatus
    status_label: str
    overdue: bool
    issue_id: int | None
    published_at: datetime | None
    done_at: datetime | None
    done_note: str | None
    created_by: str
    created_at: datetime
    entries: list[TaskEntryOut]

    @classmethod
    def from_domain(cls, t: Task, *, today: date) -> TaskOut:
        return cls(
            id=t.id,
            meeting_id=t.meeting_id,
            org_id=t.org_id,
            title=t.title,
            owner_member_id=t.owner_member_id,
            owner_name=t.owner_name,
            target=t.target,
            measures=t.measures,
            deadline=t.deadline,
            status=t.status,
            status_label=TASK_STATUS_LABELS[t.status],
            overdue=t.overdue(today),
            issue_id=t.issue_id,
            published_at=t.published_at,
            done_at=t.done_at,
            done_note=t.done_note,
            created_by=t.created_by,
            created_at=t.created_at,
            entries=[
                TaskEntryOut(
                    seq=e.seq,
                    at=e.at,
                    actor=e.actor,
                    action=e.action,
                    action_label=TASK_ACTION_LABELS[e.action],
                    note=e.note,
                )
                for e in t.entries
            ],
        )


class TaskPage(Page[TaskOut]):
    pass


class MeetingItemOut(BaseModel):
    id: int
    type: MeetingType
    type_label: str
    org_id: int
    org_name: str
    title: str
    held_on: date
    place: str
    status: MeetingStatus
    status_label: str
    present: int
    absent: int
    updated_at: datetime

    @classmethod
    def from_summary(cls, m: MeetingSummary) -> MeetingItemOut:
        return cls(
            id=m.id,
            type=m.type,
            type_label=TYPE_LABELS[m.type],
            org_id=m.org_id,
            org_name=m.org_name,
            title=m.title,
            held_on=m.held_on,
            place=m.place,
            status=m.status,
            status_label=STATUS_LABELS[m.status],
            present=m.present,
            absent=m.absent,
            updated_at=m.updated_at,
        )


class MeetingPage(Page[MeetingItemOut]):
    pass


class MeetingOut(BaseModel):
    id: int
    type: MeetingType
    type_label: str
    org_id: int
    org_name: str
    title: str
    held_on: date
    place: str
    status: MeetingStatus
    status_label: str
    allowed_actions: list[Label] = Field(description="此状态下可以做的事")
    agenda: list[AgendaItemOut]
    attendees: list[AttendeeOut]
    representatives: list[RepresentativeOut]
    summary: str
    decisions: list[str]
    ratings: list[RatingOut]
    satisfaction: SatisfactionOut = Field(description="本次评议的总体满意率")
    satisfaction_by_target: list[SatisfactionOut]
    tasks: list[TaskOut]
    created_by: str
    created_at: datetime
    updated_at: datetime
    finalised_by: str | None
    finalised_at: datetime | None
    cancel_reason: str | None
    version: int

    @classmethod
    def from_domain(cls, m: Meeting, tasks: list[Task], *, today: date) -> MeetingOut:
        whole, each = satisfaction(m.ratings)
        return cls(
            id=m.id,
            type=m.type,
            type_label=TYPE_LABELS[m.type],
            org_id=m.org_id,
            org_name=m.org_name,
            title=m.title,
            held_on=m.held_on,
            place=m.place,
            status=m.status,
            status_label=STATUS_LABELS[m.status],
            allowed_actions=[
                Label(code=a.value, label=ACTION_LABELS[a]) for a in allowed_actions(m.status)
            ],
            agenda=[
                AgendaItemOut(
                    seq=i.seq,
                    kind=i.kind,
                    kind_label=AGENDA_KIND_LABELS[i.kind],
                    title=i.title,
                    issue_id=i.issue_id,
                    minutes=i.minutes,
                )
                for i in m.agenda
            ],
            attendees=[
                AttendeeOut(
                    member_id=a.member_id,
                    name=a.name,
                    present=a.present,
                    absence_reason=a.absence_reason,
                    report=a.report,
                )
                for a in m.attendees
            ],
            representatives=[
                RepresentativeOut(household_id=r.household_id, name=r.name)
                for r in m.representatives
            ],
            summary=m.summary,
            decisions=list(m.decisions),
            ratings=[
                RatingOut(
                    household_id=r.household_id,
                    target=r.target,
                    target_id=r.target_id,
                    level=r.level,
                    level_label=SATISFACTION_LABELS[r.level],
                )
                for r in m.ratings
            ],
            satisfaction=SatisfactionOut.of(whole),
            satisfaction_by_target=[SatisfactionOut.of(s) for s in each],
            tasks=[TaskOut.from_domain(t, today=today) for t in tasks],
            created_by=m.created_by,
            created_at=m.created_at,
            updated_at=m.updated_at,
            finalised_by=m.finalised_by,
            finalised_at=m.finalised_at,
            cancel_reason=m.cancel_reason,
            version=m.version,
        )


class MeetingVocabularyOut(BaseModel):
    """The codes and their labels a meeting form shows."""

    types: list[Label]
    statuses: list[Label]
    agenda_kinds: list[Label]
    satisfaction: list[Label]
    rating_targets: list[Label]
