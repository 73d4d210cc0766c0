"""Storage of the assignment engine: an area's roster, proposals and their pairs, publishing,
history and the coverage report. Bulk paths (a city's 565,000 pairs) use ``insert_rows``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, and_, delete, func, select, update
from sqlalchemy.orm import Session

from domain.assignment.area import AreaRoster, GridRecord, HouseholdRecord, MemberRecord
from domain.assignment.model import (
    Pair,
    Preferences,
    ProposalStatus,
    TieKind,
    parse_reasons,
    reasons_text,
)
from domain.kernel.access import Scope
from domain.kernel.errors import NotFound
from domain.kernel.org import OrgLevel, ancestor_ids
from domain.registers.member import ExemptionReason, Location, MemberRole
from persistence.assignment.tables import (
    AssignmentRow,
    ElderlyPairingRow,
    MemberRequestRow,
    MemberTieRow,
    ProposalPairRow,
    ProposalRow,
)
from persistence.bulk import insert_rows
from persistence.locks import Lock, serialize
from persistence.org.tables import OrgUnitRow
from persistence.registers.tables import (
    ACTIVE_HOUSEHOLD,
    HouseholdRow,
    MemberRow,
    decode_categories,
)
from persistence.scoping import in_subtree

_VILLAGES = (OrgLevel.VILLAGE.value, OrgLevel.COMMUNITY.value)


@dataclass(frozen=True)
class ProposalMeta:
    id: int
    org_id: int
    org_path: str
    scheme: str
    status: ProposalStatus
    mode: str
    fingerprint: str
    report: dict[str, Any]
    created_by: str
    created_at: datetime
    published_at: datetime | None


class SqlAssignmentStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    # ── the roster ───────────────────────────────────────────────────────────────────────

    def grid_ids(self, area_path: str) -> set[int]:
        """Grids inside the area, or the area itself when it is a grid."""
        return set(
            self.session.scalars(
                select(OrgUnitRow.id).where(
                    in_subtree(OrgUnitRow.path, area_path), OrgUnitRow.level == OrgLevel.GRID.value
                )
            )
        )

    def _base_path(self, area_path: str) -> str:
        """The whole village when the area lies inside one (a grid's neighbours share its
        members), else the area itself."""
        village = self.session.scalars(
            select(OrgUnitRow.path).where(
                OrgUnitRow.id.in_(ancestor_ids(area_path)), OrgUnitRow.level.in_(_VILLAGES)
            )
        ).first()
        return village or area_path

    def roster(self, area_path: str) -> AreaRoster:
        """The area's grids, members, households and today's assignments, in four queries
        whatever the area's size (a county reads its 565,000 households at once)."""
        base = self._base_path(area_path)
        orgs: dict[int, tuple[str, int | None, str]] = {}
        names: dict[int, str] = {}
        for id_, level, parent, path, name in self.session.execute(
            select(
                OrgUnitRow.id,
                OrgUnitRow.level,
                OrgUnitRow.parent_id,
                OrgUnitRow.path,
                OrgUnitRow.name,
            ).where(in_subtree(OrgUnitRow.path, base))
        ):
            orgs[id_] = (level, parent, path)
            names[id_] = name
        villages = {i for i, (lv, _, _) in orgs.items() if lv in _VILLAGES}

        village_cache: dict[int, int | None] = {}

        def village_of(org_id: int) -> int | None:
            if org_id not in village_cache:
                found = (a for a in ancestor_ids(orgs[org_id][2]) if a in villages)
                village_cache[org_id] = next(found, None)
            return village_cache[org_id]

        def grid_of(org_id: int) -> int | None:
            level, parent, _ = orgs[org_id]
            if level == OrgLevel.GRID.value:
                return org_id
            if level == OrgLevel.PARTY_GROUP.value and parent in orgs:
                return grid_of(parent)
            return None

        grids = []
        for i, (level, _, _) in orgs.items():
            village = village_of(i) if level == OrgLevel.GRID.value else None
            if village is not None:
                level, _, village_path = orgs[village]
                community = level == OrgLevel.COMMUNITY.value
                grids.append(GridRecord(i, village, community, village_path, names[i]))
        members = []
        for id_, org_id, role, lat, lng, reason, name in self.session.execute(
            select(
                MemberRow.id,
                MemberRow.org_id,
                MemberRow.role,
                MemberRow.lat,
                MemberRow.lng,
                MemberRow.exempt_reason,
                MemberRow.name,
            ).where(
                MemberRow.org_id.in_(select(OrgUnitRow.id).where(in_subtree(OrgUnitRow.path, base)))
            )
        ):
            village = village_of(org_id)
            if village is not None:
                members.append(
                    MemberRecord(
                        id_,
                        village,
                        grid_of(org_id),
                        MemberRole(role),
                        Location(lat, lng) if lat is not None and lng is not None else None,
                        ExemptionReason(reason) if reason else None,
                        name,
                    )
                )
        in_base = HouseholdRow.org_id.in_(
            select(OrgUnitRow.id).where(in_subtree(OrgUnitRow.path, base))
        )
        households = [
            HouseholdRecord(
                id_,
                org_id,
                building,
                Location(lat, lng) if lat is not None and lng is not None else None,
                decode_categories(categories),
            )
            for id_, org_id, building, lat, lng, categories in self.session.execute(
                select(
                    HouseholdRow.id,
                    HouseholdRow.org_id,
                    HouseholdRow.building,
                    HouseholdRow.lat,
                    HouseholdRow.lng,
                    HouseholdRow.categories,
                ).where(in_base, HouseholdRow.status == ACTIVE_HOUSEHOLD)
            )
        ]
        active = dict(
            self.session.execute(
                select(AssignmentRow.household_id, AssignmentRow.member_id)
                .join(HouseholdRow, HouseholdRow.id == AssignmentRow.household_id)
                .where(in_base, AssignmentRow.ended_on.is_(None))
            ).all()
        )
        return AreaRoster(grids, members, households, active)

    def preferences(self, area_path: str) -> Preferences:
        """Ties and requests of the members registered in the area's villages."""
        in_area = select(MemberRow.id).where(
            MemberRow.org_id.in_(
                select(OrgUnitRow.id).where(in_subtree(OrgUnitRow.path, self._base_path(area_path)))
            )
        )
        ties = frozenset(
            (m, h, TieKind(k))
            for m, h, k in self.session.execute(
                select(MemberTieRow.member_id, MemberTieRow.household_id, MemberTieRow.kind).where(
                    MemberTieRow.member_id.in_(in_area)
                )
            )
        )
        requests = frozenset(
            (m, h)
            for m, h in self.session.execute(
                select(MemberRequestRow.member_id, MemberRequestRow.household_id).where(
                    MemberRequestRow.member_id.in_(in_area)
                )
            )
        )
        return Preferences(ties, requests)

    # ── proposals ────────────────────────────────────────────────────────────────────────

    def add_proposal(
        self,
        *,
        org_id: int,
        scheme: str,
        mode: str,
        fingerprint: str,
        report: dict[str, Any],
        pairs: Sequence[Pair],
        created_by: str,
        at: datetime,
    ) -> int:
        row = ProposalRow(
            org_id=org_id,
            scheme=scheme,
            status=ProposalStatus.DRAFT.value,
            mode=mode,
            fingerprint=fingerprint,
            report=report,
            created_by=created_by,
            created_at=at,
        )
        self.session.add(row)
        self.session.flush()
        insert_rows(
            self.session,
            "proposal_pairs",
            ("proposal_id", "household_id", "member_id", "reasons", "distance_m"),
            (
                (row.id, p.household_id, p.member_id, reasons_text(p.reasons), p.distance_m)
                for p in pairs
            ),
            empty_not_null=("reasons",),
        )
        return row.id

    def proposal(self, proposal_id: int, scope: Scope) -> ProposalMeta:
        found = self.session.execute(
            select(ProposalRow, OrgUnitRow.path)
            .join(OrgUnitRow, OrgUnitRow.id == ProposalRow.org_id)
            .where(ProposalRow.id == proposal_id)
        ).first()
        if found is None or not scope.covers(found[1]):
            raise NotFound("proposal.not_found", f"方案 {proposal_id} 不存在", field="proposal_id")
        row, path = found
        return ProposalMeta(
            row.id,
            row.org_id,
            path,
            row.scheme,
            ProposalStatus(row.status),
            row.mode,
            row.fingerprint,
            row.report,
            row.created_by,
            row.created_at,
            row.published_at,
        )

    def pairs(self, proposal_id: int, *, household_ids: Iterable[int] | None = None) -> list[Pair]:
        stmt = select(
            ProposalPairRow.household_id,
            ProposalPairRow.member_id,
            ProposalPairRow.reasons,
            ProposalPairRow.distance_m,
        ).where(ProposalPairRow.proposal_id == proposal_id)
        if household_ids is not None:
            stmt = stmt.where(ProposalPairRow.household_id.in_(list(household_ids)))
        return [
            Pair(h, m, parse_reasons(r), d)
            for h, m, r, d in self.session.execute(stmt.order_by(ProposalPairRow.household_id))
        ]

    def loads(self, proposal_id: int, member_ids: Iterable[int]) -> dict[int, int]:
        ids = list(member_ids)
        return dict(
            self.session.execute(
                select(ProposalPairRow.member_id, func.count())
                .where(
                    ProposalPairRow.proposal_id == proposal_id, ProposalPairRow.member_id.in_(ids)
                )
                .group_by(ProposalPairRow.member_id)
            ).all()
        )

    def names(
        self, member_ids: Iterable[int], household_ids: Iterable[int]
    ) -> tuple[dict[int, str], dict[int, str]]:
        """(member names, household heads' names) by id: what a violation message names."""
        members = list(member_ids)
        households = list(household_ids)
        member_names = (
            dict(
                self.session.execute(
                    select(MemberRow.id, MemberRow.name).where(MemberRow.id.in_(members))
                ).all()
            )
            if members
            else {}
        )
        household_names = (
            dict(
                self.session.execute(
                    select(HouseholdRow.id, HouseholdRow.head_name).where(
                        HouseholdRow.id.in_(households)
                    )
                ).all()
            )
            if households
            else {}
        )
        return member_names, household_names

    def set_pairs(self, proposal_id: int, pairs: Iterable[Pair]) -> None:
        for p in pairs:
            self.session.execute(
                update(ProposalPairRow)
                .where(
                    ProposalPairRow.proposal_id == proposal_id,
                    ProposalPairRow.household_id == p.household_id,
                )
                .values(
                    member_id=p.member_id, reasons=reasons_text(p.reasons), distance_m=p.distance_m
                )
            )

    def set_report(self, proposal_id: int, report: dict[str, Any]) -> None:
        self.session.execute(
            update(ProposalRow).where(ProposalRow.id == proposal_id).values(report=report)
        )

    def lock_publishing(self) -> None:
        """Publishes one after the other, until this transaction ends: each reads the roster
        in force after the one before it committed, so a second draft of an area finds it
        changed (stale) instead of both passing the check and writing two rosters. They are
        rare and short: one lock for all (persistence.locks)."""
        serialize(self.session, Lock.PUBLISHING)

    def mark(
        self, proposal_id: int, *, status: ProposalStatus, by: str, at: datetime
    ) -> ProposalStatus:
        """Move a draft to ``status``; returns the status it was found in: a draft when this
        call moved it, anything else when another request got there first (nothing changed).
        One conditional UPDATE: on PostgreSQL a concurrent one waits on the row's lock and then
        finds it no longer a draft; SQLite has a single writer."""
        moved = self.session.execute(
            update(ProposalRow)
            .where(ProposalRow.id == proposal_id, ProposalRow.status == ProposalStatus.DRAFT)
            .values(status=status.value, published_by=by, published_at=at)
            .execution_options(synchronize_session="fetch")
        )
        if cast(CursorResult[Any], moved).rowcount == 1:
            return ProposalStatus.DRAFT
        # A column read sees the committed row, not the session's copy read before.
        return ProposalStatus(
            self.session.scalars(
                select(ProposalRow.status).where(ProposalRow.id == proposal_id)
            ).one()
        )

    # ── publishing and history ───────────────────────────────────────────────────────────

    def publish(
        self,
        proposal_id: int,
        *,
        on: date,
        at: datetime,
        elderly: Sequence[tuple[int, int]],
        contacts: Iterable[int],
    ) -> tuple[int, int]:
        """Make the proposal's pairs the active roster from ``on``: a changed household's
        previous assignment ends that day; an unchanged one keeps its row. Returns (started,
        kept)."""
        pairs = self.session.execute(
            select(
                ProposalPairRow.household_id, ProposalPairRow.member_id, ProposalPairRow.reasons
            ).where(ProposalPairRow.proposal_id == proposal_id)
        ).all()
        current = dict(
            self.session.execute(
                select(AssignmentRow.household_id, AssignmentRow.member_id)
                .join(
                    ProposalPairRow,
                    and_(
                        ProposalPairRow.household_id == AssignmentRow.household_id,
                        ProposalPairRow.proposal_id == proposal_id,
                    ),
                )
                .where(AssignmentRow.ended_on.is_(None))
            ).all()
        )
        changed = [(h, m, r) for h, m, r in pairs if current.get(h) != m]
        ended = [h for h, _, _ in changed if h in current]
        for start in range(0, len(ended), 5000):
            self.session.execute(
                update(AssignmentRow)
                .where(
                    AssignmentRow.household_id.in_(ended[start : start + 5000]),
                    AssignmentRow.ended_on.is_(None),
                )
                .values(ended_on=on, updated_at=at, version=AssignmentRow.version + 1)
                .execution_options(synchronize_session=False)
            )
        insert_rows(
            self.session,
            "assignments",
            ("member_id", "household_id", "started_on", "proposal_id", "reasons", "updated_at"),
            ((m, h, on, proposal_id, r, at) for h, m, r in changed),
            empty_not_null=("reasons",),
        )
        self._publish_elderly(proposal_id, on, elderly, contacts)
        return len(changed), len(pairs) - len(changed)

    def _publish_elderly(
        self,
        proposal_id: int,
        on: date,
        elderly: Sequence[tuple[int, int]],
        contacts: Iterable[int],
    ) -> None:
        ids = list(contacts)
        for start in range(0, len(ids), 5000):
            self.session.execute(
                update(ElderlyPairingRow)
                .where(
                    ElderlyPairingRow.contact_member_id.in_(ids[start : start + 5000]),
                    ElderlyPairingRow.ended_on.is_(None),
                )
                .values(ended_on=on)
                .execution_options(synchronize_session=False)
            )
        insert_rows(
            self.session,
            "elderly_pairings",
            ("contact_member_id", "elderly_member_id", "started_on", "proposal_id"),
            ((c, e, on, proposal_id) for c, e in elderly),
        )

    # ── declarations ─────────────────────────────────────────────────────────────────────

    def set_requests(self, member_id: int, household_ids: Sequence[int], at: datetime) -> None:
        self.session.execute(
            delete(MemberRequestRow).where(MemberRequestRow.member_id == member_id)
        )
        self.session.add_all(
            MemberRequestRow(member_id=member_id, household_id=h, created_at=at)
            for h in sorted(set(household_ids))
        )
        self.session.flush()

    def requests_of(self, member_id: int) -> list[int]:
        return list(
            self.session.scalars(
                select(MemberRequestRow.household_id)
                .where(MemberRequestRow.member_id == member_id)
                .order_by(MemberRequestRow.household_id)
            )
        )

    def add_tie(self, member_id: int, household_id: int, kind: TieKind) -> None:
        exists = self.session.get(MemberTieRow, (member_id, household_id, kind.value))
        if exists is None:
            self.session.add(
                MemberTieRow(member_id=member_id, household_id=household_id, kind=kind.value)
            )
            self.session.flush()

    def remove_tie(self, member_id: int, household_id: int, kind: TieKind) -> bool:
        """Whether there was such a tie to remove."""
        found = self.session.get(MemberTieRow, (member_id, household_id, kind.value))
        if found is None:
            return False
        self.session.delete(found)
        self.session.flush()
        return True

    def ties_of(self, member_id: int) -> list[tuple[int, str]]:
        return list(
            self.session.execute(
                select(MemberTieRow.household_id, MemberTieRow.kind)
                .where(MemberTieRow.member_id == member_id)
                .order_by(MemberTieRow.household_id, MemberTieRow.kind)
            ).all()
        )
