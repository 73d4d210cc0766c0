"""The services tier: use cases against a real SQLite unit of work, no HTTP and no app.

Each test gets a fresh migrated SQLite file (a copy of the session's template) and the small
county of ``tests.builders.build_world``, written through the services themselves. HTTP tests
(``tests/e2e``) keep the contract, the scopes and bad input; rules that need a database but no
request are cheaper here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from domain.kernel.org import OrgLevel
from domain.registers.member import MemberRole
from domain.schemes import services as schemes
from domain.schemes.model import SchemeCode
from persistence.engine import make_engine, make_session_factory
from persistence.unit_of_work import SqlAlchemyUnitOfWork
from tests.builders import AT, ROOT, a_household, a_member, an_org, assign
from tests.conftest import fresh_database


@pytest.fixture
def sessions(_template: str, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(fresh_database(_template, tmp_path / "services.db"))
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def uow(sessions: sessionmaker[Session]) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(sessions)


class County:
    """County C ─ township T1 ─ village V1 ─ grids G1, G2; township T2 ─ village V2 ─ grid G3,
    under 1+6+N. m1 looks after h1 (G1); h2 is on G2, h3 on G3 in the other township;
    s1 is V1's branch secretary."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.org: dict[str, int] = {}
        self.org["C"] = an_org(sessions, "示范县", OrgLevel.COUNTY, None, "C")
        self.org["T1"] = an_org(sessions, "清河镇", OrgLevel.TOWNSHIP, self.org["C"], "T1")
        self.org["V1"] = an_org(sessions, "李家村", OrgLevel.VILLAGE, self.org["T1"], "V1")
        self.org["G1"] = an_org(sessions, "第1网格", OrgLevel.GRID, self.org["V1"], "G1")
        self.org["G2"] = an_org(sessions, "第2网格", OrgLevel.GRID, self.org["V1"], "G2")
        self.org["T2"] = an_org(sessions, "东城街道", OrgLevel.TOWNSHIP, self.org["C"], "T2")
        self.org["V2"] = an_org(sessions, "和平社区", OrgLevel.COMMUNITY, self.org["T2"], "V2")
        self.org["G3"] = an_org(sessions, "第3网格", OrgLevel.GRID, self.org["V2"], "G3")
        self.m1 = a_member(sessions, self.org["V1"], "张三")
        self.s1 = a_member(sessions, self.org["V1"], "李四", role=MemberRole.BRANCH_SECRETARY)
        self.h1 = a_household(sessions, self.org["G1"], "赵一")
        self.h2 = a_household(sessions, self.org["G2"], "钱二")
        self.h3 = a_household(sessions, self.org["G3"], "孙三")
        assign(sessions, self.m1, self.h1)
        schemes.bind(
            SqlAlchemyUnitOfWork(sessions),
            ROOT,
            self.org["C"],
            scheme=SchemeCode.ONE_SIX_N,
            overrides={},
            at=AT,
        )


@pytest.fixture
def county(sessions: sessionmaker[Session]) -> County:
    return County(sessions)
