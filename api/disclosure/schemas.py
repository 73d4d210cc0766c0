"""Contact cards (党群联心卡), card tokens and the village board (党务公开栏).

The shapes only carry what ``domain.disclosure`` lets through: no household address, phone,
categories or location exist here to leak."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from domain.disclosure.model import BoardEntry, CardToken, ContactCard, ShownMember, VillageBoard
from domain.kernel.org import LEVEL_LABELS, OrgLevel


class CardMemberOut(BaseModel):
    name: str = Field(description="联系党员姓名（公开）")
    phone: str | None = Field(description="联系电话；公开视图中脱敏")
    services: list[str] = Field(description="服务事项（党员特长）")

    @classmethod
    def from_domain(cls, member: ShownMember) -> CardMemberOut:
        return cls(name=member.name, phone=member.phone, services=list(member.services))


class PublicCardOut(BaseModel):
    """What anyone holding the card's QR code sees."""

    village: str
    grid: str
    head_name: str = Field(description="户主姓名，脱敏（张*）")
    member: CardMemberOut | None = Field(description="null：尚未联户")

    @classmethod
    def from_domain(cls, card: ContactCard) -> PublicCardOut:
        return cls(
            village=card.village,
            grid=card.grid,
            head_name=card.head_name,
            member=CardMemberOut.from_domain(card.member) if card.member else None,
        )


class CardOut(PublicCardOut):
    """The household's card for staff: the member's full phone only with ``personal:read``."""

    household_id: int
    phone_masked: bool
    qr_url: str | None = Field(description="二维码指向的公开页面；尚未生成时为 null")
    token_created_at: datetime | None
    label: str = Field(
        description="发放用的户编号（及楼栋），如 户编号 H001 · 3幢；无个人信息权限时为空"
    )

    @classmethod
    def of(
        cls, household_id: int, card: ContactCard, token: CardToken | None, url: str | None
    ) -> CardOut:
        public = PublicCardOut.from_domain(card)
        return cls(
            **public.model_dump(exclude={"member"}),
            member=public.member,
            household_id=household_id,
            phone_masked=card.phone_masked,
            qr_url=url,
            token_created_at=token.created_at if token else None,
            label=card.label,
        )


class CardTokenOut(BaseModel):
    household_id: int
    token: str
    url: str = Field(description="二维码编码的地址：{LIANHU_PUBLIC_BASE_URL}/c/{token}")
    created_at: datetime
    revoked_previous: int = Field(description="因轮换而失效的旧码数")


class BoardHouseholdOut(BaseModel):
    head_name: str = Field(description="户主姓名，脱敏")
    grid: str


class BoardMemberOut(CardMemberOut):
    household_count: int
    households: list[BoardHouseholdOut]

    @classmethod
    def from_entry(cls, entry: BoardEntry) -> BoardMemberOut:
        return cls(
            **CardMemberOut.from_domain(entry.member).model_dump(),
            household_count=entry.household_count,
            households=[
                BoardHouseholdOut(head_name=h.head_name, grid=h.grid) for h in entry.households
            ],
        )


class BoardOut(BaseModel):
    """党务公开栏: each contact member and the households they look after, masked for the public."""

    org_id: int
    name: str
    level: OrgLevel
    level_label: str
    member_count: int
    household_count: int
    uncovered_count: int = Field(description="尚未联户的户数（不列名单）")
    members: list[BoardMemberOut]

    @classmethod
    def of(cls, org_id: int, board: VillageBoard) -> BoardOut:
        return cls(
            org_id=org_id,
            name=board.area,
            level=board.level,
            level_label=LEVEL_LABELS[board.level],
            member_count=len(board.entries),
            household_count=board.household_count,
            uncovered_count=board.uncovered,
            members=[BoardMemberOut.from_entry(e) for e in board.entries],
        )


class PrintLinkOut(BaseModel):
    url: str = Field(description="打印页的相对地址，如 /print/cards/…；在新窗口打开即可")
    expires_at: datetime


class CardEventOut(BaseModel):
    """An event the household reported through its card, as the household sees it."""

    kind: str
    note: str
    reported_at: datetime
    deadline: datetime = Field(description="联系党员应在此前到场")


class CardEventKindsOut(BaseModel):
    kinds: list[str] = Field(description="本户所在联户模式的必到事项；空：不能报告")
    per_day: int = Field(description="每张卡每天最多报告的次数")
