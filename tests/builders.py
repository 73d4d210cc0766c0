"""Plain builder functions (no factory framework) for a small county and its callers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache

from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from api.security import AccessClaims, hash_password, issue_access_token
from domain.kernel.access import Role, Scope
from domain.kernel.org import OrgLevel
from domain.org import services as orgs
from domain.registers import services as registers
from domain.registers.household import Household
from domain.registers.member import Location, Member, MemberRole
from persistence.accounts.store import create_user
from persistence.unit_of_work import SqlAlchemyUnitOfWork

AT = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
ROOT = Scope.for_role(role=Role.ADMIN, org_path="/", actor="test:root")
PASSWORD = "correct-horse-battery"

# Where builders write: the app of an HTTP test, or the bare session factory of a services test.
Stage = FastAPI | sessionmaker[Session]


def sessions_of(stage: Stage) -> sessionmaker[Session]:
    return stage.state.session_factory if isinstance(stage, FastAPI) else stage


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


def uow(app: Stage) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(sessions_of(app))


def an_org(
    app: Stage, name: str, level: OrgLevel, parent: int | None, code: str | None = None
) -> int:
    return orgs.create(
        uow(app), ROOT, name=name, level=level, parent_id=parent, code=code, external_id=None, at=AT
    ).id


def a_member(app: Stage, org_id: int, name: str = "王建国", **kw: object) -> int:
    member = Member(id=0, org_id=org_id, name=name, **kw)  # type: ignore[arg-type]
    return registers.create_member(uow(app), ROOT, member, at=AT).id


def a_household(app: Stage, grid_id: int, head: str = "李大山", **kw: object) -> int:
    defaults: dict[str, object] = {
        "phone": "13812345678",
        "address": "李家村3组12号",
        "location": Location(30.75, 120.75),
    }
    household = Household(id=0, org_id=grid_id, head_name=head, **{**defaults, **kw})  # type: ignore[arg-type]
    return registers.create_household(uow(app), ROOT, household, at=AT).id


def assign(app: Stage, member_id: int, household_id: int) -> None:
    with sessions_of(app)() as session:
        session.execute(
            text(
                "INSERT INTO assignments (member_id, household_id, started_on) VALUES (:m, :h, :d)"
            ),
            {"m": member_id, "h": household_id, "d": date(2026, 1, 1)},
        )
        session.commit()


@dataclass
class World:
    """County C ─ township T1 ─ village V1 ─ grids G1, G2; township T2 ─ village V2 ─ grid G3.

    m1 (member in V1) looks after h1 and h2 (G1); h3 is on G2; h4 on G3 in the other township.
    """

    app: FastAPI
    org: dict[str, int] = field(default_factory=dict)
    member: dict[str, int] = field(default_factory=dict)
    household: dict[str, int] = field(default_factory=dict)
    users: dict[Role, int] = field(default_factory=dict)

    def path(self, key: str) -> str:
        with self.app.state.session_factory() as session:
            return str(
                session.execute(
                    text("SELECT path FROM org_units WHERE id = :i"), {"i": self.org[key]}
                ).scalar_one()
            )

    def token(
        self,
        role: Role,
        *,
        org: str | None = None,
        member: str | None = None,
        at: datetime = AT,
        ttl: timedelta = timedelta(hours=1000),
    ) -> str:
        home = org or ROLE_HOME[role]
        claims = AccessClaims(
            user_id=self.users.get(role, 1),  # an account that exists: tokens are checked
            username=f"{role.value}@{home}",
            role=role,
            org_path=self.path(home),
            member_id=self.member[member] if member else None,
        )
        return issue_access_token(claims, secret=self.app.state.settings.secret_key, at=at, ttl=ttl)

    def headers(
        self, role: Role, *, org: str | None = None, member: str | None = None
    ) -> dict[str, str]:
        if role is Role.MEMBER and member is None:
            member = "m1"
        return {"Authorization": f"Bearer {self.token(role, org=org, member=member)}"}


def root_headers(app: FastAPI, *, at: datetime = AT) -> dict[str, str]:
    """An administrator over the whole installation (org path ``/``), to build what no user
    of a world may reach: the account ``root``, made on first use (a token is honoured only
    while its account stands)."""
    with app.state.session_factory() as session:
        user_id = session.scalar(text("SELECT id FROM users WHERE username = 'root'"))
        if user_id is None:
            user_id = create_user(
                session,
                username="root",
                password_hash=password_hash(),
                role=Role.ADMIN,
                org_id=None,
                member_id=None,
                at=at,
            ).id
            session.commit()
    claims = AccessClaims(user_id, "root", Role.ADMIN, "/", None)
    token = issue_access_token(
        claims, secret=app.state.settings.secret_key, at=at, ttl=timedelta(days=365)
    )
    return {"Authorization": f"Bearer {token}"}


ROLE_HOME: dict[Role, str] = {
    Role.ADMIN: "C",
    Role.COUNTY_CADRE: "C",
    Role.AUDITOR: "T1",
    Role.TOWNSHIP_CADRE: "T1",
    Role.BRANCH_SECRETARY: "V1",
    Role.VILLAGE_CADRE: "V1",
    Role.GROUP_LEADER: "G1",
    Role.MEMBER: "V1",
}


@dataclass
class County:
    """The registers of a world, without its accounts: county C ─ township T1 ─ village V1 ─
    grids G1, G2; township T2 ─ community V2 ─ grid G3. m1 (member in V1) looks after h1 (低保)
    and h2 (G1); m2 is V1's branch secretary; m3 is in V2; h3 is on G2, h4 on G3."""

    org: dict[str, int] = field(default_factory=dict)
    member: dict[str, int] = field(default_factory=dict)
    household: dict[str, int] = field(default_factory=dict)


