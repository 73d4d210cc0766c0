"""联户模式: the five presets and each area's effective scheme."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.common import PathId
from api.deps import ClockDep, ScopeDep, UowDep, require
from api.schemes.schemas import EffectiveSchemeOut, SchemeBindingIn, SchemeOut
from domain.kernel.access import Permission
from domain.kernel.errors import NotFound
from domain.schemes import services as schemes
from domain.schemes.model import PRESETS, SchemeCode

router = APIRouter(tags=["schemes"])


@router.get(
    "/schemes",
    response_model=list[SchemeOut],
    summary="内置联户模式",
    dependencies=[require(Permission.SCHEME_READ)],
)
def list_schemes() -> list[SchemeOut]:
    return [SchemeOut.from_domain(s) for s in PRESETS.values()]


@router.get(
    "/schemes/{code}",
    response_model=SchemeOut,
    summary="查看联户模式",
    dependencies=[require(Permission.SCHEME_READ)],
)
def get_scheme(code: str) -> SchemeOut:
    try:
        return SchemeOut.from_domain(PRESETS[SchemeCode(code)])
    except ValueError:
        raise NotFound("scheme.not_found", f"没有联户模式 {code}", field="code") from None


@router.get(
    "/org-units/{org_id}/scheme",
    response_model=EffectiveSchemeOut,
    summary="组织当前适用的联户模式（含继承与覆盖）",
    dependencies=[require(Permission.SCHEME_READ)],
)
def get_effective_scheme(org_id: PathId, scope: ScopeDep, uow: UowDep) -> EffectiveSchemeOut:
    return EffectiveSchemeOut.from_domain(org_id, schemes.effective_for(uow, scope, org_id))


@router.put(
    "/org-units/{org_id}/scheme",
    response_model=EffectiveSchemeOut,
    summary="选择联户模式或覆盖参数",
    dependencies=[require(Permission.SCHEME_WRITE)],
)
def put_scheme(
    org_id: PathId, body: SchemeBindingIn, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> EffectiveSchemeOut:
    result = schemes.bind(
        uow, scope, org_id, scheme=body.scheme, overrides=body.overrides, at=clock()
    )
    return EffectiveSchemeOut.from_domain(org_id, result)


@router.delete(
    "/org-units/{org_id}/scheme",
    status_code=204,
    summary="取消本级的模式选择与参数覆盖（恢复继承上级）",
    dependencies=[require(Permission.SCHEME_WRITE)],
)
def delete_scheme_binding(
    org_id: PathId, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> Response:
    schemes.unbind(uow, scope, org_id, at=clock())
    return Response(status_code=204)
