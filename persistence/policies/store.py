"""Policies, the household facts their rules read, and deliveries (政策落实到户)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.kernel.access import Scope
from domain.kernel.errors import NotFound
from domain.kernel.org import ancestor_ids, is_within
from domain.policies.model import Delivery, DeliveryStatus, Policy, parse_rule, rule_to_data
from persistence.org.tables import OrgUnitRow
from persistence.policies.tables import PolicyDeliveryRow, PolicyRow
from persistence.registers.tables import HouseholdResidentRow, HouseholdRow, decode_categories
from persistence.scoping import household_scope, in_subtree

CHUNK = 5000  # ids per IN (…): well under SQLite's and PostgreSQL's parameter limits


def _policy(row: PolicyRow, path: str) -> Policy:
    return Policy(
        id=row.id,
        org_id=row.org_id,
        org_path=path,
        code=row.code,
        name=row.name,
        summary=row.summary,
        rule=parse_rule(row.rule, categories=None),  # validated when saved
        active=row.active,
    )


def _delivery(r: PolicyDeliveryRow) -> Delivery:
    return Delivery(
        policy_id=r.policy_id,
        household_id=r.household_id,
        status=DeliveryStatus(r.status),
        explained_at=r.explained_at,
        applied_at=r.applied_at,
        received_at=r.received_at,
        note=r.note,
        updated_by=r.updated_by,
        updated_at=r.updated_at,
    )


class SqlPolicyStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, policy: Policy, *, created_by: str, at: datetime) -> Policy:
        row = PolicyRow(
            org_id=policy.org_id,
            code=policy.code,
            name=policy.name,
            summary=policy.summary,
            rule=rule_to_data(policy.rule),
            active=policy.active,
            created_by=created_by,
            created_at=at,
            updated_at=at,
        )
        self.session.add(row)
        self.session.flush()
        return _policy(row, policy.org_path)

    def code_taken(self, org_id: int, code: str) -> bool:
        found = self.session.scalar(
            select(PolicyRow.id).where(PolicyRow.org_id == org_id, PolicyRow.code == code)
        )
        return found is not None

    def get(self, policy_id: int, scope: Scope) -> Policy:
        """A policy is seen by callers inside its org's subtree (it applies to them) and by
        those above it (they oversee it)."""
        found = self.session.execute(
            select(PolicyRow, OrgUnitRow.path)
            .join(OrgUnitRow, OrgUnitRow.id == PolicyRow.org_id)
            .where(PolicyRow.id == policy_id)
        ).first()
        if found is None or not (scope.covers(found[1]) or is_within(scope.org_path, found[1])):
            raise NotFound("policy.not_found", f"政策 {policy_id} 不存在", field="policy_id")
        return _policy(found[0], found[1])

    def update(self, policy: Policy, *, at: datetime) -> None:
        row = self.session.get_one(PolicyRow, policy.id)
        row.name, row.summary, row.active = policy.name, policy.summary, policy.active
        row.rule = rule_to_data(policy.rule)
        row.updated_at = at
        row.version = PolicyRow.version + 1
        self.session.flush()

    def applying_to(self, path: str) -> list[Policy]:
        """Active policies defined on the node or any of its ancestors."""
        rows = self.session.execute(
            select(PolicyRow, OrgUnitRow.path)
            .join(OrgUnitRow, OrgUnitRow.id == PolicyRow.org_id)
            .where(PolicyRow.org_id.in_(ancestor_ids(path)), PolicyRow.active.is_(True))
            .order_by(PolicyRow.id)
        )
        return [_policy(row, p) for row, p in rows]

    def defined_under(self, path: str) -> list[Policy]:
        """Policies defined on the node or below it, active or not."""
        rows = self.session.execute(
            select(PolicyRow, OrgUnitRow.path)
            .join(OrgUnitRow, OrgUnitRow.id == PolicyRow.org_id)
            .where(in_subtree(OrgUnitRow.path, path))
            .order_by(PolicyRow.id)
        )
        return [_policy(row, p) for row, p in rows]

    def households_in(self, area_path: str, scope: Scope) -> list[int]:
        return list(
            self.session.scalars(
                select(HouseholdRow.id)
                .where(household_scope(scope, area_path))
                .order_by(HouseholdRow.id)
            )
        )

    def facts(
        self, household_ids: Sequence[int]
    ) -> Iterator[tuple[int, frozenset[str], int, list[date]]]:
        """(id, categories, size, residents' birth dates) of each household, in id order."""
        for start in range(0, len(household_ids), CHUNK):
            chunk = household_ids[start : start + CHUNK]
            births: dict[int, list[date]] = defaultdict(list)
            for household_id, born in self.session.execute(
                select(HouseholdResidentRow.household_id, HouseholdResidentRow.birth_date).where(
                    HouseholdResidentRow.household_id.in_(chunk)
                )
            ):
                births[household_id].append(born)
            for household_id, categories, size in self.session.execute(
                select(HouseholdRow.id, HouseholdRow.categories, HouseholdRow.size)
                .where(HouseholdRow.id.in_(chunk))
                .order_by(HouseholdRow.id)
            ):
                yield household_id, decode_categories(categories), size, births[household_id]

    def delivery(self, policy_id: int, household_id: int) -> Delivery | None:
        row = self.session.scalar(
            select(PolicyDeliveryRow).where(
                PolicyDeliveryRow.policy_id == policy_id,
                PolicyDeliveryRow.household_id == household_id,
            )
        )
        return _delivery(row) if row else None

    def deliveries(self, policy_id: int, household_ids: Iterable[int]) -> dict[int, Delivery]:
        ids = list(household_ids)
        out: dict[int, Delivery] = {}
        for start in range(0, len(ids), CHUNK):
            for row in self.session.scalars(
                select(PolicyDeliveryRow).where(
                    PolicyDeliveryRow.policy_id == policy_id,
                    PolicyDeliveryRow.household_id.in_(ids[start : start + CHUNK]),
                )
            ):
                out[row.household_id] = _delivery(row)
        return out

    def put_delivery(self, delivery: Delivery) -> None:
        row = self.session.scalar(
            select(PolicyDeliveryRow).where(
                PolicyDeliveryRow.policy_id == delivery.policy_id,
                PolicyDeliveryRow.household_id == delivery.household_id,
            )
        )
        if row is None:
            row = PolicyDeliveryRow(
                policy_id=delivery.policy_id, household_id=delivery.household_id
            )
            self.session.add(row)
        else:
            row.version = PolicyDeliveryRow.version + 1
        row.status = delivery.status.value
        row.explained_at = delivery.explained_at
        row.applied_at = delivery.applied_at
        row.received_at = delivery.received_at
        row.note = delivery.note
        row.updated_by = delivery.updated_by
        row.updated_at = delivery.updated_at
        self.session.flush()
