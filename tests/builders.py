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


def build_world(app: FastAPI) -> World:
    w = World(app)
    w.org["C"] = an_org(app, "示范县", OrgLevel.COUNTY, None, "C")
    w.org["T1"] = an_org(app, "清河镇", OrgLevel.TOWNSHIP, w.org["C"], "T1")
    w.org["V1"] = an_org(app, "李家村", OrgLevel.VILLAGE, w.org["T1"], "V1")
    w.org["G1"] = an_org(app, "第1网格", OrgLevel.GRID, w.org["V1"], "G1")
    w.org["G2"] = an_org(app, "第2网格", OrgLevel.GRID, w.org["V1"], "G2")
    w.org["T2"] = an_org(app, "东城街道", OrgLevel.TOWNSHIP, w.org["C"], "T2")
    w.org["V2"] = an_org(app, "和平社区", OrgLevel.COMMUNITY, w.org["T2"], "V2")
    w.org["G3"] = an_org(app, "第3网格", OrgLevel.GRID, w.org["V2"], "G3")
    w.member["m1"] = a_member(app, w.org["V1"], "张三", phone="13900001111", external_id="M1")
    w.member["m2"] = a_member(
        app,
        w.org["V1"],
        "李四",
        role=MemberRole.BRANCH_SECRETARY,
        phone="13900002222",
        external_id="M2",
    )
    w.member["m3"] = a_member(app, w.org["V2"], "王五", phone="13900003333", external_id="M3")
    w.household["h1"] = a_household(
        app, w.org["G1"], "赵一", external_id="H1", categories=frozenset({"dibao"})
    )
    w.household["h2"] = a_household(app, w.org["G1"], "钱二", external_id="H2")
    w.household["h3"] = a_household(app, w.org["G2"], "孙三", external_id="H3")
    w.household["h4"] = a_household(app, w.org["G3"], "周四", external_id="H4")
    assign(app, w.member["m1"], w.household["h1"])
    assign(app, w.member["m1"], w.household["h2"])
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
