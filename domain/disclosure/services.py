"""Two-way disclosure (双向公示) use cases: card tokens (issue with rotation, revoke), the card of a
household, the public card behind a QR code, the village board and the printable sheet of cards.

Each write is audited. Token values never enter the audit log: a token is a capability."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.disclosure.events import CardIssued, CardRevoked, CardSheetIssued
from domain.disclosure.model import (
    Audience,
    CardFacts,
    CardToken,
    ContactCard,
    VillageBoard,
    check_disclosure_area,
    disclose_card,
    looks_like_token,
    new_card_token,
    sheet_order,
    village_board,
)
from domain.kernel.access import Permission, Scope
from domain.kernel.errors import NotFound
from domain.kernel.org import OrgUnit
from domain.kernel.unit_of_work import UnitOfWork

TokenSource = Callable[[], str]


class CardRepository(Protocol):
    """Card tokens and the facts cards are made of. Reads take the caller's Scope, except the
    lookup by token: whoever holds a live token may see the public card, by design."""

    def facts_of(self, household_id: int, scope: Scope) -> CardFacts: ...
    def facts_in(self, area: OrgUnit, scope: Scope) -> list[CardFacts]: ...
    def facts_by_token(self, token: str) -> CardFacts | None: ...
    def active_token(self, household_id: int) -> CardToken | None: ...
    def active_tokens_in(self, area: OrgUnit, scope: Scope) -> Mapping[int, CardToken]: ...
    def lock_household(self, household_id: int) -> None: ...
    def lock_households_in(self, area: OrgUnit, scope: Scope) -> None: ...
    def add_token(self, household_id: int, token: str, *, by: str, at: datetime) -> CardToken: ...
    def revoke_active(self, household_id: int, *, at: datetime) -> list[int]: ...


class DisclosureUnitOfWork(UnitOfWork, Protocol):
    @property
    def cards(self) -> CardRepository: ...


@dataclass(frozen=True)
class PrintedCard:
    household_id: int
    card: ContactCard
    token: str


def issue_card_token(
    uow: DisclosureUnitOfWork,
    scope: Scope,
    household_id: int,
    *,
    at: datetime,
    new_token: TokenSource = new_card_token,
) -> tuple[CardToken, list[int]]:
    """A new token for the household's card; the previous one stops working (rotation, e.g. a
    lost card). Returns the token and the ids of the tokens it revoked."""
    scope.require(Permission.HOUSEHOLD_WRITE)
    with uow:
        household = uow.households.get(household_id, scope)
        org = uow.orgs.get(household.org_id, scope)
        uow.cards.lock_household(household_id)  # two rotations at once leave one live token
        revoked = uow.cards.revoke_active(household_id, at=at)
        token = uow.cards.add_token(household_id, new_token(), by=scope.actor, at=at)
        uow.emit(
            CardIssued(
                actor=scope.actor,
                entity_id=household_id,
                household_id=household_id,
                org_path=org.path,
                at=at,
                before={"token_ids": revoked} if revoked else None,
                after={"token_id": token.id, "household_id": household_id},
            )
        )
        uow.commit()
        return token, revoked


def revoke_card_token(
    uow: DisclosureUnitOfWork, scope: Scope, household_id: int, *, at: datetime
) -> None:
    scope.require(Permission.HOUSEHOLD_WRITE)
    with uow:
        household = uow.households.get(household_id, scope)
        org = uow.orgs.get(household.org_id, scope)
        uow.cards.lock_household(household_id)
        revoked = uow.cards.revoke_active(household_id, at=at)
        if not revoked:
            raise NotFound(
                "card_token.not_found", "该户没有有效的联心卡二维码", field="household_id"
            )
        uow.emit(
            CardRevoked(
                actor=scope.actor,
                entity_id=household_id,
                household_id=household_id,
                org_path=org.path,
                at=at,
                before={"token_ids": revoked, "household_id": household_id},
            )
        )
        uow.commit()


def household_card(
    uow: DisclosureUnitOfWork, scope: Scope, household_id: int
) -> tuple[ContactCard, CardToken | None]:
    """The household's card as the caller may see it, with its live token if it has one."""
    scope.require(Permission.HOUSEHOLD_READ)
    with uow:
        facts = uow.cards.facts_of(household_id, scope)
        return disclose_card(facts, Audience.of(scope)), uow.cards.active_token(household_id)


