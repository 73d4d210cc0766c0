"""Meetings (会议) that take the area's issues in and turn decisions into tracked tasks.

The seeds name five kinds:
- the monthly branch meeting (seeds/huiji-1plus6plusN.txt: 每月党员在党支部（党小组）会上汇报本人
  包户工作开展情况; seeds/xiaolin-xianfeng-hulian.txt: 网格支部每月召开一次“对账交流会”), where
  each member reports on their households (对账);
- 民情分析会 (seeds/jiaxing-yilian-sanhui.txt: 每两个月召开一次, 对党员在走访联系群众中征集到的意见
  建议进行研究分析, 确定下一步交办事项; seeds/xiangtan-wuge-daohu.txt: the township's monthly one);
- 民事交办会 (seeds/jiaxing-yilian-sanhui.txt: 明确责任分工、目标任务、具体措施和完成时限,
  并通过公告、公开栏向群众全程公示): each decision becomes a ``Task``, published with the final
  minutes;
- 民主评议会 (seeds/jiaxing-yilian-sanhui.txt: 由群众代表参加, 对党员联系服务群众情况、交办事项办理
  情况进行评议): household representatives rate members and tasks, giving the 满意率;
- the weekly 民情碰头会 (seeds/xiangtan-wuge-daohu.txt: 每周召开民情碰头会, 收集汇总走访情况).

A ``Meeting`` is a frozen value: each use returns the meeting after it. Its lifecycle is a table
(``TRANSITIONS``): planned → held (its attendance recorded) → final (minutes 定稿), or planned →
cancelled; an action the table does not hold is refused naming the actions that are allowed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Final

from domain.kernel.errors import Conflict, Invalid, RuleBroken
from domain.kernel.org import OrgLevel
from domain.kernel.time import local_date

# ── Vocabulary ────────────────────────────────────────────────────────────────────────────────


class MeetingType(StrEnum):
    MONTHLY_BRANCH = "monthly_branch"  # 月度支部会（对账交流会）
    ANALYSIS = "analysis"  # 民情分析会
    TASKING = "tasking"  # 民事交办会
    EVALUATION = "evaluation"  # 民主评议会
    WEEKLY_HUDDLE = "weekly_huddle"  # 民情碰头会


TYPE_LABELS: Final[dict[MeetingType, str]] = {
    MeetingType.MONTHLY_BRANCH: "月度支部会（对账）",
    MeetingType.ANALYSIS: "民情分析会",
    MeetingType.TASKING: "民事交办会",
    MeetingType.EVALUATION: "民主评议会",
    MeetingType.WEEKLY_HUDDLE: "民情碰头会",
}

_VILLAGE = frozenset({OrgLevel.VILLAGE, OrgLevel.COMMUNITY})

# Which org holds which meeting. The grid branch's monthly 对账 (Xiaolin) and the village's
# (Huiji); 民情分析会 at the village (Jiaxing: 村“两委”) or the township (Xiangtan:
# 乡镇党委…每月召开民情分析会); 交办会 and 评议会 at the village (村“两委”); the weekly 碰头会 at
# the village (Xiangtan: 各村党组织…每周召开民情碰头会).
TYPE_LEVELS: Final[dict[MeetingType, frozenset[OrgLevel]]] = {
    MeetingType.MONTHLY_BRANCH: _VILLAGE | {OrgLevel.GRID},
    MeetingType.ANALYSIS: _VILLAGE | {OrgLevel.TOWNSHIP},
    MeetingType.TASKING: _VILLAGE,
    MeetingType.EVALUATION: _VILLAGE,
    MeetingType.WEEKLY_HUDDLE: _VILLAGE,
}


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    FINAL = "final"  # minutes final (纪要定稿): nothing changes any more
    CANCELLED = "cancelled"


STATUS_LABELS: Final[dict[MeetingStatus, str]] = {
    MeetingStatus.PLANNED: "计划召开",
    MeetingStatus.HELD: "已召开",
    MeetingStatus.FINAL: "纪要已定稿",
    MeetingStatus.CANCELLED: "已取消",
}


class MeetingAction(StrEnum):
    EDIT = "edit"  # title, date, place
    SET_AGENDA = "set_agenda"
    RECORD_ATTENDANCE = "record_attendance"
    RECORD_MINUTES = "record_minutes"
    ADD_TASK = "add_task"
    RATE = "rate"
    FINALISE = "finalise"
    CANCEL = "cancel"


ACTION_LABELS: Final[dict[MeetingAction, str]] = {
    MeetingAction.EDIT: "修改会议信息",
    MeetingAction.SET_AGENDA: "编辑议程",
    MeetingAction.RECORD_ATTENDANCE: "登记出席",
    MeetingAction.RECORD_MINUTES: "记录纪要",
    MeetingAction.ADD_TASK: "交办事项",
    MeetingAction.RATE: "评议",
    MeetingAction.FINALISE: "纪要定稿",
    MeetingAction.CANCEL: "取消会议",
}

_P, _H = MeetingStatus.PLANNED, MeetingStatus.HELD
_A = MeetingAction

# The lifecycle: status × action → status after it.
TRANSITIONS: Final[Mapping[tuple[MeetingStatus, MeetingAction], MeetingStatus]] = {
    (_P, _A.EDIT): _P,
    (_P, _A.SET_AGENDA): _P,
    (_P, _A.RECORD_ATTENDANCE): _H,  # attendance recorded: the meeting took place
    (_P, _A.CANCEL): MeetingStatus.CANCELLED,
    (_H, _A.EDIT): _H,
    (_H, _A.SET_AGENDA): _H,
    (_H, _A.RECORD_ATTENDANCE): _H,
    (_H, _A.RECORD_MINUTES): _H,
    (_H, _A.ADD_TASK): _H,
    (_H, _A.RATE): _H,
    (_H, _A.FINALISE): MeetingStatus.FINAL,
}


def allowed_actions(status: MeetingStatus) -> tuple[MeetingAction, ...]:
    return tuple(a for a in MeetingAction if (status, a) in TRANSITIONS)


class ActionNotAllowed(Conflict):
    """An action the table does not hold for the meeting's status (finalising twice …)."""

    def __init__(self, status: MeetingStatus, action: MeetingAction) -> None:
        self.allowed = tuple(a.value for a in allowed_actions(status))
        shown = "、".join(ACTION_LABELS[MeetingAction(a)] for a in self.allowed) or "（无）"
        super().__init__(
            "meeting.action_not_allowed",
            f"“{STATUS_LABELS[status]}”的会议不能{ACTION_LABELS[action]}，可以：{shown}",
            field="status",
            errors=[
                {"field": "action", "code": a, "message": ACTION_LABELS[MeetingAction(a)]}
                for a in self.allowed
            ],
        )


