"""Policy matching (政策明白卡 / 政策落实到户): define policies with rules, see what a household
may be entitled to, list the eligible households of an area, track delivery per household.

Eligibility by a sensitive category (低保, illness …) is itself sensitive: callers who may not
see such categories get counts, not the households, and a household's page leaves such
policies out for them."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.kernel.access import Permission, Scope
from domain.kernel.errors import Conflict, Forbidden, NotFound
from domain.kernel.org import is_within
from domain.kernel.time import local_date
from domain.kernel.unit_of_work import UnitOfWork
from domain.policies.events import (
    PolicyDefined,
    PolicyDeliveryAdvanced,
    PolicyDeliveryStarted,
    PolicyUpdated,
)
from domain.policies.model import (
    Delivery,
    DeliveryStatus,
    Eligibility,
    HouseholdFacts,
    Outcome,
    Policy,
    advance,
    categories_of,
    evaluate,
    facts_of,
    parse_rule,
)
from domain.registers.events import ResidentsSet
from domain.registers.household import (
    SENSITIVE_CATEGORIES,
    CategoryCatalog,
    Resident,
    check_residents,
)


def is_sensitive(policy: Policy) -> bool:
    return bool(categories_of(policy.rule) & SENSITIVE_CATEGORIES)


def create_policy(
    uow: UnitOfWork,
    scope: Scope,
    org_id: int,
    *,
    code: str,
    name: str,
    summary: str,
    rule: Any,
    active: bool,
    at: datetime,
) -> Policy:
    scope.require(Permission.POLICY_WRITE)
    with uow:
        org = uow.orgs.get(org_id, scope)
        parsed = parse_rule(rule, categories=labels(uow))
        if uow.policies.code_taken(org.id, code):
            raise Conflict("policy.code_taken", f"本组织已有代码为 {code} 的政策", field="code")
        policy = uow.policies.add(
            Policy(0, org.id, org.path, code, name, summary, parsed, active),
            created_by=scope.actor,
            at=at,
        )
        uow.emit(
            PolicyDefined(
                actor=scope.actor,
                entity_id=policy.id,
                org_path=org.path,
                at=at,
                after=policy,
            )
        )
        uow.commit()
        return policy


def update_policy(
    uow: UnitOfWork, scope: Scope, policy_id: int, changes: dict[str, Any], *, at: datetime
) -> Policy:
    """Name, summary, rule or active; only by those at or above the policy's org."""
    scope.require(Permission.POLICY_WRITE)
    with uow:
        before = uow.policies.get(policy_id, scope)
        if not scope.covers(before.org_path):
            raise Forbidden("policy.not_yours", "上级制定的政策不能在此修改", field="policy_id")
        if "rule" in changes:
            changes["rule"] = parse_rule(changes["rule"], categories=labels(uow))
        after = dataclasses.replace(before, **changes)
        uow.policies.update(after, at=at)
        uow.emit(
            PolicyUpdated(
                actor=scope.actor,
                entity_id=policy_id,
                org_path=before.org_path,
                at=at,
                before=before,
                after=after,
            )
        )
        uow.commit()
        return after


def get_policy(uow: UnitOfWork, scope: Scope, policy_id: int) -> Policy:
    scope.require(Permission.HOUSEHOLD_READ)
    with uow:
        return uow.policies.get(policy_id, scope)


def policies_of_area(uow: UnitOfWork, scope: Scope, org_id: int) -> list[Policy]:
    """Those that apply in the area (defined on it or above) and those defined below it."""
    scope.require(Permission.HOUSEHOLD_READ)
    with uow:
        org = uow.orgs.get(org_id, scope)
        found = {p.id: p for p in uow.policies.applying_to(org.path)}
        found.update({p.id: p for p in uow.policies.defined_under(org.path)})
        return sorted(found.values(), key=lambda p: (p.org_path.count("/"), p.id))


@dataclass(frozen=True)
class Entitlement:
    policy: Policy
    outcome: Outcome
    delivery: Delivery | None


def _facts(uow: UnitOfWork, household_id: int, at: datetime) -> HouseholdFacts:
    """What the rules read of one household, on the day of ``at``."""
    ((_, categories, size, births),) = uow.policies.facts([household_id])
    return facts_of(categories, size, births, today=local_date(at))


def labels(uow: UnitOfWork) -> Mapping[str, str]:
    """Every category code known here (built-ins and registered extras) with its label."""
    return CategoryCatalog.with_extras(uow.households.known_categories()).labels


def household_entitlements(
    uow: UnitOfWork, scope: Scope, household_id: int, *, at: datetime, everything: bool
) -> list[Entitlement]:
    """The policies a household may be entitled to (eligible or to be checked), with the
    reasons and how far delivery got; ``everything`` adds those it does not meet."""
    scope.require(Permission.HOUSEHOLD_READ)
    with uow:
        household = uow.households.get(household_id, scope)
        org = uow.orgs.get(household.org_id, scope)
        facts = _facts(uow, household.id, at)
        names = labels(uow)
        out = []
        for policy in uow.policies.applying_to(org.path):
            if is_sensitive(policy) and not scope.sees_personal_data:
                continue
            outcome = evaluate(policy.rule, facts, names)
            if outcome.eligibility is Eligibility.NOT_ELIGIBLE and not everything:
                continue
            out.append(Entitlement(policy, outcome, uow.policies.delivery(policy.id, household.id)))
        return out


