"""The issue flow's request and response bodies: raising, the actions (one body per action,
told apart by ``action``), the issue with its timeline, the inbox, statistics, the work
calendar and the household's view from its card."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.common import Id, IsoDate, Label, NotBlank, StrictIn, Text
from api.paging import Page
from domain.issues.calendar import DAY_KIND_LABELS, DayKind
from domain.issues.model import (
    ACTION_LABELS,
    DIFFICULTY_LABELS,
    RATING_LABELS,
    SOURCE_LABELS,
    STATUS_LABELS,
    STEP_LABELS,
    SUPERVISION_LABELS,
    TIER_LABELS,
    Difficulty,
    Issue,
    IssueAction,
    IssuePhoto,
    IssueStatus,
    OrgRef,
    Rating,
    Source,
    Step,
    Supervision,
    Tier,
    TimelineEntry,
)
from persistence.issues.queries import CalendarEntry, IssueNames, IssueSummary, OrgIssueStats

Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), *NotBlank
]
Body = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), *NotBlank
]
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), *NotBlank
]
Note = Annotated[Text, StringConstraints(strip_whitespace=True, max_length=500)]
CategoryCode = Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,30}$")]


# ── raising ───────────────────────────────────────────────────────────────────────────────────


class IssueFields(StrictIn):
    """What an issue is raised with (the body of ``POST /issues``; the payload of the sync
    batch's ``issue`` operation, whose uuid is its ``client_ref``)."""

    title: Title = Field(description="问题摘要", examples=["村口路灯不亮"])
    text: Body = Field(description="问题详情", examples=["村口两盏路灯已坏一周，夜间出行不便"])
    household_id: Id | None = Field(None, description="所涉农户（与 org_id 二选一或都不填）")
    org_id: Id | None = Field(None, description="问题所在的组织（默认本人所在组织）")
    category: CategoryCode | None = Field(None, description="问题类别（可稍后分类时再定）")


class IssueIn(IssueFields):
    """A member (党员直报) or a branch or higher raises an issue: a household's matter, or one of
    a place (``org_id``, by default the caller's own org)."""

    client_ref: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,64}$")] | None = (
        Field(None, description="客户端自己的编号：重发时返回第一次创建的问题，不重复创建")
    )


class FromDraftIn(StrictIn):
    category: CategoryCode | None = Field(None, description="问题类别（可稍后分类时再定）")


class CardIssueIn(StrictIn):
    """A household raises a matter on its card page: it must say what kind (nothing chosen)."""

    category: CategoryCode = Field(description="问题类别（必选，不预设）")
    title: Title = Field(description="问题摘要")
    text: Body = Field(description="问题详情")


# ── the actions (one body each, by ``action``) ────────────────────────────────────────────────


class ActionBody(BaseModel):
    """An action's body: unknown fields refused as ``StrictIn`` does. Not a ``StrictIn``: its
    every-field check would wrap ``action``, which a discriminated union reads as it is; no
    action takes a number, so there is no boolean to refuse."""

    model_config = ConfigDict(extra="forbid")


class ClassifyIn(ActionBody):
    action: Literal["classify"]
    category: CategoryCode
    difficulty: Difficulty
    note: Note = ""


class SolveOnSpotIn(ActionBody):
    action: Literal["solve_on_spot"]
    answer: Reason = Field(description="当场解决的答复")


class AssignIn(ActionBody):
    action: Literal["assign"]
    note: Note = ""


class AcceptIn(ActionBody):
    action: Literal["accept"]
    note: Note = ""


class EscalateIn(ActionBody):
    action: Literal["escalate"]
    reason: Reason = Field(description="上报理由")


class SendBackIn(ActionBody):
    action: Literal["send_back"]
    reason: Reason = Field(description="退回理由")


class RequestExtensionIn(ActionBody):
    action: Literal["request_extension"]
    until: IsoDate = Field(description="延至哪天（含当天）")
    reason: Reason


class ApproveExtensionIn(ActionBody):
    action: Literal["approve_extension"]
    note: Note = ""


class RefuseExtensionIn(ActionBody):
    action: Literal["refuse_extension"]
    reason: Reason


class UrgeIn(ActionBody):
    action: Literal["urge"]
    note: Note = ""


class ResolveIn(ActionBody):
    action: Literal["resolve"]
    answer: Reason = Field(description="办理结果与答复")


class ConfirmToldIn(ActionBody):
    action: Literal["confirm_told"]
    note: Note = ""


