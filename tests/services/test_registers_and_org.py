"""The org tree's and the registers' use cases, through a real unit of work (no HTTP)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.kernel.access import Role, Scope
from domain.kernel.errors import Conflict, RuleBroken
from domain.org import services as orgs
from domain.registers import services as registers
from domain.visits import services as visits
from domain.visits.model import Visit, VisitMode
from persistence.unit_of_work import SqlAlchemyUnitOfWork
from tests.builders import AT, ROOT, County


def path(uow: SqlAlchemyUnitOfWork, org_id: int) -> str:
    with uow:
        return uow.orgs.get(org_id, ROOT).path


def member_scope(uow: SqlAlchemyUnitOfWork, county: County) -> Scope:
    return Scope.for_role(
        role=Role.MEMBER,
        org_path=path(uow, county.org["V1"]),
        actor="user:m1",
        member_id=county.member["m1"],
    )


def test_a_unit_cannot_move_under_its_own_descendant(
    uow: SqlAlchemyUnitOfWork, county: County
) -> None:
    before = path(uow, county.org["G1"])
    with pytest.raises(RuleBroken) as refused:
        orgs.move(uow, ROOT, county.org["V1"], parent_id=county.org["G1"], at=AT)
    assert refused.value.code == "org.cyclic_move"
    assert path(uow, county.org["G1"]) == before


def test_a_moved_village_takes_its_grids_along(uow: SqlAlchemyUnitOfWork, county: County) -> None:
    orgs.move(uow, ROOT, county.org["V1"], parent_id=county.org["T2"], at=AT)
    village = path(uow, county.org["V1"])
    assert village.startswith(path(uow, county.org["T2"]))
    assert path(uow, county.org["G1"]) == f"{village}{county.org['G1']}/"


def test_moving_a_household_to_another_village_ends_its_assignment(
    uow: SqlAlchemyUnitOfWork, county: County
) -> None:
    changed = registers.update_household(
        uow, ROOT, county.household["h1"], {"org_id": county.org["G3"]}, at=AT
    )
    assert changed.ended_assignment is not None
    with uow:
        assert uow.visits.contact_of(county.household["h1"]) is None


def test_moving_a_household_within_its_village_keeps_its_contact(
    uow: SqlAlchemyUnitOfWork, county: County
) -> None:
    changed = registers.update_household(
        uow, ROOT, county.household["h1"], {"org_id": county.org["G2"]}, at=AT
    )
    assert changed.ended_assignment is None
    with uow:
        assert uow.visits.contact_of(county.household["h1"]) == county.member["m1"]


def test_a_visited_household_cannot_be_deleted(uow: SqlAlchemyUnitOfWork, county: County) -> None:
    """The 民情日志 is a record: a household with visits is marked moved out, never deleted."""
    visit = Visit(
        0, county.member["m1"], county.household["h1"], AT - timedelta(hours=1), VisitMode.HOME
    )
    (logged,) = visits.log_visits(
        uow, [visits.VisitLogging(member_scope(uow, county), visit)], at=AT
    )
    assert isinstance(logged, visits.Logged)
    with pytest.raises(Conflict) as refused:
        registers.delete_household(uow, ROOT, county.household["h1"], at=AT)
    assert refused.value.code == "household.has_history"
    with uow:
        assert uow.households.get(county.household["h1"], ROOT).head_name == "赵一"


def test_a_household_never_visited_can_be_deleted(
    uow: SqlAlchemyUnitOfWork, county: County
) -> None:
    registers.delete_household(uow, ROOT, county.household["h3"], at=AT)
    with uow, pytest.raises(Exception, match="不存在"):
        uow.households.get(county.household["h3"], ROOT)
