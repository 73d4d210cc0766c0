"""Service orders' use cases (群众点单 → 网格下单 → 党员接单) on the unit of work.

As the issue flow's (domain.issues.services): each opens the unit of work, reads the order locked
(a second action at the same moment waits, then meets the order as the first left it: of two
members taking one order at once, one takes it and the other is told it is taken), lets the model
act, saves the state and the new timeline entries (``save`` refuses a version that moved
meanwhile) and emits one event per entry. Who may act is the model's rule (the grid or above
dispatches, the member it was sent to or any member of the village takes, the taker completes, the
household rates); these add the permission, the scope (an order of a household outside the
caller's subtree is NotFound, as the household is) and what the model is told.

A household acts through its contact card (联心卡): the token is the credential
(``domain.issues.services.card_holder``); it places at most ``CARD_ORDERS_A_DAY`` orders a day,
follows them and rates them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Final

from domain.disclosure.services import DisclosureUnitOfWork
from domain.issues.model import Actor, Rating
from domain.issues.services import CardHolder, card_holder
from domain.kernel.access import Permission, Scope
from domain.kernel.errors import Conflict, Forbidden, Locked, NotFound, RuleBroken
from domain.kernel.org import ancestor_ids
from domain.kernel.time import CHINA, local_date
from domain.kernel.unit_of_work import UnitOfWork
from domain.photos.model import PHOTO_TYPES, check_room, check_upload
from domain.photos.ports import PhotoCleaner, PhotoStorage
from domain.registers.household import HOUSEHOLD_STATUS_LABELS, Household
from domain.service_orders.events import ServiceOrderPhotoAdded, changes
from domain.service_orders.model import (
    OrderPhoto,
    OrderSource,
    OrderStatus,
    ServiceKind,
    ServiceOrder,
    place_order,
)
from domain.service_orders.rules import OrderTimetable, Suggestion, suggest

# A lost or copied card must not flood the grid with orders: as many a day as matters raised
# through it (domain.issues.services.CARD_ISSUES_A_DAY; ours).
CARD_ORDERS_A_DAY: Final = 3
CARD_ORDERS_SHOWN: Final = 20  # the card page shows the household's latest orders


@dataclass(frozen=True)
class Placed:
    order: ServiceOrder
    created: bool  # False: placed before under the same client_ref: that order


def _timetable(uow: UnitOfWork) -> OrderTimetable:
    """The time limits (ours, see rules) counted on the issue flow's work calendar."""
    return OrderTimetable(uow.work_calendar.get())


def _actor(uow: UnitOfWork, scope: Scope) -> Actor:
    """The caller as the model sees him: the org he acts for (his own; none for an
    installation-wide account) and the member he is."""
    ids = ancestor_ids(scope.org_path)
    org = uow.service_orders.place_of(ids[-1])[0] if ids else None
    return Actor(scope.actor, org=org, member_id=scope.member_id)


def _save(uow: UnitOfWork, before: ServiceOrder, after: ServiceOrder) -> ServiceOrder:
    uow.service_orders.save(after, stored_entries=len(before.timeline))
    uow.emit(*changes(before, after, request_id=None))
    return after


Acting = Callable[[ServiceOrder, Actor, UnitOfWork], ServiceOrder]


def _act(
    uow: UnitOfWork, scope: Scope, order_id: int, step: Acting, permission: Permission
) -> ServiceOrder:
    scope.require(permission)
    with uow:
        before = uow.service_orders.get_locked(order_id, scope)
        after = _save(uow, before, step(before, _actor(uow, scope), uow))
        uow.commit()
        return after


def get_order(uow: UnitOfWork, scope: Scope, order_id: int) -> ServiceOrder:
    scope.require(Permission.SERVICE_ORDER_READ)
    with uow:
        return uow.service_orders.get(order_id, scope)


# ── 群众点单 ───────────────────────────────────────────────────────────────────────────────────


