"""Card tokens and the facts contact cards and boards are made of (双向公示).

Only the columns a card may show are read: the household's head name and place, and its active
contact member (an active assignment has ``ended_on IS NULL``). Addresses, phones, categories and
locations of households are never selected here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Self

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session, aliased

from domain.disclosure.model import CardFacts, CardToken, ContactMember
from domain.kernel.access import Scope
from domain.kernel.errors import NotFound
from domain.kernel.org import OrgLevel, OrgUnit, ancestor_ids
from persistence.assignment.tables import AssignmentRow
from persistence.disclosure.tables import CardTokenRow
from persistence.org.tables import OrgUnitRow
from persistence.registers.tables import HouseholdRow, MemberRow
from persistence.scoping import household_scope
from persistence.unit_of_work import SqlAlchemyUnitOfWork

_VILLAGE_LEVELS = (OrgLevel.VILLAGE.value, OrgLevel.COMMUNITY.value)


def _token(row: CardTokenRow) -> CardToken:
    return CardToken(
        id=row.id, household_id=row.household_id, token=row.token, created_at=row.created_at
    )


class SqlCardRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # ── facts ────────────────────────────────────────────────────────────────────────────────

    def facts_of(self, household_id: int, scope: Scope) -> CardFacts:
        found = self._facts(HouseholdRow.id == household_id, household_scope(scope))
        if not found:
            raise NotFound(
                "household.not_found", f"农户 {household_id} 不存在", field="household_id"
            )
        return found[0]

    def facts_in(self, area: OrgUnit, scope: Scope) -> list[CardFacts]:
        return self._facts(household_scope(scope, area.path))

    def facts_by_token(self, token: str) -> CardFacts | None:
        live = select(CardTokenRow.household_id).where(
            CardTokenRow.token == token, CardTokenRow.revoked_at.is_(None)
        )
        found = self._facts(HouseholdRow.id.in_(live))
        return found[0] if found else None

    def _facts(self, *where: ColumnElement[bool]) -> list[CardFacts]:
        place = aliased(OrgUnitRow)  # the scope's subquery reads org_units unaliased
        rows = self.session.execute(
            select(
                HouseholdRow.id,
                HouseholdRow.head_name,
                place.path,
                HouseholdRow.external_id,
                HouseholdRow.building,
            )
            .join(place, place.id == HouseholdRow.org_id)
            .where(*where)
            .order_by(place.path, HouseholdRow.id)
        ).all()
        if not rows:
            return []
        places = self._places(r.path for r in rows)
        contacts = self._contacts(*where)
        return [
            CardFacts(
                household_id=r.id,
                head_name=r.head_name,
                village=places[r.path][0],
                grid=places[r.path][1],
                member=contacts.get(r.id),
                code=r.external_id,
                building=r.building,
            )
            for r in rows
        ]

    def _places(self, paths: Iterable[str]) -> dict[str, tuple[str, str]]:
        """(village or community, grid) names of each org path."""
        wanted = set(paths)
        ids = {i for p in wanted for i in ancestor_ids(p)}
        units = {
            u.id: (u.name, u.level)
            for u in self.session.execute(
                select(OrgUnitRow.id, OrgUnitRow.name, OrgUnitRow.level).where(
                    OrgUnitRow.id.in_(ids)
                )
            )
        }
        places = {}
        for path in wanted:
            chain = [units[i] for i in ancestor_ids(path)]
            name, level = chain[-1]
            grid = name if level == OrgLevel.GRID.value else ""
            village = next((n for n, lv in reversed(chain) if lv in _VILLAGE_LEVELS), "")
            places[path] = (village, grid)
        return places

    def _contacts(self, *where: ColumnElement[bool]) -> dict[int, ContactMember]:
        """The active contact member of each household matching ``where`` (the earliest, should
        the register briefly hold two)."""
        # Aliased: the scope's own-households test correlates on the plain assignments table.
        a = aliased(AssignmentRow)
        rows = self.session.execute(
            select(a.household_id, MemberRow.id, MemberRow.name, MemberRow.phone, MemberRow.skills)
            .join(MemberRow, MemberRow.id == a.member_id)
            .where(a.ended_on.is_(None), a.household_id.in_(select(HouseholdRow.id).where(*where)))
            .order_by(a.started_on, a.id)
        ).all()
        contacts: dict[int, ContactMember] = {}
        for r in rows:
            services = tuple(s for s in r.skills.split("、") if s)
            contacts.setdefault(r.household_id, ContactMember(r.id, r.name, r.phone, services))
        return contacts

    # ── tokens ───────────────────────────────────────────────────────────────────────────────

    def active_token(self, household_id: int) -> CardToken | None:
        row = self.session.scalar(
            select(CardTokenRow)
            .where(CardTokenRow.household_id == household_id, CardTokenRow.revoked_at.is_(None))
            .order_by(CardTokenRow.id.desc())
            .limit(1)
        )
        return _token(row) if row else None

    def active_tokens_in(self, area: OrgUnit, scope: Scope) -> Mapping[int, CardToken]:
        rows = self.session.scalars(
            select(CardTokenRow)
            .where(
                CardTokenRow.revoked_at.is_(None),
                CardTokenRow.household_id.in_(
                    select(HouseholdRow.id).where(household_scope(scope, area.path))
                ),
            )
            .order_by(CardTokenRow.id)
        )
        return {r.household_id: _token(r) for r in rows}  # the newest wins

    def lock_household(self, household_id: int) -> None:
        """Row lock on PostgreSQL (SQLite serialises writers anyway)."""
        self.session.execute(
            select(HouseholdRow.id).where(HouseholdRow.id == household_id).with_for_update()
        )

    def lock_households_in(self, area: OrgUnit, scope: Scope) -> None:
        self.session.execute(
            select(HouseholdRow.id)
            .where(household_scope(scope, area.path))
            .order_by(HouseholdRow.id)
            .with_for_update(of=HouseholdRow)
        )

    def add_token(self, household_id: int, token: str, *, by: str, at: datetime) -> CardToken:
        row = CardTokenRow(household_id=household_id, token=token, created_by=by, created_at=at)
        self.session.add(row)
        self.session.flush()
        return _token(row)

    def revoke_active(self, household_id: int, *, at: datetime) -> list[int]:
        ids = list(
            self.session.scalars(
                select(CardTokenRow.id).where(
                    CardTokenRow.household_id == household_id, CardTokenRow.revoked_at.is_(None)
                )
            )
        )
        if ids:
            self.session.execute(
                update(CardTokenRow).where(CardTokenRow.id.in_(ids)).values(revoked_at=at)
            )
        return ids


class SqlDisclosureUnitOfWork(SqlAlchemyUnitOfWork):
    """The unit of work with the card repository besides the registers."""

    cards: SqlCardRepository

    def __enter__(self) -> Self:
        super().__enter__()
        self.cards = SqlCardRepository(self.session)
        return self
