"""What happened, as the services say it (domain events). Each is a frozen dataclass naming the
org path it concerns, the actor and the time (``domain.kernel.events.Event``), the record it
concerns (``entity``, ``entity_id``, its ``version``) and, where the record changed, the record
before and after: the audit trail writes its entry from them, the outbox carries them to
integrators (``GET /api/v1/changes``).

A deletion is an event too (``tombstone``: only the id remains), and so is a record leaving a
subtree: ``left_path`` names where it was, and for that subtree the change is a removal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Final

from domain.audit.model import AuditAction
from domain.kernel.access import Permission
from domain.kernel.events import Event


@dataclass(frozen=True, kw_only=True)
class Change(Event):
    """A record created, changed or deleted. ``before``/``after``: the record (a domain object
    or a plain mapping) as it was and as it is; ``household_id``: the household the record
    belongs to, by which an ordinary member's narrower view (their own households) is cut."""

    before: object | None = None
    after: object | None = None
    household_id: int | None = None


# ── Org tree ──────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, kw_only=True)
class OrgUnitCreated(Change):
    entity: ClassVar[str] = "org_unit"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class OrgUnitUpdated(Change):
    entity: ClassVar[str] = "org_unit"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class OrgUnitMoved(Change):
    """A unit and its subtree moved under another parent (its paths change)."""

    entity: ClassVar[str] = "org_unit"
    action: ClassVar[str] = AuditAction.MOVE


@dataclass(frozen=True, kw_only=True)
class OrgUnitDeleted(Change):
    entity: ClassVar[str] = "org_unit"
    action: ClassVar[str] = AuditAction.DELETE
    tombstone: ClassVar[bool] = True


@dataclass(frozen=True, kw_only=True)
class SchemeSet(Change):
    """A level chose or tuned its scheme (联户模式)."""

    entity: ClassVar[str] = "scheme_binding"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class SchemeRemoved(Change):
    entity: ClassVar[str] = "scheme_binding"
    action: ClassVar[str] = AuditAction.DELETE
    tombstone: ClassVar[bool] = True


# ── Registers ─────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, kw_only=True)
class MemberCreated(Change):
    entity: ClassVar[str] = "member"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class MemberUpdated(Change):
    entity: ClassVar[str] = "member"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class MemberDeleted(Change):
    entity: ClassVar[str] = "member"
    action: ClassVar[str] = AuditAction.DELETE
    tombstone: ClassVar[bool] = True


@dataclass(frozen=True, kw_only=True)
class HouseholdCreated(Change):
    entity: ClassVar[str] = "household"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class HouseholdUpdated(Change):
    entity: ClassVar[str] = "household"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class HouseholdMoved(Change):
    """A household given to another grid (``left_path``: the grid it left)."""

    entity: ClassVar[str] = "household"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class HouseholdDeleted(Change):
    entity: ClassVar[str] = "household"
    action: ClassVar[str] = AuditAction.DELETE
    tombstone: ClassVar[bool] = True


@dataclass(frozen=True, kw_only=True)
class ResidentsSet(Change):
    """A household's residents as policy rules read them (no names)."""

    entity: ClassVar[str] = "household_residents"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class CategoryAdded(Change):
    """A county's own household category (户类可扩展)."""

    entity: ClassVar[str] = "category"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class DataImported(Change):
    """A spreadsheet imported (批量导入): one event for the whole file, with its counts."""

    kind: str
    entity: ClassVar[str] = "import"
    action: ClassVar[str] = AuditAction.IMPORT

    def record_kind(self) -> str:
        return self.kind


# ── Assignment (包户) ─────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, kw_only=True)
class ProposalDrafted(Change):
    entity: ClassVar[str] = "assignment_proposal"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class ProposalEdited(Change):
    entity: ClassVar[str] = "assignment_proposal"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class ProposalPublished(Change):
    """A draft roster made the one in force: the area's assignments changed together."""

    entity: ClassVar[str] = "assignment_proposal"
    action: ClassVar[str] = AuditAction.PUBLISH


@dataclass(frozen=True, kw_only=True)
class TieDeclared(Change):
    """A member's declared tie to a household (血缘相通, 志趣相投)."""

    entity: ClassVar[str] = "member_tie"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class RequestsDeclared(Change):
    """A member's own declaration of the households they ask to look after (自行申报)."""

    entity: ClassVar[str] = "member_request"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class TieRemoved(Change):
    entity: ClassVar[str] = "member_tie"
    action: ClassVar[str] = AuditAction.DELETE
    tombstone: ClassVar[bool] = True


# ── Visits (走访, 民情日志) ───────────────────────────────────────────────────────────────────


@dataclass(frozen=True, kw_only=True)
class VisitLogged(Change):
    entity: ClassVar[str] = "visit"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class VisitEdited(Change):
    """A visit changed within its edit window (its text, or checklist ticks added)."""

    entity: ClassVar[str] = "visit"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class VisitAmended(Change):
    """A visit corrected after its edit window (补充更正): a new visit, the original kept."""

    entity: ClassVar[str] = "visit"
    action: ClassVar[str] = AuditAction.AMEND


@dataclass(frozen=True, kw_only=True)
class PhotoAdded(Change):
    entity: ClassVar[str] = "visit_photo"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class PhotoDeleted(Change):
    entity: ClassVar[str] = "visit_photo"
    action: ClassVar[str] = AuditAction.DELETE
    tombstone: ClassVar[bool] = True


@dataclass(frozen=True, kw_only=True)
class IssueDraftRaised(Change):
    """A flagged item of a visit (四个必记) raised as an issue draft."""

    entity: ClassVar[str] = "issue_draft"
    action: ClassVar[str] = AuditAction.CREATE