def order_for_household(
    uow: UnitOfWork,
    scope: Scope,
    household_id: int,
    *,
    kind: ServiceKind | str | None,
    text: str,
    at: datetime,
    client_ref: str | None = None,
) -> Placed:
    """A member (or the branch) places an order on a household's behalf: a household the
    caller may reach (an ordinary member's own). A ``client_ref`` sent again gives the order
    it placed the first time."""
    scope.require(Permission.SERVICE_ORDER_WRITE)
    with uow:
        if client_ref is not None and (
            seen := uow.service_orders.by_client_ref(scope.actor, client_ref)
        ):
            return Placed(seen, created=False)
        household = uow.households.get(household_id, scope)
        _active(household)
        by = _actor(uow, scope)
        order = _new(uow, household, kind, text, OrderSource.MEMBER, by, at, client_ref)
        stored = uow.service_orders.add(order)
        if stored is None:  # the same client_ref placed by another request meanwhile
            assert client_ref is not None
            found = uow.service_orders.by_client_ref(scope.actor, client_ref)
            if found is None:
                raise Conflict("service_order.stale", "该订单刚被提交，请刷新", field="client_ref")
            return Placed(found, created=False)
        return Placed(_placed(uow, stored), created=True)


def _new(
    uow: UnitOfWork,
    household: Household,
    kind: ServiceKind | str | None,
    text: str,
    source: OrderSource,
    by: Actor,
    at: datetime,
    client_ref: str | None = None,
) -> ServiceOrder:
    grid, area = uow.service_orders.place_of(household.org_id)
    return place_order(
        kind=kind,
        text=text,
        household_id=household.id,
        grid=grid,
        area=area,
        source=source,
        by=by,
        at=at,
        timetable=_timetable(uow),
        client_ref=client_ref,
    )


def _active(household: Household) -> None:
    if not household.active:  # moved out or archived: nobody is there to serve
        raise RuleBroken(
            "household.not_active",
            f"农户 {household.head_name}{HOUSEHOLD_STATUS_LABELS[household.status]}，不再受理点单",
            field="household_id",
        )


def _placed(uow: UnitOfWork, stored: ServiceOrder) -> ServiceOrder:
    uow.emit(*changes(None, stored))
    uow.commit()
    return stored


# ── the household, through its contact card ───────────────────────────────────────────────────


def order_by_card(
    uow: DisclosureUnitOfWork,
    token: str,
    *,
    kind: ServiceKind | str | None,
    text: str,
    at: datetime,
) -> ServiceOrder:
    """The household orders a service itself, on its card page (no account): it must choose
    the kind (nothing is chosen for it); its grid receives it. At most ``CARD_ORDERS_A_DAY`` a
    day (China time), counted under a lock per household so parallel requests are counted in
    turn and exactly the limit is stored."""
    holder = card_holder(uow, token)
    with uow:
        uow.service_orders.lock_card_orders(holder.household_id)
        start = datetime.combine(local_date(at), time(), CHINA)
        midnight = start + timedelta(days=1)
        sent = uow.service_orders.count_ordered_by(holder.actor.ref, since=start, until=midnight)
        if sent >= CARD_ORDERS_A_DAY:
            raise Locked(
                "service_order.card_daily_limit",
                f"今天已通过联心卡预约 {sent} 次服务，请明天再来或直接联系党员",
                retry_after_seconds=max(1, int((midnight - at).total_seconds())),
            )
        household = uow.households.get(holder.household_id, holder.scope)
        _active(household)
        order = _new(uow, household, kind, text, OrderSource.HOUSEHOLD_CARD, holder.actor, at)
        stored = uow.service_orders.add(order)
        assert stored is not None  # no client_ref: nothing to skip it for
        return _placed(uow, stored)


def card_orders(uow: DisclosureUnitOfWork, token: str) -> list[ServiceOrder]:
    """The household's latest orders, newest first, as its card page shows them."""
    holder = card_holder(uow, token)
    with uow:
        return list(uow.service_orders.of_household(holder.household_id, CARD_ORDERS_SHOWN))


def card_order(uow: DisclosureUnitOfWork, token: str, order_id: int) -> ServiceOrder:
    holder = card_holder(uow, token)
    with uow:
        return _own(uow.service_orders.get(order_id, holder.scope), holder)


def rate_by_card(
    uow: DisclosureUnitOfWork,
    token: str,
    order_id: int,
    *,
    rating: Rating,
    at: datetime,
    reason: str = "",
) -> ServiceOrder:
    """The household rates the service done for it (满意 / 基本满意 / 不满意, with a reason)."""
    holder = card_holder(uow, token)
    with uow:
        before = _own(uow.service_orders.get_locked(order_id, holder.scope), holder)
        after = before.rate(rating=rating, by=holder.actor, at=at, reason=reason)
        _save(uow, before, after)
        uow.commit()
        return after


