"""双向公示: contact cards (党群联心卡) and their QR tokens, the village board, the printable sheet,
and the public card behind a QR code (no login: the unguessable token is the credential)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from api.common import PathId
from api.deps import ClaimsDep, ClockDep, ScopeDep, SettingsDep, require, scope_of
from api.disclosure.card import card_uow, no_store
from api.disclosure.pages import (
    PAGE_HEADERS,
    card_matters_section,
    card_orders_section,
    card_sheet_page,
    message_page,
    message_page_back,
    not_found_page,
    public_card_page,
)
from api.disclosure.schemas import (
    BoardOut,
    CardEventKindsOut,
    CardEventOut,
    CardOut,
    CardTokenOut,
    PrintLinkOut,
    PublicCardOut,
)
from api.issues.schemas import CardIssueIn, CardIssueOut, CardRatingIn
from api.must_attend.schemas import EventIn
from api.security import issue_link_token, read_link_token
from api.service_orders.schemas import OrderIn, PublicOrderOut, RateIn
from api.validation_messages import zh_message
from domain.disclosure import services as disclosure
from domain.disclosure.model import card_url
from domain.issues import services as issues
from domain.issues.model import RATING_LABELS, Rating
from domain.kernel.access import Permission
from domain.kernel.errors import (
    DomainError,
    Forbidden,
    Invalid,
    Locked,
    NotFound,
    Unauthenticated,
)
from domain.kernel.time import CHINA, local_date
from domain.must_attend import services as must_attend
from domain.service_orders import services as service_orders
from domain.service_orders.model import KIND_LABELS as ORDER_KIND_LABELS
from domain.service_orders.model import ServiceOrder
from persistence.service_orders.queries import member_names

router = APIRouter(tags=["disclosure"])
public_router = APIRouter(prefix="/public", tags=["disclosure"])
page_router = APIRouter(include_in_schema=False)  # /c/{token}, /print/…, outside /api/v1
PRINT_LINK_TTL = timedelta(minutes=10)


@router.post(
    "/households/{household_id}/card-token",
    response_model=CardTokenOut,
    status_code=201,
    summary="生成联心卡二维码（旧码随即失效）",
    dependencies=[require(Permission.HOUSEHOLD_WRITE)],
)
def issue_card_token(
    household_id: PathId,
    request: Request,
    response: Response,
    scope: ScopeDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> CardTokenOut:
    token, revoked = disclosure.issue_card_token(card_uow(request), scope, household_id, at=clock())
    no_store(response)
    return CardTokenOut(
        household_id=household_id,
        token=token.token,
        url=card_url(settings.public_base_url, token.token),
        created_at=token.created_at,
        revoked_previous=len(revoked),
    )


@router.delete(
    "/households/{household_id}/card-token",
    status_code=204,
    summary="作废联心卡二维码",
    dependencies=[require(Permission.HOUSEHOLD_WRITE)],
)
def revoke_card_token(
    household_id: PathId, request: Request, scope: ScopeDep, clock: ClockDep
) -> Response:
    disclosure.revoke_card_token(card_uow(request), scope, household_id, at=clock())
    return Response(status_code=204)


@router.get(
    "/households/{household_id}/card",
    response_model=CardOut,
    summary="查看农户的党群联心卡",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def get_household_card(
    household_id: PathId,
    request: Request,
    response: Response,
    scope: ScopeDep,
    settings: SettingsDep,
) -> CardOut:
    card, token = disclosure.household_card(card_uow(request), scope, household_id)
    no_store(response)
    url = card_url(settings.public_base_url, token.token) if token else None
    return CardOut.of(household_id, card, token, url)


@router.get(
    "/org-units/{org_id}/board",
    response_model=BoardOut,
    summary="党务公开栏：党员及其联系户（脱敏）",
    dependencies=[require(Permission.ORG_READ, Permission.HOUSEHOLD_READ)],
)
def get_village_board(org_id: PathId, request: Request, scope: ScopeDep) -> BoardOut:
    return BoardOut.of(org_id, disclosure.board(card_uow(request), scope, org_id))


@router.get(
    "/org-units/{org_id}/cards.html",
    response_class=HTMLResponse,
    summary="打印本村（网格）全部党群联心卡（A4）",
    description="缺少二维码的农户在同一事务中生成，记一条审计。含党员完整电话，须 personal:read。",
    dependencies=[require(Permission.HOUSEHOLD_WRITE, Permission.PERSONAL_DATA)],
    responses={200: {"content": {"text/html": {}}, "description": "可打印的 HTML 页面"}},
)
def print_cards(
    org_id: PathId, request: Request, scope: ScopeDep, clock: ClockDep, settings: SettingsDep
) -> HTMLResponse:
    at = clock()
    area, cards = disclosure.print_cards(card_uow(request), scope, org_id, at=at)
    page = card_sheet_page(
        area.name,
        [(c, card_url(settings.public_base_url, c.token)) for c in cards],
        printed_on=local_date(at),
    )
    return HTMLResponse(page, headers=PAGE_HEADERS)


@router.post(
    "/org-units/{org_id}/cards-link",
    response_model=PrintLinkOut,
    status_code=201,
    summary="打印本村全部联心卡的临时链接（10 分钟内有效，无需再带令牌即可在新窗口打开）",
    description="链接只用于打印这一区域的联心卡，带着生成人的权限，打印时照常记审计。"
    "仅登录用户可生成（API 密钥请直接调用 cards.html）。",
    dependencies=[require(Permission.HOUSEHOLD_WRITE, Permission.PERSONAL_DATA)],
)
def cards_link(
    org_id: PathId,
    request: Request,
    response: Response,
    scope: ScopeDep,
    claims: ClaimsDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> PrintLinkOut:
    area = disclosure.printable_area(card_uow(request), scope, org_id)
    at = clock()
    token = issue_link_token(
        claims, "cards", area.id, secret=settings.secret_key, at=at, ttl=PRINT_LINK_TTL
    )
    no_store(response)
    return PrintLinkOut(url=f"/print/cards/{token}", expires_at=at + PRINT_LINK_TTL)


@public_router.get(
    "/cards/{token}",
    response_model=PublicCardOut,
    summary="公开的党群联心卡（扫码，无需登录）",
)
def get_public_card(token: str, request: Request, response: Response) -> PublicCardOut:
    card = disclosure.public_card(card_uow(request), token)
    no_store(response)
    return PublicCardOut.from_domain(card)


@public_router.get(
    "/cards/{token}/event-kinds",
    response_model=CardEventKindsOut,
    summary="联心卡可报告的必到事项（扫码，无需登录）",
)
def card_event_kinds(token: str, request: Request, response: Response) -> CardEventKindsOut:
    kinds = must_attend.card_event_kinds(card_uow(request), token)
    no_store(response)
    return CardEventKindsOut(kinds=list(kinds), per_day=must_attend.CARD_REPORTS_A_DAY)


@public_router.post(
    "/cards/{token}/events",
    response_model=CardEventOut,
    status_code=201,
    summary="农户通过联心卡报告必到事项（扫码，无需登录；每卡每天 3 次）",
)
def report_by_card(
    token: str, body: EventIn, request: Request, response: Response, clock: ClockDep
) -> CardEventOut:
    """The household tells its contact member of an event (五必到) itself; the member gets the
    task with the scheme's deadline, as for any report."""
    event = must_attend.report_by_card(
        card_uow(request), token, kind=body.kind, note=body.note, at=clock()
    )
    no_store(response)
    return CardEventOut(
        kind=event.kind, note=event.note, reported_at=event.reported_at, deadline=event.deadline
    )


