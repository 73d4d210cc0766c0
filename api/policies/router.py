"""政策明白卡: policies with eligibility rules, what a household may be entitled to, the
eligible households of an area, and delivery per household (政策落实到户)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.common import PathId, QueryBool, query_id
from api.deps import ClockDep, ScopeDep, SessionDep, UowDep, require
from api.households.schemas import HouseholdOut
from api.paging import MatchWindow
from api.policies.schemas import (
    DeliveryIn,
    DeliveryOut,
    EntitlementOut,
    MatchOut,
    MatchPage,
    PolicyChange,
    PolicyIn,
    PolicyOut,
    ResidentOut,
    ResidentsIn,
)
from domain.kernel.access import Permission, Scope
from domain.kernel.time import local_date
from domain.policies import services as policies
from domain.policies.model import (
    ELIGIBILITY_LABELS,
    DeliveryStatus,
    Eligibility,
    Outcome,
    age_on,
)
from domain.registers.household import RELATION_LABELS, Resident
from persistence.registers.queries import households_among

router = APIRouter(tags=["policies"])


def _residents_out(people: list[Resident], scope: Scope, today: date) -> list[ResidentOut]:
    return [
        ResidentOut(
            relation=r.relation,
            relation_label=RELATION_LABELS[r.relation],
            age=age_on(r.birth_date, today),
            birth_date=r.birth_date if scope.sees_personal_data else None,
            gender=r.gender,
        )
        for r in people
    ]


def _labels(uow: UowDep) -> dict[str, str]:
    with uow:
        return dict(policies.labels(uow))


def _outcome(o: Outcome) -> dict[str, Any]:
    return {
        "eligibility": o.eligibility,
        "eligibility_label": ELIGIBILITY_LABELS[o.eligibility],
        "reasons": list(o.reasons),
    }


@router.post(
    "/org-units/{org_id}/policies",
    response_model=PolicyOut,
    status_code=201,
    summary="新增政策（含资格规则）",
    dependencies=[require(Permission.POLICY_WRITE)],
)
def create_policy(
    org_id: PathId, body: PolicyIn, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> PolicyOut:
    policy = policies.create_policy(
        uow,
        scope,
        org_id,
        code=body.code,
        name=body.name,
        summary=body.summary,
        rule=body.rule,
        active=body.active,
        at=clock(),
    )
    return PolicyOut.from_domain(policy, _labels(uow))


@router.get(
    "/org-units/{org_id}/policies",
    response_model=list[PolicyOut],
    summary="区域适用及下级制定的政策",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def area_policies(org_id: PathId, scope: ScopeDep, uow: UowDep) -> list[PolicyOut]:
    labels = _labels(uow)
    return [PolicyOut.from_domain(p, labels) for p in policies.policies_of_area(uow, scope, org_id)]


@router.get(
    "/policies/{policy_id}",
    response_model=PolicyOut,
    summary="政策",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def get_policy(policy_id: PathId, scope: ScopeDep, uow: UowDep) -> PolicyOut:
    return PolicyOut.from_domain(policies.get_policy(uow, scope, policy_id), _labels(uow))


@router.patch(
    "/policies/{policy_id}",
    response_model=PolicyOut,
    summary="修改政策（名称、内容、规则、启用）",
    dependencies=[require(Permission.POLICY_WRITE)],
)
def update_policy(
    policy_id: PathId, body: PolicyChange, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> PolicyOut:
    policy = policies.update_policy(uow, scope, policy_id, body.changes(), at=clock())
    return PolicyOut.from_domain(policy, _labels(uow))


@router.get(
    "/policies/{policy_id}/households",
    response_model=MatchPage,
    summary="区域内符合（或待核实）该政策的农户及落实情况",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def policy_households(
    policy_id: PathId,
    scope: ScopeDep,
    uow: UowDep,
    session: SessionDep,
    window: MatchWindow,
    clock: ClockDep,
    org_id: Annotated[int | None, query_id("区域；默认为本人管辖范围")] = None,
    eligibility: Annotated[
        list[Eligibility] | None, Query(description="默认 eligible 与 unknown")
    ] = None,
    delivery: Annotated[DeliveryStatus | None, Query(description="只列落实到此状态的")] = None,
    undelivered: Annotated[QueryBool, Query(description="只列尚未宣讲的")] = False,
) -> MatchPage:
    """规则涉及敏感户类而调用者无个人信息权限时不列名单（households_hidden）：
    total 为筛选条件下的全部户数，q 不起作用——按姓名计数就会透露谁属于该户类。"""
    matching = policies.match_area(
        uow,
        scope,
        policy_id,
        org_id=org_id,
        eligibility=frozenset(eligibility or (Eligibility.ELIGIBLE, Eligibility.UNKNOWN)),
        delivery=delivery,
        undelivered=undelivered,
        at=clock(),
    )
    matches = {m.household_id: m for m in matching.items}
    page = households_among(session, scope, matching.area_path, matches, window)
    return MatchPage(
        policy=PolicyOut.from_domain(matching.policy, _labels(uow)),
        counts=matching.counts,
        data=[
            MatchOut(
                household=HouseholdOut.from_domain(h, scope),
                delivery=DeliveryOut.from_domain(matches[h.id].delivery),
                **_outcome(matches[h.id].outcome),
            )
            for h in page.items
        ],
        households_hidden=matching.hidden,
        total=matching.total if matching.hidden else page.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.put(
    "/policies/{policy_id}/households/{household_id}/delivery",
    response_model=DeliveryOut,
    summary="登记政策落实到户（已宣讲 → 已申请 → 已享受）",
    dependencies=[require(Permission.VISIT_WRITE)],
)
def record_delivery(
    policy_id: PathId,
    household_id: PathId,
    body: DeliveryIn,
    scope: ScopeDep,
    uow: UowDep,
    clock: ClockDep,
) -> DeliveryOut:
    delivery = policies.record_delivery(
        uow, scope, policy_id, household_id, status=body.status, note=body.note, at=clock()
    )
    out = DeliveryOut.from_domain(delivery)
    assert out is not None
    return out


@router.get(
    "/households/{household_id}/policies",
    response_model=list[EntitlementOut],
    summary="该户可能享受的政策（附依据与落实情况）",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def household_policies(
    household_id: PathId,
    scope: ScopeDep,
    uow: UowDep,
    clock: ClockDep,
    all: Annotated[QueryBool, Query(description="也列出不符合的政策")] = False,
) -> list[EntitlementOut]:
    found = policies.household_entitlements(uow, scope, household_id, at=clock(), everything=all)
    labels = _labels(uow)
    return [
        EntitlementOut(
            policy=PolicyOut.from_domain(e.policy, labels),
            delivery=DeliveryOut.from_domain(e.delivery),
            **_outcome(e.outcome),
        )
        for e in found
    ]


@router.get(
    "/households/{household_id}/residents",
    response_model=list[ResidentOut],
    summary="家庭成员（关系与年龄，用于政策匹配）",
    dependencies=[require(Permission.HOUSEHOLD_READ)],
)
def get_residents(
    household_id: PathId, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> list[ResidentOut]:
    people = policies.residents(uow, scope, household_id)
    return _residents_out(people, scope, local_date(clock()))


@router.put(
    "/households/{household_id}/residents",
    response_model=list[ResidentOut],
    summary="登记家庭成员（整体替换）",
    dependencies=[require(Permission.HOUSEHOLD_WRITE)],
)
def put_residents(
    household_id: PathId, body: ResidentsIn, scope: ScopeDep, uow: UowDep, clock: ClockDep
) -> list[ResidentOut]:
    now = clock()
    people = [Resident(r.relation, r.birth_date, r.gender) for r in body.residents]
    stored = policies.set_residents(uow, scope, household_id, people, at=now)
    return _residents_out(stored, scope, local_date(now))