def cancel_by_card(
    uow: DisclosureUnitOfWork, token: str, order_id: int, *, reason: str, at: datetime
) -> ServiceOrder:
    holder = card_holder(uow, token)
    with uow:
        before = _own(uow.service_orders.get_locked(order_id, holder.scope), holder)
        after = before.cancel(reason=reason, by=holder.actor, at=at)
        _save(uow, before, after)
        uow.commit()
        return after


def _own(order: ServiceOrder, holder: CardHolder) -> ServiceOrder:
    if order.household_id != holder.household_id:
        raise NotFound("service_order.not_found", f"服务订单 {order.id} 不存在", field="order_id")
    return order


# ── 网格下单 ───────────────────────────────────────────────────────────────────────────────────


def suggestions(uow: UnitOfWork, scope: Scope, order_id: int) -> list[Suggestion]:
    """Whom to send the order to: the members of its village, ranked (rules.suggest)."""
    scope.require(Permission.SERVICE_ORDER_DISPATCH)
    with uow:
        order = uow.service_orders.get(order_id, scope)
        location = uow.service_orders.household_location(order.household_id)
        return suggest(order.kind, location, uow.service_orders.candidates(order.area.path))


def dispatch(
    uow: UnitOfWork, scope: Scope, order_id: int, *, member_id: int, at: datetime, note: str = ""
) -> ServiceOrder:
    def step(order: ServiceOrder, by: Actor, uow: UnitOfWork) -> ServiceOrder:
        worker = uow.service_orders.worker(member_id)
        return order.dispatch(to=worker, by=by, at=at, timetable=_timetable(uow), note=note)

    return _act(uow, scope, order_id, step, Permission.SERVICE_ORDER_DISPATCH)


def redispatch(
    uow: UnitOfWork, scope: Scope, order_id: int, *, member_id: int, reason: str, at: datetime
) -> ServiceOrder:
    def step(order: ServiceOrder, by: Actor, uow: UnitOfWork) -> ServiceOrder:
        worker = uow.service_orders.worker(member_id)
        return order.redispatch(to=worker, reason=reason, by=by, at=at, timetable=_timetable(uow))

    return _act(uow, scope, order_id, step, Permission.SERVICE_ORDER_DISPATCH)


# ── 党员接单, 完成 ──────────────────────────────────────────────────────────────────────────────


def take(
    uow: UnitOfWork, scope: Scope, order_id: int, *, at: datetime, note: str = ""
) -> ServiceOrder:
    """The caller, a member, takes the order (接单)."""
    if scope.member_id is None:
        scope.require(Permission.SERVICE_ORDER_WRITE)
        raise Forbidden("service_order.not_member", "只有党员本人能接单", field="action")
    member_id = scope.member_id

    def step(order: ServiceOrder, by: Actor, uow: UnitOfWork) -> ServiceOrder:
        worker = uow.service_orders.worker(member_id)
        return order.take(by=by, worker=worker, at=at, timetable=_timetable(uow), note=note)

    return _act(uow, scope, order_id, step, Permission.SERVICE_ORDER_WRITE)


def decline(
    uow: UnitOfWork, scope: Scope, order_id: int, *, reason: str, at: datetime
) -> ServiceOrder:
    return _act(
        uow,
        scope,
        order_id,
        lambda o, by, uow: o.decline(reason=reason, by=by, at=at, timetable=_timetable(uow)),
        Permission.SERVICE_ORDER_WRITE,
    )


def release(
    uow: UnitOfWork, scope: Scope, order_id: int, *, reason: str, at: datetime
) -> ServiceOrder:
    return _act(
        uow,
        scope,
        order_id,
        lambda o, by, uow: o.release(reason=reason, by=by, at=at, timetable=_timetable(uow)),
        Permission.SERVICE_ORDER_WRITE,
    )


def complete(
    uow: UnitOfWork, scope: Scope, order_id: int, *, note: str, at: datetime
) -> ServiceOrder:
    return _act(
        uow,
        scope,
        order_id,
        lambda o, by, _: o.complete(note=note, by=by, at=at),
        Permission.SERVICE_ORDER_WRITE,
    )


def cancel(
    uow: UnitOfWork, scope: Scope, order_id: int, *, reason: str, at: datetime
) -> ServiceOrder:
    return _act(
        uow,
        scope,
        order_id,
        lambda o, by, _: o.cancel(reason=reason, by=by, at=at),
        Permission.SERVICE_ORDER_WRITE,
    )