@page_router.get("/c/{token}", response_class=HTMLResponse)
def public_card_html(token: str, request: Request) -> HTMLResponse:
    try:
        card = disclosure.public_card(card_uow(request), token)
        kinds = must_attend.card_event_kinds(card_uow(request), token)
    except NotFound:
        return HTMLResponse(not_found_page(), status_code=404, headers=PAGE_HEADERS)
    page = public_card_page(
        card,
        report_to=f"/c/{token}/events",
        kinds=kinds,
        matters=_card_matters(token, request),
        orders=_card_orders(token, request),
    )
    return HTMLResponse(page, headers=PAGE_HEADERS)


@page_router.post("/c/{token}/events", response_class=HTMLResponse)
def report_by_card_form(
    token: str,
    request: Request,
    clock: ClockDep,
    kind: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """The card page's form (``POST /public/cards/{token}/events`` for a browser): every answer
    is a page."""
    try:
        body = EventIn.model_validate({"kind": kind, "note": note})
        event = must_attend.report_by_card(
            card_uow(request), token, kind=body.kind, note=body.note, at=clock()
        )
    except NotFound:
        return HTMLResponse(not_found_page(), status_code=404, headers=PAGE_HEADERS)
    except ValidationError as err:
        message = zh_message(err.errors()[0])
        return HTMLResponse(
            message_page("未能报告", message), status_code=422, headers=PAGE_HEADERS
        )
    except DomainError as err:
        return HTMLResponse(
            message_page("未能报告", err.message),
            status_code=429 if isinstance(err, Locked) else 422,
            headers=PAGE_HEADERS,
        )
    deadline = event.deadline.astimezone(CHINA).strftime("%m月%d日 %H:%M")
    return HTMLResponse(
        message_page("已报告", f"已告诉联系党员：{event.kind}。党员将在 {deadline} 前上门。"),
        status_code=201,
        headers=PAGE_HEADERS,
    )


@page_router.get("/print/cards/{token}", response_class=HTMLResponse)
def print_cards_by_link(
    token: str, request: Request, clock: ClockDep, settings: SettingsDep
) -> HTMLResponse:
    """The card sheet behind a print link (``POST /org-units/{id}/cards-link``): opened in a
    browser tab, so its refusals are pages too."""
    at = clock()
    try:
        claims, org_id = read_link_token(token, "cards", secret=settings.secret_key, at=at)
        area, cards = disclosure.print_cards(card_uow(request), scope_of(claims), org_id, at=at)
    except Unauthenticated:
        return HTMLResponse(
            message_page("打印链接已失效", "链接已过期或无效，请回到管理后台重新点击“打印”。"),
            status_code=401,
            headers=PAGE_HEADERS,
        )
    except (Forbidden, NotFound):
        return HTMLResponse(
            message_page("无法打印", "该区域不存在，或您已无权打印它的联心卡。"),
            status_code=403,
            headers=PAGE_HEADERS,
        )
    page = card_sheet_page(
        area.name,
        [(c, card_url(settings.public_base_url, c.token)) for c in cards],
        printed_on=local_date(at),
    )
    return HTMLResponse(page, headers=PAGE_HEADERS)


# ── the household's matters (问题办理) on the card page: forms for a browser, every answer a
# page (``/public/cards/{token}/issues…`` for a client) ───────────────────────────────────────


def _card_matters(token: str, request: Request) -> str:
    """The card page's matters section: the form to raise one, the household's matters with
    their steps and answers, and the rating form where the answer awaits its rating."""
    found = issues.card_issues(card_uow(request), token)
    offered = issues.card_categories(card_uow(request), token)
    return card_matters_section(
        [CardIssueOut.of(i, issues.category_labels()) for i in found],
        list(offered.items()),
        raise_to=f"/c/{token}/issues",
        rate_to=lambda issue_id: f"/c/{token}/issues/{issue_id}/rating",
        per_day=issues.CARD_ISSUES_A_DAY,
    )


def _refused(title: str, err: Exception) -> HTMLResponse:
    """A refusal as a page: a form's bad field (422), the daily limit (429 with Retry-After)."""
    if isinstance(err, ValidationError):
        return HTMLResponse(
            message_page(title, zh_message(err.errors()[0])), status_code=422, headers=PAGE_HEADERS
        )
    assert isinstance(err, DomainError)
    headers = dict(PAGE_HEADERS)
    if isinstance(err, Locked) and err.retry_after_seconds:
        headers["Retry-After"] = str(err.retry_after_seconds)
    return HTMLResponse(
        message_page(title, err.message),
        status_code=429 if isinstance(err, Locked) else 422 if isinstance(err, Invalid) else 409,
        headers=headers,
    )


@page_router.post("/c/{token}/issues", response_class=HTMLResponse)
def raise_by_card_form(
    token: str,
    request: Request,
    clock: ClockDep,
    category: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """The card page's form to raise a matter (``POST /public/cards/{token}/issues`` for a
    browser)."""
    try:
        body = CardIssueIn.model_validate({"category": category, "title": title, "text": text})
        issue = issues.raise_by_card(
            card_uow(request),
            token,
            title=body.title,
            text=body.text,
            category=body.category,
            at=clock(),
        )
    except NotFound:
        return HTMLResponse(not_found_page(), status_code=404, headers=PAGE_HEADERS)
    except (ValidationError, DomainError) as err:
        return _refused("未能提交", err)
    return HTMLResponse(
        message_page_back(
            "已提交",
            f"您反映的“{issue.title}”已交给网格办理，办理进度和答复可回到联心卡查看。",
            f"/c/{token}",
        ),
        status_code=201,
        headers=PAGE_HEADERS,
    )


@page_router.post("/c/{token}/issues/{issue_id}/rating", response_class=HTMLResponse)
def rate_by_card_form(
    token: str,
    issue_id: PathId,
    request: Request,
    clock: ClockDep,
    rating: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """The card page's rating form (``POST /public/cards/{token}/issues/{id}/rating`` for a
    browser): 不满意 sends the matter back to be handled again."""
    try:
        body = CardRatingIn.model_validate({"rating": rating, "reason": reason})
        issue = issues.rate_by_card(
            card_uow(request), token, issue_id, rating=body.rating, at=clock(), reason=body.reason
        )
    except NotFound:
        return HTMLResponse(not_found_page(), status_code=404, headers=PAGE_HEADERS)
    except (ValidationError, DomainError) as err:
        return _refused("未能评价", err)
    again = "，将重新办理" if body.rating is Rating.DISSATISFIED else ""
    return HTMLResponse(
        message_page_back(
            "已评价",
            f"您对“{issue.title}”的评价：{RATING_LABELS[body.rating]}{again}。",
            f"/c/{token}",
        ),
        headers=PAGE_HEADERS,
    )


# ── the household's service orders (预约服务: 群众点单) on the card page: forms for a browser,
# every answer a page (``/public/cards/{token}/service-orders…`` for a client) ───────────────


def _shown_order(request: Request, order: ServiceOrder) -> PublicOrderOut:
    ids = {i for i in (order.taker, order.assignee) if i is not None}
    with request.app.state.session_factory() as session:
        names = member_names(session, ids)
    return PublicOrderOut.of(order, names)


def _card_orders(token: str, request: Request) -> str:
    """The card page's service-orders section: the form to order one, the household's orders
    with their progress, and the rating form where the order awaits its rating."""
    found = service_orders.card_orders(card_uow(request), token)
    return card_orders_section(
        [_shown_order(request, o) for o in found],
        [(k.value, label) for k, label in ORDER_KIND_LABELS.items()],
        order_to=f"/c/{token}/service-orders",
        rate_to=lambda order_id: f"/c/{token}/service-orders/{order_id}/rate",
        per_day=service_orders.CARD_ORDERS_A_DAY,
    )


@page_router.post("/c/{token}/service-orders", response_class=HTMLResponse)
def order_by_card_form(
    token: str,
    request: Request,
    clock: ClockDep,
    order_kind: Annotated[str, Form()] = "",
    order_text: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """The card page's form to order a service (``POST /public/cards/{token}/service-orders``
    for a browser; its fields ``order_kind`` and ``order_text``): the kind must be chosen; at
    most ``CARD_ORDERS_A_DAY`` a day."""
    try:
        body = OrderIn.model_validate({"kind": order_kind or None, "text": order_text})
        order = service_orders.order_by_card(
            card_uow(request), token, kind=body.kind, text=body.text, at=clock()
        )
    except NotFound:
        return HTMLResponse(not_found_page(), status_code=404, headers=PAGE_HEADERS)
    except (ValidationError, DomainError) as err:
        return _refused("未能预约", err)
    return HTMLResponse(
        message_page_back(
            "已预约",
            f"您预约的“{ORDER_KIND_LABELS[order.kind]}”已交给网格派党员上门，"
            "服务进度可回到联心卡查看。",
            f"/c/{token}",
        ),
        status_code=201,
        headers=PAGE_HEADERS,
    )


@page_router.post("/c/{token}/service-orders/{order_id}/rate", response_class=HTMLResponse)
def rate_order_by_card_form(
    token: str,
    order_id: PathId,
    request: Request,
    clock: ClockDep,
    rating: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """The card page's rating of a done service order (``POST /public/cards/{token}/
    service-orders/{id}/rate`` for a browser)."""
    try:
        body = RateIn.model_validate({"rating": rating, "reason": reason})
        order = service_orders.rate_by_card(
            card_uow(request), token, order_id, rating=body.rating, at=clock(), reason=body.reason
        )
    except NotFound:
        return HTMLResponse(not_found_page(), status_code=404, headers=PAGE_HEADERS)
    except (ValidationError, DomainError) as err:
        return _refused("未能评价", err)
    return HTMLResponse(
        message_page_back(
            "已评价",
            f"您对“{ORDER_KIND_LABELS[order.kind]}”服务的评价：{RATING_LABELS[body.rating]}。",
            f"/c/{token}",
        ),
        headers=PAGE_HEADERS,
    )
