"""An area's compliance through HTTP: each household judged against the cadence in force for
its own level (a village visiting weekly under a fortnightly county is weekly at the county
too), and the contact members with no visit this month, listed page by page."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from domain.kernel.access import Role
from tests.builders import World, assign
from tests.conftest import Clock

API = "/api/v1"
# The tests' clock: 2026-11-25 02:00 UTC (10:00 in China).
TEN_DAYS_AGO = "2026-11-15T02:00:00Z"


def compliance(client: TestClient, world: World, org: str) -> Any:
    res = client.get(
        f"{API}/org-units/{world.org[org]}/compliance", headers=world.headers(Role.ADMIN)
    )
    assert res.status_code == 200, res.text
    return res.json()


def override(client: TestClient, world: World, org: str, body: dict[str, Any]) -> None:
    res = client.put(
        f"{API}/org-units/{world.org[org]}/scheme", json=body, headers=world.headers(Role.ADMIN)
    )
    assert res.status_code == 200, res.text


def log(client: TestClient, world: World, member: str, household: str, at: str) -> None:
    body = {
        "member_id": world.member[member],
        "household_id": world.household[household],
        "visited_at": at,
        "mode": "home",
    }
    headers = world.headers(Role.MEMBER, org="V2" if member == "m3" else "V1", member=member)
    res = client.post(f"{API}/visits", json=body, headers=headers)
    assert res.status_code == 201, res.text


def cadences(body: Any) -> list[tuple[int, int, int]]:
    return [(c["cadence_days"], c["households"], c["visited_within_cadence"]) for c in body]


# --- C: the cadence in force for each household ------------------------------------------------


def test_a_village_with_its_own_cadence_is_judged_by_it_at_the_county_too(
    client: TestClient, world: World, scheme: None
) -> None:
    override(client, world, "V1", {"overrides": {"visit_cadence_days": 7}})
    log(client, world, "m1", "h1", TEN_DAYS_AGO)  # within the county's 14 days, not V1's 7
    village = compliance(client, world, "V1")
    assert (village["cadence_days"], village["visited_within_cadence"]) == (7, 0)
    county = compliance(client, world, "C")
    assert county["cadence_days"] == 14  # the county's own, as before
    assert (county["households"], county["visited_within_cadence"]) == (4, 0)
    assert cadences(county["cadences"]) == [(7, 3, 0), (14, 1, 0)]
    assert cadences(compliance(client, world, "T1")["cadences"]) == [(7, 3, 0)]


def test_the_nearest_level_with_a_cadence_wins(
    client: TestClient, world: World, scheme: None
) -> None:
    override(client, world, "V1", {"overrides": {"visit_cadence_days": 7}})
    override(client, world, "G1", {"overrides": {"visit_cadence_days": 30}})
    log(client, world, "m1", "h1", TEN_DAYS_AGO)  # G1: within its 30 days
    village = compliance(client, world, "V1")
    assert (village["cadence_days"], village["visited_within_cadence"]) == (7, 1)
    assert cadences(village["cadences"]) == [(7, 1, 0), (30, 2, 1)]  # h3 on G2; h1, h2 on G1
    county = compliance(client, world, "C")
    assert (county["households"], county["visited_within_cadence"]) == (4, 1)
    assert cadences(county["cadences"]) == [(7, 1, 0), (14, 1, 0), (30, 2, 1)]
    assert compliance(client, world, "G1")["cadence_days"] == 30


def test_a_level_choosing_another_scheme_brings_its_cadence(
    client: TestClient, world: World, scheme: None
) -> None:
    """A township on 五个到户 under a county on 1+6+N (fortnightly) judges its households by
    its own month; a level with overrides of other figures only keeps the cadence from above."""
    override(client, world, "T2", {"scheme": "wuge_daohu"})
    override(client, world, "V1", {"overrides": {"households_max": 12}})
    assign(world.app, world.member["m3"], world.household["h4"])
    log(client, world, "m3", "h4", "2026-11-05T02:00:00Z")  # 20 days ago
    log(client, world, "m1", "h1", TEN_DAYS_AGO)
    county = compliance(client, world, "C")
    assert (county["households"], county["visited_within_cadence"]) == (4, 2)
    assert cadences(county["cadences"]) == [(14, 3, 1), (30, 1, 1)]


def test_silian_gives_no_cadence_so_its_households_are_judged_by_the_default_month_mohe_seed(
    client: TestClient, world: World, scheme: None
) -> None:
    """seeds/mohe-silian.txt: “每年至少兩次深入共建村” is organs visiting villages, not a
    member's cadence for households: 四联 sets none, and its area is judged by the default
    month (DEFAULT_CADENCE_DAYS, ours), not twice a year."""
    override(client, world, "T2", {"scheme": "silian"})
    assign(world.app, world.member["m3"], world.household["h4"])
    log(client, world, "m3", "h4", "2026-08-01T02:00:00Z")  # 116 days ago
    township = compliance(client, world, "T2")
    assert (township["cadence_days"], township["visited_within_cadence"]) == (30, 0)


def test_an_area_with_no_households_still_counts_its_members(
    client: TestClient, world: World, scheme: None
) -> None:
    with world.app.state.session_factory() as s:
        s.execute(text("DELETE FROM assignments"))
        s.execute(text("UPDATE households SET org_id = :g"), {"g": world.org["G3"]})
        s.commit()
    assign(world.app, world.member["m1"], world.household["h1"])  # on G3 now
    village = compliance(client, world, "V1")
    assert (village["households"], village["members"], village["cadences"]) == (0, 1, [])
    assert village["coverage_rate"] == 0.0


# --- D: members with no visit this month -------------------------------------------------------


def idle_url(world: World, org: str, query: str = "") -> str:
    return f"{API}/org-units/{world.org[org]}/compliance/idle-members{query}"


@pytest.fixture
def three_contacts(client: TestClient, world: World, scheme: None) -> None:
    """m1 last visited in October; m2 on 1 November in China (31 October in UTC: this month
    all the same); m3, in V2, never."""
    assign(world.app, world.member["m2"], world.household["h3"])
    assign(world.app, world.member["m3"], world.household["h4"])
    log(client, world, "m1", "h1", "2026-10-28T02:00:00Z")
    log(client, world, "m2", "h3", "2026-10-31T23:00:00Z")  # 1 November, 07:00 in China


def test_the_idle_members_are_those_the_participation_rate_leaves_out(
    client: TestClient, world: World, three_contacts: None
) -> None:
    county = compliance(client, world, "C")
    assert (county["members"], county["members_visiting_this_month"]) == (3, 1)
    res = client.get(idle_url(world, "C"), headers=world.headers(Role.COUNTY_CADRE))
    assert res.status_code == 200, res.text
    page = res.json()
    assert page["total"] == county["members"] - county["members_visiting_this_month"]
    m3, m1 = page["data"]  # never visited first
    assert (m3["member_id"], m3["name"], m3["org_id"], m3["org_name"]) == (
        world.member["m3"],
        "王五",
        world.org["V2"],
        "和平社区",
    )
    assert (m3["households"], m3["last_visit"]) == (1, None)
    assert (m1["member_id"], m1["households"]) == (world.member["m1"], 2)
    assert m1["last_visit"].startswith("2026-10-28T02:00:00")


def test_the_idle_list_pages(client: TestClient, world: World, three_contacts: None) -> None:
    h = world.headers(Role.COUNTY_CADRE)
    page = client.get(idle_url(world, "C", "?limit=1&offset=1"), headers=h).json()
    assert (page["total"], page["limit"], page["offset"]) == (2, 1, 1)
    assert [m["member_id"] for m in page["data"]] == [world.member["m1"]]
    page = client.get(idle_url(world, "C", "?sort=-last_visit"), headers=h).json()
    assert [m["member_id"] for m in page["data"]] == [world.member["m1"], world.member["m3"]]
    page = client.get(idle_url(world, "C", "?q=王"), headers=h).json()
    assert [m["member_id"] for m in page["data"]] == [world.member["m3"]]


def test_the_whole_idle_list_is_exported_as_csv_in_the_lists_order(
    client: TestClient, world: World, three_contacts: None
) -> None:
    url = f"{API}/org-units/{world.org['C']}/compliance/idle-members.csv"
    res = client.get(url, headers=world.headers(Role.COUNTY_CADRE))
    assert res.status_code == 200, res.text
    assert res.headers["content-type"].startswith("text/csv")
    assert "attachment" in res.headers["content-disposition"]
    assert res.content.startswith(b"\xef\xbb\xbf")  # opens in Excel and WPS as UTF-8
    lines = res.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "党员,所在组织,联系农户数,最近一次走访",
        "王五,和平社区,1,从未走访",
        "张三,李家村,2,2026-10-28 10:00",  # Beijing time
    ]
    # within the caller's scope, and only for those who may export
    cadre = client.get(
        f"{API}/org-units/{world.org['T1']}/compliance/idle-members.csv",
        headers=world.headers(Role.TOWNSHIP_CADRE),
    )
    assert cadre.content.decode("utf-8-sig").splitlines()[1:] == ["张三,李家村,2,2026-10-28 10:00"]
    assert client.get(url, headers=world.headers(Role.AUDITOR)).status_code == 403


@pytest.mark.parametrize(
    "query", ["?limit=0", "?limit=501", "?offset=-1", "?limit=x", "?sort=phone"]
)
def test_bad_paging_is_refused(
    client: TestClient, world: World, three_contacts: None, query: str
) -> None:
    res = client.get(idle_url(world, "C", query), headers=world.headers(Role.COUNTY_CADRE))
    assert res.status_code == 422, res.text


def test_the_idle_list_stays_within_the_callers_scope(
    client: TestClient, world: World, three_contacts: None
) -> None:
    cadre = world.headers(Role.TOWNSHIP_CADRE)  # of T1
    for org in ("V2", "C"):
        res = client.get(idle_url(world, org), headers=cadre)
        assert res.status_code == 404, res.text
    page = client.get(idle_url(world, "T1"), headers=cadre).json()
    assert [m["member_id"] for m in page["data"]] == [world.member["m1"]]
    # an ordinary member finds only themselves, as in the member register
    page = client.get(idle_url(world, "V1"), headers=world.headers(Role.MEMBER)).json()
    assert [m["member_id"] for m in page["data"]] == [world.member["m1"]]
    page = client.get(idle_url(world, "V1"), headers=world.headers(Role.MEMBER, member="m2")).json()
    assert page == {"data": [], "total": 0, "limit": 50, "offset": 0}


def test_a_visit_amended_into_last_month_no_longer_counts_this_month(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    """The amendment supersedes the visit it corrects: a visit of this month amended to have
    been in October left the member counted as visiting this month."""
    h = world.headers(Role.MEMBER)
    body = {
        "member_id": world.member["m1"],
        "household_id": world.household["h1"],
        "visited_at": "2026-11-24T02:00:00Z",
        "mode": "home",
    }
    made = client.post(f"{API}/visits", json=body, headers=h).json()
    assert compliance(client, world, "V1")["members_visiting_this_month"] == 1
    clock.advance(hours=25)
    res = client.post(
        f"{API}/visits/{made['id']}/amendments",
        json={"visited_at": "2026-10-20T02:00:00Z"},
        headers=h,
    )
    assert res.status_code == 201, res.text
    assert compliance(client, world, "V1")["members_visiting_this_month"] == 0
    idle = client.get(
        f"{API}/org-units/{world.org['V1']}/compliance/idle-members",
        headers=world.headers(Role.ADMIN),
    ).json()
    m1 = next(m for m in idle["data"] if m["member_id"] == world.member["m1"])
    assert m1["last_visit"] == "2026-10-20T02:00:00Z"