def rate(
    uow: UnitOfWork, scope: Scope, order_id: int, *, rating: Rating, at: datetime, reason: str = ""
) -> ServiceOrder:
    """A rating sent by an account: only the household rates (through its card), so this is
    refused by the model (``service_order.not_rater``) for anyone; kept so the API says so."""
    return _act(
        uow,
        scope,
        order_id,
        lambda o, by, _: o.rate(rating=rating, by=by, at=at, reason=reason),
        Permission.SERVICE_ORDER_WRITE,
    )


# ── photos ────────────────────────────────────────────────────────────────────────────────────

PHOTO_STATUSES: Final = frozenset({OrderStatus.TAKEN, OrderStatus.DONE})


def add_order_photo(
    uow: UnitOfWork,
    storage: PhotoStorage,
    clean: PhotoCleaner,
    scope: Scope,
    order_id: int,
    *,
    data: bytes,
    content_type: str,
    max_bytes: int,
    at: datetime,
    client_uuid: str | None = None,
) -> tuple[OrderPhoto, bool]:
    """A photo of the service, by the member who took it, while he does it or once done: the
    photos feature's checks, cleaning and storage (as ``domain.issues.services.add_issue_photo``).
    Returns (the photo, whether it was stored before under the same ``client_uuid``)."""
    scope.require(Permission.SERVICE_ORDER_WRITE)
    check_upload(content_type, len(data), max_bytes=max_bytes)
    with uow:  # refuse an order out of reach before spending time on decoding
        _photo_room(uow.service_orders.get(order_id, scope), scope)
        seen = uow.service_orders.photo_by_client_uuid(client_uuid) if client_uuid else None
    if seen is not None:
        if seen.order_id != order_id:
            raise Conflict("photo.uuid_reused", "该 UUID 已用于另一张照片", field="client_uuid")
        return seen, True
    photo = clean(data, content_type)
    key = f"serviceorders/{order_id}/{uuid.uuid4().hex}.{PHOTO_TYPES[content_type]}"
    with uow:
        order = _photo_room(uow.service_orders.get_locked(order_id, scope), scope)
        check_room(uow.service_orders.photo_count(order_id), per="每个订单", field="order_id")
        storage.put(key, photo.data)
        try:
            stored = uow.service_orders.add_photo(
                OrderPhoto(
                    id=0,
                    order_id=order_id,
                    content_type=photo.content_type,
                    size_bytes=len(photo.data),
                    width=photo.width,
                    height=photo.height,
                    sha256=photo.sha256,
                    storage_key=key,
                    created_by=scope.actor,
                    created_at=at,
                    client_uuid=client_uuid,
                )
            )
            uow.emit(
                ServiceOrderPhotoAdded(
                    actor=scope.actor,
                    entity_id=stored.id,
                    household_id=order.household_id,
                    org_path=order.grid.path,
                    at=at,
                    after=stored,
                )
            )
            uow.commit()
        except BaseException:
            storage.delete(key)
            raise
        return stored, False


def _photo_room(order: ServiceOrder, scope: Scope) -> ServiceOrder:
    if order.status not in PHOTO_STATUSES:
        raise RuleBroken(
            "service_order.no_photos_now", "只有服务中或已完成的订单能添加照片", field="order_id"
        )
    if scope.member_id is None or scope.member_id != order.taker:
        raise Forbidden("service_order.not_taker", "只有接单的党员能添加服务照片", field="order_id")
    return order


def order_photos(uow: UnitOfWork, scope: Scope, order_id: int) -> list[OrderPhoto]:
    scope.require(Permission.SERVICE_ORDER_READ)
    with uow:
        uow.service_orders.get(order_id, scope)
        return uow.service_orders.photos_of(order_id)


def photo_bytes(
    uow: UnitOfWork, storage: PhotoStorage, scope: Scope, order_id: int, photo_id: int
) -> tuple[OrderPhoto, bytes]:
    scope.require(Permission.SERVICE_ORDER_READ)
    with uow:
        uow.service_orders.get(order_id, scope)
        photo = next((p for p in uow.service_orders.photos_of(order_id) if p.id == photo_id), None)
    if photo is None:
        raise NotFound("photo.not_found", f"照片 {photo_id} 不存在", field="photo_id")
    return photo, storage.get(photo.storage_key)