class AgendaKind(StrEnum):
    OPEN_ISSUE = "open_issue"
    OVERDUE_ISSUE = "overdue_issue"
    LEDGER_REVIEW = "ledger_review"
    REPORTS = "reports"  # the members' 对账, 走访情况
    EVALUATION = "evaluation"  # 评议 of members and tasks
    OTHER = "other"


AGENDA_KIND_LABELS: Final[dict[AgendaKind, str]] = {
    AgendaKind.OPEN_ISSUE: "待办问题",
    AgendaKind.OVERDUE_ISSUE: "超期督办",
    AgendaKind.LEDGER_REVIEW: "台账到期复查",
    AgendaKind.REPORTS: "党员对账汇报",
    AgendaKind.EVALUATION: "民主评议",
    AgendaKind.OTHER: "其他",
}


class Satisfaction(StrEnum):
    """The three answers of a 民主评议 (as an issue's rating: 满意 / 基本满意 / 不满意)."""

    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"


SATISFACTION_LABELS: Final[dict[Satisfaction, str]] = {
    Satisfaction.SATISFIED: "满意",
    Satisfaction.BASICALLY_SATISFIED: "基本满意",
    Satisfaction.DISSATISFIED: "不满意",
}


class RatingTarget(StrEnum):
    MEMBER = "member"  # 党员联系服务群众情况
    TASK = "task"  # 交办事项办理情况


