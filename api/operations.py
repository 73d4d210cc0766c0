"""Operations behind the command line: first admin, unlock, file import/export, the demo county.
They run the same services and queries as the HTTP API, with the scope of a named account, or
the console's own (the whole installation) for the first admin and an unlock."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from api.auth.passwords import PASSWORDS, Argon2Passwords
from api.transfer.tabular import read_rows, write_csv, write_xlsx
from domain.accounts import services as accounts
from domain.accounts.model import Account, NewAccount
from domain.kernel.access import Role, Scope
from domain.kernel.errors import Invalid, NotFound
from domain.kernel.org import OrgLevel, OrgUnit
from domain.transfer.importing import ImportKind
from domain.transfer.services import import_rows
from persistence.engine import make_engine, make_session_factory
from persistence.org.queries import list_orgs, org_by_code
from persistence.paging import Window
from persistence.registers.queries import list_members
from persistence.unit_of_work import SqlAlchemyUnitOfWork

# The command line acts over the whole installation, as the person at the server's console.
CONSOLE = Scope.for_role(role=Role.ADMIN, org_path="/", actor="cli")


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Database:
    url: str

    def __post_init__(self) -> None:
        self.engine = make_engine(self.url)
        self.sessions = make_session_factory(self.engine)

    def uow(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self.sessions)

    def account(self, username: str) -> Account | None:
        with self.uow() as uow:
            return uow.accounts.by_username(username)


def scope_of_user(db: Database, username: str) -> Scope:
    account = db.account(username)
    if account is None:
        raise NotFound("user.not_found", f"没有用户 {username}；先运行 lianhu create-admin")
    return Scope.for_role(
        role=account.role,
        org_path=account.org_path,
        actor=f"cli:{username}",
        member_id=account.member_id,
    )


def create_admin_account(
    url: str, *, username: str, password: str, org_code: str | None
) -> Account:
    """A system administrator over one subtree (``org_code``) or the whole installation."""
    db = Database(url)
    org_id = None
    if org_code is not None:
        with db.sessions() as session:
            org = org_by_code(session, CONSOLE, org_code)
        if org is None:
            raise NotFound("org.not_found", f"没有编码为 {org_code} 的组织", field="org_code")
        org_id = org.id
    return accounts.create_user(
        db.uow(),
        CONSOLE,
        NewAccount(username=username, role=Role.ADMIN, org_id=org_id),
        password=password,
        passwords=PASSWORDS,
        at=_now(),
    )


def unlock_account(url: str, username: str) -> int:
    """Lift the login locks of ``username`` (lianhu unlock): how many counters were cleared.
    For the one who can no longer reach the console: the only administrator locked out."""
    db = Database(url)
    account = db.account(username)
    if account is None:
        raise NotFound("user.not_found", f"没有用户名为 {username} 的账户", field="username")
    return accounts.unlock_user(db.uow(), CONSOLE, account.id, at=_now()).cleared


def run_import(url: str, *, kind: str, path: Path, username: str) -> dict[str, Any]:
    db = Database(url)
    data = path.read_bytes()
    scope = scope_of_user(db, username)
    return _import(
        db,
        scope,
        ImportKind(kind),
        read_rows(data, path.name),
        source={"file": path.name, "bytes": len(data)},
    )


def _import(
    db: Database, scope: Scope, kind: ImportKind, rows: Iterable[list[str]], source: dict[str, Any]
) -> dict[str, Any]:
    return import_rows(db.uow(), scope, kind, rows, source=source, at=_now())


def run_export(url: str, *, kind: str, path: Path, username: str) -> int:
    from persistence.transfer.queries import SHEET_NAMES, export_rows

    db = Database(url)
    scope = scope_of_user(db, username)
    with db.sessions() as session:
        rows = export_rows(session, scope, ImportKind(kind))
        header = next(rows)
        if path.suffix.lower() == ".xlsx":
            with path.open("wb") as out:
                return write_xlsx(out, header, rows, sheet=SHEET_NAMES[ImportKind(kind)])
        with path.open("w", encoding="utf-8-sig", newline="") as text_out:
            return write_csv(text_out, header, rows)


DEMO_PASSWORD = "lianhu-demo"


class _HashedOnce(Argon2Passwords):
    """The demo's accounts share one password: hashed once (each argon2 hash takes a moment)."""

    def __init__(self) -> None:
        self._hashes: dict[str, str] = {}

    def hash(self, password: str) -> str:
        if password not in self._hashes:
            self._hashes[password] = super().hash(password)
        return self._hashes[password]