class RateIn(ActionBody):
    action: Literal["rate"]
    rating: Rating
    reason: Note = ""


class CloseIn(ActionBody):
    action: Literal["close"]
    result: Reason = Field(description="销号结果")


class PutOnLedgerIn(ActionBody):
    action: Literal["put_on_ledger"]
    plan: Reason = Field(description="解决计划")
    owner: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50), *NotBlank
    ] = Field(description="责任人")
    review_on: IsoDate = Field(description="复查日期")


class ReopenIn(ActionBody):
    action: Literal["reopen"]
    reason: Reason


ActionIn = Annotated[
    ClassifyIn
    | SolveOnSpotIn
    | AssignIn
    | AcceptIn
    | EscalateIn
    | SendBackIn
    | RequestExtensionIn
    | ApproveExtensionIn
    | RefuseExtensionIn
    | UrgeIn
    | ResolveIn
    | ConfirmToldIn
    | RateIn
    | CloseIn
    | PutOnLedgerIn
    | ReopenIn,
    Field(discriminator="action"),
]


class CardRatingIn(StrictIn):
    rating: Rating
    reason: Note = ""


# ── the issue ─────────────────────────────────────────────────────────────────────────────────


class OrgOut(BaseModel):
    id: int
    name: str
    tier: Tier
    tier_label: str

    @classmethod
    def of(cls, org: OrgRef, names: IssueNames) -> OrgOut:
        return cls(
            id=org.id, name=names.org(org.id), tier=org.tier, tier_label=TIER_LABELS[org.tier]
        )


class ClockOut(BaseModel):
    step: Step
    step_label: str
    started_at: datetime
    due: datetime
    warned: bool
    overdue: bool


class ExtensionOut(BaseModel):
    until: date
    reason: str
    requested_by: str
    requested_at: datetime


class LedgerOut(BaseModel):
    plan: str
    owner: str
    review_on: date
    review_flagged: bool


class TimelineOut(BaseModel):
    seq: int
    at: datetime
    actor: str
    actor_name: str
    action: IssueAction
    action_label: str
    from_status: IssueStatus | None
    to_status: IssueStatus
    to_status_label: str
    from_org: int | None
    from_org_name: str
    to_org: int
    to_org_name: str
    note: str
    due: datetime | None

    @classmethod
    def of(cls, e: TimelineEntry, names: IssueNames, people: dict[str, str]) -> TimelineOut:
        return cls(
            seq=e.seq,
            at=e.at,
            actor=e.actor,
            actor_name=people.get(e.actor, e.actor),
            action=e.action,
            action_label=ACTION_LABELS[e.action],
            from_status=e.from_status,
            to_status=e.to_status,
            to_status_label=STATUS_LABELS[e.to_status],
            from_org=e.from_org,
            from_org_name=names.org(e.from_org),
            to_org=e.to_org,
            to_org_name=names.org(e.to_org),
            note=e.note,
            due=e.due,
        )


