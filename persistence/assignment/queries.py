"""Read side of assignment: proposals and their pairs, a household's contact history, a
member's 1+6+N partners and declared requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from domain.assignment.model import Pair, parse_reasons
from domain.kernel.access import Scope
from persistence.assignment.store import ProposalMeta, SqlAssignmentStore
from persistence.assignment.tables import (
    AssignmentRow,
    ElderlyPairingRow,
    ProposalPairRow,
    ProposalRow,
)
from persistence.org.tables import OrgUnitRow
from persistence.paging import Page, Window, _area_path, _order, _text, _total
from persistence.registers.queries import get_household, get_member
from persistence.registers.tables import HouseholdRow, MemberRow
from persistence.scoping import in_subtree


@dataclass(frozen=True)
class ProposalSummary:
    id: int
    org_id: int
    org_name: str
    scheme: str
    status: str
    mode: str
    created_by: str
    created_at: datetime
    published_at: datetime | None


def list_proposals(
    session: Session,
    scope: Scope,
    window: Window,
    *,
    under: int | None = None,
    status: str | None = None,
) -> Page[ProposalSummary]:
    """Assignment proposals (方案) of areas within the caller's reach, newest first."""
    stmt = (
        select(ProposalRow, OrgUnitRow.name)
        .join(OrgUnitRow, OrgUnitRow.id == ProposalRow.org_id)
        .where(in_subtree(OrgUnitRow.path, _area_path(session, scope, under)))
    )
    if status is not None:
        stmt = stmt.where(ProposalRow.status == status)
    order = _order(
        window, {"created_at": ProposalRow.created_at, "id": ProposalRow.id}, ProposalRow.id.desc()
    )
    total = _total(session, stmt)
    rows = session.execute(stmt.order_by(*order).limit(window.limit).offset(window.offset))
    return Page(
        [
            ProposalSummary(
                r.id,
                r.org_id,
                name,
                r.scheme,
                r.status,
                r.mode,
                r.created_by,
                r.created_at,
                r.published_at,
            )
            for r, name in rows
        ],
        total,
        window.limit,
        window.offset,
    )


def get_proposal(session: Session, scope: Scope, proposal_id: int) -> ProposalMeta:
    """The proposal, or ``proposal.not_found`` when its area is outside the caller's reach."""
    return SqlAssignmentStore(session).proposal(proposal_id, scope)


class ListedPair(NamedTuple):
    pair: Pair
    member_name: str
    head_name: str


def list_pairs(
    session: Session,
    scope: Scope,
    proposal_id: int,
    window: Window,
    *,
    member_id: int | None = None,
    changed_only: bool = False,
) -> Page[ListedPair]:
    """A page of a proposal's pairs with the member's and the household head's names, by member
    unless sorted otherwise; ``q`` searches either name. With ``changed_only``, only the pairs
    that change the roster: the household's contact in force is another member, or none (for a
    published proposal: the pairs it started)."""
    get_proposal(session, scope, proposal_id)
    p = ProposalPairRow
    stmt = (
        select(p, MemberRow.name, HouseholdRow.head_name)
        .join(MemberRow, MemberRow.id == p.member_id)
        .join(HouseholdRow, HouseholdRow.id == p.household_id)
        .where(p.proposal_id == proposal_id)
    )
    if member_id is not None:
        stmt = stmt.where(p.member_id == member_id)
    if changed_only:
        same = (
            select(AssignmentRow.id)
            .where(
                AssignmentRow.household_id == p.household_id,
                AssignmentRow.member_id == p.member_id,
                AssignmentRow.ended_on.is_(None),
                or_(AssignmentRow.proposal_id.is_(None), AssignmentRow.proposal_id != proposal_id),
            )
            .exists()
        )
        stmt = stmt.where(~same)
    member_named, head_named = (
        _text(MemberRow.name, window.q),
        _text(HouseholdRow.head_name, window.q),
    )
    if member_named is not None and head_named is not None:
        stmt = stmt.where(or_(member_named, head_named))
    allowed = {
        "member_id": p.member_id,
        "household_id": p.household_id,
        "member_name": MemberRow.name,
        "head_name": HouseholdRow.head_name,
    }
    total = _total(session, stmt)
    rows = session.execute(
        stmt.order_by(*_order(window, allowed, p.member_id), p.household_id)
        .limit(window.limit)
        .offset(window.offset)
    ).all()
    listed = [
        ListedPair(Pair(r.household_id, r.member_id, parse_reasons(r.reasons), r.distance_m), m, h)
        for r, m, h in rows
    ]
    return Page(listed, total, window.limit, window.offset)


class Contact(NamedTuple):
    member_id: int
    member_name: str
    started_on: date
    ended_on: date | None
    reasons: str


def contact_history(
    session: Session, scope: Scope, household_id: int, *, on: date | None = None
) -> list[Contact]:
    """The contact members of a household in the caller's reach, newest first; with ``on``,
    only the assignment that was active that day."""
    get_household(session, scope, household_id)
    stmt = (
        select(
            AssignmentRow.member_id,
            MemberRow.name,
            AssignmentRow.started_on,
            AssignmentRow.ended_on,
            AssignmentRow.reasons,
        )
        .join(MemberRow, MemberRow.id == AssignmentRow.member_id)
        .where(AssignmentRow.household_id == household_id)
    )
    if on is not None:
        stmt = stmt.where(
            AssignmentRow.started_on <= on,
            or_(AssignmentRow.ended_on.is_(None), AssignmentRow.ended_on > on),
        )
    rows = session.execute(stmt.order_by(AssignmentRow.started_on.desc(), AssignmentRow.id.desc()))
    return [Contact(*row) for row in rows]


class Partner(NamedTuple):
    member_id: int
    name: str
    side: str  # the partner is the ``elderly`` member, or the ``contact`` member
    since: date


def elderly_partners(session: Session, scope: Scope, member_id: int) -> list[Partner]:
    """Active 1+6+N pairings of a member in the caller's reach, either side."""
    get_member(session, scope, member_id)
    e = ElderlyPairingRow
    elderly = session.execute(
        select(e.elderly_member_id, MemberRow.name, e.started_on)
        .join(MemberRow, MemberRow.id == e.elderly_member_id)
        .where(e.contact_member_id == member_id, e.ended_on.is_(None))
    ).all()
    contacts = session.execute(
        select(e.contact_member_id, MemberRow.name, e.started_on)
        .join(MemberRow, MemberRow.id == e.contact_member_id)
        .where(e.elderly_member_id == member_id, e.ended_on.is_(None))
    ).all()
    return sorted(
        [Partner(m, n, "elderly", d) for m, n, d in elderly]
        + [Partner(m, n, "contact", d) for m, n, d in contacts]
    )


def member_requests(session: Session, scope: Scope, member_id: int) -> list[int]:
    """The households a member in the caller's reach asked to look after."""
    get_member(session, scope, member_id)
    return SqlAssignmentStore(session).requests_of(member_id)