RATING_TARGET_LABELS: Final[dict[RatingTarget, str]] = {
    RatingTarget.MEMBER: "党员",
    RatingTarget.TASK: "交办事项",
}

# Ours: what a form holds, so a meeting stays a readable page.
MAX_AGENDA_ITEMS: Final = 50
MAX_TEXT: Final = 10_000


# ── Values ────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class AgendaCandidate:
    """An issue of the area the agenda may take in: open, overdue, or on the ledger and due for
    review (seeds/huiji-1plus6plusN.txt: 纳入问题台账，跟踪销号解决)."""

    issue_id: int
    title: str
    kind: AgendaKind
    due: datetime | None = None
    review_on: date | None = None


@dataclass(frozen=True)
class AgendaItem:
    seq: int
    kind: AgendaKind
    title: str
    issue_id: int | None = None  # the issue it discusses, when it does
    minutes: str = ""  # what was said and settled on it


@dataclass(frozen=True)
class Attendee:
    """A member at the meeting: present, or absent with a reason; ``report``: their 对账."""

    member_id: int
    name: str
    present: bool
    absence_reason: str | None = None
    report: str = ""


@dataclass(frozen=True)
class Representative:
    """A household's representative at a 民主评议会 (群众代表), named by the household."""

    household_id: int
    name: str


@dataclass(frozen=True)
class Rating:
    household_id: int  # the representative's household
    target: RatingTarget
    target_id: int
    level: Satisfaction


