"""农户: the household register and its categories."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.common import NO_CONTROL, PathId, query_id
from api.deps import ClockDep, ScopeDep, SessionDep, UowDep, require
from api.households.schemas import (
    CategoryIn,
    CategoryOut,
    HouseholdChangedOut,
    HouseholdIn,
    HouseholdOut,
    HouseholdPage,
    HouseholdUpdate,
)
from api.paging import HouseholdWindow
from domain.kernel.access import Permission
from domain.kernel.errors import Forbidden
from domain.registers import services as registers
from domain.registers.household import (
    BUILTIN_CATEGORY_LABELS,
    SENSITIVE_CATEGORIES,
    CategoryCatalog,
    HouseholdStatus,
)
from persistence.registers.queries import list_households

router = APIRouter(prefix="/households", tags=["households"])
categories_router = APIRouter(prefix="/categories", tags=["households"])


@router.get(
    "",
    response_model=HouseholdPage,
    summary="列出农户",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def list_household_register(
    scope: ScopeDep,
    session: SessionDep,
    uow: UowDep,
    window: HouseholdWindow,
    org_id: Annotated[int | None, query_id("只列此组织子树内的农户")] = None,
    category: Annotated[
        str | None,
        Query(max_length=40, pattern=NO_CONTROL, description="户类代码或名称，如 dibao 或 低保"),
    ] = None,
    building: Annotated[str | None, Query(max_length=50, pattern=NO_CONTROL)] = None,
    status: Annotated[
        HouseholdStatus | None,
        Query(description="在册 active、已迁出 moved_out、已归档 archived；不填为全部"),
    ] = None,
) -> HouseholdPage:
    code = None
    if category is not None:
        with uow:
            code = CategoryCatalog.with_extras(uow.households.known_categories()).resolve(category)
        # Filtering by 低保 or illness reveals the category of every row listed.
        if code in SENSITIVE_CATEGORIES and not scope.sees_personal_data:
            raise Forbidden("household.sensitive_filter", "无权按敏感户类筛选")
    page = list_households(
        session,
        scope,
        window,
        under=org_id,
        category=code,
        building=building,
        status=status.value if status is not None else None,
    )
    return HouseholdPage(
        data=[HouseholdOut.from_domain(h, scope) for h in page.items],
        total=page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.post(
    "",
    response_model=HouseholdOut,
    status_code=201,
    summary="新增农户",
    dependencies=[require(Permission.HOUSEHOLD_WRITE)],
)
def create_household(
    body: HouseholdIn, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> HouseholdOut:
    household = registers.create_household(uow, scope, body.to_domain(), at=clock())
    return HouseholdOut.from_domain(household, scope)


@router.get(
    "/{household_id}",
    response_model=HouseholdOut,
    summary="查看农户",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def get_household(household_id: PathId, scope: ScopeDep, uow: UowDep) -> HouseholdOut:
    with uow:
        return HouseholdOut.from_domain(uow.households.get(household_id, scope), scope)


@router.patch(
    "/{household_id}",
    response_model=HouseholdChangedOut,
    summary="修改农户（含迁出、归档；迁往他村或迁出时结束其联系）",
    dependencies=[require(Permission.HOUSEHOLD_WRITE)],
)
def update_household(
    household_id: PathId, body: HouseholdUpdate, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> HouseholdChangedOut:
    with uow:
        current = uow.households.get(household_id, scope)
    changed = registers.update_household(
        uow, scope, household_id, body.changes(current), at=clock()
    )
    return HouseholdChangedOut.of(changed, scope)


@router.delete(
    "/{household_id}",
    status_code=204,
    summary="删除农户（有走访等记录的不能删除，请改为迁出或归档：409）",
    dependencies=[require(Permission.HOUSEHOLD_WRITE)],
)
def delete_household(
    household_id: PathId, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> Response:
    registers.delete_household(uow, scope, household_id, at=clock())
    return Response(status_code=204)


@categories_router.get(
    "",
    response_model=list[CategoryOut],
    summary="户类列表",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def list_categories(uow: UowDep) -> list[CategoryOut]:
    with uow:
        labels = CategoryCatalog.with_extras(uow.households.known_categories()).labels
    return [
        CategoryOut(
            code=c,
            label=label,
            builtin=c in BUILTIN_CATEGORY_LABELS,
            sensitive=c in SENSITIVE_CATEGORIES,
        )
        for c, label in labels.items()
    ]


@categories_router.post(
    "",
    response_model=CategoryOut,
    status_code=201,
    summary="新增户类",
    dependencies=[require(Permission.SCHEME_WRITE)],
)
def add_category(body: CategoryIn, scope: ScopeDep, uow: UowDep, clock: ClockDep) -> CategoryOut:
    registers.add_category(uow, scope, code=body.code, label=body.label, at=clock())
    return CategoryOut(code=body.code, label=body.label, builtin=False, sensitive=False)
