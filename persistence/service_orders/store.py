"""Service orders (服务订单) and their append-only timelines
(``domain.service_orders.ports.ServiceOrderStore``), read with Core statements as the issues are
(persistence/issues/store.py: no identity map, a lock or a save reads what is stored now)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult, Row
from sqlalchemy.orm import Session

from domain.issues.model import OrgRef, Rating
from domain.kernel.access import Scope
from domain.kernel.errors import Conflict, NotFound
from domain.kernel.org import OrgLevel, ancestor_ids, is_within
from domain.registers.member import Location, location_of
from domain.service_orders.model import (
    OPEN_STATUSES,
    OrderAction,
    OrderClock,
    OrderPhoto,
    OrderSource,
    OrderStatus,
    OrderStep,
    ServiceKind,
    ServiceOrder,
    TimelineEntry,
    Worker,
)
from domain.service_orders.rules import Candidate
from persistence.assignment.tables import AssignmentRow
from persistence.locks import Lock, serialize
from persistence.org.tables import OrgUnitRow
from persistence.registers.tables import HouseholdRow, MemberRow
from persistence.scoping import in_subtree
from persistence.service_orders.tables import (
    ServiceOrderEntryRow,
    ServiceOrderPhotoRow,
    ServiceOrderRow,
)

ORDERS: Final = cast(Table, ServiceOrderRow.__table__)
ENTRIES: Final = cast(Table, ServiceOrderEntryRow.__table__)
PHOTOS: Final = cast(Table, ServiceOrderPhotoRow.__table__)
_AREA_LEVELS: Final = frozenset({OrgLevel.VILLAGE.value, OrgLevel.COMMUNITY.value})
_OPEN: Final = sorted(s.value for s in OPEN_STATUSES)


def prefixes(path: str) -> list[str]:
    """The paths of ``path`` and every org above it (``/1/2/`` → ``/1/``, ``/1/2/``)."""
    ids = ancestor_ids(path)
    return ["/" + "/".join(str(i) for i in ids[: n + 1]) + "/" for n in range(len(ids))]


def order_scope(scope: Scope) -> ColumnElement[bool]:
    """The orders a caller may reach: those of households in their subtree (for an ordinary
    member, of those: his own households', those he placed, his to take or do, and those on
    the open list); and, for a member, those of his village (or community) still open or his
    to take or do, wherever in it their grid is (接单 from the open list)."""
    clause = in_subtree(ServiceOrderRow.grid_path, scope.org_path)
    me = scope.member_id if scope.member_id is not None else -1
    his = or_(ORDERS.c.taker_id == me, ORDERS.c.assignee_id == me)
    if scope.own_households_only:
        own = exists().where(
            AssignmentRow.household_id == ServiceOrderRow.household_id,
            AssignmentRow.member_id == me,
            AssignmentRow.ended_on.is_(None),
        )
        clause = and_(
            clause,
            or_(
                own,
                ORDERS.c.ordered_by == scope.actor,
                his,
                ORDERS.c.status == OrderStatus.ORDERED.value,
            ),
        )
    if scope.member_id is not None:
        # Open ones too once taken (a second member trying to take it is told it is taken,
        # not that it vanished); personal data stays masked (persistence/service_orders/queries).
        around = and_(
            ORDERS.c.area_path.in_(prefixes(scope.org_path)),
            or_(ORDERS.c.status.in_(_OPEN), his),
        )
        clause = or_(clause, around)
    return clause


def _not_found(order_id: int) -> NotFound:
    return NotFound("service_order.not_found", f"服务订单 {order_id} 不存在", field="order_id")


class SqlServiceOrderStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    # ── reading ─────────────────────────────────────────────────────────────────────────

    def get(self, order_id: int, scope: Scope) -> ServiceOrder:
        found = self._orders(_within(order_id, scope))
        if not found:
            raise _not_found(order_id)
        return found[0]

    def get_locked(self, order_id: int, scope: Scope) -> ServiceOrder:
        """As stored now, kept from other writers until this transaction ends: PostgreSQL
        locks the row; SQLite takes its one write lock first (as ``SqlIssueStore``)."""
        connection = self.session.connection()
        if connection.dialect.name == "sqlite":
            connection.execute(update(ORDERS).where(ORDERS.c.id == order_id).values(id=ORDERS.c.id))
        found = self._orders(_within(order_id, scope).with_for_update(of=ORDERS))
        if not found:
            raise _not_found(order_id)
        return found[0]

    def by_client_ref(self, ordered_by: str, client_ref: str) -> ServiceOrder | None:
        found = self._orders(
            select(ORDERS).where(
                ORDERS.c.ordered_by == ordered_by, ORDERS.c.client_ref == client_ref
            )
        )
        return found[0] if found else None

    def of_household(self, household_id: int, limit: int) -> Sequence[ServiceOrder]:
        return self._orders(
            select(ORDERS)
            .where(ORDERS.c.household_id == household_id)
            .order_by(ORDERS.c.id.desc())
            .limit(limit)
        )

    def place_of(self, org_id: int) -> tuple[OrgRef, OrgRef]:
        row = self.session.execute(
            select(OrgUnitRow.id, OrgUnitRow.level, OrgUnitRow.path).where(OrgUnitRow.id == org_id)
        ).first()
        if row is None:
            raise NotFound("org.not_found", f"组织 {org_id} 不存在", field="org_id")
        org = OrgRef(row.id, OrgLevel(row.level), row.path)
        above = self.session.execute(
            select(OrgUnitRow.id, OrgUnitRow.level, OrgUnitRow.path)
            .where(OrgUnitRow.id.in_(ancestor_ids(row.path)), OrgUnitRow.level.in_(_AREA_LEVELS))
            .order_by(func.length(OrgUnitRow.path).desc())
        ).first()
        area = OrgRef(above.id, OrgLevel(above.level), above.path) if above else org
        return org, area

    def worker(self, member_id: int) -> Worker:
        path = self.session.scalar(
            select(OrgUnitRow.path)
            .join(MemberRow, MemberRow.org_id == OrgUnitRow.id)
            .where(MemberRow.id == member_id)
        )
        if path is None:
            raise NotFound("member.not_found", f"党员 {member_id} 不存在", field="member_id")
        return Worker(member_id, path)

    def household_location(self, household_id: int) -> Location | None:
        row = self.session.execute(
            select(HouseholdRow.lat, HouseholdRow.lng).where(HouseholdRow.id == household_id)
        ).first()
        return location_of(row.lat, row.lng) if row else None

    def candidates(self, area_path: str) -> Sequence[Candidate]:
        load = (
            select(func.count())
            .where(
                or_(
                    and_(ORDERS.c.taker_id == MemberRow.id, ORDERS.c.status == "taken"),
                    and_(ORDERS.c.assignee_id == MemberRow.id, ORDERS.c.status == "dispatched"),
                )
            )
            .scalar_subquery()
        )
        rows = self.session.execute(
            select(
                MemberRow.id,
                MemberRow.name,
                MemberRow.org_id,
                MemberRow.skills,
                MemberRow.lat,
                MemberRow.lng,
                load.label("load"),
            )
            .join(OrgUnitRow, OrgUnitRow.id == MemberRow.org_id)
            .where(in_subtree(OrgUnitRow.path, area_path), MemberRow.exempt_reason.is_(None))
            .order_by(MemberRow.id)
        )
        return [
            Candidate(
                member_id=r.id,
                name=r.name,
                org_id=r.org_id,
                skills=tuple(s for s in (r.skills or "").split("、") if s),
                location=location_of(r.lat, r.lng),
                load=int(r.load or 0),
            )
            for r in rows
        ]

    def count_ordered_by(self, ordered_by: str, *, since: datetime, until: datetime) -> int:
        return int(
            self.session.scalar(
                select(func.count()).where(
                    ORDERS.c.ordered_by == ordered_by,
                    ORDERS.c.ordered_at >= since,
                    ORDERS.c.ordered_at < until,
                )
            )
            or 0
        )

    def lock_card_orders(self, household_id: int) -> None:
        serialize(self.session, Lock.CARD_SERVICE_ORDERS, household_id)

    # ── writing ─────────────────────────────────────────────────────────────────────────

    def add(self, order: ServiceOrder) -> ServiceOrder | None:
        """The order stored with its id, or None when its sender's ``client_ref`` has an order
        already (ON CONFLICT DO NOTHING settles a race between two sends)."""
        values = {
            **_state(order),
            "kind": order.kind.value,
            "text": order.text,
            "source": order.source.value,
            "household_id": order.household_id,
            "grid_org_id": order.grid.id,
            "grid_path": order.grid.path,
            "area_org_id": order.area.id,
            "area_path": order.area.path,
            "ordered_by": order.ordered_by,
            "ordered_at": order.ordered_at,
            "client_ref": order.client_ref,
        }
        connection = self.session.connection()
        dialect_insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
        new_id = connection.scalar(
            dialect_insert(ORDERS).values(values).on_conflict_do_nothing().returning(ORDERS.c.id)
        )
        if new_id is None:
            return None
        stored = dataclasses.replace(order, id=new_id)
        self._append(stored, stored.timeline)
        return stored

    def save(self, order: ServiceOrder, *, stored_entries: int) -> None:
        result = cast(
            CursorResult[Any],
            self.session.execute(
                update(ORDERS)
                .where(ORDERS.c.id == order.id, ORDERS.c.version == stored_entries)
                .values(_state(order))
            ),
        )
        if result.rowcount != 1:
            raise Conflict(
                "service_order.stale", "该订单刚被他人处理过，请刷新后再操作", field="version"
            )
        self._append(order, order.timeline[stored_entries:])

    def _append(self, order: ServiceOrder, entries: Sequence[TimelineEntry]) -> None:
        rows = [_entry(order.id, e) for e in entries]
        if rows:
            self.session.execute(insert(ENTRIES), rows)

    def follow_move(self, old: str, new: str) -> None:
        """An org subtree moved from ``old`` to ``new``: the stored paths follow it."""
        for column in (ServiceOrderRow.grid_path, ServiceOrderRow.area_path):
            self.session.execute(
                update(ORDERS)
                .where(in_subtree(column, old))
                .values({column.key: new + func.substr(column, len(old) + 1)})
            )

    # ── photos ──────────────────────────────────────────────────────────────────────────

    def photo_count(self, order_id: int) -> int:
        return int(
            self.session.scalar(select(func.count()).where(PHOTOS.c.order_id == order_id)) or 0
        )

    def photo_by_client_uuid(self, client_uuid: str) -> OrderPhoto | None:
        row = self.session.execute(
            select(PHOTOS).where(PHOTOS.c.client_uuid == client_uuid)
        ).first()
        return _photo(row) if row else None

    def add_photo(self, photo: OrderPhoto) -> OrderPhoto:
        values = {k: v for k, v in vars(photo).items() if k != "id"}
        new_id = self.session.connection().scalar(
            insert(PHOTOS).values(values).returning(PHOTOS.c.id)
        )
        return dataclasses.replace(photo, id=new_id)

    def photos_of(self, order_id: int) -> list[OrderPhoto]:
        rows = self.session.execute(
            select(PHOTOS).where(PHOTOS.c.order_id == order_id).order_by(PHOTOS.c.id)
        )
        return [_photo(r) for r in rows]

    # ── the machinery ───────────────────────────────────────────────────────────────────

    def _orders(self, statement: Select[Any]) -> list[ServiceOrder]:
        rows = self.session.execute(statement).mappings().all()
        if not rows:
            return []
        timelines: dict[int, list[TimelineEntry]] = {r["id"]: [] for r in rows}
        for e in self.session.execute(
            select(ENTRIES)
            .where(ENTRIES.c.order_id.in_(list(timelines)))
            .order_by(ENTRIES.c.order_id, ENTRIES.c.seq)
        ).mappings():
            timelines[e["order_id"]].append(_to_entry(e))
        refs = self._refs({i for r in rows for i in (r["grid_org_id"], r["area_org_id"])})
        return [_to_order(r, tuple(timelines[r["id"]]), refs) for r in rows]

    def _refs(self, ids: set[int]) -> dict[int, OrgRef]:
        return {
            r.id: OrgRef(r.id, OrgLevel(r.level), r.path)
            for r in self.session.execute(
                select(OrgUnitRow.id, OrgUnitRow.level, OrgUnitRow.path).where(
                    OrgUnitRow.id.in_(ids)
                )
            )
        }


def _within(order_id: int, scope: Scope) -> Select[Any]:
    return select(ORDERS).where(ORDERS.c.id == order_id, order_scope(scope))


def _state(order: ServiceOrder) -> dict[str, Any]:
    """The columns an action may change."""
    clock = order.clock
    return {
        "status": order.status.value,
        "assignee_id": order.assignee,
        "taker_id": order.taker,
        "step": clock.step.value if clock else None,
        "step_started_at": clock.started_at if clock else None,
        "due": clock.due if clock else None,
        "note": order.note,
        "rating": order.rating.value if order.rating else None,
        "rating_reason": order.rating_reason,
        "updated_at": order.last_at,
        "version": len(order.timeline),
    }


def _entry(order_id: int, e: TimelineEntry) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "seq": e.seq,
        "at": e.at,
        "actor": e.actor,
        "action": e.action.value,
        "from_status": e.from_status.value if e.from_status else None,
        "to_status": e.to_status.value,
        "note": e.note,
        "member_id": e.member_id,
        "due": e.due,
    }


def _to_entry(e: Any) -> TimelineEntry:
    return TimelineEntry(
        seq=e["seq"],
        at=e["at"],
        actor=e["actor"],
        action=OrderAction(e["action"]),
        from_status=OrderStatus(e["from_status"]) if e["from_status"] else None,
        to_status=OrderStatus(e["to_status"]),
        note=e["note"],
        member_id=e["member_id"],
        due=e["due"],
    )


def _to_order(r: Any, timeline: tuple[TimelineEntry, ...], refs: dict[int, OrgRef]) -> ServiceOrder:
    grid = refs[r["grid_org_id"]]
    area = refs[r["area_org_id"]]
    if not is_within(grid.path, area.path):  # a path not yet followed: the grid itself
        area = grid
    return ServiceOrder(
        id=r["id"],
        kind=ServiceKind(r["kind"]),
        text=r["text"],
        source=OrderSource(r["source"]),
        household_id=r["household_id"],
        grid=grid,
        area=area,
        ordered_by=r["ordered_by"],
        status=OrderStatus(r["status"]),
        timeline=timeline,
        assignee=r["assignee_id"],
        taker=r["taker_id"],
        clock=OrderClock(OrderStep(r["step"]), r["step_started_at"], r["due"])
        if r["step"]
        else None,
        note=r["note"],
        rating=Rating(r["rating"]) if r["rating"] else None,
        rating_reason=r["rating_reason"] or "",
        client_ref=r["client_ref"],
    )


def _photo(r: Row[Any]) -> OrderPhoto:
    return OrderPhoto(
        id=r.id,
        order_id=r.order_id,
        content_type=r.content_type,
        size_bytes=r.size_bytes,
        width=r.width,
        height=r.height,
        sha256=r.sha256,
        storage_key=r.storage_key,
        created_by=r.created_by,
        created_at=r.created_at,
        client_uuid=r.client_uuid,
    )