@dataclass(frozen=True)
class Meeting:
    id: int
    type: MeetingType
    org_id: int
    org_name: str
    title: str
    held_on: date
    place: str
    status: MeetingStatus
    created_by: str
    created_at: datetime
    updated_at: datetime
    agenda: tuple[AgendaItem, ...] = ()
    attendees: tuple[Attendee, ...] = ()
    representatives: tuple[Representative, ...] = ()
    summary: str = ""
    decisions: tuple[str, ...] = ()
    ratings: tuple[Rating, ...] = ()
    finalised_by: str | None = None
    finalised_at: datetime | None = None
    cancel_reason: str | None = None
    version: int = 1

    # ── the table ──

    def _check(self, action: MeetingAction) -> MeetingStatus:
        after = TRANSITIONS.get((self.status, action))
        if after is None:
            raise ActionNotAllowed(self.status, action)
        return after

    def _changed(self, action: MeetingAction, at: datetime, **values: object) -> Meeting:
        status = self._check(action)
        return replace(self, status=status, updated_at=at, **values)  # type: ignore[arg-type]

    def check_can(self, action: MeetingAction) -> None:
        """Refuse now what the table does not hold (before anything is read for it)."""
        self._check(action)

    # ── uses ──

    def edit(self, *, title: str, held_on: date, place: str, at: datetime) -> Meeting:
        self._check(MeetingAction.EDIT)
        if self.status is MeetingStatus.HELD and held_on > local_date(at):
            raise RuleBroken(
                "meeting.held_in_future", "已召开的会议日期不能晚于今天", field="held_on"
            )
        return self._changed(
            MeetingAction.EDIT, at, title=_text(title, "title"), held_on=held_on, place=place
        )

    def with_agenda(self, items: Sequence[AgendaItem], *, at: datetime) -> Meeting:
        """The agenda as the secretary edits it (a drawn proposal, items added or removed):
        numbered again 1…n in the order given; an item keeps its issue and its minutes."""
        self._check(MeetingAction.SET_AGENDA)
        if len(items) > MAX_AGENDA_ITEMS:
            raise Invalid(
                "meeting.agenda_too_long", f"议程最多 {MAX_AGENDA_ITEMS} 项", field="agenda"
            )
        issues = [i.issue_id for i in items if i.issue_id is not None]
        if len(issues) != len(set(issues)):
            raise Invalid(
                "meeting.agenda_duplicate_issue", "同一问题在议程中只能出现一次", field="agenda"
            )
        numbered = tuple(
            replace(item, seq=n, title=_text(item.title, f"agenda/{n - 1}/title"))
            for n, item in enumerate(items, start=1)
        )
        return self._changed(MeetingAction.SET_AGENDA, at, agenda=numbered)

    def with_attendance(
        self,
        attendees: Sequence[Attendee],
        representatives: Sequence[Representative],
        *,
        at: datetime,
    ) -> Meeting:
        """Who came (and who did not, with the reason): recorded once the meeting has taken
        place, which it has then (planned → held)."""
        self._check(MeetingAction.RECORD_ATTENDANCE)
        if self.held_on > local_date(at):
            raise RuleBroken(
                "meeting.not_yet_held", "会议日期未到，不能登记出席情况", field="held_on"
            )
        for n, a in enumerate(attendees):
            if not a.present and not (a.absence_reason or "").strip():
                raise Invalid(
                    "meeting.absence_reason_required",
                    f"{a.name} 缺席，请填写缺席原因",
                    field=f"attendees/{n}/absence_reason",
                )
        _unique([a.member_id for a in attendees], "attendees", "党员")
        _unique([r.household_id for r in representatives], "representatives", "群众代表")
        if representatives and self.type is not MeetingType.EVALUATION:
            raise RuleBroken(
                "meeting.representatives_only_at_evaluation",
                "只有民主评议会登记群众代表",
                field="representatives",
            )
        kept = {r.household_id for r in representatives}
        return self._changed(
            MeetingAction.RECORD_ATTENDANCE,
            at,
            attendees=tuple(attendees),
            representatives=tuple(representatives),
            # a representative struck off takes their ratings along
            ratings=tuple(r for r in self.ratings if r.household_id in kept),
        )

    def with_minutes(
        self,
        *,
        summary: str,
        decisions: Sequence[str],
        item_minutes: Mapping[int, str],
        reports: Mapping[int, str],
        at: datetime,
    ) -> Meeting:
        """The minutes: a summary, the text per agenda item, the decisions, and each member's
        对账 report (by member id, for members on the attendance list)."""
        self._check(MeetingAction.RECORD_MINUTES)
        seqs = {i.seq for i in self.agenda}
        if unknown := sorted(set(item_minutes) - seqs):
            raise Invalid(
                "meeting.no_such_agenda_item", f"议程中没有第 {unknown[0]} 项", field="items"
            )
        present = {a.member_id for a in self.attendees if a.present}
        if stray := sorted(set(reports) - present):
            raise RuleBroken(
                "meeting.report_by_absent",
                f"党员 {stray[0]} 未登记出席，不能记录其对账汇报",
                field="reports",
            )
        agenda = tuple(replace(i, minutes=item_minutes.get(i.seq, i.minutes)) for i in self.agenda)
        attendees = tuple(
            replace(a, report=reports.get(a.member_id, a.report)) for a in self.attendees
        )
        cleaned = tuple(d.strip() for d in decisions if d.strip())
        return self._changed(
            MeetingAction.RECORD_MINUTES,
            at,
            summary=summary,
            decisions=cleaned,
            agenda=agenda,
            attendees=attendees,
        )

    def rated(
        self,
        household_id: int,
        target: RatingTarget,
        target_id: int,
        level: Satisfaction,
        *,
        at: datetime,
    ) -> Meeting:
        """A representative's 评议 of a member or a task; rating the same again replaces it."""
        self._check(MeetingAction.RATE)
        if self.type is not MeetingType.EVALUATION:
            raise RuleBroken(
                "meeting.rating_only_at_evaluation", "只有民主评议会可以评议", field="type"
            )
        if household_id not in {r.household_id for r in self.representatives}:
            raise RuleBroken(
                "meeting.not_a_representative",
                "该户未登记为本次评议会的群众代表",
                field="household_id",
            )
        kept = tuple(
            r
            for r in self.ratings
            if (r.household_id, r.target, r.target_id) != (household_id, target, target_id)
        )
        return self._changed(
            MeetingAction.RATE,
            at,
            ratings=(*kept, Rating(household_id, target, target_id, level)),
        )

    def finalised(self, *, by: str, at: datetime, tasks: int) -> Meeting:
        """The minutes made final (定稿); ``tasks``: how many the meeting assigned."""
        self._check(MeetingAction.FINALISE)
        if not any(a.present for a in self.attendees):
            raise RuleBroken("meeting.no_attendance", "未登记出席党员，不能定稿", field="attendees")
        if not self.summary.strip() and not any(i.minutes.strip() for i in self.agenda):
            raise RuleBroken("meeting.minutes_empty", "会议纪要为空，不能定稿", field="summary")
        self._type_complete(tasks)
        return self._changed(MeetingAction.FINALISE, at, finalised_by=by, finalised_at=at)

    def _type_complete(self, tasks: int) -> None:
        if self.type is MeetingType.MONTHLY_BRANCH:
            # Huiji: 每月党员在党支部（党小组）会上汇报本人包户工作开展情况 — every one present.
            silent = [a.name for a in self.attendees if a.present and not a.report.strip()]
            if silent:
                raise RuleBroken(
                    "meeting.reports_missing",
                    f"对账未完成：{'、'.join(silent)} 尚未汇报联系户情况",
                    field="reports",
                )
        if self.type is MeetingType.TASKING and tasks == 0:
            raise RuleBroken("meeting.no_tasks", "民事交办会须至少交办一项事项", field="tasks")
        if self.type is MeetingType.EVALUATION and not self.ratings:
            raise RuleBroken("meeting.no_ratings", "民主评议会尚无评议结果", field="ratings")

    def cancelled(self, *, reason: str, at: datetime) -> Meeting:
        self._check(MeetingAction.CANCEL)
        return self._changed(MeetingAction.CANCEL, at, cancel_reason=_text(reason, "reason"))