def build_county(stage: Stage) -> County:
    """The county written through the services, on an app (HTTP tests) or a bare session
    factory (tests/services)."""
    c = County()
    c.org["C"] = an_org(stage, "示范县", OrgLevel.COUNTY, None, "C")
    c.org["T1"] = an_org(stage, "清河镇", OrgLevel.TOWNSHIP, c.org["C"], "T1")
    c.org["V1"] = an_org(stage, "李家村", OrgLevel.VILLAGE, c.org["T1"], "V1")
    c.org["G1"] = an_org(stage, "第1网格", OrgLevel.GRID, c.org["V1"], "G1")
    c.org["G2"] = an_org(stage, "第2网格", OrgLevel.GRID, c.org["V1"], "G2")
    c.org["T2"] = an_org(stage, "东城街道", OrgLevel.TOWNSHIP, c.org["C"], "T2")
    c.org["V2"] = an_org(stage, "和平社区", OrgLevel.COMMUNITY, c.org["T2"], "V2")
    c.org["G3"] = an_org(stage, "第3网格", OrgLevel.GRID, c.org["V2"], "G3")
    c.member["m1"] = a_member(stage, c.org["V1"], "张三", phone="13900001111", external_id="M1")
    c.member["m2"] = a_member(
        stage,
        c.org["V1"],
        "李四",
        role=MemberRole.BRANCH_SECRETARY,
        phone="13900002222",
        external_id="M2",
    )
    c.member["m3"] = a_member(stage, c.org["V2"], "王五", phone="13900003333", external_id="M3")
    c.household["h1"] = a_household(
        stage, c.org["G1"], "赵一", external_id="H1", categories=frozenset({"dibao"})
    )
    c.household["h2"] = a_household(stage, c.org["G1"], "钱二", external_id="H2")
    c.household["h3"] = a_household(stage, c.org["G2"], "孙三", external_id="H3")
    c.household["h4"] = a_household(stage, c.org["G3"], "周四", external_id="H4")
    assign(stage, c.member["m1"], c.household["h1"])
    assign(stage, c.member["m1"], c.household["h2"])
    return c


def build_world(app: FastAPI) -> World:
    """The county of ``build_county`` with an account for every role (``ROLE_HOME``)."""
    county = build_county(app)
    w = World(app, org=county.org, member=county.member, household=county.household)
    with app.state.session_factory() as session:
        for role, home in ROLE_HOME.items():
            account = create_user(
                session,
                username=role.value,
                password_hash=password_hash(),
                role=role,
                org_id=w.org[home],
                member_id=w.member["m1"] if role is Role.MEMBER else None,
                at=AT,
            )
            w.users[role] = account.id
        session.commit()
    return w
