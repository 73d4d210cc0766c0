"""A synthetic county for demos, tests and benchmarks (演示县).

``generate_county`` builds the three register files the importer reads (组织架构, 党员, 户) as rows
of strings under the importer's canonical Chinese headers. Everything is drawn from
``random.Random(seed)``, so one seed always gives the same county, of any size.

The proportions follow the seeds: townships of 5,000–6,000 households; villages (村, ~85%) and
communities (社区, ~15%) of 300–900 households (Jiaxing: 3,000–8,000 people, ~2.8 per household);
grids (网格) of 80–150 households with one party group (党小组) each; about 69,000 members per
565,000 households, each village with one branch secretary, 2–4 两委 cadres and a group leader per
grid; ~12% of members exempt from contact duty (mostly the old), ~8% in-service (在职党员)
reporting to a community. Village centres spread over a ~40 km square around 30.75°N 120.75°E;
homes lie within ~1 km of their village centre.

Households are produced by a generator (``iter_household_rows``) so a benchmark can stream a
county of 565,000 households to a file without holding it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from domain.registers.household import BUILTIN_CATEGORY_LABELS, Category
from domain.registers.member import (
    EXEMPTION_LABELS,
    MEMBER_ROLE_LABELS,
    ExemptionReason,
    MemberRole,
)
from domain.transfer.importing import COLUMNS, ImportKind

__all__ = ["DemoCounty", "generate_county", "iter_household_rows"]

# Ages and decision dates are counted back from here (not from today), so output never varies
# with the clock and no date is in the future.
REFERENCE_DATE: Final = date(2026, 1, 1)

HOUSEHOLDS_PER_TOWNSHIP: Final = 5500
HOUSEHOLDS_PER_VILLAGE: Final = 600  # villages and communities: 300–900
MEMBERS_PER_HOUSEHOLD: Final = 69_000 / 565_000  # ≈ 0.122
MIN_MEMBERS_PER_VILLAGE: Final = 6

_CENTRE: Final = (30.75, 120.75)
_HALF_SQUARE: Final = (0.18, 0.21)  # degrees: ±20 km of latitude and of longitude at 30.75°N
_KM_LAT: Final = 0.009  # one kilometre in degrees of latitude …
_KM_LNG: Final = 0.0105  # … and of longitude at 30.75°N

# Field order of the rows; headers come from the importer, so the two never drift apart.
_ORG_FIELDS: Final = ("code", "name", "level", "parent", "external_id")
_MEMBER_FIELDS: Final = (
    "external_id",
    "name",
    "org",
    "role",
    "gender",
    "birth_date",
    "phone",
    "lat",
    "lng",
    "skills",
    "in_service",
    "reported",
    "exempt_reason",
    "exempt_by",
    "exempt_on",
    "exempt_note",
)
_NAME: Final = _MEMBER_FIELDS.index("name")
_IN_SERVICE: Final = _MEMBER_FIELDS.index("in_service")
_REPORTED: Final = _MEMBER_FIELDS.index("reported")
_EXEMPTION: Final = _MEMBER_FIELDS.index("exempt_reason")  # reason, by, on, note
_HOUSEHOLD_FIELDS: Final = (
    "external_id",
    "head_name",
    "grid",
    "building",
    "address",
    "size",
    "phone",
    "lat",
    "lng",
    "categories",
)


def _header(kind: ImportKind, fields: tuple[str, ...]) -> list[str]:
    labels = {c.field: c.label for c in COLUMNS[kind]}
    return [labels[f] for f in fields]


# The 100 commonest surnames with their approximate shares in ten-thousandths.
_SURNAME_SHARES: Final = (
    "王710 李700 张670 刘540 陈460 杨310 赵230 黄220 周180 吴170 徐140 孙130 胡130 朱120 高120 "
    "林110 何110 郭110 马110 罗90 梁80 宋70 郑70 谢60 韩60 唐60 冯60 于50 董50 肖50 程50 曹50 "
    "袁50 邓50 许50 傅50 沈50 曾50 彭50 吕50 苏40 卢40 蒋40 蔡40 贾40 丁40 魏40 薛40 叶40 闫30 "
    "余30 潘30 杜30 戴30 夏30 钟30 汪30 田30 任30 姜30 范30 方30 石30 姚30 谭30 廖20 邹20 熊20 "
    "金20 陆20 郝20 孔20 白20 崔20 康20 毛20 邱20 秦20 江20 史20 顾20 侯20 邵20 孟20 龙20 万20 "
    "段20 雷10 钱10 汤10 尹10 黎10 易10 常10 武10 乔10 贺10 赖10 龚10 文10"
)
# One entry per share: drawing a uniform index is a weighted draw, and cheap.
_SURNAME_TABLE: Final = tuple(
    item[0] for item in _SURNAME_SHARES.split() for _ in range(int(item[1:]))
)
_MALE_GIVEN: Final = (
    "伟强军磊洋勇杰涛明超平刚华建国志文斌海波辉林鹏宇浩峰飞鑫俊忠祥荣德福生根春永兴良金宝才成东新"
)
_FEMALE_GIVEN: Final = "芳娜敏静丽艳娟霞秀英玲燕红梅琳莉萍兰凤洁婷雪慧倩云珍桂琴美月花玉淑华佳"

_PLACE_FIRST: Final = "清东西南北新长平安永凤龙金石桃柳梅兴和富大高白青双马洪乌濮"
_PLACE_SECOND: Final = "河山桥塘湖浦溪港林田丰宁城庄岗湾坝口店集"
_VILLAGE_SUFFIX: Final = "家庄湾桥塘浜埭港墩圩"
_GOOD_FIRST: Final = "和新光幸阳文东西南北春锦华建民永长金红胜联合前先友团丰"
_GOOD_SECOND: Final = "平华明福光昌湖苑园兴安乐盛丰合进星利庆胜锋"

_SKILLS: Final = (
    "种植",
    "养殖",
    "电工",
    "法律咨询",
    "医疗护理",
    "驾驶",
    "厨艺",
    "文艺",
    "电商",
    "维修",
    "木工",
    "会计",
    "教育辅导",
    "理发",
    "心理疏导",
)
_MOBILE_PREFIXES: Final = tuple(
    f"1{p}"
    for p in (
        *range(30, 40),
        50,
        51,
        52,
        53,
        55,
        56,
        57,
        58,
        59,
        66,
        73,
        77,
        *range(80, 90),
        98,
        99,
    )
)
# Household size 1–6; the ordinary households weigh a little above 2.8 because the old people
# living alone (size 1–2) pull the mean down.
_SIZE_TABLE: Final = tuple(
    str(size)
    for size, weight in ((1, 13), (2, 30), (3, 27), (4, 17), (5, 9), (6, 4))
    for _ in range(weight)
)

_ROLE: Final = MEMBER_ROLE_LABELS
_SECRETARY, _CADRE, _LEADER = (
    MemberRole.BRANCH_SECRETARY,
    MemberRole.VILLAGE_CADRE,
    MemberRole.GROUP_LEADER,
)
_EXEMPT: Final = EXEMPTION_LABELS
_CAT: Final = BUILTIN_CATEGORY_LABELS

# Category shares (per household) in villages and in communities.
_P_DIBAO: Final = (0.03, 0.025)
_P_WUBAO: Final = (0.006, 0.002)
_P_ILLNESS: Final = (0.02, 0.02)
_P_EMPTY_NEST: Final = (0.08, 0.08)
_P_LEFT_BEHIND: Final = (0.045, 0.015)
_P_LONELY: Final = (0.015, 0.015)
_P_HARDSHIP: Final = (0.04, 0.04)
_P_MIGRANT: Final = (0.045, 0.15)
_P_PARTY: Final = (0.10, 0.10)
_P_NO_PHONE: Final = 0.10


@dataclass(frozen=True)
class DemoCounty:
    org_units: list[list[str]]  # header row first, then rows; parents before children
    members: list[list[str]]  # header row first
    households: list[list[str]]  # header row first


@dataclass(slots=True)
class _Grid:
    code: str
    number: int
    households: int


@dataclass(slots=True)
class _Village:
    code: str
    name: str
    community: bool
    lat: float
    lng: float
    surname: str  # the commonest surname of a village (李家村: 李)
    households: int = 0
    grids: list[_Grid] = field(default_factory=list)
    units: int = 2  # communities: stairwells per building (单元) …
    floors: int = 6  # … and floors


@dataclass(slots=True)
class _Township:
    code: str
    name: str
    level: str  # 镇, 乡 or 街道
    lat: float
    lng: float
    villages: list[_Village] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Plan:
    code: str
    name: str
    townships: list[_Township]
    member_seed: int
    household_seed: int


def generate_county(*, households: int, seed: int = 7) -> DemoCounty:
    """The whole county: org units, members and exactly ``households`` households."""
    plan = _plan(households, seed)
    return DemoCounty(
        org_units=_org_rows(plan),
        members=_member_rows(plan),
        households=list(_household_rows(plan)),
    )


def iter_household_rows(*, households: int, seed: int = 7) -> Iterator[list[str]]:
    """The household rows of ``generate_county(households=…, seed=…)``, header first, one at a
    time (the tree is planned first; members are not generated)."""
    yield from _household_rows(_plan(households, seed))


# --- the tree --------------------------------------------------------------------------------


def _plan(households: int, seed: int) -> _Plan:
    if households < 0:
        raise ValueError("households must not be negative")
    rng = random.Random(seed)
    member_seed, household_seed = rng.getrandbits(64), rng.getrandbits(64)
    n_townships = max(1, round(households / HOUSEHOLDS_PER_TOWNSHIP))
    n_villages = max(n_townships, round(households / HOUSEHOLDS_PER_VILLAGE))
    code = "C01"
    townships = _townships(rng, code, n_townships)
    # Spread the villages evenly over the townships, then the households over the villages.
    villages: list[_Village] = []
    for t, township in enumerate(townships):
        count = (n_villages * (t + 1)) // n_townships - (n_villages * t) // n_townships
        township.villages = _villages(rng, township, count, first_is_village=t == 0)
        villages.extend(township.villages)
    for village, size in zip(
        villages, _split(rng, households, len(villages), 300, 900), strict=True
    ):
        village.households = size
        village.grids = _grids(rng, village)
    return _Plan(code, "示范县", townships, member_seed, household_seed)


def _split(rng: random.Random, total: int, parts: int, low: float, high: float) -> list[int]:
    """``total`` cut into ``parts`` integers proportional to weights drawn from [low, high]."""
    weights = [rng.uniform(low, high) for _ in range(parts)]
    whole = sum(weights)
    sizes, running, before = [], 0.0, 0
    for w in weights:
        running += w
        upto = round(total * running / whole)
        sizes.append(upto - before)
        before = upto
    sizes[-1] += total - before  # float rounding
    return sizes


def _townships(rng: random.Random, county: str, count: int) -> list[_Township]:
    names = [a + b for a in _PLACE_FIRST for b in _PLACE_SECOND]
    rng.shuffle(names)
    result: list[_Township] = []
    for t in range(count):
        base = names[t % len(names)]
        if t >= len(names):  # only past ~600 townships (3 million households)
            base += str(t // len(names) + 1)
        # The county seat is a sub-district; a few more are, the rest are towns and some 乡.
        kind = "街道" if (t == 0 and count > 1) or rng.random() < 0.15 else "镇"
        if kind == "镇" and rng.random() < 0.1:
            kind = "乡"
        lat = _CENTRE[0] + rng.uniform(-0.8, 0.8) * _HALF_SQUARE[0]
        lng = _CENTRE[1] + rng.uniform(-0.8, 0.8) * _HALF_SQUARE[1]
        result.append(_Township(f"{county}-T{t + 1:02d}", base + kind, kind, lat, lng))
    return result


def _villages(
    rng: random.Random, township: _Township, count: int, *, first_is_village: bool
) -> list[_Village]:
    share = 0.6 if township.level == "街道" else 0.1
    used: set[str] = set()
    result: list[_Village] = []
    for v in range(count):
        community = rng.random() < share and not (first_is_village and v == 0)
        surname = _SURNAME_TABLE[int(rng.random() * len(_SURNAME_TABLE))]
        name = ""
        for attempt in range(100):
            if community:
                name = rng.choice(_GOOD_FIRST) + rng.choice(_GOOD_SECOND) + "社区"
            elif rng.random() < 0.5:
                name = surname + rng.choice(_VILLAGE_SUFFIX) + "村"
            else:
                name = rng.choice(_GOOD_FIRST) + rng.choice(_GOOD_SECOND) + "村"
            if attempt == 99:
                name = f"{name[:-2]}{v + 1}{name[-2:]}" if community else f"{name[:-1]}{v + 1}村"
            if name not in used:
                break
        used.add(name)
        reach = 0.35 if community else 1.0  # communities crowd round the township seat
        lat = township.lat + rng.uniform(-1, 1) * 0.25 * _HALF_SQUARE[0] * reach
        lng = township.lng + rng.uniform(-1, 1) * 0.25 * _HALF_SQUARE[1] * reach
        lat = min(max(lat, _CENTRE[0] - _HALF_SQUARE[0]), _CENTRE[0] + _HALF_SQUARE[0])
        lng = min(max(lng, _CENTRE[1] - _HALF_SQUARE[1]), _CENTRE[1] + _HALF_SQUARE[1])
        village = _Village(f"{township.code}-V{v + 1:02d}", name, community, lat, lng, surname)
        if community:
            village.units = rng.randint(2, 3)
            village.floors = rng.choice((6, 6, 6, 11, 18))
        result.append(village)
    return result


def _grids(rng: random.Random, village: _Village) -> list[_Grid]:
    count = max(1, round(village.households / rng.uniform(90, 140)))
    sizes = _split(rng, village.households, count, 0.8, 1.2)
    return [_Grid(f"{village.code}-G{g + 1}", g + 1, size) for g, size in enumerate(sizes)]


def _org_rows(plan: _Plan) -> list[list[str]]:
    rows = [_header(ImportKind.ORG_UNITS, _ORG_FIELDS), [plan.code, plan.name, "县", "", ""]]
    for township in plan.townships:
        rows.append([township.code, township.name, township.level, plan.code, ""])
        for village in township.villages:
            level = "社区" if village.community else "村"
            rows.append([village.code, village.name, level, township.code, ""])
            for grid in village.grids:
                rows.append([grid.code, f"第{grid.number}网格", "网格", village.code, ""])
                rows.append([f"{grid.code}-P1", f"第{grid.number}党小组", "党小组", grid.code, ""])
    return rows


# --- people ----------------------------------------------------------------------------------


def _name(rng: random.Random, male: bool, surname: str | None = None) -> str:
    chars = _MALE_GIVEN if male else _FEMALE_GIVEN
    rand = rng.random
    family = surname or _SURNAME_TABLE[int(rand() * len(_SURNAME_TABLE))]
    given = chars[int(rand() * len(chars))]
    if rand() < 0.7:
        given += chars[int(rand() * len(chars))]
    return family + given


def _phone(rng: random.Random) -> str:
    rand = rng.random
    return f"{_MOBILE_PREFIXES[int(rand() * len(_MOBILE_PREFIXES))]}{int(rand() * 1e8):08d}"


def _near(rng: random.Random, village: _Village, km: float) -> tuple[str, str]:
    lat = village.lat + (rng.random() * 2 - 1) * km * _KM_LAT
    lng = village.lng + (rng.random() * 2 - 1) * km * _KM_LNG
    return f"{lat:.6f}", f"{lng:.6f}"


def _member_rows(plan: _Plan) -> list[list[str]]:
    rng = random.Random(plan.member_seed)
    rand = rng.random
    rows = [_header(ImportKind.MEMBERS, _MEMBER_FIELDS)]
    phones: set[str] = set()
    all_communities = [v.code for t in plan.townships for v in t.villages if v.community]
    ref = REFERENCE_DATE.toordinal()
    decided_from = date(REFERENCE_DATE.year - 3, REFERENCE_DATE.month, REFERENCE_DATE.day)
    decision_days = ref - decided_from.toordinal()

    def person(village: _Village, org: str, role: MemberRole, age: float, men: float) -> list[str]:
        """One member's row; ``men`` is the share of men in this role."""
        male = rand() < men
        phone = _phone(rng)
        while phone in phones:
            phone = _phone(rng)
        phones.add(phone)
        surname = village.surname if not village.community and rand() < 0.2 else None
        lat, lng = _near(rng, village, 1.0)
        none = 0.4 if age < 65 else 0.75
        skills = rng.sample(_SKILLS, 0 if rand() < none else 1 if rand() < 0.66 else 2)
        birth = date.fromordinal(ref - int(age * 365.2425) - 1)
        return [
            f"M{len(rows):06d}",  # the caller appends each row at once: ids follow row numbers
            _name(rng, male, surname),
            org,
            _ROLE[role],
            "男" if male else "女",
            birth.isoformat(),
            phone,
            lat,
            lng,
            "、".join(skills),
            "否",
            "",
            "",
            "",
            "",
            "",
        ]

    for township in plan.townships:
        nearby = [v.code for v in township.villages if v.community] or all_communities
        for village in township.villages:
            cadres = rng.randint(2, 4)
            leaders = len(village.grids)
            count = max(
                MIN_MEMBERS_PER_VILLAGE,
                1 + cadres + leaders + 2,
                round(village.households * MEMBERS_PER_HOUSEHOLD * rng.uniform(0.85, 1.15)),
            )
            secretary = person(village, village.code, _SECRETARY, rng.uniform(35, 58), 0.8)
            rows.append(secretary)
            for _ in range(cadres):
                rows.append(person(village, village.code, _CADRE, rng.uniform(28, 60), 0.7))
            for grid in village.grids:
                rows.append(person(village, grid.code, _LEADER, rng.uniform(35, 70), 0.7))
            report_to = village.code if village.community else None
            for k in range(count - 1 - cadres - leaders):
                old = rand() < 0.285 and k > 0  # the first ordinary member is always active
                age = rng.uniform(70.01, 90.99) if old else rng.triangular(22.01, 70, 55)
                row = person(village, village.code, MemberRole.MEMBER, age, 0.7)
                rows.append(row)
                if k == 0:
                    continue
                reason = _exemption(rand, age)
                if reason is not None:
                    on = date.fromordinal(ref - 1 - int(rand() * decision_days))
                    row[_EXEMPTION : _EXEMPTION + 4] = [
                        _EXEMPT[reason],
                        secretary[_NAME],  # the branch secretary signs the decision
                        on.isoformat(),
                        _NOTES[reason],
                    ]
                elif age < 58 and rand() < 0.175:
                    row[_IN_SERVICE] = "是"
                    row[_REPORTED] = report_to or (
                        nearby[int(rand() * len(nearby))] if nearby else ""
                    )
    return rows


