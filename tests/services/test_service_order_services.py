"""Service orders' use cases on a real SQLite unit of work: suggestions from the registers
(declared skills, home locations, exempt members left out, load counted), who reaches what, and
an order's places following its grid when the tree moves."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from domain.kernel.access import Role, Scope
from domain.kernel.errors import Forbidden, NotFound
from domain.org import services as org
from domain.registers.member import Exemption, ExemptionReason, Location
from domain.service_orders import services as orders
from domain.service_orders.model import OrderStatus
from persistence.unit_of_work import SqlAlchemyUnitOfWork
from tests.builders import AT, ROOT, County, a_member


def path_of(sessions: sessionmaker[Session], org_id: int) -> str:
    with sessions() as s:
        return str(
            s.execute(text("SELECT path FROM org_units WHERE id = :i"), {"i": org_id}).scalar_one()
        )


def member_scope(sessions: sessionmaker[Session], county: County, member: int) -> Scope:
    return Scope.for_role(
        role=Role.MEMBER,
        org_path=path_of(sessions, county.org["V1"]),
        actor=f"user:{member}",
        member_id=member,
    )


def test_suggestions_rank_skills_then_distance_and_leave_exempt_members_out(
    uow: SqlAlchemyUnitOfWork, sessions: sessionmaker[Session], county: County
) -> None:
    v1 = county.org["V1"]
    near = a_member(sessions, v1, "近邻", location=Location(30.751, 120.75))
    plumber = a_member(
        sessions, v1, "水电工", skills=("水电维修",), location=Location(30.8, 120.75)
    )
    a_member(
        sessions,
        v1,
        "病休",
        skills=("水电维修",),
        exemption=Exemption(ExemptionReason.INFIRM, "支部", date(2026, 1, 1)),
    )
    order = orders.order_for_household(
        uow, ROOT, county.household["h1"], kind="repair", text="修水管", at=AT
    ).order
    ranked = orders.suggestions(uow, ROOT, order.id)
    assert [s.name for s in ranked][:2] == ["水电工", "近邻"]
    assert "病休" not in [s.name for s in ranked]
    assert ranked[1].distance_m == 111
    secretary = Scope.for_role(
        role=Role.BRANCH_SECRETARY, org_path=path_of(sessions, v1), actor="user:sec"
    )
    orders.dispatch(uow, secretary, order.id, member_id=plumber, at=AT)
    assert {s.name: s.load for s in orders.suggestions(uow, ROOT, order.id)}["水电工"] == 1
    assert near  # ranked second: nearer, but without the skill


def test_a_member_reaches_his_villages_open_orders_but_not_another_villages(
    uow: SqlAlchemyUnitOfWork, sessions: sessionmaker[Session], county: County
) -> None:
    here = orders.order_for_household(
        uow, ROOT, county.household["h3"], kind="care", text="陪护", at=AT
    ).order
    there = orders.order_for_household(
        uow, ROOT, county.household["h4"], kind="care", text="陪护", at=AT
    ).order
    m1 = member_scope(sessions, county, county.member["m1"])
    assert orders.get_order(uow, m1, here.id).id == here.id  # h3 is not his, but on the list
    with pytest.raises(NotFound):
        orders.get_order(uow, m1, there.id)
    with pytest.raises(NotFound):
        orders.take(uow, m1, there.id, at=AT)
    taken = orders.take(uow, m1, here.id, at=AT + timedelta(minutes=1))
    assert taken.status is OrderStatus.TAKEN and taken.taker == county.member["m1"]


def test_a_rating_by_an_account_is_refused_whoever_it_is(
    uow: SqlAlchemyUnitOfWork, sessions: sessionmaker[Session], county: County
) -> None:
    from domain.issues.model import Rating

    m1 = member_scope(sessions, county, county.member["m1"])
    order = orders.order_for_household(
        uow, m1, county.household["h1"], kind="errands", text="代购", at=AT
    ).order
    orders.take(uow, m1, order.id, at=AT)
    orders.complete(uow, m1, order.id, note="买好了", at=AT)
    for scope in (m1, ROOT):
        with pytest.raises(Forbidden) as err:
            orders.rate(uow, scope, order.id, rating=Rating.SATISFIED, at=AT)
        assert err.value.code == "service_order.not_rater"


def test_an_orders_places_follow_its_village_when_it_moves(
    uow: SqlAlchemyUnitOfWork, sessions: sessionmaker[Session], county: County
) -> None:
    order = orders.order_for_household(
        uow, ROOT, county.household["h1"], kind="care", text="陪护", at=AT
    ).order
    org.move(uow, ROOT, county.org["V1"], parent_id=county.org["T2"], at=AT)
    moved = orders.get_order(uow, ROOT, order.id)
    assert moved.grid.path == path_of(sessions, county.org["G1"])
    assert moved.area.path == path_of(sessions, county.org["V1"])
    assert moved.grid.path.startswith(path_of(sessions, county.org["T2"]))
