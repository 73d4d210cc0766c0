"""Operations behind the command line: first admin, file import/export, the demo county.
They run the same services and writers as the HTTP API, with the scope of a named account."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.security import hash_password
from api.transfer.tabular import read_rows, write_csv, write_xlsx
from domain.accounts.events import UserUnlocked
from domain.accounts.rules import password_problem
from domain.kernel.access import Role, Scope
from domain.kernel.errors import Invalid, NotFound
from domain.transfer.importing import ImportKind
from domain.transfer.services import import_rows
from persistence.accounts.store import Account, account_of, create_user, unlock
from persistence.accounts.tables import UserRow
from persistence.engine import make_engine, make_session_factory
from persistence.org.tables import OrgUnitRow
from persistence.registers.tables import MemberRow
from persistence.unit_of_work import SqlAlchemyUnitOfWork, record_on


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


def scope_of_user(session: Session, username: str) -> Scope:
    user = session.scalar(select(UserRow).where(UserRow.username == username))
    if user is None:
        raise NotFound("user.not_found", f"没有用户 {username}；先运行 lianhu create-admin")
    path = "/" if user.org_id is None else session.get_one(OrgUnitRow, user.org_id).path
    return Scope.for_role(
        role=Role(user.role), org_path=path, actor=f"cli:{username}", member_id=user.member_id
    )


def create_admin_account(
    url: str, *, username: str, password: str, org_code: str | None
) -> Account:
    """A system administrator over one subtree (``org_code``) or the whole installation."""
    problem = password_problem(password, username)
    if problem is not None:
        raise Invalid("user.weak_password", problem, field="password")
    db = Database(url)
    with db.sessions() as session:
        org_id = None
        if org_code is not None:
            org_id = session.scalar(select(OrgUnitRow.id).where(OrgUnitRow.code == org_code))
            if org_id is None:
                raise NotFound("org.not_found", f"没有编码为 {org_code} 的组织", field="org_code")
        account = create_user(
            session,
            username=username,
            password_hash=hash_password(password),
            role=Role.ADMIN,
            org_id=org_id,
            member_id=None,
            at=_now(),
        )
        session.commit()
        return account


def unlock_account(url: str, username: str) -> int:
    """Lift the login locks of ``username`` (lianhu unlock): how many counters were cleared.
    For the one who can no longer reach the console: the only administrator locked out."""
    db = Database(url)
    with db.sessions() as session:
        row = session.scalar(select(UserRow).where(UserRow.username == username))
        if row is None:
            raise NotFound("user.not_found", f"没有用户名为 {username} 的账户", field="username")
        cleared = unlock(session, username)
        record_on(
            session,
            UserUnlocked(
                actor="cli",
                at=_now(),
                entity_id=row.id,
                org_path=account_of(session, row).org_path,
                after={"cleared": cleared},
            ),
        )
        session.commit()
        return cleared


def run_import(url: str, *, kind: str, path: Path, username: str) -> dict[str, Any]:
    db = Database(url)
    data = path.read_bytes()
    with db.sessions() as session:
        scope = scope_of_user(session, username)
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
    with db.sessions() as session:
        scope = scope_of_user(session, username)
        rows = export_rows(session, scope, ImportKind(kind))
        header = next(rows)
        if path.suffix.lower() == ".xlsx":
            with path.open("wb") as out:
                return write_xlsx(out, header, rows, sheet=SHEET_NAMES[ImportKind(kind)])
        with path.open("w", encoding="utf-8-sig", newline="") as text_out:
            return write_csv(text_out, header, rows)


DEMO_PASSWORD = "lianhu-demo"


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
    with db.sessions() as session:
        if only_if_empty and session.scalar(select(func.count()).select_from(OrgUnitRow)):
            return "database not empty: demo skipped"
    county = generate_county(households=households, seed=seed)
    root = Scope.for_role(role=Role.ADMIN, org_path="/", actor="cli:demo")
    for kind, rows in (
        (ImportKind.ORG_UNITS, county.org_units),
        (ImportKind.MEMBERS, county.members),
        (ImportKind.HOUSEHOLDS, county.households),
    ):
        if len(rows) > 1:  # a header-only file is refused by the importer
            _import(db, root, kind, rows, source={"file": f"demo-{kind.value}", "seed": seed})
    with db.sessions() as session:
        county_row = session.scalars(
            select(OrgUnitRow).where(OrgUnitRow.parent_id.is_(None)).order_by(OrgUnitRow.id.desc())
        ).first()
        assert county_row is not None
        _bind_scheme(db, root, county_row.id, at)
        _assign(db, root, county_row.id, at)
        accounts = _demo_accounts(session, county_row)
        session.commit()
    return (
        f"demo county {county_row.name}: {len(county.org_units) - 1} org units, "
        f"{len(county.members) - 1} members, {households} households; "
        f"accounts {' / '.join(accounts)}, password {DEMO_PASSWORD}"
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


def _demo_accounts(session: Session, county: OrgUnitRow) -> list[str]:
    """The demo's accounts (made when missing); returns their usernames, which the command
    prints: the list cannot leave one out."""
    township = session.scalars(
        select(OrgUnitRow).where(OrgUnitRow.level == "township").order_by(OrgUnitRow.id)
    ).first()
    village = session.scalars(
        select(OrgUnitRow).where(OrgUnitRow.level == "village").order_by(OrgUnitRow.id)
    ).first()
    if township is None or village is None:
        raise Invalid("demo.too_small", "演示县太小，至少需要一个乡镇和一个村")
    secretary = session.scalars(
        select(MemberRow).where(
            MemberRow.org_id == village.id, MemberRow.role == "branch_secretary"
        )
    ).first()
    member = session.scalars(
        select(MemberRow)
        .join(OrgUnitRow, OrgUnitRow.id == MemberRow.org_id)
        .where(
            OrgUnitRow.path.startswith(village.path),
            MemberRow.role == "member",
            MemberRow.exempt_reason.is_(None),
        )
        .order_by(MemberRow.id)
    ).first()
    password_hash = hash_password(DEMO_PASSWORD)
    now = _now()
    # Staff accounts carry a person's name; the secretary's and the member's are their members'.
    demo = (
        ("admin", "周立新", Role.ADMIN, county, None),
        ("county", "陈国华", Role.COUNTY_CADRE, county, None),
        ("auditor", "孙敏", Role.AUDITOR, county, None),
        ("township", "刘志强", Role.TOWNSHIP_CADRE, township, None),
        ("secretary", None, Role.BRANCH_SECRETARY, village, secretary),
        ("member", None, Role.MEMBER, village, member),
    )
    for username, name, role, org, member_row in demo:
        if session.scalar(select(UserRow.id).where(UserRow.username == username)) is None:
            account = create_user(
                session,
                username=username,
                password_hash=password_hash,
                role=role,
                org_id=org.id,
                member_id=member_row.id if member_row else None,
                at=now,
            )
            session.get_one(UserRow, account.id).display_name = name
    return [username for username, *_ in demo]
