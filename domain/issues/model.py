"""The issue (问题/诉求) and its five-step flow: 收集 → 分类 → 流转 → 督办 → 反馈 → 销号.

seeds/xiaolin-xianfeng-hulian.txt names the steps (细化了收集、分类、流转、督办、反馈“五步走”的
流程清单): 收集 members hear it on visits; 分类 by kind and difficulty; 流转 首问负责, solved on the
spot when it can be, else passed up level by level (逐级反馈给联系网格的镇村干部); 督办 tracked
against time limits (限时督办); 反馈 the result goes back, level by level, to whoever raised it.
seeds/xiangtan-wuge-daohu.txt gives the levels' reach (小事不出村、大事不出乡、难事不出县), and
seeds/huiji-1plus6plusN.txt the ledger (一时难以解决的，纳入问题台账，跟踪销号解决).

An ``Issue`` is a frozen value: every action returns the issue after it, with one more entry on
its timeline (who, when, from, to, action, note), never a changed one. The lifecycle is a table,
``TRANSITIONS`` (status × action → status): an action it does not hold is refused naming the
actions that are allowed (``ActionNotAllowed``), before anything else is looked at. Then the
time (never before the timeline's last entry), then who acts, then the arguments.

The issue travels on its *line*: the handling orgs from the county down to where the matter
lives (the household's grid, or the org of whoever raised it). It is at exactly one of them at
any time (``handler``), moves up and down the line one level at a time, and cannot leave it:
escalation past the county and a send-back below the origin are refused by construction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from itertools import pairwise
from typing import Final, Protocol

from domain.kernel.errors import Conflict, Forbidden, Invalid, RuleBroken
from domain.kernel.org import OrgLevel, is_within
from domain.kernel.time import CHINA, check_in_range, local_date
from domain.schemes.model import DEFAULT_ISSUE_CATEGORIES, ISSUE_CATEGORIES

# ── Vocabulary ────────────────────────────────────────────────────────────────────────────────


class Source(StrEnum):
    """Where the issue was collected (收集)."""

    MEMBER_VISIT = "member_visit"  # a visit's 四个必记 (seeds/jiaxing-yilian-sanhui.txt)
    MEMBER_DIRECT = "member_direct"  # a member raises it directly (offline too, by sync)
    BRANCH = "branch"  # a branch or a higher org raises it
    HOUSEHOLD_CARD = "household_card"  # the household itself, from its contact card (联心卡)


SOURCE_LABELS: Final[dict[Source, str]] = {
    Source.MEMBER_VISIT: "走访收集",
    Source.MEMBER_DIRECT: "党员直报",
    Source.BRANCH: "支部及以上提出",
    Source.HOUSEHOLD_CARD: "群众联心卡反映",
}


class Tier(StrEnum):
    """The handling levels an issue climbs, in order (grid → village → township → county)."""

    GRID = "grid"
    VILLAGE = "village"  # a village or a community (村/社区)
    TOWNSHIP = "township"
    COUNTY = "county"


TIER_LABELS: Final[dict[Tier, str]] = {
    Tier.GRID: "网格",
    Tier.VILLAGE: "村/社区",
    Tier.TOWNSHIP: "乡镇/街道",
    Tier.COUNTY: "县/区",
}
TIER_ORDER: Final[tuple[Tier, ...]] = (Tier.GRID, Tier.VILLAGE, Tier.TOWNSHIP, Tier.COUNTY)

# A party group (党小组) handles no issue: its grid or village does.
TIER_OF_LEVEL: Final[dict[OrgLevel, Tier]] = {
    OrgLevel.GRID: Tier.GRID,
    OrgLevel.VILLAGE: Tier.VILLAGE,
    OrgLevel.COMMUNITY: Tier.VILLAGE,
    OrgLevel.TOWNSHIP: Tier.TOWNSHIP,
    OrgLevel.COUNTY: Tier.COUNTY,
}


class Difficulty(StrEnum):
    """How hard the matter is (分类: 难易程度), which says the lowest level able to solve it."""

    SIMPLE = "simple"
    SMALL = "small"
    MAJOR = "major"
    HARD = "hard"


DIFFICULTY_LABELS: Final[dict[Difficulty, str]] = {
    Difficulty.SIMPLE: "简单（网格可办）",
    Difficulty.SMALL: "小事（不出村）",
    Difficulty.MAJOR: "大事（不出乡）",
    Difficulty.HARD: "难事（不出县）",
}

# 小事不出村、大事不出乡、难事不出县 (seeds/xiangtan-wuge-daohu.txt); that a simple matter stays
# on the grid is ours (the Xiaolin seed's 能解决的当场解决 at the member's level).
LOWEST_TIER: Final[dict[Difficulty, Tier]] = {
    Difficulty.SIMPLE: Tier.GRID,
    Difficulty.SMALL: Tier.VILLAGE,
    Difficulty.MAJOR: Tier.TOWNSHIP,
    Difficulty.HARD: Tier.COUNTY,
}


class IssueStatus(StrEnum):
    RAISED = "raised"  # 收集: received, its first receiver answers for it (首问负责)
    CLASSIFIED = "classified"  # 分类: kind and difficulty known
    ASSIGNED = "assigned"  # 流转: at a handling org, to be accepted (受理)
    IN_PROGRESS = "in_progress"  # accepted, being handled (办理)
    RESOLVED = "resolved"  # answered, the answer to be taken back (反馈)
    FED_BACK = "fed_back"  # the raiser has the answer; rating awaited, to be closed
    CLOSED = "closed"  # 销号
    ON_LEDGER = "on_ledger"  # cannot be solved now: on the ledger (问题台账) with a plan


STATUS_LABELS: Final[dict[IssueStatus, str]] = {
    IssueStatus.RAISED: "已收集",
    IssueStatus.CLASSIFIED: "已分类",
    IssueStatus.ASSIGNED: "待受理",
    IssueStatus.IN_PROGRESS: "办理中",
    IssueStatus.RESOLVED: "已答复待反馈",
    IssueStatus.FED_BACK: "已反馈",
    IssueStatus.CLOSED: "已销号",
    IssueStatus.ON_LEDGER: "台账跟踪",
}

OPEN_STATUSES: Final[frozenset[IssueStatus]] = frozenset(IssueStatus) - {IssueStatus.CLOSED}


class IssueAction(StrEnum):
    RAISE = "raise"
    CLASSIFY = "classify"
    SOLVE_ON_SPOT = "solve_on_spot"
    ASSIGN = "assign"
    ACCEPT = "accept"
    ESCALATE = "escalate"
    SEND_BACK = "send_back"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REFUSE_EXTENSION = "refuse_extension"
    URGE = "urge"
    RESOLVE = "resolve"
    CONFIRM_TOLD = "confirm_told"
    RATE = "rate"
    CLOSE = "close"
    PUT_ON_LEDGER = "put_on_ledger"
    REOPEN = "reopen"
    # The deadline sweep's marks (no person takes these):
    WARN = "warn"
    MARK_OVERDUE = "mark_overdue"
    RAISE_SUPERVISION = "raise_supervision"
    FLAG_REVIEW = "flag_review"


ACTION_LABELS: Final[dict[IssueAction, str]] = {
    IssueAction.RAISE: "收集",
    IssueAction.CLASSIFY: "分类",
    IssueAction.SOLVE_ON_SPOT: "当场解决",
    IssueAction.ASSIGN: "交办",
    IssueAction.ACCEPT: "受理",
    IssueAction.ESCALATE: "上报",
    IssueAction.SEND_BACK: "退回",
    IssueAction.REQUEST_EXTENSION: "申请延期",
    IssueAction.APPROVE_EXTENSION: "批准延期",
    IssueAction.REFUSE_EXTENSION: "不予延期",
    IssueAction.URGE: "催办",
    IssueAction.RESOLVE: "办结答复",
    IssueAction.CONFIRM_TOLD: "确认已反馈",
    IssueAction.RATE: "评价",
    IssueAction.CLOSE: "销号",
    IssueAction.PUT_ON_LEDGER: "纳入台账",
    IssueAction.REOPEN: "重新办理",
    IssueAction.WARN: "预警",
    IssueAction.MARK_OVERDUE: "超期",
    IssueAction.RAISE_SUPERVISION: "升级督办",
    IssueAction.FLAG_REVIEW: "台账到期复查",
}

SYSTEM_ACTIONS: Final[frozenset[IssueAction]] = frozenset(
    {
        IssueAction.WARN,
        IssueAction.MARK_OVERDUE,
        IssueAction.RAISE_SUPERVISION,
        IssueAction.FLAG_REVIEW,
    }
)


class Step(StrEnum):
    """The time-limited steps (督办: 受理 / 办理 / 反馈)."""

    ACCEPT = "accept"
    HANDLE = "handle"
    FEEDBACK = "feedback"


STEP_LABELS: Final[dict[Step, str]] = {
    Step.ACCEPT: "受理",
    Step.HANDLE: "办理",
    Step.FEEDBACK: "反馈",
}


class Supervision(StrEnum):
    """The supervision level (督办等级), raised by overdue, never lowered (as grid systems do)."""

    NONE = "none"
    YELLOW = "yellow"
    RED = "red"


SUPERVISION_LABELS: Final[dict[Supervision, str]] = {
    Supervision.NONE: "正常",
    Supervision.YELLOW: "黄牌督办",
    Supervision.RED: "红牌督办",
}
SUPERVISION_ORDER: Final[tuple[Supervision, ...]] = (
    Supervision.NONE,
    Supervision.YELLOW,
    Supervision.RED,
)


class Rating(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"


RATING_LABELS: Final[dict[Rating, str]] = {
    Rating.SATISFIED: "满意",
    Rating.BASICALLY_SATISFIED: "基本满意",
    Rating.DISSATISFIED: "不满意",
}

# The kinds of matter (分类: 问题类别): every scheme's default list (a county's scheme offers its
# own choice of domain.schemes.model.ISSUE_CATEGORIES: issue_categories).
DEFAULT_CATEGORIES: Final[dict[str, str]] = {
    code: ISSUE_CATEGORIES[code] for code in DEFAULT_ISSUE_CATEGORIES
}

# ── The lifecycle as a table ──────────────────────────────────────────────────────────────────

_S = IssueStatus
_A = IssueAction

# The deadline sweep marks the statuses whose step runs against a time limit.
_CLOCKED: Final = (_S.RAISED, _S.CLASSIFIED, _S.ASSIGNED, _S.IN_PROGRESS, _S.RESOLVED, _S.FED_BACK)
_EXTENDABLE: Final = (_S.IN_PROGRESS, _S.RESOLVED, _S.FED_BACK)

TRANSITIONS: Final[Mapping[tuple[IssueStatus, IssueAction], IssueStatus]] = {
    (_S.RAISED, _A.CLASSIFY): _S.CLASSIFIED,
    (_S.CLASSIFIED, _A.CLASSIFY): _S.CLASSIFIED,  # a correction before it moves on
    (_S.CLASSIFIED, _A.SOLVE_ON_SPOT): _S.CLOSED,  # 能解决的当场解决 (Xiaolin seed)
    (_S.CLASSIFIED, _A.ASSIGN): _S.ASSIGNED,
    (_S.ASSIGNED, _A.ACCEPT): _S.IN_PROGRESS,
    (_S.ASSIGNED, _A.ESCALATE): _S.ASSIGNED,
    (_S.ASSIGNED, _A.SEND_BACK): _S.ASSIGNED,
    (_S.IN_PROGRESS, _A.ESCALATE): _S.ASSIGNED,
    (_S.IN_PROGRESS, _A.SEND_BACK): _S.ASSIGNED,
    (_S.IN_PROGRESS, _A.RESOLVE): _S.RESOLVED,
    (_S.IN_PROGRESS, _A.PUT_ON_LEDGER): _S.ON_LEDGER,
    (_S.RESOLVED, _A.CONFIRM_TOLD): _S.FED_BACK,
    (_S.FED_BACK, _A.RATE): _S.FED_BACK,
    (_S.FED_BACK, _A.CLOSE): _S.CLOSED,
    (_S.FED_BACK, _A.REOPEN): _S.IN_PROGRESS,
    (_S.CLOSED, _A.RATE): _S.CLOSED,  # a closed issue accepts only rating and reopening
    (_S.CLOSED, _A.REOPEN): _S.IN_PROGRESS,
    (_S.ON_LEDGER, _A.PUT_ON_LEDGER): _S.ON_LEDGER,  # the plan or review date revised
    (_S.ON_LEDGER, _A.RESOLVE): _S.RESOLVED,
    (_S.ON_LEDGER, _A.REOPEN): _S.IN_PROGRESS,
    (_S.ON_LEDGER, _A.ESCALATE): _S.ASSIGNED,
    (_S.ON_LEDGER, _A.FLAG_REVIEW): _S.ON_LEDGER,
    **{(s, _A.URGE): s for s in OPEN_STATUSES},
    **{
        (s, a): s
        for s in _EXTENDABLE
        for a in (_A.REQUEST_EXTENSION, _A.APPROVE_EXTENSION, _A.REFUSE_EXTENSION)
    },
    **{(s, a): s for s in _CLOCKED for a in (_A.WARN, _A.MARK_OVERDUE, _A.RAISE_SUPERVISION)},
}


def allowed_actions(status: IssueStatus) -> tuple[IssueAction, ...]:
    """The actions a person may take on an issue in ``status`` (the sweep's marks left out),
    in the order of ``IssueAction``."""
    return tuple(a for a in IssueAction if (status, a) in TRANSITIONS and a not in SYSTEM_ACTIONS)


class ActionNotAllowed(Conflict):
    """An action the table does not hold for the issue's status. ``allowed``: the action codes
    that are (also in ``errors``, one per action with its label, for problem+json)."""

    def __init__(self, status: IssueStatus, action: IssueAction) -> None:
        self.allowed = tuple(a.value for a in allowed_actions(status))
        shown = "、".join(ACTION_LABELS[IssueAction(a)] for a in self.allowed) or "（无）"
        super().__init__(
            "issue.action_not_allowed",
            f"“{STATUS_LABELS[status]}”的问题不能{ACTION_LABELS[action]}，可以：{shown}",
            field="action",
            errors=[
                {"field": "action", "code": a, "message": ACTION_LABELS[IssueAction(a)]}
                for a in self.allowed
            ],
        )
        self.status = status
        self.action = action


# ── Values ────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class OrgRef:
    """A handling org as the issue names it: its id, level and materialised path."""

    id: int
    level: OrgLevel
    path: str

    @property
    def tier(self) -> Tier:
        return TIER_OF_LEVEL[self.level]


@dataclass(frozen=True)
class Actor:
    """Who acts: ``ref`` as events and the audit trail name him (``user:<username>``,
    ``card:<household id>`` for a household through its contact card, ``system:sweep``); the
    org unit he acts for (None: a household, the sweep); the member he is, if any."""

    ref: str
    org: OrgRef | None = None
    member_id: int | None = None


SWEEP: Final = Actor(ref="system:sweep")


def household_ref(household_id: int) -> str:
    """The actor a household is when it acts through its contact card (as the card pages do)."""
    return f"card:{household_id}"


@dataclass(frozen=True)
class StepClock:
    """The time limit of the step under way: since when, until when (``due``: the instant it
    becomes overdue), and whether the sweep has warned of it or marked it overdue."""

    step: Step
    started_at: datetime
    due: datetime
    warned: bool = False
    overdue: bool = False


class Timetable(Protocol):
    """Gives a step its time limit (``rules.Timetable``: limits per level × category counted on
    the work calendar)."""

    def clock(
        self, step: Step, *, tier: Tier, category: str | None, start: datetime
    ) -> StepClock: ...


@dataclass(frozen=True)
class ExtensionRequest:
    """An extension asked for (延期申请), awaiting the level above."""

    until: date  # the new last day of the step
    reason: str
    requested_by: str
    requested_at: datetime


@dataclass(frozen=True)
class LedgerEntry:
    """What cannot be solved now (问题台账, seeds/huiji-1plus6plusN.txt: 纳入问题台账，跟踪销号)."""

    plan: str
    owner: str
    review_on: date
    review_flagged: bool = False  # the sweep has put it back on the agenda


@dataclass(frozen=True)
class TimelineEntry:
    """One transition: who, when, from, to, action, note; ``due``: the deadline of the step
    this entry began (or the one an extension moved)."""

    seq: int
    at: datetime
    actor: str
    action: IssueAction
    from_status: IssueStatus | None
    to_status: IssueStatus
    from_org: int | None
    to_org: int
    note: str = ""
    due: datetime | None = None


@dataclass(frozen=True)
class IssuePhoto:
    """A photo attached to an issue (as on visits: the bytes in the photo storage)."""

    id: int
    issue_id: int
    content_type: str
    size_bytes: int
    width: int
    height: int
    sha256: str
    storage_key: str
    created_by: str
    created_at: datetime
    client_uuid: str | None = None


def end_of_day(day: date) -> datetime:
    """The instant a day (China time) is over, in UTC: a deadline "until that day" falls due
    then."""
    return datetime.combine(day + timedelta(days=1), time(), CHINA).astimezone(UTC)


# ── The aggregate ─────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Issue:
    id: int
    source: Source
    title: str
    text: str
    raiser: str  # whose matter it is: the answer goes back to them, they rate it
    household_id: int | None
    line: tuple[OrgRef, ...]  # the handling orgs, county first, down to where the matter lives
    handler: OrgRef  # exactly one at any time, always on the line
    status: IssueStatus
    timeline: tuple[TimelineEntry, ...]
    category: str | None = None
    difficulty: Difficulty | None = None
    clock: StepClock | None = None
    extension: ExtensionRequest | None = None
    supervision: Supervision = Supervision.NONE
    overdue_count: int = 0
    ledger: LedgerEntry | None = None
    answer: str | None = None
    result: str | None = None
    rating: Rating | None = None  # of the latest answer
    dissatisfied_count: int = 0
    reopen_count: int = 0
    client_ref: str | None = None  # the field app's own id: a sync batch replayed is one issue

    # ── reading ─────────────────────────────────────────────────────────────────────────

    @property
    def origin(self) -> OrgRef:
        """Where the matter lives: its place in the tree (what scopes it)."""
        return self.line[-1]

    @property
    def tier(self) -> Tier:
        return self.handler.tier

    @property
    def first_receiver(self) -> int:
        """The org that received it first and answers for it (首问负责)."""
        return self.timeline[0].to_org

    @property
    def raised_at(self) -> datetime:
        return self.timeline[0].at

    @property
    def last_at(self) -> datetime:
        return self.timeline[-1].at

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def deadline(self) -> datetime | None:
        return self.clock.due if self.clock else None

    def allowed_actions(self) -> tuple[IssueAction, ...]:
        return allowed_actions(self.status)

    # ── 分类 ─────────────────────────────────────────────────────────────────────────────

    def classify(
        self,
        *,
        category: str,
        difficulty: Difficulty,
        categories: Mapping[str, str],
        by: Actor,
        at: datetime,
        note: str = "",
    ) -> Issue:
        """Say what kind of matter it is and how hard (分类: 按照问题类别、难易程度分层分类)."""
        self._check(IssueAction.CLASSIFY, at)
        self._by_handler_or_above(by)
        _known_category(category, categories)
        return self._moved(
            IssueAction.CLASSIFY, by, at, note, category=category, difficulty=difficulty
        )

    def solve_on_spot(self, *, answer: str, by: Actor, at: datetime) -> Issue:
        """Solved by its first receiver there and then, answer recorded and closed at once
        (首问负责，能解决的当场解决: seeds/xiaolin-xianfeng-hulian.txt)."""
        self._check(IssueAction.SOLVE_ON_SPOT, at)
        self._by_handler(by)
        answer = _required(answer, "answer", "请填写解决情况")
        return self._moved(
            IssueAction.SOLVE_ON_SPOT,
            by,
            at,
            answer,
            answer=answer,
            result=answer,
            rating=None,
            clock=None,
        )

    # ── 流转 ─────────────────────────────────────────────────────────────────────────────

    def assign(self, *, by: Actor, at: datetime, timetable: Timetable, note: str = "") -> Issue:
        """Hand it to the lowest level able to solve it, on its line (小事不出村、大事不出乡、难事
        不出县: seeds/xiangtan-wuge-daohu.txt); never below where the matter lives."""
        self._check(IssueAction.ASSIGN, at)
        self._by_handler_or_above(by)
        assert self.difficulty is not None  # classified: the table says so
        wanted = max(
            TIER_ORDER.index(LOWEST_TIER[self.difficulty]), TIER_ORDER.index(self.origin.tier)
        )
        to = next(org for org in self.line if TIER_ORDER.index(org.tier) == wanted)
        return self._handed(IssueAction.ASSIGN, to, by, at, note, timetable)

    def accept(self, *, by: Actor, at: datetime, timetable: Timetable, note: str = "") -> Issue:
        """The handling org takes it on (受理): the handling time starts."""
        self._check(IssueAction.ACCEPT, at)
        self._by_handler(by)
        return self._started(IssueAction.ACCEPT, Step.HANDLE, by, at, note, timetable)

    def escalate(self, *, reason: str, by: Actor, at: datetime, timetable: Timetable) -> Issue:
        """Pass it one level up its line, with a reason (逐级反馈); the county is the top."""
        self._check(IssueAction.ESCALATE, at)
        self._by_handler(by)
        reason = _required(reason, "reason", "请说明上报理由")
        at_index = self._handler_index()
        if at_index == 0:
            raise RuleBroken(
                "issue.escalation_past_county",
                "问题已在县级办理，不能再上报（难事不出县）",
                field="action",
            )
        return self._handed(
            IssueAction.ESCALATE, self.line[at_index - 1], by, at, reason, timetable
        )

    def send_back(self, *, reason: str, by: Actor, at: datetime, timetable: Timetable) -> Issue:
        """Send it one level down its line, with a reason; never below where it lives."""
        self._check(IssueAction.SEND_BACK, at)
        self._by_handler(by)
        reason = _required(reason, "reason", "请说明退回理由")
        at_index = self._handler_index()
        if at_index == len(self.line) - 1:
            raise RuleBroken(
                "issue.nowhere_lower",
                f"问题已在{TIER_LABELS[self.tier]}，没有可退回的下级",
                field="action",
            )
        return self._handed(
            IssueAction.SEND_BACK, self.line[at_index + 1], by, at, reason, timetable
        )

    # ── 督办 ─────────────────────────────────────────────────────────────────────────────

    def request_extension(self, *, until: date, reason: str, by: Actor, at: datetime) -> Issue:
        """The handler asks the level above for more time (延期申请)."""
        self._check(IssueAction.REQUEST_EXTENSION, at)
        self._by_handler(by)
        reason = _required(reason, "reason", "请说明延期理由")
        if self.extension is not None:
            raise Conflict("issue.extension_pending", "已有待审批的延期申请", field="until")
        assert self.clock is not None  # every extendable status runs a step
        _not_past(until, at, "until")
        if end_of_day(until) <= self.clock.due:
            raise RuleBroken(
                "issue.extension_not_later",
                "延期后的期限须晚于当前期限",
                field="until",
            )
        request = ExtensionRequest(until=until, reason=reason, requested_by=by.ref, requested_at=at)
        note = f"申请延期至 {until.isoformat()}：{reason}"
        return self._moved(IssueAction.REQUEST_EXTENSION, by, at, note, extension=request)

    def approve_extension(self, *, by: Actor, at: datetime, note: str = "") -> Issue:
        """The level above approves: the step's deadline moves; never the handler itself."""
        self._check(IssueAction.APPROVE_EXTENSION, at)
        request = self._pending_extension()
        self._by_level_above(by, "延期须由上级审批，办理单位不能自己批准")
        _not_past(request.until, at, "until")
        assert self.clock is not None
        due = end_of_day(request.until)
        clock = replace(self.clock, due=due, warned=False, overdue=False)
        return self._moved(
            IssueAction.APPROVE_EXTENSION, by, at, note, due=due, clock=clock, extension=None
        )

    def refuse_extension(self, *, reason: str, by: Actor, at: datetime) -> Issue:
        self._check(IssueAction.REFUSE_EXTENSION, at)
        self._pending_extension()
        self._by_level_above(by, "延期须由上级审批，办理单位不能自己批复")
        reason = _required(reason, "reason", "请说明不予延期的理由")
        return self._moved(IssueAction.REFUSE_EXTENSION, by, at, reason, extension=None)

    def urge(self, *, by: Actor, at: datetime, note: str = "") -> Issue:
        """A supervising leader above the handler urges it on (催办): recorded, nothing moves
        (由联村领导牵头…限时督办: seeds/xiaolin-xianfeng-hulian.txt)."""
        self._check(IssueAction.URGE, at)
        self._by_level_above(by, "催办须由上级督办人员进行")
        return self._moved(IssueAction.URGE, by, at, note)

    # ── 反馈 ─────────────────────────────────────────────────────────────────────────────

    def resolve(self, *, answer: str, by: Actor, at: datetime, timetable: Timetable) -> Issue:
        """The handler records its answer; it is now to be taken back to the raiser."""
        self._check(IssueAction.RESOLVE, at)
        self._by_handler(by)
        answer = _required(answer, "answer", "请填写办理结果")
        clock = self._clock_for(Step.FEEDBACK, at, timetable)
        return self._moved(
            IssueAction.RESOLVE,
            by,
            at,
            answer,
            due=clock.due,
            answer=answer,
            rating=None,
            ledger=None,
            clock=clock,
            extension=None,
        )

    def confirm_told(
        self, *, contact_member_id: int | None, by: Actor, at: datetime, note: str = ""
    ) -> Issue:
        """The answer has reached the raiser (对问题办理结果逐级向提交问题者反馈): for a
        household, its contact member (``contact_member_id``, the roster's today) confirms he
        told it; anyone else confirms for themselves."""
        self._check(IssueAction.CONFIRM_TOLD, at)
        if self.household_id is not None:
            if by.member_id is None or by.member_id != contact_member_id:
                raise Forbidden(
                    "issue.not_contact_member",
                    "只有该户的联系党员能确认已向群众反馈",
                    field="action",
                )
        elif by.ref != self.raiser:
            raise Forbidden("issue.not_raiser", "只有问题提出人能确认已收到答复", field="action")
        return self._moved(IssueAction.CONFIRM_TOLD, by, at, note)

    def rate(
        self,
        *,
        rating: Rating,
        by: Actor,
        at: datetime,
        timetable: Timetable,
        reason: str = "",
    ) -> Issue:
        """The raiser, and only the raiser, rates the answer. 不满意 (with a reason) reopens it:
        the first time for a redo at the same handler, after that for review by the level above
        (at the county, the county reviews it again)."""
        self._check(IssueAction.RATE, at)
        if by.ref != self.raiser:
            raise Forbidden("issue.not_raiser", "只有问题提出人能评价", field="rating")
        if self.rating is not None:
            raise Conflict("issue.already_rated", "本次答复已评价", field="rating")
        if rating is Rating.DISSATISFIED:
            reason = _required(reason, "reason", "不满意时请说明理由")
        note = RATING_LABELS[rating] + (f"：{reason}" if reason else "")
        rated = self._moved(IssueAction.RATE, by, at, note, rating=rating)
        if rating is not Rating.DISSATISFIED:
            return rated
        rated = rated._with(dissatisfied_count=rated.dissatisfied_count + 1)
        at_index = rated._handler_index()
        to = rated.handler if rated.dissatisfied_count == 1 else rated.line[max(at_index - 1, 0)]
        return rated._reopened(to, by, at, f"群众不满意：{reason}", timetable)

    # ── 销号, the ledger, reopening ─────────────────────────────────────────────────────

    def close(self, *, result: str, by: Actor, at: datetime) -> Issue:
        """销号, with the result, once the answer has gone back to the raiser."""
        self._check(IssueAction.CLOSE, at)
        self._by_handler_or_above(by)
        result = _required(result, "result", "请填写销号结果")
        return self._moved(IssueAction.CLOSE, by, at, result, result=result, clock=None)

    def put_on_ledger(
        self, *, plan: str, owner: str, review_on: date, by: Actor, at: datetime
    ) -> Issue:
        """Not solvable now: on the ledger with a plan, an owner and a review date, tracked until
        closed (纳入问题台账，跟踪销号解决: seeds/huiji-1plus6plusN.txt)."""
        self._check(IssueAction.PUT_ON_LEDGER, at)
        self._by_handler(by)
        plan = _required(plan, "plan", "请填写解决计划")
        owner = _required(owner, "owner", "请填写责任人")
        _not_past(review_on, at, "review_on")
        entry = LedgerEntry(plan=plan, owner=owner, review_on=review_on)
        note = f"{plan}（责任人 {owner}，{review_on.isoformat()} 复查）"
        return self._moved(
            IssueAction.PUT_ON_LEDGER, by, at, note, ledger=entry, clock=None, extension=None
        )

    def reopen(self, *, reason: str, by: Actor, at: datetime, timetable: Timetable) -> Issue:
        """Back to handling at the same handler, with a reason (a closed issue found unsolved, a
        ledger entry taken up again); by the handler or a level above it."""
        self._check(IssueAction.REOPEN, at)
        self._by_handler_or_above(by)
        reason = _required(reason, "reason", "请说明重新办理的理由")
        return self._reopened(self.handler, by, at, reason, timetable)

    # ── the sweep's marks ──────────────────────────────────────────────────────────────

    def warn(self, *, by: Actor, at: datetime) -> Issue:
        """预警: a set share of the step's time is used."""
        self._check(IssueAction.WARN, at)
        clock = self._swept_clock(by)
        note = f"{STEP_LABELS[clock.step]}期限将至"
        warned = StepClock(clock.step, clock.started_at, clock.due, warned=True)
        return self._moved(IssueAction.WARN, by, at, note, clock=warned)

    def mark_overdue(self, *, by: Actor, at: datetime) -> Issue:
        self._check(IssueAction.MARK_OVERDUE, at)
        clock = self._swept_clock(by)
        return self._moved(
            IssueAction.MARK_OVERDUE,
            by,
            at,
            f"{STEP_LABELS[clock.step]}超期",
            clock=StepClock(clock.step, clock.started_at, clock.due, clock.warned, overdue=True),
            overdue_count=self.overdue_count + 1,
        )

    def raise_supervision(self, *, to: Supervision, by: Actor, at: datetime) -> Issue:
        """黄牌 → 红牌: the supervision level only ever rises."""
        self._check(IssueAction.RAISE_SUPERVISION, at)
        self._swept_clock(by)
        if SUPERVISION_ORDER.index(to) <= SUPERVISION_ORDER.index(self.supervision):
            raise RuleBroken(
                "issue.supervision_not_higher", "督办等级只升不降", field="supervision"
            )
        return self._moved(
            IssueAction.RAISE_SUPERVISION, by, at, SUPERVISION_LABELS[to], supervision=to
        )

    def flag_review(self, *, by: Actor, at: datetime) -> Issue:
        """The ledger entry's review date has come: back on the agenda."""
        self._check(IssueAction.FLAG_REVIEW, at)
        _by_sweep(by)
        assert self.ledger is not None  # on the ledger: the table says so
        return self._moved(
            IssueAction.FLAG_REVIEW,
            by,
            at,
            f"台账复查日 {self.ledger.review_on.isoformat()}",
            ledger=replace(self.ledger, review_flagged=True),
        )

    # ── the machinery ──────────────────────────────────────────────────────────────────

    def _check(self, action: IssueAction, at: datetime) -> None:
        """The table first, then time: aware, in range, never before the last entry."""
        if (self.status, action) not in TRANSITIONS:
            raise ActionNotAllowed(self.status, action)
        _check_time(at)
        if at < self.last_at:
            raise RuleBroken(
                "issue.time_backwards",
                "操作时间早于该问题的上一条记录，时间不能倒流",
                field="at",
            )

    def _moved(
        self,
        action: IssueAction,
        by: Actor,
        at: datetime,
        note: str,
        *,
        due: datetime | None = None,
        to_org: OrgRef | None = None,
        **changes: object,
    ) -> Issue:
        """The issue after ``action``: its status from the table, one entry more on its timeline."""
        to_status = TRANSITIONS[(self.status, action)]
        handler = to_org or self.handler
        entry = TimelineEntry(
            seq=len(self.timeline),
            at=at,
            actor=by.ref,
            action=action,
            from_status=self.status,
            to_status=to_status,
            from_org=self.handler.id,
            to_org=handler.id,
            note=note,
            due=due,
        )
        return self._with(
            status=to_status, handler=handler, timeline=(*self.timeline, entry), **changes
        )

    def _with(self, **changes: object) -> Issue:
        """A copy with these fields changed: ``dataclasses.replace`` without its re-running of
        ``__init__``, which the sweep over tens of thousands of issues would feel (nothing
        here is derived or checked at construction)."""
        assert changes.keys() <= _ISSUE_FIELDS, changes.keys() - _ISSUE_FIELDS
        copy = object.__new__(Issue)
        copy.__dict__.update(self.__dict__)
        copy.__dict__.update(changes)
        return copy

    def _handed(
        self,
        action: IssueAction,
        to: OrgRef,
        by: Actor,
        at: datetime,
        note: str,
        timetable: Timetable,
    ) -> Issue:
        """At a (possibly new) handling org, to be accepted there: the accepting time starts."""
        clock = timetable.clock(Step.ACCEPT, tier=to.tier, category=self.category, start=at)
        return self._moved(
            action, by, at, note, due=clock.due, to_org=to, clock=clock, extension=None, ledger=None
        )

    def _started(
        self,
        action: IssueAction,
        step: Step,
        by: Actor,
        at: datetime,
        note: str,
        timetable: Timetable,
    ) -> Issue:
        clock = self._clock_for(step, at, timetable)
        return self._moved(action, by, at, note, due=clock.due, clock=clock, extension=None)

    def _reopened(
        self, to: OrgRef, by: Actor, at: datetime, reason: str, timetable: Timetable
    ) -> Issue:
        clock = timetable.clock(Step.HANDLE, tier=to.tier, category=self.category, start=at)
        return self._moved(
            IssueAction.REOPEN,
            by,
            at,
            reason,
            due=clock.due,
            to_org=to,
            clock=clock,
            extension=None,
            ledger=None,
            reopen_count=self.reopen_count + 1,
        )

    def _clock_for(self, step: Step, at: datetime, timetable: Timetable) -> StepClock:
        return timetable.clock(step, tier=self.tier, category=self.category, start=at)

    def _handler_index(self) -> int:
        return next(i for i, org in enumerate(self.line) if org.id == self.handler.id)

    def _by_handler(self, by: Actor) -> None:
        if by.org is None or by.org.id != self.handler.id:
            raise Forbidden(
                "issue.not_handler",
                f"该问题由{TIER_LABELS[self.tier]}办理，只有办理单位能进行此操作",
                field="action",
            )

    def _by_handler_or_above(self, by: Actor) -> None:
        if by.org is None or not is_within(self.handler.path, by.org.path):
            raise Forbidden(
                "issue.not_handler",
                "只有办理单位或其上级能进行此操作",
                field="action",
            )

    def _by_level_above(self, by: Actor, message: str) -> None:
        """A level above the handler (an ancestor on the tree), never the handler itself."""
        if (
            by.org is None
            or by.org.path == self.handler.path
            or not is_within(self.handler.path, by.org.path)
        ):
            raise Forbidden("issue.not_level_above", message, field="action")

    def _pending_extension(self) -> ExtensionRequest:
        if self.extension is None:
            raise Conflict("issue.no_extension_pending", "没有待审批的延期申请", field="action")
        return self.extension

    def _swept_clock(self, by: Actor) -> StepClock:
        _by_sweep(by)
        assert self.clock is not None  # a clocked status: the table says so
        return self.clock


_ISSUE_FIELDS: Final = frozenset(f.name for f in fields(Issue))


# ── Raising an issue (收集) ───────────────────────────────────────────────────────────────────


def raise_issue(
    *,
    source: Source,
    title: str,
    text: str,
    line: Sequence[OrgRef],
    by: Actor,
    at: datetime,
    timetable: Timetable,
    household_id: int | None = None,
    category: str | None = None,
    categories: Mapping[str, str] | None = None,
    client_ref: str | None = None,
) -> Issue:
    """A new issue (收集), at its first receiver, who answers for it (首问负责): the raiser's own
    org when it lies on the issue's line, else where the matter lives (a household's card
    reaches its grid). A household's matter is the household's: the answer goes back to it
    and it rates it (``card:<id>``); anyone else's is their own. A household raising it from
    its card must say what kind of matter it is (nothing is chosen for it)."""
    _check_time(at)
    line = _checked_line(line)
    title = _required(title, "title", "请填写问题标题")
    text = _required(text, "text", "请填写问题内容")
    if source is Source.HOUSEHOLD_CARD:
        if household_id is None:
            raise Invalid(
                "issue.household_required", "联心卡反映的问题须属于一户", field="household_id"
            )
        if category is None:
            raise Invalid("issue.category_required", "请选择问题类别", field="category")
    if category is not None:
        _known_category(category, categories if categories is not None else DEFAULT_CATEGORIES)
    receiver = next((org for org in line if by.org and org.id == by.org.id), line[-1])
    clock = timetable.clock(Step.ACCEPT, tier=receiver.tier, category=category, start=at)
    entry = TimelineEntry(
        seq=0,
        at=at,
        actor=by.ref,
        action=IssueAction.RAISE,
        from_status=None,
        to_status=IssueStatus.RAISED,
        from_org=None,
        to_org=receiver.id,
        note=title,
        due=clock.due,
    )
    return Issue(
        id=0,
        source=source,
        title=title,
        text=text,
        raiser=household_ref(household_id) if household_id is not None else by.ref,
        household_id=household_id,
        line=line,
        handler=receiver,
        status=IssueStatus.RAISED,
        timeline=(entry,),
        category=category,
        clock=clock,
        client_ref=client_ref,
    )


def _checked_line(line: Sequence[OrgRef]) -> tuple[OrgRef, ...]:
    """County first, each org the direct child of the one before and one level below it."""
    line = tuple(line)
    if not line or any(org.level not in TIER_OF_LEVEL for org in line):
        raise Invalid("issue.bad_line", "问题须在网格、村/社区、乡镇或县级组织", field="org_id")
    tiers = [TIER_ORDER.index(org.tier) for org in line]
    linked = all(
        below.path == f"{above.path}{below.id}/" and upper == lower + 1
        for (above, below), (upper, lower) in zip(pairwise(line), pairwise(tiers), strict=True)
    )
    if line[0].tier is not Tier.COUNTY or not linked:
        raise Invalid(
            "issue.bad_line", "问题的办理层级须自县级起逐级而下至问题所在组织", field="org_id"
        )
    return line


# ── small rules ───────────────────────────────────────────────────────────────────────────────


def _check_time(at: datetime) -> None:
    if at.tzinfo is None:
        raise Invalid("issue.naive_time", "时间须带时区", field="at")
    check_in_range(at, field="at")


def _required(value: str, field: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise Invalid("issue.text_required", message, field=field)
    return value


def _not_past(day: date, at: datetime, field: str) -> None:
    """A deadline or review date must lie after today (China time)."""
    if day <= local_date(at):
        raise RuleBroken("issue.deadline_in_past", "日期须在今天之后", field=field)


def _known_category(category: str, categories: Mapping[str, str]) -> None:
    if category not in categories:
        shown = "、".join(categories.values())
        raise Invalid("issue.unknown_category", f"问题类别须为：{shown}", field="category")


def _by_sweep(by: Actor) -> None:
    if by.org is not None or not by.ref.startswith("system:"):
        raise Forbidden("issue.sweep_only", "预警、超期和督办等级由系统定时判定", field="action")