# ── Must-attend (五必到) ──────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, kw_only=True)
class MustAttendReported(Change):
    entity: ClassVar[str] = "must_attend_event"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class MustAttendAttended(Change):
    """Attended by a visit (on time or late): the event now names the visit."""

    entity: ClassVar[str] = "must_attend_event"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class MustAttendCancelled(Change):
    """Withdrawn by the branch (撤销), kept on record with who and why."""

    entity: ClassVar[str] = "must_attend_event"
    action: ClassVar[str] = AuditAction.UPDATE


# ── Policies (政策明白卡) ─────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, kw_only=True)
class PolicyDefined(Change):
    entity: ClassVar[str] = "policy"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class PolicyUpdated(Change):
    entity: ClassVar[str] = "policy"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class PolicyDeliveryStarted(Change):
    """A policy's first step with a household (政策落实到户: explained)."""

    entity: ClassVar[str] = "policy_delivery"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class PolicyDeliveryAdvanced(Change):
    entity: ClassVar[str] = "policy_delivery"
    action: ClassVar[str] = AuditAction.UPDATE


# ── Contact cards (党群联心卡) ────────────────────────────────────────────────────────────────


@dataclass(frozen=True, kw_only=True)
class CardIssued(Change):
    """A household's card token issued (the ones before it revoked). Never the token itself."""

    entity: ClassVar[str] = "card_token"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class CardRevoked(Change):
    entity: ClassVar[str] = "card_token"
    action: ClassVar[str] = AuditAction.DELETE


@dataclass(frozen=True, kw_only=True)
class CardSheetIssued(Change):
    """Cards for a whole area at once (a printed sheet)."""

    entity: ClassVar[str] = "card_sheet"
    action: ClassVar[str] = AuditAction.CREATE


# ── Accounts and keys ─────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True, kw_only=True)
class UserCreated(Change):
    entity: ClassVar[str] = "user"
    action: ClassVar[str] = AuditAction.CREATE


@dataclass(frozen=True, kw_only=True)
class UserUpdated(Change):
    entity: ClassVar[str] = "user"
    action: ClassVar[str] = AuditAction.UPDATE


@dataclass(frozen=True, kw_only=True)
class UserUnlocked(Change):
    entity: ClassVar[str] = "user"
    action: ClassVar[str] = AuditAction.UNLOCK


@dataclass(frozen=True, kw_only=True)
class UserLoggedIn(Change):
    entity: ClassVar[str] = "user"
    action: ClassVar[str] = AuditAction.LOGIN


@dataclass(frozen=True, kw_only=True)
class LoginFailed(Change):
    entity: ClassVar[str] = "user"
    action: ClassVar[str] = AuditAction.LOGIN_FAILED


@dataclass(frozen=True, kw_only=True)
class PasswordChanged(Change):
    entity: ClassVar[str] = "user"
    action: ClassVar[str] = AuditAction.PASSWORD_CHANGE


@dataclass(frozen=True, kw_only=True)
class RefreshTokenReused(Change):
    """A spent refresh token presented again: its whole family revoked (RFC 9700)."""

    entity: ClassVar[str] = "user"
    action: ClassVar[str] = AuditAction.REFRESH_REUSE


@dataclass(frozen=True, kw_only=True)
class ApiKeyCreated(Change):
    entity: ClassVar[str] = "api_key"
    action: ClassVar[str] = AuditAction.KEY_CREATE


@dataclass(frozen=True, kw_only=True)
class ApiKeyRevoked(Change):
    entity: ClassVar[str] = "api_key"
    action: ClassVar[str] = AuditAction.KEY_REVOKE


# An account's events by their audit action (sign-in, its failures, password and lock changes).
USER_EVENTS: Final[dict[AuditAction, type[Change]]] = {
    e.action: e  # type: ignore[misc]
    for e in (
        UserCreated,
        UserUpdated,
        UserUnlocked,
        UserLoggedIn,
        LoginFailed,
        PasswordChanged,
        RefreshTokenReused,
    )
}


# Who may read a record's changes in the change feed (GET /changes): the permission that reads
# the record itself. A kind not named here is for auditors only.
READ_PERMISSION: Final[dict[str, Permission]] = {
    "org_unit": Permission.ORG_READ,
    "scheme_binding": Permission.SCHEME_READ,
    "member": Permission.MEMBER_READ,
    "member_tie": Permission.MEMBER_READ,
    "member_request": Permission.MEMBER_READ,
    "members": Permission.MEMBER_READ,  # an import of members
    "org_units": Permission.ORG_READ,  # an import of org units
    "households": Permission.HOUSEHOLD_READ,  # an import of households
    "household": Permission.HOUSEHOLD_READ,
    "household_residents": Permission.HOUSEHOLD_READ,
    "category": Permission.HOUSEHOLD_READ,
    "visit": Permission.HOUSEHOLD_READ,
    "visit_photo": Permission.HOUSEHOLD_READ,
    "issue_draft": Permission.HOUSEHOLD_READ,
    "must_attend_event": Permission.HOUSEHOLD_READ,
    "card_token": Permission.HOUSEHOLD_READ,
    "card_sheet": Permission.HOUSEHOLD_READ,
    "policy": Permission.HOUSEHOLD_READ,
    "policy_delivery": Permission.HOUSEHOLD_READ,
    "assignment_proposal": Permission.HOUSEHOLD_READ,
    "user": Permission.USER_ADMIN,
    "api_key": Permission.USER_ADMIN,
}


def readable_kinds(held: frozenset[Permission]) -> frozenset[str] | None:
    """The kinds of record whose changes a caller holding ``held`` may read; None: all (an
    auditor reads every change, as the audit log)."""
    if Permission.AUDIT_READ in held:
        return None
    return frozenset(kind for kind, needed in READ_PERMISSION.items() if needed in held)
