"""The synthetic county: deterministic, of the asked size, realistic, and importable as is."""

from __future__ import annotations

import ast
import inspect
import random
import re
import statistics
import sys
from collections import Counter, deque
from datetime import date
from pathlib import Path

import pytest

from api import demo as demo_module
from api.demo import DemoCounty, generate_county, iter_household_rows
from domain.kernel.access import Permission, Scope
from domain.kernel.org import OrgLevel, path_of
from domain.registers.household import BUILTIN_CATEGORY_LABELS, CategoryCatalog
from domain.registers.member import EXEMPTION_LABELS, MEMBER_ROLE_LABELS, MemberRole
from domain.transfer.importing import COLUMNS, ImportContext, ImportKind, OrgRef, validate

TODAY = date(2026, 11, 25)
LEVELS = {
    "县": OrgLevel.COUNTY,
    "镇": OrgLevel.TOWNSHIP,
    "乡": OrgLevel.TOWNSHIP,
    "街道": OrgLevel.TOWNSHIP,
    "村": OrgLevel.VILLAGE,
    "社区": OrgLevel.COMMUNITY,
    "网格": OrgLevel.GRID,
    "党小组": OrgLevel.PARTY_GROUP,
}
PHONE = re.compile(r"^1[3-9]\d{9}$")
ROLE = MEMBER_ROLE_LABELS


@pytest.fixture(scope="module")
def county() -> DemoCounty:
    return generate_county(households=20_000, seed=7)


def columns(rows: list[list[str]]) -> dict[str, int]:
    return {h: i for i, h in enumerate(rows[0])}


def org_refs(org_rows: list[list[str]]) -> dict[str, OrgRef]:
    """Ids and paths as the database would give them, importing rows in file order."""
    refs: dict[str, OrgRef] = {}
    for number, (code, _name, level, parent, _ext) in enumerate(org_rows[1:], start=1):
        parent_path = refs[parent].path if parent else None
        refs[code] = OrgRef(number, LEVELS[level], path_of(parent_path, number))
    return refs


def context(orgs_by_code: dict[str, OrgRef]) -> ImportContext:
    return ImportContext(
        scope=Scope(org_path="/", permissions=frozenset(Permission), actor="test"),
        orgs_by_code=orgs_by_code,
        existing={},
        catalog=CategoryCatalog.with_extras({}),
        today=TODAY,
    )


def share(count: int, total: int) -> float:
    return count / total


# --- determinism and size ---------------------------------------------------------------------


def test_the_same_seed_gives_the_same_county() -> None:
    assert generate_county(households=3000, seed=11) == generate_county(households=3000, seed=11)


def test_another_seed_gives_another_county() -> None:
    one, two = generate_county(households=3000, seed=1), generate_county(households=3000, seed=2)
    assert one.org_units != two.org_units
    assert one.members != two.members
    assert one.households != two.households


def test_the_global_random_generator_is_left_alone() -> None:
    random.seed(123)
    expected = random.random()
    random.seed(123)
    generate_county(households=500)
    assert random.random() == expected


@pytest.mark.parametrize("households", [0, 1, 50, 3000])
def test_exactly_the_asked_number_of_households_is_generated(households: int) -> None:
    county = generate_county(households=households)
    assert len(county.households) == households + 1
    assert sum(1 for _ in iter_household_rows(households=households)) == households + 1


def test_a_negative_size_is_refused() -> None:
    with pytest.raises(ValueError):
        generate_county(households=-1)


def test_streamed_households_are_the_same_rows_as_the_whole_county() -> None:
    county = generate_county(households=5000, seed=3)
    assert list(iter_household_rows(households=5000, seed=3)) == county.households


def test_households_stream_lazily() -> None:
    assert inspect.isgeneratorfunction(iter_household_rows)
    rows = iter_household_rows(households=1_000_000)
    assert next(rows)[0] == "户编号"
    assert next(rows)[0] == "H0000001"


# --- the files ----------------------------------------------------------------------------------


def test_headers_are_the_importers_canonical_headers(county: DemoCounty) -> None:
    for kind, rows in (
        (ImportKind.ORG_UNITS, county.org_units),
        (ImportKind.MEMBERS, county.members),
        (ImportKind.HOUSEHOLDS, county.households),
    ):
        assert rows[0] == [c.headers[0] for c in COLUMNS[kind]]
        assert all(len(row) == len(rows[0]) for row in rows)
        assert all(isinstance(cell, str) for row in rows for cell in row)


def test_org_units_pass_the_importers_validation_into_an_empty_database(
    county: DemoCounty,
) -> None:
    report = validate(ImportKind.ORG_UNITS, county.org_units, context({}))
    assert report.errors == [] and report.error_count == 0
    assert report.rows == len(county.org_units) - 1


