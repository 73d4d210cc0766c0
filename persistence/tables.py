"""Declarative rows. The naming convention keeps constraint names equal on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

# Paths are compared byte-wise for indexed subtree range scans (domain.org.subtree_bounds);
# PostgreSQL's default collation would sort '/' among letters, so the column uses "C" there.
PathType = String(400).with_variant(String(400, collation="C"), "postgresql")
# External ids and codes are identifiers, not words: byte order ("C") makes their unique
# indexes cheaper to maintain, which a city-size import feels (about a fifth of its time).
CodeType = String(64).with_variant(String(64, collation="C"), "postgresql")
JsonType = JSON().with_variant(JSONB(), "postgresql")


class Timestamp(TypeDecorator[datetime]):
    """Aware UTC datetimes on both databases; SQLite keeps no offset, so it is restored here."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self,
        value: datetime | None,
        dialect: Dialect,  # noqa: ARG002
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # a filter typed without an offset means UTC
        # In UTC before it is stored: SQLite keeps a datetime's fields and drops its offset, so
        # 08:00+08:00 (how a client in China writes the time) was stored, and read, as 08:00 UTC.
        try:
            return value.astimezone(UTC)
        except OverflowError:  # within hours of year 1 or 9999: the end of time either way
            return (datetime.max if value.year > 1 else datetime.min).replace(tzinfo=UTC)

    def process_result_value(
        self,
        value: datetime | None,
        dialect: Dialect,  # noqa: ARG002
    ) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = metadata


