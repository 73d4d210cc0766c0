"""Two members take one service order at the same moment (党员接单 from the grid's open list):
exactly one takes it, the other is told it is taken, and the order has one taker and one
taking entry. Really parallel on PostgreSQL (the row lock), serialized on SQLite (its write lock).
Also: the per-card daily limit holds when the household's requests arrive together."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from domain.disclosure import services as disclosure
from domain.kernel.access import Role, Scope
from domain.kernel.errors import Conflict, DomainError, Locked
from domain.service_orders import services as orders
from persistence.disclosure.store import SqlDisclosureUnitOfWork
from persistence.engine import make_engine, make_session_factory
from persistence.unit_of_work import SqlAlchemyUnitOfWork
from tests.builders import AT, ROOT, a_member, build_county


@pytest.fixture
def sessions(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(db_url)
    yield make_session_factory(engine)
    engine.dispose()


def at_once(n: int, call: Callable[[int], Any]) -> list[Any]:
    barrier = threading.Barrier(n)

    def one(i: int) -> Any:
        barrier.wait()
        try:
            return call(i)
        except DomainError as err:
            return err

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def test_of_two_members_taking_one_order_at_once_exactly_one_wins(
    sessions: sessionmaker[Session],
) -> None:
    county = build_county(sessions)
    members = [
        county.member["m1"],
        *(a_member(sessions, county.org["V1"], f"党员{i}") for i in range(3)),
    ]
    with sessions() as s:
        v1 = s.execute(
            text("SELECT path FROM org_units WHERE id = :i"), {"i": county.org["V1"]}
        ).scalar_one()
    placed = orders.order_for_household(
        SqlAlchemyUnitOfWork(sessions),
        ROOT,
        county.household["h3"],
        kind="repair",
        text="修门",
        at=AT,
    )
    order_id = placed.order.id

    def take(i: int) -> Any:
        scope = Scope.for_role(
            role=Role.MEMBER, org_path=v1, actor=f"user:m{i}", member_id=members[i]
        )
        return orders.take(SqlAlchemyUnitOfWork(sessions), scope, order_id, at=AT)

    results = at_once(len(members), take)
    won = [r for r in results if not isinstance(r, DomainError)]
    lost = [r for r in results if isinstance(r, DomainError)]
    assert len(won) == 1, results
    assert all(isinstance(r, Conflict) for r in lost), lost
    with sessions() as s:
        taker, version = s.execute(text("SELECT taker_id, version FROM service_orders")).one()
        takes = s.execute(
            text("SELECT count(*) FROM service_order_timeline WHERE action = 'take'")
        ).scalar_one()
    assert (taker, version, takes) == (won[0].taker, 2, 1)


def test_parallel_card_orders_store_three_a_day(sessions: sessionmaker[Session]) -> None:
    county = build_county(sessions)
    token, _ = disclosure.issue_card_token(
        SqlDisclosureUnitOfWork(sessions), ROOT, county.household["h1"], at=AT
    )

    def order(_: int) -> Any:
        return orders.order_by_card(
            SqlDisclosureUnitOfWork(sessions), token.token, kind="errands", text="代购", at=AT
        )

    results = at_once(8, order)
    assert sum(isinstance(r, Locked) for r in results) == 5, results
    with sessions() as s:
        assert s.execute(text("SELECT count(*) FROM service_orders")).scalar_one() == 3
