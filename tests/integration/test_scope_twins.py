"""The scope rules in two places agree: persistence.scoping's SQL (every list and lookup) and
``Scope.sees_household`` / ``sees_member`` in Python (a batch of visits from many callers,
each checked against its own), over every household and member for callers of every kind."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi import FastAPI
from sqlalchemy import select, text

from domain.kernel.access import Role, Scope
from persistence.registers.tables import HouseholdRow, MemberRow
from persistence.scoping import household_scope, member_scope
from persistence.visits.store import SqlVisitStore
from tests.builders import World

CALLERS = [
    (Role.ADMIN, "C", None),
    (Role.TOWNSHIP_CADRE, "T1", None),
    (Role.BRANCH_SECRETARY, "V1", None),
    (Role.BRANCH_SECRETARY, "V2", None),
    (Role.MEMBER, "V1", "m1"),  # looks after h1 and h2
    (Role.MEMBER, "V1", "m2"),  # looked after h3 until this spring: nobody today
]


@pytest.mark.parametrize(("role", "org", "member"), CALLERS)
def test_python_and_sql_see_the_same_households_and_members(
    app: FastAPI, world: World, role: Role, org: str, member: str | None
) -> None:
    scope = Scope.for_role(
        role=role,
        org_path=world.path(org),
        actor="test",
        member_id=world.member[member] if member else None,
    )
    with app.state.session_factory() as session:
        session.execute(
            text(
                "INSERT INTO assignments (member_id, household_id, started_on, ended_on) "
                "VALUES (:m, :h, :s, :e)"
            ),
            {
                "m": world.member["m2"],
                "h": world.household["h3"],
                "s": date(2025, 1, 1),
                "e": date(2026, 4, 1),
            },
        )
        session.commit()
    households = sorted(world.household.values())
    members = sorted(world.member.values())
    with app.state.session_factory() as session:
        sql_households = set(session.scalars(select(HouseholdRow.id).where(household_scope(scope))))
        sql_members = set(session.scalars(select(MemberRow.id).where(member_scope(scope))))
        pairs = [(h, m) for h in households for m in members]
        facts = SqlVisitStore(session).facts([(h, m, date(2026, 11, 25)) for h, m in pairs])
    py_households = {
        h
        for (h, _), f in zip(pairs, facts, strict=True)
        if f.household_path and scope.sees_household(f.household_path, f.contact_id)
    }
    py_members = {
        m
        for (_, m), f in zip(pairs, facts, strict=True)
        if f.member_path and scope.sees_member(f.member_path, m)
    }
    assert py_households == sql_households
    assert py_members == sql_members
    if member != "m2":
        assert sql_households, "the caller sees some household"