class OrgUnitRow(Base):
    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(20))
    path: Mapped[str] = mapped_column(PathType, index=True)
    code: Mapped[str | None] = mapped_column(CodeType, unique=True)
    external_id: Mapped[str | None] = mapped_column(CodeType, unique=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    updated_at: Mapped[datetime] = mapped_column(Timestamp())
    # Raised by one on every change (and the change's event names it): an integrator's mirror
    # applies a change only over an older version.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class MemberRow(Base):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(30))
    gender: Mapped[str | None] = mapped_column(String(10))
    birth_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(20))
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    skills: Mapped[str] = mapped_column(Text, default="")  # 、-separated, searched with LIKE
    in_service: Mapped[bool] = mapped_column(Boolean, default=False)
    reported_community_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    exempt_reason: Mapped[str | None] = mapped_column(String(20), index=True)
    exempt_decided_by: Mapped[str | None] = mapped_column(String(50))
    exempt_decided_on: Mapped[date | None] = mapped_column(Date)
    exempt_note: Mapped[str | None] = mapped_column(String(200))
    external_id: Mapped[str | None] = mapped_column(CodeType, unique=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    updated_at: Mapped[datetime] = mapped_column(Timestamp())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # see OrgUnitRow


class HouseholdRow(Base):
    __tablename__ = "households"
    # (org_id, id): an area's households are read by grid, and counting or joining them needs
    # nothing but this index (compliance of a county, bench-field).
    __table_args__ = (Index("ix_households_org_id_id", "org_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    building: Mapped[str | None] = mapped_column(String(50))
    head_name: Mapped[str] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer, default=1)
    phone: Mapped[str | None] = mapped_column(String(20))
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    # ",dibao,empty_nest_elderly,": one column that imports write in the same COPY and that a
    # filter matches with LIKE on whole codes, the same on SQLite and PostgreSQL.
    categories: Mapped[str] = mapped_column(String(400), default="")
    external_id: Mapped[str | None] = mapped_column(CodeType, unique=True)
    # active | moved_out | archived (domain.household.HouseholdStatus): only active households
    # are in due lists, compliance, rosters and pulls; the others keep their history.
    status: Mapped[str] = mapped_column(String(20), server_default="active")
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    updated_at: Mapped[datetime] = mapped_column(Timestamp())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # see OrgUnitRow
    # The latest visited_at of the household's visits, kept by database triggers on visits
    # (migration 0007) so that no write path can forget it: an area's compliance and a member's
    # due list read it instead of aggregating millions of visits. Not indexed, so the update a
    # visit makes stays a heap-only (HOT) update on PostgreSQL.
    last_visited_at: Mapped[datetime | None] = mapped_column(Timestamp())


ACTIVE_HOUSEHOLD = "active"


def encode_categories(categories: Iterable[str]) -> str:
    codes = sorted(set(categories))
    return f",{','.join(codes)}," if codes else ""


_NONE: frozenset[str] = frozenset()


def decode_categories(text: str) -> frozenset[str]:
    return frozenset(text[1:-1].split(",")) if text else _NONE


class CategoryRow(Base):
    """Categories registered beyond the built-ins (户类可扩展)."""

    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(40), unique=True)


class AssignmentRow(Base):
    """包户: member ↔ household with start and end; history is kept (ended rows stay)."""

    __tablename__ = "assignments"
    __table_args__ = (Index("ix_assignments_member_active", "member_id", "ended_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("assignment_proposals.id"))
    reasons: Mapped[str] = mapped_column(String(200), server_default="")
    # the database's time for a row written without it (tests, benchmarks); the code names it
    updated_at: Mapped[datetime] = mapped_column(Timestamp(), server_default=func.now())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # see OrgUnitRow


class ProposalRow(Base):
    """A draft roster for an area (方案), reviewed and edited, then published."""

    __tablename__ = "assignment_proposals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), index=True)
    mode: Mapped[str] = mapped_column(String(20))  # full | replan
    fingerprint: Mapped[str] = mapped_column(String(64))  # the roster it was built from
    report: Mapped[dict[str, Any]] = mapped_column(JsonType)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    published_by: Mapped[str | None] = mapped_column(String(100))
    published_at: Mapped[datetime | None] = mapped_column(Timestamp())


class ProposalPairRow(Base):
    """A draft's pairs, keyed by household. No index by member: storing a city's draft is
    faster without it, and a member's pairs within one draft are read by a scan of its range."""

    __tablename__ = "proposal_pairs"

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("assignment_proposals.id", ondelete="CASCADE"), primary_key=True
    )
    # No foreign keys to households and members: a draft is a snapshot (half a million rows
    # for a city, where per-row key checks would double the time to store it); publishing
    # refuses a draft whose roster changed, and assignments carry the keys.
    household_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[str] = mapped_column(String(200), default="")
    distance_m: Mapped[int | None] = mapped_column(Integer)


class MemberRequestRow(Base):
    """A member's self-declaration (自行申报): the households they ask to look after."""

    __tablename__ = "member_requests"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(Timestamp())


class MemberTieRow(Base):
    """A declared tie between a member and a household: kinship (血缘相通) or a shared interest
    or skill (志趣相投)."""

    __tablename__ = "member_ties"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)


class ElderlyPairingRow(Base):
    """1+6+N: a contact member paired with an elderly or infirm member (结对老党员)."""

    __tablename__ = "elderly_pairings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    elderly_member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("assignment_proposals.id"))


class CardTokenRow(Base):
    """The unguessable, revocable token behind a household's contact card QR (党群联心卡)."""

    __tablename__ = "card_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    token: Mapped[str] = mapped_column(CodeType, unique=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp())


class SchemeBindingRow(Base):
    __tablename__ = "scheme_bindings"

    org_id: Mapped[int] = mapped_column(
        ForeignKey("org_units.id", ondelete="CASCADE"), primary_key=True
    )
    scheme: Mapped[str | None] = mapped_column(String(30))
    overrides: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    updated_at: Mapped[datetime] = mapped_column(Timestamp())


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(CodeType, unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    # NULL: the whole installation (a system administrator above every county).
    org_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    # The person's name as lists show it (报告人, the console's header); NULL: the linked
    # member's name, else the username (persistence/people.py).
    display_name: Mapped[str | None] = mapped_column(String(50))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    # Access tokens issued before this (a password changed or reset) are refused.
    tokens_valid_after: Mapped[datetime | None] = mapped_column(Timestamp())


class LoginThrottleRow(Base):
    """Failed logins of a username from one client address, or from all (client ``*``): the
    counters of the lockout rule (domain.accounts.LockoutPolicy). Kept by username, not by
    account, so that an unknown username is refused exactly as a known one is."""

    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("username", "client"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(Timestamp())
    updated_at: Mapped[datetime] = mapped_column(Timestamp())


class RefreshTokenRow(Base):
    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(CodeType, unique=True)
    expires_at: Mapped[datetime] = mapped_column(Timestamp())
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp())
    # The login it descends from by rotation: a spent token presented again revokes them all.
    family: Mapped[str | None] = mapped_column(String(32), index=True)
    # Set when the token was exchanged for the next one (as opposed to revoked by a logout).
    rotated_at: Mapped[datetime | None] = mapped_column(Timestamp())


class ApiKeyRow(Base):
    """Platform clients' keys: only a SHA-256 of the secret is stored (the secret is random and
    long, so a slow hash adds nothing but latency on every request)."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    permissions: Mapped[list[str]] = mapped_column(JsonType)
    created_by: Mapped[str] = mapped_column(String(100))
    # The account that made it: the key stops working when that account is deactivated.
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    revoked_at: Mapped[datetime | None] = mapped_column(Timestamp())


class AuditRow(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_org_path_at", "org_path", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(Timestamp(), index=True)
    actor: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    org_path: Mapped[str | None] = mapped_column(PathType)
    before: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    request_id: Mapped[str | None] = mapped_column(String(40))


class VisitRow(Base):
    """A visit (走访 / 民情日志 entry); an amendment is a new row pointing at the original."""

    __tablename__ = "visits"
    __table_args__ = (
        Index("ix_visits_household_at", "household_id", "visited_at"),
        Index("ix_visits_member_at", "member_id", "visited_at"),
        # An area's recent visits in one index-only pass (compliance): by time, carrying the
        # household and the member (INCLUDE on PostgreSQL; SQLite keeps a plain index).
        Index(
            "ix_visits_visited_at",
            "visited_at",
            postgresql_include=["household_id", "member_id"],
        ),
        # "is it superseded?" (an amendment points at it): the few visits that are amended
        Index(
            "ix_visits_amends_id",
            "amends_id",
            postgresql_where=text("amends_id IS NOT NULL"),
            sqlite_where=text("amends_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id", ondelete="CASCADE"))
    visited_at: Mapped[datetime] = mapped_column(Timestamp())
    mode: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(Text, default="")
    flags: Mapped[list[dict[str, str]]] = mapped_column(JsonType)
    checklist: Mapped[list[str]] = mapped_column(JsonType)
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    # Last changed (an edit, a tick); null until then. The delta pull reads it beside created_at.
    updated_at: Mapped[datetime | None] = mapped_column(Timestamp())
    # The offline client's own id for the visit: a replayed sync never logs it twice.
    client_uuid: Mapped[str | None] = mapped_column(CodeType, unique=True)
    amends_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    # Set when an offline visit met a changed roster (see README, offline sync): kept, flagged.
    sync_note: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # see OrgUnitRow


class MustAttendEventRow(Base):
    """A must-attend event (五必到) on a household: its contact member must attend by the
    deadline; the attendance is a visit."""

    __tablename__ = "must_attend_events"
    __table_args__ = (Index("ix_must_attend_events_member_open", "member_id", "visit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    reported_by: Mapped[str] = mapped_column(String(100))
    reported_at: Mapped[datetime] = mapped_column(Timestamp())
    deadline: Mapped[datetime] = mapped_column(Timestamp())
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))
    attended_at: Mapped[datetime | None] = mapped_column(Timestamp())
    # 撤销: withdrawn by the branch (a wrong report), who and why; kept on record
    cancelled_at: Mapped[datetime | None] = mapped_column(Timestamp())
    cancelled_by: Mapped[str | None] = mapped_column(String(100))
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    # the database's time for a row written without it (tests, benchmarks); the code names it
    updated_at: Mapped[datetime] = mapped_column(Timestamp(), server_default=func.now())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # see OrgUnitRow


class VisitPhotoRow(Base):
    """A photo taken on a visit; the bytes live in the photo storage under ``storage_key``."""

    __tablename__ = "visit_photos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    client_uuid: Mapped[str | None] = mapped_column(CodeType, unique=True)


class IssueDraftRow(Base):
    """An issue draft raised from a flagged item of a visit (四个必记), for the issue flow."""

    __tablename__ = "issue_drafts"
    __table_args__ = (UniqueConstraint("visit_id", "flag_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    flag_kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    # the database's time for a row written without it (tests, benchmarks); the code names it
    updated_at: Mapped[datetime] = mapped_column(Timestamp(), server_default=func.now())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # see OrgUnitRow


class HouseholdResidentRow(Base):
    """A person living in a household, reduced to what policy rules need (no name)."""

    __tablename__ = "household_residents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    relation: Mapped[str] = mapped_column(String(20))
    birth_date: Mapped[date] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(10))


class PolicyRow(Base):
    """A policy (政策明白卡) defined on an org unit for its subtree, with its eligibility rule."""

    __tablename__ = "policies"
    __table_args__ = (UniqueConstraint("org_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    code: Mapped[str] = mapped_column(CodeType)
    name: Mapped[str] = mapped_column(String(100))
    summary: Mapped[str] = mapped_column(Text, default="")
    rule: Mapped[dict[str, Any]] = mapped_column(JsonType)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(Timestamp())
    updated_at: Mapped[datetime] = mapped_column(Timestamp())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # see OrgUnitRow


class PolicyDeliveryRow(Base):
    """政策落实到户: how far a policy has got with a household (explained → applied → received)."""

    __tablename__ = "policy_deliveries"
    __table_args__ = (UniqueConstraint("policy_id", "household_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policies.id", ondelete="CASCADE"))
    household_id: Mapped[int] = mapped_column(
        ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))
    explained_at: Mapped[datetime | None] = mapped_column(Timestamp())
    applied_at: Mapped[datetime | None] = mapped_column(Timestamp())
    received_at: Mapped[datetime | None] = mapped_column(Timestamp())
    note: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(Timestamp())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # see OrgUnitRow


# Ids are never reused. SQLite gives a new row the largest rowid + 1, so the id of the newest
# row, once deleted, went to the next one (a deleted household's id given to a new household:
# an integrator's mirror merged the two); AUTOINCREMENT keeps the largest id ever given
# (sqlite_sequence). PostgreSQL's sequences never go back. Every table keyed by an integer id
# (an id the API shows) is so marked, a table added later too; migration 0012 rebuilt them.
for _table in metadata.tables.values():
    if [c.name for c in _table.primary_key.columns] == ["id"]:
        _table.dialect_options["sqlite"]["autoincrement"] = True