_NOTES: Final = {
    ExemptionReason.ELDERLY: "年事已高，经支部委员会研究不再安排联户",
    ExemptionReason.INFIRM: "身体原因，经支部委员会研究暂停联户",
    ExemptionReason.AWAY: "常年在外务工，经支部委员会研究暂停联户",
}


def _exemption(rand: Callable[[], float], age: float) -> ExemptionReason | None:
    """Branch decisions excuse mostly the old, some of the sick and those working away."""
    r = rand()
    if age >= 75:
        if r < 0.5:
            return ExemptionReason.ELDERLY
        return ExemptionReason.INFIRM if r < 0.55 else None
    if age >= 55:
        return ExemptionReason.INFIRM if r < 0.04 else None
    if age < 45:
        return ExemptionReason.AWAY if r < 0.05 else None
    return None


# --- households ------------------------------------------------------------------------------


def _household_rows(plan: _Plan) -> Iterator[list[str]]:
    yield _header(ImportKind.HOUSEHOLDS, _HOUSEHOLD_FIELDS)
    rng = random.Random(plan.household_seed)
    rand = rng.random
    surnames, n_surnames = _SURNAME_TABLE, len(_SURNAME_TABLE)
    male_given, female_given = _MALE_GIVEN, _FEMALE_GIVEN
    sizes, n_sizes = _SIZE_TABLE, len(_SIZE_TABLE)
    prefixes, n_prefixes = _MOBILE_PREFIXES, len(_MOBILE_PREFIXES)
    dibao, wubao = _CAT[Category.DIBAO], _CAT[Category.WUBAO]
    illness, empty_nest = (
        _CAT[Category.SERIOUS_ILLNESS_DISABILITY],
        _CAT[Category.EMPTY_NEST_ELDERLY],
    )
    left_behind, lonely = _CAT[Category.LEFT_BEHIND_CHILDREN], _CAT[Category.LONELY_ELDERLY]
    hardship, migrant = _CAT[Category.HARDSHIP], _CAT[Category.MIGRANT_TENANT]
    party = _CAT[Category.PARTY_MEMBER]
    number = 0
    for township in plan.townships:
        for village in township.villages:
            c = 1 if village.community else 0
            p_dibao, p_wubao, p_illness = _P_DIBAO[c], _P_WUBAO[c], _P_ILLNESS[c]
            p_nest, p_left, p_lonely = _P_EMPTY_NEST[c], _P_LEFT_BEHIND[c], _P_LONELY[c]
            p_hard, p_migrant, p_party = _P_HARDSHIP[c], _P_MIGRANT[c], _P_PARTY[c]
            vlat, vlng, vname, vsurname = village.lat, village.lng, village.name, village.surname
            span_lat, span_lng = 2 * _KM_LAT, 2 * _KM_LNG
            per_floor = 2
            per_building = village.units * village.floors * per_floor
            building_no = 0
            for grid in village.grids:
                grid_code = grid.code
                for k in range(grid.households):
                    number += 1
                    cats: list[str] = []
                    is_lonely = rand() < p_lonely
                    if rand() < p_dibao:
                        cats.append(dibao)
                    if rand() < p_wubao:
                        cats.append(wubao)
                    if rand() < p_illness:
                        cats.append(illness)
                    if rand() < p_nest and not is_lonely:
                        cats.append(empty_nest)
                    if rand() < p_left and not is_lonely:
                        cats.append(left_behind)
                    if is_lonely:
                        cats.append(lonely)
                    if rand() < p_hard:
                        cats.append(hardship)
                    is_migrant = rand() < p_migrant
                    if is_migrant:
                        cats.append(migrant)
                    if rand() < p_party:
                        cats.append(party)
                    if is_lonely or wubao in cats:
                        size = "1"
                    elif empty_nest in cats:
                        size = "1" if rand() < 0.3 else "2"
                    elif left_behind in cats:
                        size = "3" if rand() < 0.5 else "4"
                    else:
                        size = sizes[int(rand() * n_sizes)]
                    if is_migrant or c or rand() >= 0.25:
                        family = surnames[int(rand() * n_surnames)]
                    else:
                        family = vsurname
                    given = male_given if rand() < 0.75 else female_given
                    head = family + given[int(rand() * len(given))]
                    if rand() < 0.7:
                        head += given[int(rand() * len(given))]
                    phone = (
                        ""
                        if rand() < _P_NO_PHONE
                        else f"{prefixes[int(rand() * n_prefixes)]}{int(rand() * 1e8):08d}"
                    )
                    if c:
                        slot = k % per_building
                        if slot == 0:  # a new building: one location for all its flats
                            building_no += 1
                            blat = vlat + (rand() - 0.5) * 0.8 * _KM_LAT
                            blng = vlng + (rand() - 0.5) * 0.8 * _KM_LNG
                            lat, lng = f"{blat:.6f}", f"{blng:.6f}"
                        unit, rest = divmod(slot, village.floors * per_floor)
                        floor, room = divmod(rest, per_floor)
                        building = f"{building_no}栋"
                        address = f"{vname}{building}{unit + 1}单元{floor + 1}{room + 1:02d}"
                    else:
                        building = ""
                        address = f"{vname}{grid.number}组{k + 1}号"
                        lat = f"{vlat + (rand() - 0.5) * span_lat:.6f}"
                        lng = f"{vlng + (rand() - 0.5) * span_lng:.6f}"
                    yield [
                        f"H{number:07d}",
                        head,
                        grid_code,
                        building,
                        address,
                        size,
                        phone,
                        lat,
                        lng,
                        "、".join(cats),
                    ]