def test_members_pass_the_importers_validation(county: DemoCounty) -> None:
    report = validate(ImportKind.MEMBERS, county.members, context(org_refs(county.org_units)))
    assert report.errors == [] and report.error_count == 0
    assert len(report.records) == len(county.members) - 1


def test_households_pass_the_importers_validation(county: DemoCounty) -> None:
    ctx = context(org_refs(county.org_units))
    report = validate(ImportKind.HOUSEHOLDS, county.households, ctx)
    assert report.errors == [] and report.error_count == 0
    assert len(report.records) == 20_000


@pytest.mark.parametrize("households", [1, 50])
def test_a_tiny_county_is_importable_too(households: int) -> None:
    county = generate_county(households=households, seed=5)
    assert validate(ImportKind.ORG_UNITS, county.org_units, context({})).error_count == 0
    ctx = context(org_refs(county.org_units))
    assert validate(ImportKind.MEMBERS, county.members, ctx).error_count == 0
    assert validate(ImportKind.HOUSEHOLDS, county.households, ctx).error_count == 0


# --- the tree -----------------------------------------------------------------------------------


def test_one_county_at_the_root_with_hierarchical_unique_codes(county: DemoCounty) -> None:
    rows = county.org_units[1:]
    codes = [r[0] for r in rows]
    assert len(codes) == len(set(codes))
    assert [r for r in rows if not r[3]] == [["C01", "示范县", "县", "", ""]]
    seen: set[str] = set()
    for code, _name, _level, parent, _ext in rows:
        if parent:
            assert parent in seen, "parents come before children"
            assert code.startswith(parent + "-")
        seen.add(code)


def test_levels_nest_county_township_village_grid_party_group(county: DemoCounty) -> None:
    level_of = {r[0]: LEVELS[r[2]] for r in county.org_units[1:]}
    expected_parent = {
        OrgLevel.TOWNSHIP: {OrgLevel.COUNTY},
        OrgLevel.VILLAGE: {OrgLevel.TOWNSHIP},
        OrgLevel.COMMUNITY: {OrgLevel.TOWNSHIP},
        OrgLevel.GRID: {OrgLevel.VILLAGE, OrgLevel.COMMUNITY},
        OrgLevel.PARTY_GROUP: {OrgLevel.GRID},
    }
    for code, _name, _level, parent, _ext in county.org_units[1:]:
        if parent:
            assert level_of[parent] in expected_parent[level_of[code]]
    grids = [c for c, lv in level_of.items() if lv is OrgLevel.GRID]
    groups = [c for c, lv in level_of.items() if lv is OrgLevel.PARTY_GROUP]
    assert len(groups) == len(grids)


def test_names_are_unique_among_siblings_and_look_chinese(county: DemoCounty) -> None:
    by_parent = Counter((r[3], r[1]) for r in county.org_units[1:])
    assert max(by_parent.values()) == 1
    for _code, name, level, _parent, _ext in county.org_units[1:]:
        if level in ("镇", "乡", "街道"):
            assert name.endswith(level)
        elif level in ("村", "社区"):
            assert name.endswith(level) and len(name) >= 3
        elif level == "网格":
            assert re.fullmatch(r"第\d+网格", name)


def test_sizes_follow_the_seeds_townships_villages_and_grids() -> None:
    county = generate_county(households=60_000, seed=9)
    levels = Counter(r[2] for r in county.org_units[1:])
    assert levels["镇"] + levels["乡"] + levels["街道"] == round(60_000 / 5500)
    villages = levels["村"] + levels["社区"]
    assert 60_000 / 900 <= villages <= 60_000 / 300
    assert 0.08 <= levels["社区"] / villages <= 0.25
    per_grid = Counter(r[2] for r in county.households[1:])
    per_village = Counter(code.rsplit("-", 1)[0] for code in per_grid.elements())
    assert min(per_village.values()) >= 250 and max(per_village.values()) <= 1000
    assert min(per_grid.values()) >= 60 and max(per_grid.values()) <= 180
    assert 80 <= statistics.mean(per_grid.values()) <= 150


def test_a_small_county_still_has_a_village_first_for_the_demo_accounts() -> None:
    county = generate_county(households=50, seed=1)
    assert [r[2] for r in county.org_units[1:4]] in (["县", t, "村"] for t in ("镇", "乡", "街道"))


# --- members --------------------------------------------------------------------------------


def test_every_member_belongs_to_a_village_community_or_grid(county: DemoCounty) -> None:
    level_of = {r[0]: r[2] for r in county.org_units[1:]}
    c = columns(county.members)
    for row in county.members[1:]:
        assert level_of[row[c["所属组织"]]] in ("村", "社区", "网格")
        if row[c["角色"]] == ROLE[MemberRole.GROUP_LEADER]:
            assert level_of[row[c["所属组织"]]] == "网格"