def load_demo(
    url: str, *, households: int, seed: int, only_if_empty: bool, at: datetime | None = None
) -> str:
    """Generate a county, import it through the real import path, give it a scheme, simple
    round-robin contact assignments (the assignment engine replaces them) and demo accounts.
    ``at`` is when (the wall clock by default; a test passes its own, so that the roster starts
    on the test's day, not on whatever day it is in China when the test runs)."""
    at = at or _now()
    from api.demo import generate_county

    db = Database(url)
    root = Scope.for_role(role=Role.ADMIN, org_path="/", actor="cli:demo")
    with db.sessions() as session:
        if only_if_empty and list_orgs(session, root, Window(limit=1)).total:
            return "database not empty: demo skipped"
    county = generate_county(households=households, seed=seed)
    for kind, rows in (
        (ImportKind.ORG_UNITS, county.org_units),
        (ImportKind.MEMBERS, county.members),
        (ImportKind.HOUSEHOLDS, county.households),
    ):
        if len(rows) > 1:  # a header-only file is refused by the importer
            _import(db, root, kind, rows, source={"file": f"demo-{kind.value}", "seed": seed})
    with db.sessions() as session:  # the county: the org units' first row after the header
        county_unit = org_by_code(session, root, county.org_units[1][0])
    assert county_unit is not None
    _bind_scheme(db, root, county_unit.id, at)
    _assign(db, root, county_unit.id, at)
    usernames = _demo_accounts(db, root, county_unit)
    return (
        f"demo county {county_unit.name}: {len(county.org_units) - 1} org units, "
        f"{len(county.members) - 1} members, {households} households; "
        f"accounts {' / '.join(usernames)}, password {DEMO_PASSWORD}"
    )


def _bind_scheme(db: Database, scope: Scope, county_id: int, at: datetime) -> None:
    from domain.schemes.model import SchemeCode
    from domain.schemes.services import bind

    bind(db.uow(), scope, county_id, scheme=SchemeCode.ONE_SIX_N, overrides={}, at=at)


def _assign(db: Database, scope: Scope, county_id: int, at: datetime) -> None:
    """The county's first roster, by the assignment engine, published as it is."""
    from domain.assignment.services import ProposalMode, create_proposal, publish_proposal

    made = create_proposal(db.uow(), scope, county_id, mode=ProposalMode.FULL, at=at)
    publish_proposal(db.uow(), scope, made.proposal_id, accept_shortfalls=True, at=at)


def _first(db: Database, scope: Scope, level: OrgLevel) -> OrgUnit | None:
    with db.sessions() as session:
        found = list_orgs(session, scope, Window(limit=1, sort="id"), level=level).items
    return found[0] if found else None


def _first_member(db: Database, scope: Scope, village: OrgUnit, role: str) -> int | None:
    """The first member of ``role`` in the village (an ordinary member: one not exempt)."""
    with db.sessions() as session:
        found = list_members(
            session,
            scope,
            Window(limit=1, sort="id"),
            under=village.id,
            role=role,
            exempt=False if role == "member" else None,
        ).items
    return found[0].id if found else None


def _demo_accounts(db: Database, scope: Scope, county: OrgUnit) -> list[str]:
    """The demo's accounts (made when missing); returns their usernames, which the command
    prints: the list cannot leave one out."""
    township = _first(db, scope, OrgLevel.TOWNSHIP)
    village = _first(db, scope, OrgLevel.VILLAGE)
    if township is None or village is None:
        raise Invalid("demo.too_small", "演示县太小，至少需要一个乡镇和一个村")
    secretary = _first_member(db, scope, village, "branch_secretary")
    member = _first_member(db, scope, village, "member")
    now = _now()
    passwords = _HashedOnce()
    # Staff accounts carry a person's name; the secretary's and the member's are their members'.
    demo = (
        ("admin", "周立新", Role.ADMIN, county, None),
        ("county", "陈国华", Role.COUNTY_CADRE, county, None),
        ("auditor", "孙敏", Role.AUDITOR, county, None),
        ("township", "刘志强", Role.TOWNSHIP_CADRE, township, None),
        ("secretary", None, Role.BRANCH_SECRETARY, village, secretary),
        ("member", None, Role.MEMBER, village, member),
    )
    for username, name, role, org, member_id in demo:
        if db.account(username) is None:
            accounts.create_user(
                db.uow(),
                scope,
                NewAccount(
                    username=username,
                    role=role,
                    org_id=org.id,
                    member_id=member_id,
                    display_name=name,
                ),
                password=DEMO_PASSWORD,
                passwords=passwords,
                at=now,
            )
    return [username for username, *_ in demo]


def sweep_issues(url: str, at: datetime | None = None) -> tuple[int, int]:
    """The deadline sweep once (``lianhu sweep``): (issues marked, marks made)."""
    from api.sweeping import sweep_once

    report = sweep_once(Database(url).sessions, at or _now())
    return report.issues, report.events
