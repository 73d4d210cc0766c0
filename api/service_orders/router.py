"""服务订单: 群众点单 → 网格下单 → 党员接单 (seeds/xiangtan-wuge-daohu.txt).

Staff routes under /service-orders (a member orders for a household, the grid dispatches with
suggestions, a member takes, completes with a note and photos); the card page's routes under
/public/cards/{token}/service-orders (no login: the card's token is the credential, as for its
must-attend reports), where a household orders, follows and rates its own orders."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.common import ClientUuid, PathId, QueryBool, query_id
from api.deps import ClockDep, ScopeDep, SessionDep, SettingsDep, UowDep, require
from api.disclosure.card import card_uow, no_store
from api.paging import window_sorted_by
from api.photos.upload import PHOTO_BODY, StorageDep, image_upload
from api.problems import PROBLEM_JSON, Problem
from api.service_orders.schemas import (
    CardOrderKindsOut,
    CompleteIn,
    DispatchIn,
    MemberOrderIn,
    NoteIn,
    OrderIn,
    OrderItemOut,
    OrderOut,
    OrderPage,
    OrderPhotoOut,
    PublicOrderOut,
    RateIn,
    ReasonIn,
    RedispatchIn,
    ServiceKindOut,
    SuggestionOut,
)
from domain.kernel.access import Permission, Scope
from domain.kernel.errors import Forbidden
from domain.service_orders import services as orders
from domain.service_orders.model import KIND_LABELS, OrderStatus, ServiceKind, ServiceOrder
from persistence.paging import Window
from persistence.photos.media import clean_photo
from persistence.service_orders.queries import (
    SORT_FIELDS,
    OrderFilter,
    list_orders,
    member_names,
    order_context,
)

router = APIRouter(prefix="/service-orders", tags=["service-orders"])
household_router = APIRouter(tags=["service-orders"])
public_router = APIRouter(prefix="/public/cards/{token}/service-orders", tags=["service-orders"])

OrderWindow = Annotated[
    Window,
    Depends(
        window_sorted_by("ServiceOrderSort", list(SORT_FIELDS), "due", search="按服务需求模糊搜索")
    ),
]


def _out(
    session: SessionDep, scope: Scope, order: ServiceOrder, clock: ClockDep, *, dup: bool = False
) -> OrderOut:
    return OrderOut.of(order, order_context(session, scope, order), now=clock(), duplicate=dup)


# ── the kinds ─────────────────────────────────────────────────────────────────────────────────


@router.get(
    "/kinds",
    response_model=list[ServiceKindOut],
    summary="服务类型",
    dependencies=[require(Permission.SERVICE_ORDER_READ)],
)
def service_kinds() -> list[ServiceKindOut]:
    return [ServiceKindOut(code=k, label=label) for k, label in KIND_LABELS.items()]


# ── 点单 (a member on the household's behalf) ─────────────────────────────────────────────────


@household_router.post(
    "/households/{household_id}/service-orders",
    response_model=OrderOut,
    status_code=201,
    summary="代农户点单（须选择服务类型）",
    responses={200: {"model": OrderOut, "description": "同一 client_ref 已点过：返回原订单"}},
    dependencies=[require(Permission.SERVICE_ORDER_WRITE)],
)
def order_for_household(
    household_id: PathId,
    body: MemberOrderIn,
    response: Response,
    scope: ScopeDep,
    uow: UowDep,
    session: SessionDep,
    clock: ClockDep,
) -> OrderOut:
    placed = orders.order_for_household(
        uow,
        scope,
        household_id,
        kind=body.kind,
        text=body.text,
        at=clock(),
        client_ref=body.client_ref,
    )
    if not placed.created:
        response.status_code = 200
    return _out(session, scope, placed.order, clock, dup=not placed.created)


# ── lists and one order ───────────────────────────────────────────────────────────────────────


@router.get(
    "",
    response_model=OrderPage,
    summary="服务订单（管辖范围内；可按组织、状态、类型、超期、本人筛选）",
    dependencies=[require(Permission.SERVICE_ORDER_READ)],
)
def list_service_orders(
    scope: ScopeDep,
    session: SessionDep,
    window: OrderWindow,
    clock: ClockDep,
    org_id: Annotated[int | None, query_id("只列此组织子树内网格的订单")] = None,
    household_id: Annotated[int | None, query_id("只列此户的订单")] = None,
    status: Annotated[list[OrderStatus] | None, Query(description="状态，可多选")] = None,
    kind: Annotated[ServiceKind | None, Query(description="服务类型")] = None,
    overdue: Annotated[QueryBool | None, Query(description="true：已超期；false：未超期")] = None,
    mine: Annotated[QueryBool, Query(description="true：派给我或我接的订单（党员本人）")] = False,
    open_list: Annotated[
        QueryBool,
        Query(alias="open", description="true：我所在村（社区）待接单的订单（党员本人）"),
    ] = False,
) -> OrderPage:
    if (mine or open_list) and scope.member_id is None:
        raise Forbidden(
            "service_order.not_member", "只有党员本人有“我的订单”和待接单列表", field="mine"
        )
    wanted = OrderFilter(
        now=clock(),
        under=org_id,
        statuses=tuple(status or ()),
        kind=kind,
        overdue=overdue,
        household_id=household_id,
        member_id=scope.member_id if mine else None,
        open_for=scope.member_id if open_list else None,
    )
    page = list_orders(session, scope, window, wanted)
    return OrderPage(
        data=[OrderItemOut.of(s) for s in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get(
    "/{order_id}",
    response_model=OrderOut,
    summary="服务订单及其进程",
    dependencies=[require(Permission.SERVICE_ORDER_READ)],
)
def get_service_order(
    order_id: PathId, scope: ScopeDep, uow: UowDep, session: SessionDep, clock: ClockDep
) -> OrderOut:
    return _out(session, scope, orders.get_order(uow, scope, order_id), clock)


# ── 网格下单 ───────────────────────────────────────────────────────────────────────────────────


@router.get(
    "/{order_id}/suggestions",
    response_model=list[SuggestionOut],
    summary="派单建议：本村（社区）党员，特长相符优先，再按距离、手头订单数",
    dependencies=[require(Permission.SERVICE_ORDER_DISPATCH)],
)
def suggestions(order_id: PathId, scope: ScopeDep, uow: UowDep) -> list[SuggestionOut]:
    return [SuggestionOut.of(s) for s in orders.suggestions(uow, scope, order_id)]


@router.post(
    "/{order_id}/dispatch",
    response_model=OrderOut,
    summary="派单（网格下单）",
    dependencies=[require(Permission.SERVICE_ORDER_DISPATCH)],
)
def dispatch(
    order_id: PathId,
    body: DispatchIn,
    scope: ScopeDep,
    uow: UowDep,
    session: SessionDep,
    clock: ClockDep,
) -> OrderOut:
    order = orders.dispatch(
        uow, scope, order_id, member_id=body.member_id, at=clock(), note=body.note
    )
    return _out(session, scope, order, clock)


@router.post(
    "/{order_id}/redispatch",
    response_model=OrderOut,
    summary="改派",
    dependencies=[require(Permission.SERVICE_ORDER_DISPATCH)],
)
def redispatch(
    order_id: PathId,
    body: RedispatchIn,
    scope: ScopeDep,
    uow: UowDep,
    session: SessionDep,
    clock: ClockDep,
) -> OrderOut:
    order = orders.redispatch(
        uow, scope, order_id, member_id=body.member_id, reason=body.reason, at=clock()
    )
    return _out(session, scope, order, clock)


# ── 党员接单, 完成, 取消 ────────────────────────────────────────────────────────────────────────


@router.post(
    "/{order_id}/take",
    response_model=OrderOut,
    summary="接单（党员本人）",
    dependencies=[require(Permission.SERVICE_ORDER_WRITE)],
)
def take(
    order_id: PathId,
    body: NoteIn,
    scope: ScopeDep,
    uow: UowDep,
    session: SessionDep,
    clock: ClockDep,
) -> OrderOut:
    order = orders.take(uow, scope, order_id, at=clock(), note=body.note)
    return _out(session, scope, order, clock)


@router.post(
    "/{order_id}/decline",
    response_model=OrderOut,
    summary="退回派单（被派单的党员）",
    dependencies=[require(Permission.SERVICE_ORDER_WRITE)],
)
def decline(
    order_id: PathId,
    body: ReasonIn,
    scope: ScopeDep,
    uow: UowDep,
    session: SessionDep,
    clock: ClockDep,
) -> OrderOut:
    order = orders.decline(uow, scope, order_id, reason=body.reason, at=clock())
    return _out(session, scope, order, clock)


@router.post(
    "/{order_id}/release",
    response_model=OrderOut,
    summary="放弃接单（接单党员，退回待接单）",
    dependencies=[require(Permission.SERVICE_ORDER_WRITE)],
)
def release(
    order_id: PathId,
    body: ReasonIn,
    scope: ScopeDep,
    uow: UowDep,
    session: SessionDep,
    clock: ClockDep,
) -> OrderOut:
    order = orders.release(uow, scope, order_id, reason=body.reason, at=clock())
    return _out(session, scope, order, clock)


@router.post(
    "/{order_id}/complete",
    response_model=OrderOut,
    summary="完成服务（接单党员，填写服务情况；照片另行上传）",
    dependencies=[require(Permission.SERVICE_ORDER_WRITE)],
)
def complete(
    order_id: PathId,
    body: CompleteIn,
    scope: ScopeDep,
    uow: UowDep,
    session: SessionDep,
    clock: ClockDep,
) -> OrderOut:
    order = orders.complete(uow, scope, order_id, note=body.note, at=clock())
    return _out(session, scope, order, clock)


@router.post(
    "/{order_id}/cancel",
    response_model=OrderOut,
    summary="取消订单（点单人或网格及以上）",
    dependencies=[require(Permission.SERVICE_ORDER_WRITE)],
)
def cancel(
    order_id: PathId,
    body: ReasonIn,
    scope: ScopeDep,
    uow: UowDep,
    session: SessionDep,
    clock: ClockDep,
) -> OrderOut:
    order = orders.cancel(uow, scope, order_id, reason=body.reason, at=clock())
    return _out(session, scope, order, clock)


# ── photos ────────────────────────────────────────────────────────────────────────────────────


@router.post(
    "/{order_id}/photos",
    response_model=OrderPhotoOut,
    status_code=201,
    summary="上传服务照片（接单党员；JPEG/PNG/WebP；去除 EXIF 位置信息；每单最多 9 张）",
    dependencies=[require(Permission.SERVICE_ORDER_WRITE)],
    responses={
        200: {"model": OrderPhotoOut, "description": "同一 client_uuid 已上传过"},
        415: {"model": Problem, "content": {PROBLEM_JSON: {}}},
    },
    openapi_extra=PHOTO_BODY,
)
async def add_photo(
    order_id: PathId,
    request: Request,
    response: Response,
    scope: ScopeDep,
    uow: UowDep,
    clock: ClockDep,
    settings: SettingsDep,
    storage: StorageDep,
    client_uuid: Annotated[
        ClientUuid | None, Query(description="客户端为这次上传生成的 UUID（不分大小写）")
    ] = None,
) -> OrderPhotoOut:
    data, content_type = await image_upload(request)
    photo, duplicate = await run_in_threadpool(
        orders.add_order_photo,
        uow,
        storage,
        clean_photo,
        scope,
        order_id,
        data=data,
        content_type=content_type,
        max_bytes=settings.photo_max_bytes,
        at=clock(),
        client_uuid=client_uuid,
    )
    if duplicate:
        response.status_code = 200
    return OrderPhotoOut.of(photo, duplicate=duplicate)


@router.get(
    "/{order_id}/photos",
    response_model=list[OrderPhotoOut],
    summary="服务照片",
    dependencies=[require(Permission.SERVICE_ORDER_READ)],
)
def order_photos(order_id: PathId, scope: ScopeDep, uow: UowDep) -> list[OrderPhotoOut]:
    return [OrderPhotoOut.of(p) for p in orders.order_photos(uow, scope, order_id)]


@router.get(
    "/{order_id}/photos/{photo_id}",
    summary="服务照片文件",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "image/webp": {}}}},
    dependencies=[require(Permission.SERVICE_ORDER_READ)],
)
def photo_file(
    order_id: PathId, photo_id: PathId, scope: ScopeDep, uow: UowDep, storage: StorageDep
) -> Response:
    photo, data = orders.photo_bytes(uow, storage, scope, order_id, photo_id)
    return Response(
        data,
        media_type=photo.content_type,
        headers={"Cache-Control": "private, max-age=86400", "ETag": f'"{photo.sha256}"'},
    )


# ── the card page (no login) ──────────────────────────────────────────────────────────────────


def _public(request: Request, order: ServiceOrder) -> PublicOrderOut:
    ids = {i for i in (order.taker, order.assignee) if i is not None}
    with request.app.state.session_factory() as session:
        names = member_names(session, ids)
    return PublicOrderOut.of(order, names)


@public_router.get(
    "/kinds",
    response_model=CardOrderKindsOut,
    summary="联心卡可预约的服务类型（扫码，无需登录）",
)
def card_kinds(token: str, request: Request, response: Response) -> CardOrderKindsOut:
    orders.card_orders(card_uow(request), token)  # a forged or revoked token: 404
    no_store(response)
    return CardOrderKindsOut(
        kinds=[ServiceKindOut(code=k, label=label) for k, label in KIND_LABELS.items()],
        per_day=orders.CARD_ORDERS_A_DAY,
    )


@public_router.get(
    "",
    response_model=list[PublicOrderOut],
    summary="本户预约的服务及进度（扫码，无需登录）",
)
def card_orders(token: str, request: Request, response: Response) -> list[PublicOrderOut]:
    found = orders.card_orders(card_uow(request), token)
    no_store(response)
    return [_public(request, o) for o in found]


@public_router.post(
    "",
    response_model=PublicOrderOut,
    status_code=201,
    summary="农户通过联心卡预约服务（扫码，无需登录；须选择服务类型；每卡每天 3 次）",
)
def order_by_card(
    token: str, body: OrderIn, request: Request, response: Response, clock: ClockDep
) -> PublicOrderOut:
    order = orders.order_by_card(
        card_uow(request), token, kind=body.kind, text=body.text, at=clock()
    )
    no_store(response)
    return _public(request, order)


@public_router.get(
    "/{order_id}",
    response_model=PublicOrderOut,
    summary="本户的一项服务及进度（扫码，无需登录）",
)
def card_order(
    token: str, order_id: PathId, request: Request, response: Response
) -> PublicOrderOut:
    order = orders.card_order(card_uow(request), token, order_id)
    no_store(response)
    return _public(request, order)


@public_router.post(
    "/{order_id}/rate",
    response_model=PublicOrderOut,
    summary="农户评价服务（满意 / 基本满意 / 不满意）",
)
def rate_by_card(
    token: str,
    order_id: PathId,
    body: RateIn,
    request: Request,
    response: Response,
    clock: ClockDep,
) -> PublicOrderOut:
    order = orders.rate_by_card(
        card_uow(request), token, order_id, rating=body.rating, at=clock(), reason=body.reason
    )
    no_store(response)
    return _public(request, order)


@public_router.post(
    "/{order_id}/cancel",
    response_model=PublicOrderOut,
    summary="农户取消预约",
)
def cancel_by_card(
    token: str,
    order_id: PathId,
    body: ReasonIn,
    request: Request,
    response: Response,
    clock: ClockDep,
) -> PublicOrderOut:
    order = orders.cancel_by_card(
        card_uow(request), token, order_id, reason=body.reason, at=clock()
    )
    no_store(response)
    return _public(request, order)