def test_about_69_thousand_members_per_565_thousand_households(county: DemoCounty) -> None:
    assert 0.11 <= share(len(county.members) - 1, 20_000) <= 0.135


def test_each_village_has_a_secretary_cadres_a_leader_per_grid_and_six_members() -> None:
    for county in (generate_county(households=20_000), generate_county(households=1)):
        levels = {r[0]: r[2] for r in county.org_units[1:]}
        grids_of = Counter(r[3] for r in county.org_units[1:] if r[2] == "网格")
        c = columns(county.members)
        roles: dict[str, Counter[str]] = {}
        for row in county.members[1:]:
            org = row[c["所属组织"]]
            village = org.rsplit("-", 1)[0] if levels[org] == "网格" else org
            roles.setdefault(village, Counter())[row[c["角色"]]] += 1
        assert set(roles) == {code for code, lv in levels.items() if lv in ("村", "社区")}
        for village, count in roles.items():
            assert count[ROLE[MemberRole.BRANCH_SECRETARY]] == 1
            assert 2 <= count[ROLE[MemberRole.VILLAGE_CADRE]] <= 4
            assert count[ROLE[MemberRole.GROUP_LEADER]] == grids_of[village]
            assert count.total() >= 6
            assert count[ROLE[MemberRole.MEMBER]] >= 1


def test_member_ids_and_phones_are_unique_and_well_formed(county: DemoCounty) -> None:
    c = columns(county.members)
    rows = county.members[1:]
    ids = [r[c["党员编号"]] for r in rows]
    assert ids[0] == "M000001" and len(set(ids)) == len(ids)
    phones = [r[c["手机号"]] for r in rows]
    assert len(set(phones)) == len(phones)
    assert all(PHONE.match(p) for p in phones)


def test_members_are_mostly_men_aged_22_to_90_with_a_quarter_over_70(county: DemoCounty) -> None:
    c = columns(county.members)
    rows = county.members[1:]
    ref = date(2026, 1, 1)
    ages = []
    for row in rows:
        born = date.fromisoformat(row[c["出生日期"]])
        ages.append(ref.year - born.year - ((ref.month, ref.day) < (born.month, born.day)))
    assert min(ages) >= 22 and max(ages) <= 90
    assert 0.2 <= share(sum(a > 70 for a in ages), len(ages)) <= 0.3
    assert 0.65 <= share(sum(r[c["性别"]] == "男" for r in rows), len(rows)) <= 0.75


def test_exemptions_are_about_12_percent_mostly_old_and_decided_in_the_last_3_years(
    county: DemoCounty,
) -> None:
    c = columns(county.members)
    rows = county.members[1:]
    exempt = [r for r in rows if r[c["免除联户原因"]]]
    assert 0.09 <= share(len(exempt), len(rows)) <= 0.15
    reasons = Counter(r[c["免除联户原因"]] for r in exempt)
    assert set(reasons) <= set(EXEMPTION_LABELS.values())
    assert reasons.most_common(1)[0][0] == "年老"
    for row in exempt:
        assert row[c["免除决定人"]]
        decided = date.fromisoformat(row[c["免除日期"]])
        assert date(2023, 1, 1) <= decided < date(2026, 1, 1)
        assert row[c["角色"]] == ROLE[MemberRole.MEMBER]
        assert row[c["在职党员"]] == "否"


def test_in_service_members_report_to_a_community(county: DemoCounty) -> None:
    communities = {r[0] for r in county.org_units[1:] if r[2] == "社区"}
    c = columns(county.members)
    rows = county.members[1:]
    serving = [r for r in rows if r[c["在职党员"]] == "是"]
    assert 0.06 <= share(len(serving), len(rows)) <= 0.1
    assert all(r[c["报到社区"]] in communities for r in serving)
    assert all(not r[c["报到社区"]] for r in rows if r[c["在职党员"]] == "否")


def test_skills_are_none_one_or_two_from_the_list(county: DemoCounty) -> None:
    c = columns(county.members)
    counts = Counter(len(r[c["特长"]].split("、")) if r[c["特长"]] else 0 for r in county.members)
    assert set(counts) == {0, 1, 2}


# --- households -------------------------------------------------------------------------------


def test_every_household_is_on_a_grid(county: DemoCounty) -> None:
    grids = {r[0] for r in county.org_units[1:] if r[2] == "网格"}
    c = columns(county.households)
    assert all(r[c["所属网格"]] in grids for r in county.households[1:])


def test_household_ids_are_unique_and_sequential(county: DemoCounty) -> None:
    ids = [r[0] for r in county.households[1:]]
    assert ids[0] == "H0000001" and ids[-1] == "H0020000"
    assert len(set(ids)) == len(ids)