def plan_meeting(
    *,
    type: MeetingType,
    org_id: int,
    org_name: str,
    org_level: OrgLevel,
    title: str,
    held_on: date,
    place: str,
    by: str,
    at: datetime,
) -> Meeting:
    """A meeting planned by an org that holds that kind (``TYPE_LEVELS``)."""
    if org_level not in TYPE_LEVELS[type]:
        levels = "、".join(sorted(_LEVEL_WORDS[lv] for lv in TYPE_LEVELS[type]))
        raise RuleBroken(
            "meeting.wrong_level",
            f"{TYPE_LABELS[type]}由{levels}召开",
            field="org_id",
        )
    return Meeting(
        id=0,
        type=type,
        org_id=org_id,
        org_name=org_name,
        title=_text(title, "title"),
        held_on=held_on,
        place=place,
        status=MeetingStatus.PLANNED,
        created_by=by,
        created_at=at,
        updated_at=at,
    )


_LEVEL_WORDS: Final[dict[OrgLevel, str]] = {
    OrgLevel.COUNTY: "县",
    OrgLevel.TOWNSHIP: "乡镇",
    OrgLevel.VILLAGE: "村",
    OrgLevel.COMMUNITY: "社区",
    OrgLevel.GRID: "网格支部",
    OrgLevel.PARTY_GROUP: "党小组",
}


def _text(value: str, field: str) -> str:
    if not value.strip():
        raise Invalid("meeting.text_required", "不能为空", field=field)
    return value.strip()


def _unique(ids: Sequence[int], field: str, what: str) -> None:
    if len(ids) != len(set(ids)):
        raise Invalid("meeting.duplicate_attendee", f"同一{what}登记了两次", field=field)


