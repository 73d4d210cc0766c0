"""Logging visits (走访记录) through a real unit of work (no HTTP)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from domain.kernel.access import Role, Scope
from domain.kernel.errors import DomainError
from domain.visits import services as visits
from domain.visits.model import Visit, VisitMode
from persistence.unit_of_work import SqlAlchemyUnitOfWork
from persistence.visits.tables import VisitRow
from tests.builders import AT, ROOT, County

UUID = "6f1c7d52-3f0e-4d59-9a55-0c2b1d7e8a01"


def scope_of_m1(uow: SqlAlchemyUnitOfWork, county: County) -> Scope:
    with uow:
        village = uow.orgs.get(county.org["V1"], ROOT).path
    return Scope.for_role(
        role=Role.MEMBER, org_path=village, actor="user:m1", member_id=county.member["m1"]
    )


def stored_visits(uow: SqlAlchemyUnitOfWork) -> int:
    with uow:
        return int(uow.session.scalar(select(func.count()).select_from(VisitRow)) or 0)


def test_a_visit_sent_twice_with_one_uuid_is_stored_once(
    uow: SqlAlchemyUnitOfWork, county: County
) -> None:
    scope = scope_of_m1(uow, county)
    visit = Visit(
        0,
        county.member["m1"],
        county.household["h1"],
        AT - timedelta(hours=2),
        VisitMode.HOME,
        notes="看望",
    )
    (first,) = visits.log_visits(uow, [visits.VisitLogging(scope, visit, UUID)], at=AT)
    (again,) = visits.log_visits(uow, [visits.VisitLogging(scope, visit, UUID)], at=AT)
    assert isinstance(first, visits.Logged) and not first.duplicate
    assert isinstance(again, visits.Logged) and again.duplicate
    assert again.visit.id == first.visit.id
    assert stored_visits(uow) == 1


def test_one_refused_visit_costs_the_others_of_its_batch_nothing(
    uow: SqlAlchemyUnitOfWork, county: County
) -> None:
    """Only the household's contact member logs a visit (visit.not_contact_member); written
    together, the refused one is answered alone and the good one is stored."""
    scope = scope_of_m1(uow, county)
    own = Visit(
        0, county.member["m1"], county.household["h1"], AT - timedelta(hours=1), VisitMode.PHONE
    )
    not_mine = Visit(
        0, county.member["m1"], county.household["h3"], AT - timedelta(hours=1), VisitMode.HOME
    )
    good, refused = visits.log_visits(
        uow, [visits.VisitLogging(scope, own), visits.VisitLogging(scope, not_mine)], at=AT
    )
    assert isinstance(good, visits.Logged)
    assert isinstance(refused, DomainError)
    assert stored_visits(uow) == 1


def test_a_visit_dated_in_the_future_is_refused(uow: SqlAlchemyUnitOfWork, county: County) -> None:
    scope = scope_of_m1(uow, county)
    later = Visit(
        0, county.member["m1"], county.household["h1"], AT + timedelta(days=2), VisitMode.HOME
    )
    (outcome,) = visits.log_visits(uow, [visits.VisitLogging(scope, later)], at=AT)
    assert isinstance(outcome, DomainError)
    assert stored_visits(uow) == 0