def test_buildings_only_in_communities_with_flat_addresses(county: DemoCounty) -> None:
    level_of = {r[0]: r[2] for r in county.org_units[1:]}
    c = columns(county.households)
    in_community = 0
    for row in county.households[1:]:
        village = row[c["所属网格"]].rsplit("-", 1)[0]
        if level_of[village] == "社区":
            in_community += 1
            assert re.fullmatch(r"\d+栋", row[c["楼栋"]])
            assert re.fullmatch(r".+社区\d+栋\d单元\d+0\d", row[c["地址"]])
        else:
            assert row[c["楼栋"]] == ""
            assert re.fullmatch(r".+村\d+组\d+号", row[c["地址"]])
    assert in_community > 0


def test_household_sizes_average_about_2_8(county: DemoCounty) -> None:
    c = columns(county.households)
    sizes = [int(r[c["家庭人口"]]) for r in county.households[1:]]
    assert set(sizes) == {1, 2, 3, 4, 5, 6}
    assert 2.65 <= statistics.mean(sizes) <= 2.95


def test_about_a_tenth_of_households_have_no_phone(county: DemoCounty) -> None:
    c = columns(county.households)
    phones = [r[c["手机号"]] for r in county.households[1:]]
    assert 0.08 <= share(phones.count(""), len(phones)) <= 0.12
    assert all(PHONE.match(p) for p in phones if p)


CATEGORY_SHARES = {
    "低保": 0.03,
    "五保": 0.005,
    "重病重残": 0.02,
    "空巢老人": 0.08,
    "留守儿童": 0.04,
    "孤寡老人": 0.015,
    "困难群众": 0.04,
    "党员户": 0.10,
}


def test_categories_come_in_believable_proportions(county: DemoCounty) -> None:
    c = columns(county.households)
    rows = county.households[1:]
    counts = Counter(t for r in rows for t in r[c["户类"]].split("、") if t)
    assert set(counts) == set(BUILTIN_CATEGORY_LABELS.values())
    for label, expected in CATEGORY_SHARES.items():
        assert share(counts[label], len(rows)) == pytest.approx(expected, rel=0.3, abs=0.003)
    assert 0.03 <= share(counts["流动/租户"], len(rows)) <= 0.12
    assert share(sum(not r[c["户类"]] for r in rows), len(rows)) > 0.5


def test_migrants_and_tenants_are_commoner_in_communities(county: DemoCounty) -> None:
    level_of = {r[0]: r[2] for r in county.org_units[1:]}
    c = columns(county.households)
    seen: Counter[str] = Counter()
    migrant: Counter[str] = Counter()
    for row in county.households[1:]:
        level = level_of[row[c["所属网格"]].rsplit("-", 1)[0]]
        seen[level] += 1
        migrant[level] += "流动/租户" in row[c["户类"]]
    assert migrant["社区"] / seen["社区"] > 2 * migrant["村"] / seen["村"]


def test_lonely_elderly_live_alone(county: DemoCounty) -> None:
    c = columns(county.households)
    for row in county.households[1:]:
        if "孤寡老人" in row[c["户类"]]:
            assert row[c["家庭人口"]] == "1"
            assert "空巢老人" not in row[c["户类"]]


def test_homes_lie_near_their_village_inside_a_40_km_square(county: DemoCounty) -> None:
    c = columns(county.households)
    by_village: dict[str, list[tuple[float, float]]] = {}
    for row in county.households[1:]:
        lat, lng = float(row[c["纬度"]]), float(row[c["经度"]])
        assert re.fullmatch(r"\d+\.\d{6}", row[c["纬度"]])
        assert abs(lat - 30.75) < 0.2 and abs(lng - 120.75) < 0.23
        by_village.setdefault(row[c["所属网格"]].rsplit("-", 1)[0], []).append((lat, lng))
    for points in by_village.values():
        lats, lngs = [p[0] for p in points], [p[1] for p in points]
        assert max(lats) - min(lats) <= 0.019 and max(lngs) - min(lngs) <= 0.022  # ~2 km
    centres = [
        (statistics.mean(p[0] for p in v), statistics.mean(p[1] for p in v))
        for v in by_village.values()
    ]
    assert max(c[0] for c in centres) - min(c[0] for c in centres) > 0.1  # spread, not a dot


def test_a_county_of_565_thousand_households_streams_with_the_expected_shape() -> None:
    rows = iter_household_rows(households=565_000)
    assert next(rows)[0] == "户编号"
    (last,) = deque(rows, maxlen=1)
    assert last[0] == "H0565000"


# --- purity -----------------------------------------------------------------------------------


def test_the_generator_uses_only_the_standard_library_and_the_domain() -> None:
    tree = ast.parse(Path(demo_module.__file__).read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported - {"domain", "__future__"} <= set(sys.stdlib_module_names)
