"""The service order (服务订单): 群众点单 → 网格下单 → 党员接单 (seeds/xiangtan-wuge-daohu.txt:
创新“群众点单-网格下单-党员接单”的形式，开展……各类服务3000余次).

A household asks for a service (点单): on its contact card page (联心卡, no account) or through a
member on its behalf. The household's grid (网格) dispatches it to a member (下单), or a member of
the grid's village takes it from the grid's open list (接单); the member who took it does it and
records a note and photos (完成); the household rates it (满意 / 基本满意 / 不满意).

As ``domain.issues.model.Issue``: a frozen value, every action returns the order after it with one
more entry on its timeline (who, when, from, to, action, note), never a changed one; the lifecycle
is a table (``TRANSITIONS``: status × action → status), and an action it does not hold is refused
naming the actions that are allowed (``ActionNotAllowed``) before anything else is looked at; then
the time (never before the last entry), then who acts, then the arguments.

An order has at most one taker at any time (``taker``): set by 接单 (a member's own take, or his
acceptance of a dispatch), cleared only when the grid takes it back (``redispatch``) or the taker
gives it back (``release``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from typing import Final, Protocol

from domain.issues.model import Actor, OrgRef, Rating, household_ref
from domain.kernel.errors import Conflict, Forbidden, Invalid, RuleBroken
from domain.kernel.org import is_within
from domain.kernel.time import check_in_range

# ── Vocabulary ────────────────────────────────────────────────────────────────────────────────


class ServiceKind(StrEnum):
    """What kind of service is asked for. The seed names 帮代办, 温情守望, 圆梦微心愿, 接送接种;
    the list below is ours, shaped on them (a county's own list is for its scheme to carry)."""

    ERRANDS = "errands"
    REPAIR = "repair"
    MEDICAL_ESCORT = "medical_escort"
    PAPERWORK = "paperwork"
    CARE = "care"
    OTHER = "other"


KIND_LABELS: Final[dict[ServiceKind, str]] = {
    ServiceKind.ERRANDS: "代办代购",
    ServiceKind.REPAIR: "上门维修",
    ServiceKind.MEDICAL_ESCORT: "陪诊就医",
    ServiceKind.PAPERWORK: "政策代办",
    ServiceKind.CARE: "助老助残",
    ServiceKind.OTHER: "其他",
}


class OrderSource(StrEnum):
    """Who placed the order (点单)."""

    HOUSEHOLD_CARD = "household_card"  # the household itself, on its contact card page
    MEMBER = "member"  # a member (or the branch) on the household's behalf


SOURCE_LABELS: Final[dict[OrderSource, str]] = {
    OrderSource.HOUSEHOLD_CARD: "群众联心卡点单",
    OrderSource.MEMBER: "党员代为点单",
}


class OrderStatus(StrEnum):
    ORDERED = "ordered"  # 点单: on the grid's open list, to be dispatched or taken
    DISPATCHED = "dispatched"  # 下单: sent to one member, who is to take it (接单)
    TAKEN = "taken"  # 接单: one member does it
    DONE = "done"  # 完成: done, the household's rating awaited
    RATED = "rated"  # 评价: rated by the household; closed
    CANCELLED = "cancelled"  # withdrawn before it was done


STATUS_LABELS: Final[dict[OrderStatus, str]] = {
    OrderStatus.ORDERED: "待派单",
    OrderStatus.DISPATCHED: "已派单待接单",
    OrderStatus.TAKEN: "服务中",
    OrderStatus.DONE: "已完成待评价",
    OrderStatus.RATED: "已评价",
    OrderStatus.CANCELLED: "已取消",
}

OPEN_STATUSES: Final[frozenset[OrderStatus]] = frozenset(
    {OrderStatus.ORDERED, OrderStatus.DISPATCHED, OrderStatus.TAKEN}
)
# The statuses in which the order is one member's: it counts toward his load.
HELD_STATUSES: Final[frozenset[OrderStatus]] = frozenset(
    {OrderStatus.DISPATCHED, OrderStatus.TAKEN}
)


class OrderAction(StrEnum):
    ORDER = "order"
    DISPATCH = "dispatch"
    TAKE = "take"
    DECLINE = "decline"
    RELEASE = "release"
    REDISPATCH = "redispatch"
    COMPLETE = "complete"
    RATE = "rate"
    CANCEL = "cancel"


ACTION_LABELS: Final[dict[OrderAction, str]] = {
    OrderAction.ORDER: "点单",
    OrderAction.DISPATCH: "派单",
    OrderAction.TAKE: "接单",
    OrderAction.DECLINE: "退回派单",
    OrderAction.RELEASE: "放弃接单",
    OrderAction.REDISPATCH: "改派",
    OrderAction.COMPLETE: "完成服务",
    OrderAction.RATE: "评价",
    OrderAction.CANCEL: "取消",
}


class OrderStep(StrEnum):
    """The time-limited steps: taking it (接单) and doing it (服务)."""

    TAKE = "take"
    SERVE = "serve"


STEP_LABELS: Final[dict[OrderStep, str]] = {OrderStep.TAKE: "接单", OrderStep.SERVE: "服务"}

RATING_LABELS: Final[dict[Rating, str]] = {
    Rating.SATISFIED: "满意",
    Rating.BASICALLY_SATISFIED: "基本满意",
    Rating.DISSATISFIED: "不满意",
}

# ── The lifecycle as a table ──────────────────────────────────────────────────────────────────

_S = OrderStatus
_A = OrderAction

TRANSITIONS: Final[Mapping[tuple[OrderStatus, OrderAction], OrderStatus]] = {
    (_S.ORDERED, _A.DISPATCH): _S.DISPATCHED,  # 网格下单
    (_S.ORDERED, _A.TAKE): _S.TAKEN,  # 党员接单 from the open list
    (_S.ORDERED, _A.CANCEL): _S.CANCELLED,
    (_S.DISPATCHED, _A.TAKE): _S.TAKEN,  # the member it was sent to takes it
    (_S.DISPATCHED, _A.DECLINE): _S.ORDERED,  # ... or sends it back, with a reason
    (_S.DISPATCHED, _A.DISPATCH): _S.DISPATCHED,  # the grid sends it to another member
    (_S.DISPATCHED, _A.CANCEL): _S.CANCELLED,
    (_S.TAKEN, _A.COMPLETE): _S.DONE,
    (_S.TAKEN, _A.RELEASE): _S.ORDERED,  # the taker cannot do it after all, with a reason
    (_S.TAKEN, _A.REDISPATCH): _S.DISPATCHED,  # the grid moves it to another member
    (_S.TAKEN, _A.CANCEL): _S.CANCELLED,
    (_S.DONE, _A.RATE): _S.RATED,
}


def allowed_actions(status: OrderStatus) -> tuple[OrderAction, ...]:
    """The actions the table holds for ``status``, in the order of ``OrderAction``."""
    return tuple(a for a in OrderAction if (status, a) in TRANSITIONS)


class ActionNotAllowed(Conflict):
    """An action the table does not hold for the order's status; ``allowed``: the codes that
    are (also in ``errors``, one per action with its label, for problem+json)."""

    def __init__(self, status: OrderStatus, action: OrderAction) -> None:
        self.allowed = tuple(a.value for a in allowed_actions(status))
        shown = "、".join(ACTION_LABELS[OrderAction(a)] for a in self.allowed) or "（无）"
        super().__init__(
            "service_order.action_not_allowed",
            f"“{STATUS_LABELS[status]}”的服务订单不能{ACTION_LABELS[action]}，可以：{shown}",
            field="action",
            errors=[
                {"field": "action", "code": a, "message": ACTION_LABELS[OrderAction(a)]}
                for a in self.allowed
            ],
        )
        self.status = status
        self.action = action


@dataclass(frozen=True)
class OrderClock:
    """The time limit of the step under way (督办 as on issues): since when, until when
    (``due``: the instant it becomes overdue)."""

    step: OrderStep
    started_at: datetime
    due: datetime


class Timetable(Protocol):
    """Gives a step its clock (``rules.OrderTimetable``: limits per kind counted in working
    days on the work calendar)."""

    def clock(self, step: OrderStep, *, kind: ServiceKind, start: datetime) -> OrderClock: ...


# ── Values ────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Worker:
    """A member as an order names him: who he is and where his org is (the taker's reach)."""

    member_id: int
    org_path: str


@dataclass(frozen=True)
class TimelineEntry:
    """One transition: who, when, from, to, action, note; ``member_id``: the member the order
    went to or came from by it (dispatch, take, release …); ``due``: the deadline of the step it
    began."""

    seq: int
    at: datetime
    actor: str
    action: OrderAction
    from_status: OrderStatus | None
    to_status: OrderStatus
    note: str = ""
    member_id: int | None = None
    due: datetime | None = None


@dataclass(frozen=True)
class OrderPhoto:
    """A photo of the service done (as on visits: the bytes in the photo storage)."""

    id: int
    order_id: int
    content_type: str
    size_bytes: int
    width: int
    height: int
    sha256: str
    storage_key: str
    created_by: str
    created_at: datetime
    client_uuid: str | None = None


# ── The aggregate ─────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class ServiceOrder:
    id: int
    kind: ServiceKind
    text: str
    source: OrderSource
    household_id: int
    grid: OrgRef  # the household's org: the grid that dispatches (网格下单)
    area: OrgRef  # its village or community: the members who may take it are there
    ordered_by: str  # who placed it (``card:<household>`` or ``user:<name>``)
    status: OrderStatus
    timeline: tuple[TimelineEntry, ...]
    assignee: int | None = None  # the member it is dispatched to, to take it
    taker: int | None = None  # the one member doing it (接单)
    clock: OrderClock | None = None
    note: str | None = None  # what was done (完成)
    rating: Rating | None = None
    rating_reason: str = ""
    client_ref: str | None = None  # the field app's own id: one order however often sent

    # ── reading ─────────────────────────────────────────────────────────────────────────

    @property
    def rater(self) -> str:
        """Who rates it: the household, whoever placed it for it."""
        return household_ref_of(self.household_id)

    @property
    def ordered_at(self) -> datetime:
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

    def is_overdue(self, now: datetime) -> bool:
        return self.clock is not None and now >= self.clock.due

    def allowed_actions(self) -> tuple[OrderAction, ...]:
        return allowed_actions(self.status)

    # ── 网格下单 ─────────────────────────────────────────────────────────────────────────

    def dispatch(
        self, *, to: Worker, by: Actor, at: datetime, timetable: Timetable, note: str = ""
    ) -> ServiceOrder:
        """The grid (or a level above it) sends the order to one member of its village (下单);
        he is to take it within the taking time."""
        self._check(OrderAction.DISPATCH, at)
        self._by_grid_or_above(by)
        self._in_area(to)
        if to.member_id == self.assignee:
            raise Conflict("service_order.same_member", "订单已派给该党员", field="member_id")
        return self._to_take(OrderAction.DISPATCH, to, by, at, note, timetable)

    def redispatch(
        self, *, to: Worker, reason: str, by: Actor, at: datetime, timetable: Timetable
    ) -> ServiceOrder:
        """The grid moves an order under way to another member (改派), with a reason."""
        self._check(OrderAction.REDISPATCH, at)
        self._by_grid_or_above(by)
        self._in_area(to)
        reason = _required(reason, "reason", "请说明改派理由")
        if to.member_id == self.taker:
            raise Conflict("service_order.same_member", "订单已由该党员承接", field="member_id")
        return self._to_take(OrderAction.REDISPATCH, to, by, at, reason, timetable)

    # ── 党员接单 ─────────────────────────────────────────────────────────────────────────

    def take(
        self, *, by: Actor, worker: Worker, at: datetime, timetable: Timetable, note: str = ""
    ) -> ServiceOrder:
        """A member takes it (接单): from the open list, any member of the order's village; a
        dispatched order, only the member it was sent to. The serving time starts."""
        self._check(OrderAction.TAKE, at)
        self._is_member(by, worker)
        if self.status is OrderStatus.DISPATCHED and worker.member_id != self.assignee:
            raise Forbidden(
                "service_order.dispatched_to_other",
                "该订单已派给其他党员",
                field="action",
            )
        self._in_area(worker)
        clock = timetable.clock(OrderStep.SERVE, kind=self.kind, start=at)
        return self._moved(
            OrderAction.TAKE,
            by,
            at,
            note,
            member_id=worker.member_id,
            due=clock.due,
            taker=worker.member_id,
            assignee=None,
            clock=clock,
        )

    def decline(
        self, *, reason: str, by: Actor, at: datetime, timetable: Timetable
    ) -> ServiceOrder:
        """The member it was sent to cannot take it: back on the grid's open list."""
        self._check(OrderAction.DECLINE, at)
        if by.member_id is None or by.member_id != self.assignee:
            raise Forbidden("service_order.not_assignee", "只有被派单的党员能退回", field="action")
        reason = _required(reason, "reason", "请说明退回理由")
        return self._reopened(OrderAction.DECLINE, by, at, reason, timetable)

    def release(
        self, *, reason: str, by: Actor, at: datetime, timetable: Timetable
    ) -> ServiceOrder:
        """The taker cannot do it after all: back on the grid's open list, with a reason."""
        self._check(OrderAction.RELEASE, at)
        self._by_taker(by)
        reason = _required(reason, "reason", "请说明放弃理由")
        return self._reopened(OrderAction.RELEASE, by, at, reason, timetable)

    # ── 完成, 评价, 取消 ─────────────────────────────────────────────────────────────────────

    def complete(self, *, note: str, by: Actor, at: datetime) -> ServiceOrder:
        """The taker records what was done (photos attach beside it); the household rates it."""
        self._check(OrderAction.COMPLETE, at)
        self._by_taker(by)
        note = _required(note, "note", "请填写服务情况")
        return self._moved(OrderAction.COMPLETE, by, at, note, note=note, clock=None)

    def rate(self, *, rating: Rating, by: Actor, at: datetime, reason: str = "") -> ServiceOrder:
        """The household, and only the household, rates the service (不满意 with a reason)."""
        self._check(OrderAction.RATE, at)
        if by.ref != self.rater:
            raise Forbidden("service_order.not_rater", "只有点单的农户能评价", field="rating")
        reason = reason.strip()
        if rating is Rating.DISSATISFIED and not reason:
            raise Invalid("service_order.text_required", "不满意时请说明理由", field="reason")
        note = RATING_LABELS[rating] + (f"：{reason}" if reason else "")
        return self._moved(OrderAction.RATE, by, at, note, rating=rating, rating_reason=reason)

    def cancel(self, *, reason: str, by: Actor, at: datetime) -> ServiceOrder:
        """Withdrawn before it is done: by the household (its card), by whoever placed it, or
        by the grid or a level above it."""
        self._check(OrderAction.CANCEL, at)
        if by.ref not in (self.rater, self.ordered_by):
            self._by_grid_or_above(by)
        reason = _required(reason, "reason", "请说明取消理由")
        return self._moved(OrderAction.CANCEL, by, at, reason, assignee=None, clock=None)

    # ── the machinery ──────────────────────────────────────────────────────────────────

    def _check(self, action: OrderAction, at: datetime) -> None:
        if (self.status, action) not in TRANSITIONS:
            raise ActionNotAllowed(self.status, action)
        _check_time(at)
        if at < self.last_at:
            raise RuleBroken(
                "service_order.time_backwards",
                "操作时间早于该订单的上一条记录，时间不能倒流",
                field="at",
            )

    def _moved(
        self,
        action: OrderAction,
        by: Actor,
        at: datetime,
        said: str,
        *,
        member_id: int | None = None,
        due: datetime | None = None,
        **changes: object,
    ) -> ServiceOrder:
        to_status = TRANSITIONS[(self.status, action)]
        entry = TimelineEntry(
            seq=len(self.timeline),
            at=at,
            actor=by.ref,
            action=action,
            from_status=self.status,
            to_status=to_status,
            note=said,
            member_id=member_id,
            due=due,
        )
        return self._with(status=to_status, timeline=(*self.timeline, entry), **changes)

    def _with(self, **changes: object) -> ServiceOrder:
        assert changes.keys() <= _ORDER_FIELDS, changes.keys() - _ORDER_FIELDS
        copy = object.__new__(ServiceOrder)
        copy.__dict__.update(self.__dict__)
        copy.__dict__.update(changes)
        return copy

    def _to_take(
        self,
        action: OrderAction,
        to: Worker,
        by: Actor,
        at: datetime,
        note: str,
        timetable: Timetable,
    ) -> ServiceOrder:
        clock = timetable.clock(OrderStep.TAKE, kind=self.kind, start=at)
        return self._moved(
            action,
            by,
            at,
            note,
            member_id=to.member_id,
            due=clock.due,
            assignee=to.member_id,
            taker=None,
            clock=clock,
        )

    def _reopened(
        self, action: OrderAction, by: Actor, at: datetime, reason: str, timetable: Timetable
    ) -> ServiceOrder:
        clock = timetable.clock(OrderStep.TAKE, kind=self.kind, start=at)
        return self._moved(
            action,
            by,
            at,
            reason,
            member_id=by.member_id,
            due=clock.due,
            assignee=None,
            taker=None,
            clock=clock,
        )

    def _by_grid_or_above(self, by: Actor) -> None:
        if by.org is None or not is_within(self.grid.path, by.org.path):
            raise Forbidden(
                "service_order.not_grid",
                "只有订单所在网格或其上级能派单、改派",
                field="action",
            )

    def _by_taker(self, by: Actor) -> None:
        if by.member_id is None or by.member_id != self.taker:
            raise Forbidden("service_order.not_taker", "只有接单的党员能进行此操作", field="action")

    def _is_member(self, by: Actor, worker: Worker) -> None:
        if by.member_id is None or by.member_id != worker.member_id:
            raise Forbidden("service_order.not_member", "只有党员本人能接单", field="action")

    def _in_area(self, worker: Worker) -> None:
        """The member serves where the order is: his org within the order's village (a
        member of the village or of one of its grids)."""
        if not is_within(worker.org_path, self.area.path):
            raise RuleBroken(
                "service_order.member_out_of_area",
                "该党员不属于订单所在村（社区），不能承接",
                field="member_id",
            )


_ORDER_FIELDS: Final = frozenset(f.name for f in fields(ServiceOrder))


def household_ref_of(household_id: int) -> str:
    """The actor a household is on its card page (``domain.issues.model.household_ref``)."""
    return household_ref(household_id)


# ── Placing an order (点单) ───────────────────────────────────────────────────────────────────


def place_order(
    *,
    kind: ServiceKind | str | None,
    text: str,
    household_id: int,
    grid: OrgRef,
    area: OrgRef,
    source: OrderSource,
    by: Actor,
    at: datetime,
    timetable: Timetable,
    client_ref: str | None = None,
) -> ServiceOrder:
    """A new order on the grid's open list (点单). The kind of service must be chosen (nothing
    is chosen for the household); the taking time starts."""
    _check_time(at)
    chosen = _known_kind(kind)
    text = _required(text, "text", "请填写需要什么服务")
    if len(text) > 500:
        raise Invalid("service_order.text_too_long", "服务需求最多 500 字", field="text")
    if not is_within(grid.path, area.path):
        raise Invalid("service_order.bad_place", "订单所在网格须在其村（社区）内", field="org_id")
    clock = timetable.clock(OrderStep.TAKE, kind=chosen, start=at)
    entry = TimelineEntry(
        seq=0,
        at=at,
        actor=by.ref,
        action=OrderAction.ORDER,
        from_status=None,
        to_status=OrderStatus.ORDERED,
        note=f"{KIND_LABELS[chosen]}：{text}",
        due=clock.due,
    )
    return ServiceOrder(
        id=0,
        kind=chosen,
        text=text,
        source=source,
        household_id=household_id,
        grid=grid,
        area=area,
        ordered_by=by.ref,
        status=OrderStatus.ORDERED,
        timeline=(entry,),
        clock=clock,
        client_ref=client_ref,
    )


def _known_kind(kind: ServiceKind | str | None) -> ServiceKind:
    if isinstance(kind, ServiceKind):
        return kind
    if kind is None or kind == "":
        raise Invalid("service_order.kind_required", "请选择服务类型", field="kind")
    try:
        return ServiceKind(kind)
    except ValueError:
        shown = "、".join(KIND_LABELS.values())
        raise Invalid(
            "service_order.unknown_kind", f"服务类型须为：{shown}", field="kind"
        ) from None


def _check_time(at: datetime) -> None:
    if at.tzinfo is None:
        raise Invalid("service_order.naive_time", "时间须带时区", field="at")
    check_in_range(at, field="at")


def _required(value: str, field: str, message: str) -> str:
    value = value.strip()
    if not value:
        raise Invalid("service_order.text_required", message, field=field)
    return value