class IssueOut(BaseModel):
    """An issue with its line, its clock and its whole timeline; ``allowed_actions``: what may
    be done next (who may do it is checked when it is done)."""

    id: int
    source: Source
    source_label: str
    title: str
    text: str
    raiser: str
    raiser_name: str
    household_id: int | None
    head_name: str | None
    status: IssueStatus
    status_label: str
    category: str | None
    category_label: str | None
    difficulty: Difficulty | None
    difficulty_label: str | None
    handler: OrgOut
    origin: OrgOut
    line: list[OrgOut] = Field(description="可流转的组织，县在前，至问题所在的组织")
    clock: ClockOut | None
    due: datetime | None
    overdue: bool
    extension: ExtensionOut | None
    supervision: Supervision
    supervision_label: str
    overdue_count: int
    ledger: LedgerOut | None
    answer: str | None
    result: str | None
    rating: Rating | None
    rating_label: str | None
    dissatisfied_count: int
    reopen_count: int
    client_ref: str | None
    raised_at: datetime
    updated_at: datetime
    version: int = Field(description="时间线的条数：每次办理加一")
    allowed_actions: list[Label]
    timeline: list[TimelineOut]
    duplicate: bool = False

    @classmethod
    def of(
        cls,
        issue: Issue,
        *,
        names: IssueNames,
        people: dict[str, str],
        categories: dict[str, str],
        now: datetime,
        duplicate: bool = False,
    ) -> IssueOut:
        clock = issue.clock
        return cls(
            id=issue.id,
            source=issue.source,
            source_label=SOURCE_LABELS[issue.source],
            title=issue.title,
            text=issue.text,
            raiser=issue.raiser,
            raiser_name=people.get(issue.raiser, issue.raiser),
            household_id=issue.household_id,
            head_name=names.heads.get(issue.household_id) if issue.household_id else None,
            status=issue.status,
            status_label=STATUS_LABELS[issue.status],
            category=issue.category,
            category_label=categories.get(issue.category) if issue.category else None,
            difficulty=issue.difficulty,
            difficulty_label=DIFFICULTY_LABELS[issue.difficulty] if issue.difficulty else None,
            handler=OrgOut.of(issue.handler, names),
            origin=OrgOut.of(issue.origin, names),
            line=[OrgOut.of(o, names) for o in issue.line],
            clock=ClockOut(
                step=clock.step,
                step_label=STEP_LABELS[clock.step],
                started_at=clock.started_at,
                due=clock.due,
                warned=clock.warned,
                overdue=clock.overdue or clock.due <= now,
            )
            if clock
            else None,
            due=issue.deadline,
            overdue=issue.deadline is not None and issue.deadline <= now,
            extension=ExtensionOut(**vars(issue.extension)) if issue.extension else None,
            supervision=issue.supervision,
            supervision_label=SUPERVISION_LABELS[issue.supervision],
            overdue_count=issue.overdue_count,
            ledger=LedgerOut(**vars(issue.ledger)) if issue.ledger else None,
            answer=issue.answer,
            result=issue.result,
            rating=issue.rating,
            rating_label=RATING_LABELS[issue.rating] if issue.rating else None,
            dissatisfied_count=issue.dissatisfied_count,
            reopen_count=issue.reopen_count,
            client_ref=issue.client_ref,
            raised_at=issue.raised_at,
            updated_at=issue.last_at,
            version=len(issue.timeline),
            allowed_actions=[
                Label(code=a, label=ACTION_LABELS[a]) for a in issue.allowed_actions()
            ],
            timeline=[TimelineOut.of(e, names, people) for e in issue.timeline],
            duplicate=duplicate,
        )


class IssueItemOut(BaseModel):
    """An issue as the inbox and the ledger list it."""

    id: int
    source: Source
    source_label: str
    title: str
    status: IssueStatus
    status_label: str
    category: str | None
    category_label: str | None
    difficulty: Difficulty | None
    supervision: Supervision
    supervision_label: str
    due: datetime | None
    overdue: bool
    handler_org_id: int
    handler_name: str
    origin_org_id: int
    origin_name: str
    household_id: int | None
    head_name: str | None
    raiser: str
    raised_at: datetime
    updated_at: datetime
    rating: Rating | None
    reopen_count: int
    ledger_review_on: date | None
    version: int

    @classmethod
    def of(cls, s: IssueSummary, names: IssueNames, categories: dict[str, str]) -> IssueItemOut:
        return cls(
            id=s.id,
            source=Source(s.source),
            source_label=SOURCE_LABELS[Source(s.source)],
            title=s.title,
            status=s.status,
            status_label=STATUS_LABELS[s.status],
            category=s.category,
            category_label=categories.get(s.category) if s.category else None,
            difficulty=Difficulty(s.difficulty) if s.difficulty else None,
            supervision=s.supervision,
            supervision_label=SUPERVISION_LABELS[s.supervision],
            due=s.due,
            overdue=s.overdue,
            handler_org_id=s.handler_org_id,
            handler_name=names.org(s.handler_org_id),
            origin_org_id=s.origin_org_id,
            origin_name=names.org(s.origin_org_id),
            household_id=s.household_id,
            head_name=names.heads.get(s.household_id) if s.household_id else None,
            raiser=s.raiser,
            raised_at=s.raised_at,
            updated_at=s.updated_at,
            rating=s.rating,
            reopen_count=s.reopen_count,
            ledger_review_on=s.ledger_review_on,
            version=s.version,
        )


class IssuePage(Page[IssueItemOut]):
    pass