# ── Tasks (交办事项) ──────────────────────────────────────────────────────────────────────────


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


TASK_STATUS_LABELS: Final[dict[TaskStatus, str]] = {
    TaskStatus.OPEN: "办理中",
    TaskStatus.DONE: "已办结",
}


class TaskAction(StrEnum):
    ASSIGN = "assign"
    PUBLISH = "publish"
    DONE = "done"


TASK_ACTION_LABELS: Final[dict[TaskAction, str]] = {
    TaskAction.ASSIGN: "交办",
    TaskAction.PUBLISH: "公示",
    TaskAction.DONE: "办结",
}


@dataclass(frozen=True)
class TaskEntry:
    """One line of a task's record: who, when, what, note."""

    seq: int
    at: datetime
    actor: str
    action: TaskAction
    note: str = ""


@dataclass(frozen=True)
class Task:
    """A decision of a 民事交办会: who answers for it, the target, the measures, the deadline
    (seeds/jiaxing-yilian-sanhui.txt: 明确责任分工、目标任务、具体措施和完成时限), published on the
    village board once the minutes are final (公告、公开栏向群众全程公示)."""

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
    created_by: str
    created_at: datetime
    issue_id: int | None = None
    published_at: datetime | None = None
    done_at: datetime | None = None
    done_note: str | None = None
    entries: tuple[TaskEntry, ...] = ()

    def overdue(self, today: date) -> bool:
        """Open past its deadline (the deadline day itself is still in time)."""
        return self.status is TaskStatus.OPEN and today > self.deadline

    def _entry(self, action: TaskAction, actor: str, at: datetime, note: str = "") -> TaskEntry:
        return TaskEntry(len(self.entries), at, actor, action, note)

    def published(self, *, by: str, at: datetime) -> Task:
        return replace(
            self,
            published_at=at,
            entries=(*self.entries, self._entry(TaskAction.PUBLISH, by, at)),
        )

    def done(self, *, note: str, by: str, at: datetime) -> Task:
        """Marked done with a note of what was done; once, and only once published."""
        if self.status is TaskStatus.DONE:
            raise Conflict("task.already_done", "该事项已办结", field="status")
        if self.published_at is None:
            raise RuleBroken(
                "task.not_published", "会议纪要定稿、事项公示后才能办结", field="status"
            )
        return replace(
            self,
            status=TaskStatus.DONE,
            done_at=at,
            done_note=_text(note, "note"),
            entries=(*self.entries, self._entry(TaskAction.DONE, by, at, note.strip())),
        )


def assign_task(
    meeting: Meeting,
    *,
    title: str,
    owner_member_id: int,
    owner_name: str,
    target: str,
    measures: str,
    deadline: date,
    issue_id: int | None,
    by: str,
    at: datetime,
) -> Task:
    """A decision of a held 民事交办会 made a task; its deadline today or later."""
    meeting.check_can(MeetingAction.ADD_TASK)
    if meeting.type is not MeetingType.TASKING:
        raise RuleBroken(
            "meeting.tasks_only_at_tasking", "只有民事交办会可以交办事项", field="type"
        )
    if deadline < local_date(at):
        raise Invalid("task.deadline_past", "完成时限不能早于今天", field="deadline")
    if issue_id is not None and issue_id not in {i.issue_id for i in meeting.agenda}:
        raise Invalid("task.issue_not_on_agenda", "交办的问题须在本次会议议程中", field="issue_id")
    task = Task(
        id=0,
        meeting_id=meeting.id,
        org_id=meeting.org_id,
        title=_text(title, "title"),
        owner_member_id=owner_member_id,
        owner_name=owner_name,
        target=_text(target, "target"),
        measures=_text(measures, "measures"),
        deadline=deadline,
        status=TaskStatus.OPEN,
        created_by=by,
        created_at=at,
        issue_id=issue_id,
    )
    return replace(task, entries=(task._entry(TaskAction.ASSIGN, by, at),))