@dataclass(frozen=True)
class Match:
    household_id: int
    outcome: Outcome
    delivery: Delivery | None


@dataclass(frozen=True)
class Matching:
    policy: Policy
    counts: dict[str, int]  # eligible / unknown / not_eligible / explained / applied / received
    total: int  # households listed under the filters
    items: list[Match]  # each of them, by household id; none when hidden
    hidden: bool  # the rule reads a sensitive category the caller may not see: counts only
    area_path: str  # where they were looked for: the area, or the policy's part of it


def match_area(
    uow: UnitOfWork,
    scope: Scope,
    policy_id: int,
    *,
    org_id: int | None,
    eligibility: frozenset[Eligibility],
    delivery: DeliveryStatus | None,
    undelivered: bool,
    at: datetime,
) -> Matching:
    """The households of an area (default: the caller's reach) the policy applies to, each
    evaluated; counts over all of them, and those under the filters (a list pages them on the
    read side, ``persistence.registers.queries.households_among``)."""
    scope.require(Permission.HOUSEHOLD_READ)
    with uow:
        policy = uow.policies.get(policy_id, scope)
        area = uow.orgs.get(org_id, scope).path if org_id is not None else scope.org_path
        if is_within(policy.org_path, area):
            area = policy.org_path  # the policy covers only part of the area
        elif not is_within(area, policy.org_path):
            raise NotFound(
                "policy.not_in_area", "该政策不适用于此区域", field="org_id"
            )  # disjoint subtrees
        ids = uow.policies.households_in(area, scope)
        names = labels(uow)
        today = local_date(at)
        outcomes = {
            h: evaluate(policy.rule, facts_of(c, s, b, today=today), names)
            for h, c, s, b in uow.policies.facts(ids)
        }
        deliveries = uow.policies.deliveries(policy.id, ids)
        counts = Counter(o.eligibility.value for o in outcomes.values())
        counts.update(d.status.value for d in deliveries.values())
        picked = [
            h
            for h in ids
            if outcomes[h].eligibility in eligibility
            and (delivery is None or (h in deliveries and deliveries[h].status is delivery))
            and not (undelivered and h in deliveries)
        ]
        hidden = is_sensitive(policy) and not scope.sees_personal_data
        return Matching(
            policy,
            {k: counts.get(k, 0) for k in [*Eligibility, *DeliveryStatus]},
            len(picked),
            [] if hidden else [Match(h, outcomes[h], deliveries.get(h)) for h in picked],
            hidden,
            area,
        )


def record_delivery(
    uow: UnitOfWork,
    scope: Scope,
    policy_id: int,
    household_id: int,
    *,
    status: DeliveryStatus,
    note: str,
    at: datetime,
) -> Delivery:
    """政策落实到户: the member or branch records that the policy was explained, applied for
    or received; forward only, and never for a household the rule excludes."""
    scope.require(Permission.VISIT_WRITE)
    with uow:
        policy = uow.policies.get(policy_id, scope)
        household = uow.households.get(household_id, scope)
        org = uow.orgs.get(household.org_id, scope)
        if not policy.active or not is_within(org.path, policy.org_path):
            raise NotFound("policy.not_applicable", "该政策不适用于此户", field="household_id")
        (_, categories, size, births) = next(iter(uow.policies.facts([household.id])))
        outcome = evaluate(
            policy.rule, facts_of(categories, size, births, today=local_date(at)), {}
        )
        before = uow.policies.delivery(policy.id, household.id)
        after = advance(
            before,
            status,
            policy_id=policy.id,
            household_id=household.id,
            eligibility=outcome.eligibility,
            note=note,
            actor=scope.actor,
            at=at,
        )
        uow.policies.put_delivery(after)
        uow.emit(
            (PolicyDeliveryAdvanced if before else PolicyDeliveryStarted)(
                actor=scope.actor,
                household_id=household.id,
                entity_id=f"{policy.id}:{household.id}",
                org_path=org.path,
                at=at,
                before=before,
                after=after,
            )
        )
        uow.commit()
        return after


def residents(uow: UnitOfWork, scope: Scope, household_id: int) -> list[Resident]:
    scope.require(Permission.HOUSEHOLD_READ)
    with uow:
        uow.households.get(household_id, scope)
        return uow.households.residents(household_id)


def set_residents(
    uow: UnitOfWork, scope: Scope, household_id: int, people: list[Resident], *, at: datetime
) -> list[Resident]:
    """Replace the household's residents (the register is kept by the branch)."""
    scope.require(Permission.HOUSEHOLD_WRITE)
    check_residents(people, today=local_date(at))
    with uow:
        household = uow.households.get(household_id, scope)
        before = uow.households.residents(household_id)
        uow.households.set_residents(household_id, people)
        uow.emit(
            ResidentsSet(
                actor=scope.actor,
                entity_id=household_id,
                org_path=uow.visits.household_path(household.id),
                at=at,
                before={"residents": before},
                after={"residents": people},
            )
        )
        uow.commit()
        return people