class IssuePhotoOut(BaseModel):
    id: int
    issue_id: int
    content_type: str
    size_bytes: int
    width: int
    height: int
    created_by: str
    created_at: datetime
    url: str
    duplicate: bool = False

    @classmethod
    def of(cls, p: IssuePhoto, *, duplicate: bool = False) -> IssuePhotoOut:
        return cls(
            id=p.id,
            issue_id=p.issue_id,
            content_type=p.content_type,
            size_bytes=p.size_bytes,
            width=p.width,
            height=p.height,
            created_by=p.created_by,
            created_at=p.created_at,
            url=f"/api/v1/issues/{p.issue_id}/photos/{p.id}",
            duplicate=duplicate,
        )


class IssueVocabularyOut(BaseModel):
    """The flow's codes with their Chinese names, for forms and badges."""

    categories: list[Label]
    difficulties: list[Label]
    statuses: list[Label]
    actions: list[Label]
    sources: list[Label]
    supervision_levels: list[Label]
    tiers: list[Label]
    ratings: list[Label]
    steps: list[Label]
    card_issues_a_day: int


# ── statistics ────────────────────────────────────────────────────────────────────────────────


class OrgIssueStatsOut(BaseModel):
    org_id: int
    name: str
    received: int = Field(description="受理数")
    solved: int = Field(description="办结销号数")
    on_time: int = Field(description="按时办结数")
    overdue: int = Field(description="超期数（曾超期或现超期）")
    rated: int
    satisfied: int = Field(description="满意与基本满意")
    satisfaction: float | None = Field(description="满意率（0–1）")
    average_days_to_close: float | None = Field(description="平均办结天数")

    @classmethod
    def of(cls, s: OrgIssueStats) -> OrgIssueStatsOut:
        return cls(**{f: getattr(s, f) for f in cls.model_fields})


class IssueStatsOut(BaseModel):
    data: list[OrgIssueStatsOut] = Field(description="本级在前，然后每个下级（含其子树）")


# ── the work calendar ─────────────────────────────────────────────────────────────────────────


class CalendarDayIn(StrictIn):
    kind: DayKind
    note: Note = ""


class CalendarDayOut(BaseModel):
    day: date
    kind: DayKind
    kind_label: str
    note: str
    published: DayKind
    edited: bool

    @classmethod
    def of(cls, e: CalendarEntry) -> CalendarDayOut:
        return cls(
            day=e.day.day,
            kind=e.day.kind,
            kind_label=DAY_KIND_LABELS[e.day.kind],
            note=e.day.note,
            published=e.published,
            edited=e.edited,
        )


class CalendarOut(BaseModel):
    year: int
    days: list[CalendarDayOut] = Field(
        description="与星期不符的日子（节假日、调休上班）及改过的日子"
    )


# ── the household's view, from its card ───────────────────────────────────────────────────────


class CardStepOut(BaseModel):
    at: datetime
    action_label: str
    status_label: str


class CardIssueOut(BaseModel):
    """A household's own matter as its card page shows it: no one's names or accounts, and the
    details (``text``) only of what it wrote itself on the card (the card hangs on its door:
    what its member wrote down on a visit is the member's record), the steps and the answer."""

    id: int
    title: str
    text: str
    category_label: str | None
    status: IssueStatus
    status_label: str
    handler_tier_label: str
    raised_at: datetime
    due: datetime | None
    answer: str | None
    rating: Rating | None
    rating_label: str | None
    can_rate: bool
    steps: list[CardStepOut]

    @classmethod
    def of(cls, issue: Issue, categories: dict[str, str]) -> CardIssueOut:
        return cls(
            id=issue.id,
            title=issue.title,
            text=issue.text if issue.source is Source.HOUSEHOLD_CARD else "",
            category_label=categories.get(issue.category) if issue.category else None,
            status=issue.status,
            status_label=STATUS_LABELS[issue.status],
            handler_tier_label=TIER_LABELS[issue.handler.tier],
            raised_at=issue.raised_at,
            due=issue.deadline,
            answer=issue.answer,
            rating=issue.rating,
            rating_label=RATING_LABELS[issue.rating] if issue.rating else None,
            can_rate=IssueAction.RATE in issue.allowed_actions() and issue.rating is None,
            steps=[
                CardStepOut(
                    at=e.at,
                    action_label=ACTION_LABELS[e.action],
                    status_label=STATUS_LABELS[e.to_status],
                )
                for e in issue.timeline
            ],
        )


class CardIssuesOut(BaseModel):
    data: list[CardIssueOut]
    categories: list[Label] = Field(description="可选的问题类别（须选一项，不预设）")
    per_day: int = Field(description="每天最多反映几件")
