"""Households (户) and their categories (户类), which drive priority, policy matching and the
七彩图 colour map of the 1+6+N scheme (Huiji seed)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final, NamedTuple

from domain.kernel.errors import Conflict, Invalid
from domain.registers.member import Location, check_birth_date


class Category(StrEnum):
    """Built-in categories. Counties may register more (``CategoryCatalog``)."""

    DIBAO = "dibao"
    WUBAO = "wubao"
    SERIOUS_ILLNESS_DISABILITY = "serious_illness_disability"
    EMPTY_NEST_ELDERLY = "empty_nest_elderly"
    LEFT_BEHIND_CHILDREN = "left_behind_children"
    LONELY_ELDERLY = "lonely_elderly"
    HARDSHIP = "hardship"
    MIGRANT_TENANT = "migrant_tenant"
    PARTY_MEMBER = "party_member"


BUILTIN_CATEGORY_LABELS: Final[dict[str, str]] = {
    Category.DIBAO: "低保",
    Category.WUBAO: "五保",
    Category.SERIOUS_ILLNESS_DISABILITY: "重病重残",
    Category.EMPTY_NEST_ELDERLY: "空巢老人",
    Category.LEFT_BEHIND_CHILDREN: "留守儿童",
    Category.LONELY_ELDERLY: "孤寡老人",
    Category.HARDSHIP: "困难群众",
    Category.MIGRANT_TENANT: "流动/租户",
    Category.PARTY_MEMBER: "党员户",
}

# Categories whose very presence is sensitive personal information (PIPL art. 28: health,
# financial status, minors): masked from callers without personal-data access.
SENSITIVE_CATEGORIES: Final[frozenset[str]] = frozenset(
    {
        Category.DIBAO,
        Category.WUBAO,
        Category.SERIOUS_ILLNESS_DISABILITY,
        Category.LEFT_BEHIND_CHILDREN,
        Category.HARDSHIP,
    }
)


class PersonalFields(NamedTuple):
    """What a caller without personal:read sees masked (phone, address) or not at all (the
    location, the sensitive categories) — a member has no address or categories."""

    phone: str | None
    address: str | None
    lat: float | None
    lng: float | None
    categories: frozenset[str]


def unseen_changes(before: PersonalFields, after: PersonalFields) -> list[tuple[str, str]]:
    """(field, why) of each change a caller who sees ``before`` masked may not make: they cannot
    see what they would overwrite, nor mark a household with a category they would then not
    see. The API refuses the first; an import lists every one at its cell."""
    out: list[tuple[str, str]] = []
    if after.phone != before.phone:
        out.append(("phone", "电话对您是脱敏显示的"))
    if after.address != before.address:
        out.append(("address", "住址对您是脱敏显示的"))
    if (after.lat, after.lng) != (before.lat, before.lng):
        out.append(("lat", "位置对您不可见"))
    added = (after.categories - before.categories) & SENSITIVE_CATEGORIES
    if added:
        out.append(
            ("categories", f"困难类别（{'、'.join(sorted(added))}）须由有个人信息权限的人员标注")
        )
    return out


def with_hidden_categories(sent: Iterable[str], stored: frozenset[str]) -> frozenset[str]:
    """The categories sent by a caller who does not see the sensitive ones, with the stored
    sensitive ones kept (their list leaves them out; it must not drop them)."""
    return frozenset(sent) | (stored & SENSITIVE_CATEGORIES)


@dataclass(frozen=True)
class CategoryCatalog:
    """The category codes known to an installation: built-ins plus registered extras."""

    labels: Mapping[str, str]

    @classmethod
    def with_extras(cls, extras: Mapping[str, str]) -> CategoryCatalog:
        return cls({**BUILTIN_CATEGORY_LABELS, **extras})

    def resolve(self, token: str) -> str:
        """A code from a code or a Chinese label (imports use labels: 低保, 五保 …)."""
        token = token.strip()
        if token in self.labels:
            return token
        for code, label in self.labels.items():
            if token == label or token in label.split("/"):
                return code
        raise Invalid("household.unknown_category", f"未知的户类：{token}", field="categories")

    def resolve_all(self, tokens: Iterable[str]) -> frozenset[str]:
        return frozenset(self.resolve(t) for t in tokens if t.strip())


class HouseholdStatus(StrEnum):
    """Where a household stands in the register. The 民情日志 is a record: a household with
    history is never deleted, it moves out (迁出) or is archived, and leaves the due lists,
    compliance, rosters and pulls while its history stays readable."""

    ACTIVE = "active"
    MOVED_OUT = "moved_out"
    ARCHIVED = "archived"


HOUSEHOLD_STATUS_LABELS: Final = {
    HouseholdStatus.ACTIVE: "在册",
    HouseholdStatus.MOVED_OUT: "已迁出",
    HouseholdStatus.ARCHIVED: "已归档",
}

# The lifecycle as a table: the statuses each may move to. Every move is a fact of the
# household's life or the correction of a mistaken one: a household that moved out comes back
# (迁回) or is archived; an archived one is restored, or found to have moved out instead. Leaving
# ACTIVE ends its contact member's assignment (domain.registers.services).
HOUSEHOLD_TRANSITIONS: Final[Mapping[HouseholdStatus, frozenset[HouseholdStatus]]] = {
    HouseholdStatus.ACTIVE: frozenset({HouseholdStatus.MOVED_OUT, HouseholdStatus.ARCHIVED}),
    HouseholdStatus.MOVED_OUT: frozenset({HouseholdStatus.ACTIVE, HouseholdStatus.ARCHIVED}),
    HouseholdStatus.ARCHIVED: frozenset({HouseholdStatus.ACTIVE, HouseholdStatus.MOVED_OUT}),
}


def check_status_move(
    current: HouseholdStatus,
    to: HouseholdStatus,
    table: Mapping[HouseholdStatus, frozenset[HouseholdStatus]] = HOUSEHOLD_TRANSITIONS,
) -> None:
    """Refuse a move the table does not allow (staying where it is, is no move)."""
    if to is not current and to not in table[current]:
        allowed = "、".join(HOUSEHOLD_STATUS_LABELS[s] for s in sorted(table[current]))
        raise Conflict(
            "household.status_move",
            f"“{HOUSEHOLD_STATUS_LABELS[current]}”的农户只能改为：{allowed or '（无）'}",
            field="status",
        )


@dataclass(frozen=True)
class EndedAssignment:
    """The contact member a change of the household took it from (a move, a moving out)."""

    member_id: int
    member_name: str


@dataclass(frozen=True)
class Household:
    id: int
    org_id: int  # the grid 网格
    head_name: str
    size: int = 1
    building: str | None = None  # 楼栋, in communities
    address: str | None = None
    phone: str | None = None
    location: Location | None = None
    categories: frozenset[str] = frozenset()
    external_id: str | None = None
    status: HouseholdStatus = HouseholdStatus.ACTIVE

    @property
    def active(self) -> bool:
        return self.status is HouseholdStatus.ACTIVE

    def __post_init__(self) -> None:
        if self.size < 1:
            raise Invalid("household.size_not_positive", "家庭人口至少为 1", field="size")


class Relation(StrEnum):
    """A resident's relation to the head of household (与户主关系)."""

    HEAD = "head"
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    GRANDCHILD = "grandchild"
    GRANDPARENT = "grandparent"
    SIBLING = "sibling"
    OTHER = "other"


RELATION_LABELS: Final = {
    Relation.HEAD: "户主",
    Relation.SPOUSE: "配偶",
    Relation.CHILD: "子女",
    Relation.PARENT: "父母",
    Relation.GRANDCHILD: "孙辈",
    Relation.GRANDPARENT: "祖辈",
    Relation.SIBLING: "兄弟姐妹",
    Relation.OTHER: "其他",
}
MAX_RESIDENTS: Final = 30


@dataclass(frozen=True)
class Resident:
    """A person of the household as policy rules need them: relation and birth date, no name
    (data minimisation, PIPL art. 6)."""

    relation: Relation
    birth_date: date
    gender: str | None = None


def check_residents(residents: Sequence[Resident], *, today: date) -> None:
    if len(residents) > MAX_RESIDENTS:
        raise Invalid(
            "household.too_many_residents", f"最多登记 {MAX_RESIDENTS} 人", field="residents"
        )
    for i, r in enumerate(residents):
        check_birth_date(
            r.birth_date, today=today, code="household", field=f"residents[{i}].birth_date"
        )