def public_card(uow: DisclosureUnitOfWork, token: str) -> ContactCard:
    """The card behind a QR code, for anyone. Unknown, malformed and revoked tokens are the
    same NotFound: a refusal never says whether a token once existed."""
    facts = None
    if looks_like_token(token):
        with uow:
            facts = uow.cards.facts_by_token(token)
    if facts is None:
        raise NotFound("card.not_found", "联心卡不存在或已失效")
    return disclose_card(facts, Audience.PUBLIC)


def _area(uow: DisclosureUnitOfWork, scope: Scope, org_id: int) -> OrgUnit:
    """A village/community or grid in the caller's scope (inside the caller's unit of work)."""
    area = uow.orgs.get(org_id, scope)
    check_disclosure_area(area)
    return area


def board(uow: DisclosureUnitOfWork, scope: Scope, org_id: int) -> VillageBoard:
    """The village board (党务公开栏) of a village/community or grid in the caller's scope."""
    scope.require(Permission.ORG_READ)
    scope.require(Permission.HOUSEHOLD_READ)
    with uow:
        area = _area(uow, scope, org_id)
        return village_board(area, uow.cards.facts_in(area, scope))


def printable_area(uow: DisclosureUnitOfWork, scope: Scope, org_id: int) -> OrgUnit:
    """The area whose cards the caller may print (checked before a print link is given)."""
    scope.require(Permission.HOUSEHOLD_WRITE)
    scope.require(Permission.PERSONAL_DATA)
    with uow:
        return _area(uow, scope, org_id)


def print_cards(
    uow: DisclosureUnitOfWork,
    scope: Scope,
    org_id: int,
    *,
    at: datetime,
    new_token: TokenSource = new_card_token,
) -> tuple[OrgUnit, list[PrintedCard]]:
    """Every card of the area, ready to print with the member's full phone; households without
    a token get one in the same transaction, recorded as one audit entry."""
    scope.require(Permission.HOUSEHOLD_WRITE)
    scope.require(Permission.PERSONAL_DATA)
    with uow:
        area = _area(uow, scope, org_id)
        facts = sheet_order(uow.cards.facts_in(area, scope))
        tokens = dict(uow.cards.active_tokens_in(area, scope))
        if any(f.household_id not in tokens for f in facts):
            # Read again under the lock: a concurrent print may just have issued some.
            uow.cards.lock_households_in(area, scope)
            tokens = dict(uow.cards.active_tokens_in(area, scope))
            created = _issue_missing(uow, scope, facts, tokens, at=at, new_token=new_token)
            _record_sheet(uow, scope, area, created, at=at)
            uow.commit()
        audience = Audience.of(scope)
        cards = [
            PrintedCard(f.household_id, disclose_card(f, audience), tokens[f.household_id].token)
            for f in facts
        ]
        return area, cards


def _issue_missing(
    uow: DisclosureUnitOfWork,
    scope: Scope,
    facts: Sequence[CardFacts],
    tokens: dict[int, CardToken],
    *,
    at: datetime,
    new_token: TokenSource,
) -> list[int]:
    created = []
    for f in facts:
        if f.household_id not in tokens:
            tokens[f.household_id] = uow.cards.add_token(
                f.household_id, new_token(), by=scope.actor, at=at
            )
            created.append(f.household_id)
    return created


def _record_sheet(
    uow: DisclosureUnitOfWork, scope: Scope, area: OrgUnit, created: list[int], *, at: datetime
) -> None:
    if not created:
        return
    uow.emit(
        CardSheetIssued(
            actor=scope.actor,
            entity_id=area.id,
            org_path=area.path,
            at=at,
            after={"org_id": area.id, "household_ids": created, "count": len(created)},
        )
    )
