"""Read side of service orders: an area's list with filters, a village's open list (接单), a
member's own orders, the names a list shows. Every read takes the caller's Scope."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from domain.issues.model import Rating
from domain.kernel.access import Scope
from domain.kernel.errors import NotFound
from domain.registers.masking import mask_address, mask_name, mask_phone
from domain.service_orders.model import OrderSource, OrderStatus, ServiceKind, ServiceOrder
from persistence.assignment.tables import AssignmentRow
from persistence.org.tables import OrgUnitRow
from persistence.paging import Page, Window, _area_path, _order, _text
from persistence.registers.tables import HouseholdRow, MemberRow
from persistence.scoping import in_subtree
from persistence.service_orders.store import ORDERS, SqlServiceOrderStore, order_scope
from persistence.service_orders.tables import ServiceOrderRow


@dataclass(frozen=True)
class OrderFilter:
    """What a list asks for. ``now``: the time ``overdue`` is judged at."""

    now: datetime
    under: int | None = None  # the household's grid in this org's subtree (default: scope's)
    statuses: Sequence[OrderStatus] = field(default_factory=tuple)  # none given: all
    kind: ServiceKind | None = None
    overdue: bool | None = None
    household_id: int | None = None
    member_id: int | None = None  # dispatched to or taken by this member ("mine")
    open_for: int | None = None  # on the open list of this member's village (接单)


@dataclass(frozen=True)
class OrderSummary:
    id: int
    kind: ServiceKind
    text: str
    source: OrderSource
    status: OrderStatus
    household_id: int
    head_name: str  # masked unless the caller may see it (``personal``)
    grid_org_id: int
    grid_name: str
    assignee_id: int | None
    assignee_name: str | None
    taker_id: int | None
    taker_name: str | None
    due: datetime | None
    overdue: bool
    ordered_at: datetime
    updated_at: datetime
    rating: Rating | None
    version: int


_SORTS: dict[str, Any] = {
    "due": ORDERS.c.due,
    "ordered_at": ORDERS.c.ordered_at,
    "updated_at": ORDERS.c.updated_at,
    "id": ORDERS.c.id,
}
SORT_FIELDS = tuple(_SORTS)


def list_orders(
    session: Session, scope: Scope, window: Window, wanted: OrderFilter
) -> Page[OrderSummary]:
    """Orders whose household's grid is in a subtree (the caller's by default), soonest
    deadline first (none last), then by id."""
    stmt = _matching(session, scope, window, wanted)
    total = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
    order = (
        [ORDERS.c.due.asc().nulls_last(), ORDERS.c.id]
        if not window.sort
        else _order(window, _SORTS, ORDERS.c.id)
    )
    rows = (
        session.execute(stmt.order_by(*order).limit(window.limit).offset(window.offset))
        .mappings()
        .all()
    )
    names = _member_names(
        session, {i for r in rows for i in (r["assignee_id"], r["taker_id"]) if i is not None}
    )
    personal = _personal(session, scope, rows)
    items = [_summary(r, names, wanted.now, r["id"] in personal) for r in rows]
    return Page(items, total, window.limit, window.offset)


def _matching(session: Session, scope: Scope, window: Window, wanted: OrderFilter) -> Select[Any]:
    area = _area_path(session, scope, wanted.under) if wanted.under is not None else None
    stmt = (
        select(ORDERS, HouseholdRow.head_name, OrgUnitRow.name.label("grid_name"))
        .join(HouseholdRow, HouseholdRow.id == ORDERS.c.household_id)
        .join(OrgUnitRow, OrgUnitRow.id == ORDERS.c.grid_org_id)
        .where(order_scope(scope))
    )
    if area is not None:
        stmt = stmt.where(in_subtree(ServiceOrderRow.grid_path, area))
    if wanted.statuses:
        stmt = stmt.where(ORDERS.c.status.in_([s.value for s in wanted.statuses]))
    if wanted.kind is not None:
        stmt = stmt.where(ORDERS.c.kind == wanted.kind.value)
    if wanted.overdue is not None:
        late: ColumnElement[bool] = ORDERS.c.due < wanted.now
        stmt = stmt.where(late if wanted.overdue else or_(ORDERS.c.due.is_(None), ~late))
    if wanted.household_id is not None:
        stmt = stmt.where(ORDERS.c.household_id == wanted.household_id)
    if wanted.member_id is not None:
        stmt = stmt.where(
            or_(ORDERS.c.taker_id == wanted.member_id, ORDERS.c.assignee_id == wanted.member_id)
        )
    if wanted.open_for is not None:
        store = SqlServiceOrderStore(session)
        village = store.place_of(store_org_of(session, wanted.open_for))[1]
        stmt = stmt.where(
            ORDERS.c.area_org_id == village.id,
            ORDERS.c.status == OrderStatus.ORDERED.value,
        )
    if (clause := _text(ORDERS.c.text, window.q)) is not None:
        stmt = stmt.where(clause)
    return stmt


def store_org_of(session: Session, member_id: int) -> int:
    org_id = session.scalar(select(MemberRow.org_id).where(MemberRow.id == member_id))
    if org_id is None:
        raise NotFound("member.not_found", f"党员 {member_id} 不存在", field="member_id")
    return int(org_id)


def _member_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(
        session.execute(select(MemberRow.id, MemberRow.name).where(MemberRow.id.in_(ids))).all()
    )


def _personal(session: Session, scope: Scope, rows: Sequence[Any]) -> set[int]:
    """The orders whose household's personal data the caller may see: with ``personal:read``,
    all in reach; an ordinary member only those of his own households or his to do."""
    if not scope.sees_personal_data:
        return set()
    if not scope.own_households_only:
        return {r["id"] for r in rows}
    own = set(
        session.scalars(
            select(AssignmentRow.household_id).where(
                AssignmentRow.member_id == (scope.member_id or -1),
                AssignmentRow.ended_on.is_(None),
                AssignmentRow.household_id.in_([r["household_id"] for r in rows]),
            )
        )
    )
    me = scope.member_id
    return {
        r["id"] for r in rows if r["household_id"] in own or me in (r["taker_id"], r["assignee_id"])
    }


def _summary(r: Any, names: dict[int, str], now: datetime, personal: bool) -> OrderSummary:
    return OrderSummary(
        id=r["id"],
        kind=ServiceKind(r["kind"]),
        text=r["text"],
        source=OrderSource(r["source"]),
        status=OrderStatus(r["status"]),
        household_id=r["household_id"],
        head_name=r["head_name"] if personal else mask_name(r["head_name"]),
        grid_org_id=r["grid_org_id"],
        grid_name=r["grid_name"],
        assignee_id=r["assignee_id"],
        assignee_name=names.get(r["assignee_id"]) if r["assignee_id"] else None,
        taker_id=r["taker_id"],
        taker_name=names.get(r["taker_id"]) if r["taker_id"] else None,
        due=r["due"],
        overdue=r["due"] is not None and r["due"] <= now,
        ordered_at=r["ordered_at"],
        updated_at=r["updated_at"],
        rating=Rating(r["rating"]) if r["rating"] else None,
        version=r["version"],
    )


@dataclass(frozen=True)
class OrderContext:
    """What an order's page shows beside the order: the household (masked unless the caller
    may see it) and the names of the members and the grid."""

    head_name: str
    address: str | None
    phone: str | None
    grid_name: str
    member_names: dict[int, str]


def order_context(session: Session, scope: Scope, order: ServiceOrder) -> OrderContext:
    row = session.execute(
        select(HouseholdRow.head_name, HouseholdRow.address, HouseholdRow.phone).where(
            HouseholdRow.id == order.household_id
        )
    ).one()
    grid_name = session.scalar(select(OrgUnitRow.name).where(OrgUnitRow.id == order.grid.id))
    shown = {"id": order.id, "household_id": order.household_id}
    personal = bool(
        _personal(
            session,
            scope,
            [{**shown, "taker_id": order.taker, "assignee_id": order.assignee}],
        )
    )
    ids = {order.taker, order.assignee, *(e.member_id for e in order.timeline)}
    return OrderContext(
        head_name=row.head_name if personal else mask_name(row.head_name),
        address=row.address if personal else mask_address(row.address),
        phone=row.phone if personal else mask_phone(row.phone),
        grid_name=grid_name or "",
        member_names=_member_names(session, {i for i in ids if i is not None}),
    )


def member_names(session: Session, ids: set[int]) -> dict[int, str]:
    """Members' names by id (a card page names the member who serves)."""
    return _member_names(session, ids)
