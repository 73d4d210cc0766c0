"""What happens to a service order: one event per transition of its timeline.

Each event is a ``Change`` of the record kind ``service_order`` at the order's grid, with the
timeline entry it records (``entry``) and the order before and after as a snapshot without its
timeline. Personal data: an order names its household by id only (as a visit or an issue does);
the household's own words (``text``) are carried as an issue's are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Final

from domain.audit.model import AuditAction
from domain.issues.model import OrgRef, Rating
from domain.kernel.events import Change
from domain.service_orders.model import (
    OrderAction,
    OrderClock,
    OrderSource,
    OrderStatus,
    ServiceKind,
    ServiceOrder,
    TimelineEntry,
)


@dataclass(frozen=True)
class OrderSnapshot:
    """An order as an event carries it: all but its timeline (``entries``: how long it is)."""

    id: int
    kind: ServiceKind
    text: str
    source: OrderSource
    household_id: int
    grid: OrgRef
    ordered_by: str
    status: OrderStatus
    assignee: int | None
    taker: int | None
    clock: OrderClock | None
    note: str | None
    rating: Rating | None
    rating_reason: str
    entries: int

    @classmethod
    def of(cls, order: ServiceOrder) -> OrderSnapshot:
        return cls(
            id=order.id,
            kind=order.kind,
            text=order.text,
            source=order.source,
            household_id=order.household_id,
            grid=order.grid,
            ordered_by=order.ordered_by,
            status=order.status,
            assignee=order.assignee,
            taker=order.taker,
            clock=order.clock,
            note=order.note,
            rating=order.rating,
            rating_reason=order.rating_reason,
            entries=len(order.timeline),
        )


@dataclass(frozen=True, kw_only=True)
class ServiceOrderChange(Change):
    """A transition of a service order; ``entry``: the timeline entry it added."""

    entity: ClassVar[str] = "service_order"
    action: ClassVar[str] = AuditAction.UPDATE
    entry: TimelineEntry | None = None


@dataclass(frozen=True, kw_only=True)
class ServiceOrdered(ServiceOrderChange):
    """群众点单."""

    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class ServiceOrderDispatched(ServiceOrderChange):
    """网格下单: sent to a member (``entry.member_id``)."""


@dataclass(frozen=True, kw_only=True)
class ServiceOrderTaken(ServiceOrderChange):
    """党员接单."""


@dataclass(frozen=True, kw_only=True)
class ServiceOrderDeclined(ServiceOrderChange):
    pass


@dataclass(frozen=True, kw_only=True)
class ServiceOrderReleased(ServiceOrderChange):
    pass


@dataclass(frozen=True, kw_only=True)
class ServiceOrderRedispatched(ServiceOrderChange):
    pass


@dataclass(frozen=True, kw_only=True)
class ServiceOrderCompleted(ServiceOrderChange):
    pass


@dataclass(frozen=True, kw_only=True)
class ServiceOrderRated(ServiceOrderChange):
    pass


@dataclass(frozen=True, kw_only=True)
class ServiceOrderCancelled(ServiceOrderChange):
    pass


EVENT_OF: Final[dict[OrderAction, type[ServiceOrderChange]]] = {
    OrderAction.ORDER: ServiceOrdered,
    OrderAction.DISPATCH: ServiceOrderDispatched,
    OrderAction.TAKE: ServiceOrderTaken,
    OrderAction.DECLINE: ServiceOrderDeclined,
    OrderAction.RELEASE: ServiceOrderReleased,
    OrderAction.REDISPATCH: ServiceOrderRedispatched,
    OrderAction.COMPLETE: ServiceOrderCompleted,
    OrderAction.RATE: ServiceOrderRated,
    OrderAction.CANCEL: ServiceOrderCancelled,
}


def changes(
    before: ServiceOrder | None, after: ServiceOrder, *, request_id: str | None = None
) -> list[ServiceOrderChange]:
    """One event per timeline entry added between ``before`` (None: just placed) and ``after``
    (which must have its id: emit after the store's ``add``)."""
    seen = len(before.timeline) if before is not None else 0
    old = OrderSnapshot.of(before) if before is not None else None
    new = OrderSnapshot.of(after)
    return [
        EVENT_OF[entry.action](
            org_path=after.grid.path,
            actor=entry.actor,
            at=entry.at,
            entity_id=after.id,
            version=entry.seq + 1,
            household_id=after.household_id,
            request_id=request_id,
            before=old,
            after=new,
            entry=entry,
        )
        for entry in after.timeline[seen:]
    ]


@dataclass(frozen=True, kw_only=True)
class ServiceOrderPhotoAdded(Change):
    entity: ClassVar[str] = "service_order_photo"
    action: ClassVar[str] = AuditAction.CREATE
