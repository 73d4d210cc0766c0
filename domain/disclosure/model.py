"""Two-way disclosure (双向公示): the village board (党务公开栏) lists every contact member with the
households they look after, and each household gets a contact card (党群联心卡) whose QR code opens
a public page.

Huiji (1+6+N) publishes "每名党员及其联系户的信息" on the board and hangs a plaque on each door;
Xiaolin (先锋户联) hands every household a card that "公开联户党员姓名、服务事项、联系电话".

The rule of what the public may see lives here and nowhere else:

- the member's name (a Party member's name on a door plaque is public by design), services and
  the names of the village and grid;
- the household head's name masked (``张*``);
- never the household's address, phone, categories or location: a card is built from
  ``CardFacts``, which do not even carry them;
- the member's phone masked, except on the printed card handed to the household (the member's
  work contact), which only callers with ``personal:read`` may produce (PIPL art. 6).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from domain.kernel.access import Scope
from domain.kernel.errors import RuleBroken
from domain.kernel.org import LEVEL_LABELS, OrgLevel, OrgUnit
from domain.registers.masking import mask_name, mask_phone

# A board or a sheet of cards covers one village/community, or one of its grids.
DISCLOSURE_LEVELS: Final[frozenset[OrgLevel]] = frozenset(
    {OrgLevel.VILLAGE, OrgLevel.COMMUNITY, OrgLevel.GRID}
)
TOKEN_BYTES: Final = 24  # 192 bits: not guessable, and short enough for a small QR code
_TOKEN_SHAPE: Final = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class Audience(StrEnum):
    """Who a card is shown to."""

    PUBLIC = "public"  # the QR page, the board, anyone without personal-data access
    CARD_HOLDER = "card_holder"  # the printed card handed to the household

    @classmethod
    def of(cls, scope: Scope) -> Audience:
        return cls.CARD_HOLDER if scope.sees_personal_data else cls.PUBLIC


@dataclass(frozen=True)
class ContactMember:
    """The household's contact member (联系党员) as the register knows them."""

    id: int
    name: str
    phone: str | None
    services: tuple[str, ...]


@dataclass(frozen=True)
class CardFacts:
    """What a card may draw on: deliberately no address, phone, categories or location."""

    household_id: int
    head_name: str
    village: str
    grid: str
    member: ContactMember | None
    code: str | None = None  # 户编号 (the register's external id)
    building: str | None = None  # 楼栋, in a community


@dataclass(frozen=True)
class CardToken:
    """The revocable token behind a card's QR code."""

    id: int
    household_id: int
    token: str
    created_at: datetime


@dataclass(frozen=True)
class ShownMember:
    name: str
    phone: str | None
    services: tuple[str, ...]


@dataclass(frozen=True)
class ContactCard:
    """党群联心卡 as shown to an audience."""

    village: str
    grid: str
    head_name: str  # always masked
    member: ShownMember | None  # None: 尚未联户
    audience: Audience
    # Which household the card is for, so the secretary hands each to its door: on the cards
    # the staff print (the card holder's), never on the public page (``hand_out_label``).
    label: str = ""

    @property
    def phone_masked(self) -> bool:
        return self.audience is Audience.PUBLIC


def show_member(member: ContactMember, audience: Audience) -> ShownMember:
    full = audience is Audience.CARD_HOLDER
    return ShownMember(
        name=member.name,
        phone=member.phone if full else mask_phone(member.phone),
        services=member.services,
    )


def hand_out_label(facts: CardFacts) -> str:
    """Which household a printed card is for, e.g. 户编号 H001 · 3幢: the household code (its
    number in the register when it has none) and its building, beside the masked head name."""
    code = f"户编号 {facts.code}" if facts.code else f"农户编号 #{facts.household_id}"
    return " · ".join(p for p in (code, facts.building) if p)


def disclose_card(facts: CardFacts, audience: Audience) -> ContactCard:
    return ContactCard(
        village=facts.village,
        grid=facts.grid,
        head_name=mask_name(facts.head_name),
        member=show_member(facts.member, audience) if facts.member else None,
        audience=audience,
        label=hand_out_label(facts) if audience is Audience.CARD_HOLDER else "",
    )


@dataclass(frozen=True)
class BoardHousehold:
    head_name: str  # masked
    grid: str


@dataclass(frozen=True)
class BoardEntry:
    """One member on the board and the households they look after."""

    member: ShownMember
    households: tuple[BoardHousehold, ...]

    @property
    def household_count(self) -> int:
        return len(self.households)


@dataclass(frozen=True)
class VillageBoard:
    """党务公开栏: every contact member of the area with their households, always public."""

    area: str
    level: OrgLevel
    entries: tuple[BoardEntry, ...]
    uncovered: int  # households without a contact member: a count, never who they are

    @property
    def household_count(self) -> int:
        return sum(e.household_count for e in self.entries)


def check_disclosure_area(unit: OrgUnit) -> None:
    """Boards and card sheets are per village/community or grid, as on the seeds' 公开栏."""
    if unit.level not in DISCLOSURE_LEVELS:
        raise RuleBroken(
            "disclosure.area_level",
            f"公示以村（社区）或网格为单位，不能按{LEVEL_LABELS[unit.level]}",
            field="org_id",
        )


def village_board(area: OrgUnit, facts: Iterable[CardFacts]) -> VillageBoard:
    """Group the area's households by contact member; members in name order, households as
    given (the register's order)."""
    members: dict[int, ContactMember] = {}
    households: dict[int, list[BoardHousehold]] = {}
    uncovered = 0
    for f in facts:
        if f.member is None:
            uncovered += 1
            continue
        members.setdefault(f.member.id, f.member)
        households.setdefault(f.member.id, []).append(
            BoardHousehold(head_name=mask_name(f.head_name), grid=f.grid)
        )
    order = sorted(members.values(), key=lambda m: (m.name, m.id))
    entries = tuple(
        BoardEntry(show_member(m, Audience.PUBLIC), tuple(households[m.id])) for m in order
    )
    return VillageBoard(area=area.name, level=area.level, entries=entries, uncovered=uncovered)


def sheet_order(facts: Sequence[CardFacts]) -> list[CardFacts]:
    """Covered households first; those still without a member (尚未联户) at the end."""
    return [f for f in facts if f.member] + [f for f in facts if not f.member]


def new_card_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def looks_like_token(text: str) -> bool:
    """Whether a string could be a card token at all; anything else never reaches storage."""
    return bool(_TOKEN_SHAPE.match(text))


def card_url(base_url: str, token: str) -> str:
    """The address a card's QR code encodes."""
    return f"{base_url.rstrip('/')}/c/{token}"
