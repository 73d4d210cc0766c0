"""Party members (党员): roles, exemption from contact duty (免除联户),
in-service members (在职党员)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final, NamedTuple

from domain.kernel.errors import Invalid


class MemberRole(StrEnum):
    MEMBER = "member"
    GROUP_LEADER = "group_leader"
    BRANCH_SECRETARY = "branch_secretary"
    VILLAGE_CADRE = "village_cadre"  # 村两委干部
    TOWNSHIP_CADRE = "township_cadre"
    COUNTY_CADRE = "county_cadre"


MEMBER_ROLE_LABELS: Final[dict[MemberRole, str]] = {
    MemberRole.MEMBER: "党员",
    MemberRole.GROUP_LEADER: "党小组长",
    MemberRole.BRANCH_SECRETARY: "支部书记",
    MemberRole.VILLAGE_CADRE: "村两委干部",
    MemberRole.TOWNSHIP_CADRE: "乡镇干部",
    MemberRole.COUNTY_CADRE: "县级干部",
}


class ExemptionReason(StrEnum):
    """Why a member is excused from contact duty. 一联三会 (Jiaxing seed): old, sick and disabled
    members are not asked to take households; 流动党员 away for work cannot visit."""

    ELDERLY = "elderly"
    INFIRM = "infirm"
    AWAY = "away"


EXEMPTION_LABELS: Final[dict[ExemptionReason, str]] = {
    ExemptionReason.ELDERLY: "年老",
    ExemptionReason.INFIRM: "体弱多病",
    ExemptionReason.AWAY: "外出/流动",
}


@dataclass(frozen=True)
class Exemption:
    """A branch decision (支部决定) excusing a member, with who decided it and when."""

    reason: ExemptionReason
    decided_by: str
    decided_on: date
    note: str | None = None

    def __post_init__(self) -> None:
        if not self.decided_by.strip():
            raise Invalid(
                "member.exemption_decided_by", "须注明决定人", field="exemption.decided_by"
            )


MAX_AGE_YEARS: Final = 130


def check_birth_date(birth: date, *, today: date, code: str, field: str) -> None:
    """A birth date a living person can have: not after today, not more than 130 years back.
    The one rule for members (``code`` "member") and households' residents ("household"); the
    refusal's code is ``{code}.birth_in_future`` or ``{code}.birth_too_early``."""
    if birth > today:
        raise Invalid(f"{code}.birth_in_future", "出生日期不能晚于今天", field=field)
    if today.year - birth.year > MAX_AGE_YEARS:
        raise Invalid(
            f"{code}.birth_too_early", f"出生日期早于 {MAX_AGE_YEARS} 年前，请核对", field=field
        )


class Location(NamedTuple):
    """WGS-84 latitude/longitude of a home. Ranges are checked where data enters (the API's
    schemas, the import validator); a city's roster builds half a million of these."""

    lat: float
    lng: float


def location_of(lat: float | None, lng: float | None) -> Location | None:
    """A position from its two coordinates, whole or none (a form, a stored row)."""
    return Location(lat, lng) if lat is not None and lng is not None else None


@dataclass(frozen=True)
class Member:
    id: int
    org_id: int
    name: str
    role: MemberRole = MemberRole.MEMBER
    gender: str | None = None
    birth_date: date | None = None
    phone: str | None = None
    location: Location | None = None
    skills: tuple[str, ...] = ()
    # 在职党员 report to the community where they live (双报到) besides their own branch.
    in_service: bool = False
    reported_community_id: int | None = None
    exemption: Exemption | None = None
    external_id: str | None = None

    @property
    def exempt(self) -> bool:
        return self.exemption is not None

    @property
    def takes_households(self) -> bool:
        """Only non-exempt members carry contact duty."""
        return self.exemption is None
