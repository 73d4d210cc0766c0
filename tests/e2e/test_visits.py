"""Visits (民情日志) through HTTP: who may log, time sanity, the 24-hour edit window and
amendments, replayed offline submissions, the due list and an area's compliance."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from domain.kernel.access import Role
from tests.builders import World
from tests.conftest import Clock

API = "/api/v1"
NOW = "2026-11-25T01:30:00+00:00"


def visit(world: World, household: str, **kw: Any) -> dict[str, Any]:
    return {
        "member_id": world.member["m1"],
        "household_id": world.household[household],
        "visited_at": NOW,
        "mode": "home",
        **kw,
    }


def visits_count(world: World) -> int:
    with world.app.state.session_factory() as s:
        return int(s.execute(text("SELECT count(*) FROM visits")).scalar_one())


def test_the_contact_member_logs_a_visit_with_the_four_must_records(
    client: TestClient, world: World, scheme: None
) -> None:
    body = visit(
        world,
        "h1",
        notes="了解到孩子上学困难",
        flags=[{"kind": "difficulty", "text": "孩子上学路远"}],
        checklist=["上级政策宣讲到户"],
    )
    res = client.post(f"{API}/visits", json=body, headers=world.headers(Role.MEMBER))
    assert res.status_code == 201, res.text
    out = res.json()
    assert out["flags"] == [{"kind": "difficulty", "label": "困难问题", "text": "孩子上学路远"}]
    assert out["mode_label"] == "入户走访"
    listed = client.get(
        f"{API}/households/{world.household['h1']}/visits",
        headers=world.headers(Role.BRANCH_SECRETARY),
    ).json()
    assert [v["id"] for v in listed] == [out["id"]]


def test_the_fourth_must_record_is_family_disaster_or_accident_as_jiaxing_seed_says(
    client: TestClient, world: World, scheme: None
) -> None:
    # seeds/jiaxing-yilian-sanhui.txt: “联系农户的家庭灾害事故必记” — the fourth 必记 is
    # 家庭灾害事故, in the visit's answer and in the labels clients build their forms from.
    body = visit(world, "h1", flags=[{"kind": "disaster", "text": "房屋漏雨受损"}])
    res = client.post(f"{API}/visits", json=body, headers=world.headers(Role.MEMBER))
    assert res.status_code == 201, res.text
    assert res.json()["flags"][0]["label"] == "家庭灾害事故"
    enums = client.get(f"{API}/meta/enums", headers=world.headers(Role.MEMBER)).json()
    assert {"code": "disaster", "label": "家庭灾害事故"} in enums["visit_flags"]
    schemes = client.get(f"{API}/schemes", headers=world.headers(Role.ADMIN)).json()
    jiaxing = next(s for s in schemes if s["code"] == "yilian_sanhui")
    assert jiaxing["params"]["visit_log_flags"] == [
        "意见建议",
        "困难问题",
        "邻里纠纷",
        "家庭灾害事故",
    ]


def test_a_member_cannot_log_a_visit_to_a_household_they_do_not_look_after(
    client: TestClient, world: World, scheme: None
) -> None:
    res = client.post(f"{API}/visits", json=visit(world, "h3"), headers=world.headers(Role.MEMBER))
    assert res.status_code == 404  # outside their households: it does not exist for them
    res = client.post(
        f"{API}/visits",
        json=visit(world, "h1", member_id=world.member["m2"]),
        headers=world.headers(Role.MEMBER),
    )
    assert res.status_code == 403 and res.json()["code"] == "visit.not_yours"
    assert visits_count(world) == 0


def test_the_branch_secretary_may_log_for_any_member_of_the_branch(
    client: TestClient, world: World, scheme: None
) -> None:
    res = client.post(
        f"{API}/visits",
        json=visit(world, "h3", member_id=world.member["m2"]),
        headers=world.headers(Role.BRANCH_SECRETARY),
    )
    assert res.status_code == 201, res.text


@pytest.mark.parametrize(
    ("when", "code"),
    [
        ("2026-11-26T09:00:00+00:00", "visit.in_future"),
        ("2024-06-01T09:00:00+00:00", "visit.too_old"),
    ],
)
def test_future_and_ancient_visits_are_refused(
    client: TestClient, world: World, scheme: None, when: str, code: str
) -> None:
    res = client.post(
        f"{API}/visits",
        json=visit(world, "h1", visited_at=when),
        headers=world.headers(Role.MEMBER),
    )
    assert res.status_code == 422 and res.json()["code"] == code
    assert visits_count(world) == 0


def test_a_checklist_item_not_in_the_schemes_template_is_refused(
    client: TestClient, world: World, scheme: None
) -> None:
    res = client.post(
        f"{API}/visits",
        json=visit(world, "h1", checklist=["打扫卫生"]),
        headers=world.headers(Role.MEMBER),
    )
    assert res.status_code == 422 and res.json()["code"] == "visit.unknown_checklist_item"


def test_a_replayed_offline_visit_is_stored_once(
    client: TestClient, world: World, scheme: None
) -> None:
    body = visit(world, "h2", client_uuid="6f1c2a9e-4b7d-4c1e-9a3f-2d8b5e7c1a04")
    first = client.post(f"{API}/visits", json=body, headers=world.headers(Role.MEMBER))
    again = client.post(f"{API}/visits", json=body, headers=world.headers(Role.MEMBER))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["duplicate"] is True and again.json()["id"] == first.json()["id"]
    assert visits_count(world) == 1


def test_a_visit_is_edited_for_24_hours_then_only_amended(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    h = world.headers(Role.MEMBER)
    made = client.post(f"{API}/visits", json=visit(world, "h1", notes="初记"), headers=h).json()
    # the client is told until when it may edit (its own guess would use the phone's clock)
    created = datetime.fromisoformat(made["created_at"])
    assert created == clock()
    assert datetime.fromisoformat(made["editable_until"]) == created + timedelta(hours=24)
    res = client.patch(f"{API}/visits/{made['id']}", json={"notes": "改正"}, headers=h)
    assert res.status_code == 200 and res.json()["notes"] == "改正"
    clock.advance(hours=25)
    res = client.patch(f"{API}/visits/{made['id']}", json={"notes": "再改"}, headers=h)
    assert res.status_code == 409 and res.json()["code"] == "visit.edit_window_closed"
    res = client.post(
        f"{API}/visits/{made['id']}/amendments", json={"notes": "补充：已解决"}, headers=h
    )
    assert res.status_code == 201 and res.json()["amends_id"] == made["id"]
    assert datetime.fromisoformat(res.json()["created_at"]) == clock()  # when it was amended
    listed = client.get(f"{API}/households/{world.household['h1']}/visits", headers=h).json()
    assert sorted(v["notes"] for v in listed) == ["改正", "补充：已解决"]  # the original stays


def test_the_due_list_puts_overdue_then_vulnerable_households_first(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    client.put(
        f"{API}/org-units/{world.org['V1']}/scheme",
        json={"overrides": {"vulnerable_categories": ["dibao"]}},
        headers=world.headers(Role.ADMIN),
    )
    h = world.headers(Role.MEMBER)
    url = f"{API}/members/{world.member['m1']}/due"
    h1, h2 = world.household["h1"], world.household["h2"]
    due = client.get(url, headers=h).json()
    assert due["cadence_days"] == 14
    # neither visited: both overdue, h1 (低保, vulnerable here) first
    assert [d["household_id"] for d in due["data"]] == [h1, h2]
    client.post(f"{API}/visits", json=visit(world, "h1"), headers=h)
    due = client.get(url, headers=h).json()
    assert [d["household_id"] for d in due["data"]] == [h2, h1]  # h1 is not due for 14 days
    assert due["data"][0]["overdue_days"] is None and due["data"][1]["vulnerable"] is True
    clock.advance(days=20)
    due = client.get(url, headers=h).json()
    assert due["data"][1]["overdue_days"] == 6  # visited 20 days and 30 minutes ago, 14-day cadence


def test_compliance_counts_households_visited_within_the_cadence_and_active_members(
    client: TestClient, world: World, scheme: None
) -> None:
    client.post(f"{API}/visits", json=visit(world, "h2"), headers=world.headers(Role.MEMBER))
    res = client.get(
        f"{API}/org-units/{world.org['V1']}/compliance", headers=world.headers(Role.TOWNSHIP_CADRE)
    )
    assert res.status_code == 200, res.text
    body = res.json()
    assert (body["households"], body["visited_within_cadence"]) == (3, 1)
    assert (body["members"], body["members_visiting_this_month"]) == (1, 1)
    assert body["participation_rate"] == 1.0 and body["coverage_rate"] == pytest.approx(0.3333)


def test_a_township_cadre_cannot_log_visits(client: TestClient, world: World, scheme: None) -> None:
    res = client.post(
        f"{API}/visits", json=visit(world, "h1"), headers=world.headers(Role.TOWNSHIP_CADRE)
    )
    assert res.status_code == 403


def test_the_checklist_of_a_household_comes_from_its_visits_in_the_period(
    client: TestClient, world: World, scheme: None
) -> None:
    h = world.headers(Role.MEMBER)
    old = visit(
        world, "h1", visited_at="2026-09-15T10:00:00+08:00", checklist=["志愿服务发动到户"]
    )  # the previous quarter
    new = visit(world, "h1", checklist=["上级政策宣讲到户", "支部决议传达到户"])
    client.post(f"{API}/visits", json=old, headers=h)
    made = client.post(f"{API}/visits", json=new, headers=h).json()
    res = client.get(f"{API}/households/{world.household['h1']}/checklist", headers=h)
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["period_start"].startswith("2026-10-01") and body["complete"] is False
    done = {i["item"]: i["visit_ids"] for i in body["items"] if i["done"]}
    assert done == {"上级政策宣讲到户": [made["id"]], "支部决议传达到户": [made["id"]]}
    area = client.get(
        f"{API}/org-units/{world.org['V1']}/checklist", headers=world.headers(Role.TOWNSHIP_CADRE)
    ).json()
    assert area["households"] == 3 and area["households_complete"] == 0
    rates = {i["item"]: i["households_done"] for i in area["items"]}
    assert rates["上级政策宣讲到户"] == 1 and rates["志愿服务发动到户"] == 0


def test_a_scheme_without_a_checklist_says_so(client: TestClient, world: World) -> None:
    client.put(
        f"{API}/org-units/{world.org['C']}/scheme",
        json={"scheme": "yilian_sanhui"},
        headers=world.headers(Role.ADMIN),
    )
    res = client.get(
        f"{API}/org-units/{world.org['V1']}/checklist", headers=world.headers(Role.ADMIN)
    )
    assert res.status_code == 422 and res.json()["code"] == "checklist.none"


# Instants whose China date is outside the years 1 to 9999: the date of a visit there could not
# even be computed (a 500 on every write path); they are refused like any future or old visit.
EDGE_TIMES = [
    ("9999-12-31T23:59:59Z", "visit.in_future"),
    ("9999-12-31T20:00:00-14:00", "visit.in_future"),
    ("0001-01-01T00:00:00+14:00", "visit.too_old"),
]


@pytest.mark.parametrize(("when", "code"), EDGE_TIMES)
def test_times_at_the_ends_of_the_calendar_are_refused_on_every_write(
    client: TestClient, world: World, scheme: None, when: str, code: str
) -> None:
    h = world.headers(Role.MEMBER)
    res = client.post(f"{API}/visits", json=visit(world, "h1", visited_at=when), headers=h)
    assert res.status_code == 422, res.text
    assert (res.json()["code"], res.json()["field"]) == (code, "visited_at")
    made = client.post(f"{API}/visits", json=visit(world, "h1"), headers=h).json()
    for url in (f"{API}/visits/{made['id']}", f"{API}/visits/{made['id']}/amendments"):
        call = client.patch if url.endswith(str(made["id"])) else client.post
        res = call(url, json={"visited_at": when}, headers=h)
        assert res.status_code == 422 and res.json()["code"] == code, res.text
    assert visits_count(world) == 1


@pytest.mark.parametrize(
    "at",
    [
        "9999-12-31T12:00:00+08:00",
        "9999-11-30T12:00:00+08:00",
        "0001-01-01T00:00:00+14:00",
        "1999-12-31T23:59:59+08:00",
        "2100-01-01T00:00:00+08:00",
    ],
)
def test_a_checklist_period_far_from_now_is_refused_naming_at(
    client: TestClient, world: World, scheme: None, at: str
) -> None:
    for url, role in (
        (f"{API}/households/{world.household['h1']}/checklist", Role.MEMBER),
        (f"{API}/org-units/{world.org['V1']}/checklist", Role.TOWNSHIP_CADRE),
    ):
        res = client.get(url, params={"at": at}, headers=world.headers(role))
        assert res.status_code == 422, (url, res.text)
        body = res.json()
        assert (body["code"], body["field"]) == ("time.out_of_range", "at")
        assert "2000" in body["detail"] and "2099" in body["detail"]


def test_a_checklist_period_at_the_ends_of_the_allowed_range_is_answered(
    client: TestClient, world: World, scheme: None
) -> None:
    url = f"{API}/households/{world.household['h1']}/checklist"
    h = world.headers(Role.MEMBER)
    first = client.get(url, params={"at": "2000-01-01T00:00:00+08:00"}, headers=h)
    assert first.status_code == 200 and first.json()["period_start"].startswith("2000-01-01")
    last = client.get(url, params={"at": "2099-12-31T23:59:59+08:00"}, headers=h)
    assert last.status_code == 200, last.text
    assert datetime.fromisoformat(last.json()["period_end"]) == datetime.fromisoformat(
        "2100-01-01T00:00:00+08:00"
    )


@pytest.mark.parametrize(
    "again",
    [
        "6F1C2A9E-4B7D-4C1E-9A3F-2D8B5E7C1A04",
        "6f1c2a9e4b7d4c1e9a3f2d8b5e7c1a04",
        "6F1C2A9E4B7D4C1E9A3F2D8B5E7C1A04",
    ],
)
def test_a_replay_in_another_spelling_of_its_uuid_is_the_same_visit(
    client: TestClient, world: World, scheme: None, again: str
) -> None:
    h = world.headers(Role.MEMBER)
    body = visit(world, "h2", client_uuid="6f1c2a9e-4b7d-4c1e-9a3f-2d8b5e7c1a04")
    first = client.post(f"{API}/visits", json=body, headers=h)
    replay = client.post(f"{API}/visits", json={**body, "client_uuid": again}, headers=h)
    assert (first.status_code, replay.status_code) == (201, 200), replay.text
    assert replay.json()["id"] == first.json()["id"] and replay.json()["duplicate"] is True
    assert visits_count(world) == 1
    with world.app.state.session_factory() as s:
        stored = s.execute(text("SELECT client_uuid FROM visits")).scalar_one()
    assert stored == "6f1c2a9e-4b7d-4c1e-9a3f-2d8b5e7c1a04"  # kept in one spelling


def test_a_uuid_of_hyphens_only_is_refused(client: TestClient, world: World, scheme: None) -> None:
    res = client.post(
        f"{API}/visits",
        json=visit(world, "h2", client_uuid="-" * 36),
        headers=world.headers(Role.MEMBER),
    )
    assert res.status_code == 422 and res.json()["field"] == "client_uuid", res.text
    assert visits_count(world) == 0


@pytest.mark.parametrize(("sent", "missing"), [({"lat": 30.5}, "lng"), ({"lng": 120.1}, "lat")])
def test_half_a_position_is_refused_naming_the_missing_coordinate(
    client: TestClient, world: World, scheme: None, sent: dict[str, float], missing: str
) -> None:
    res = client.post(
        f"{API}/visits", json=visit(world, "h1", **sent), headers=world.headers(Role.MEMBER)
    )
    assert res.status_code == 422, res.text
    assert (res.json()["code"], res.json()["field"]) == ("request.validation", missing)
    assert visits_count(world) == 0
    whole = client.post(
        f"{API}/visits",
        json=visit(world, "h1", lat=30.5, lng=120.1),
        headers=world.headers(Role.MEMBER),
    )
    assert whole.status_code == 201, whole.text
    with world.app.state.session_factory() as s:
        assert s.execute(text("SELECT lat, lng FROM visits")).one() == (30.5, 120.1)


def test_an_edit_or_amendment_with_a_checklist_item_not_in_the_template_is_refused(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    h = world.headers(Role.MEMBER)
    made = client.post(
        f"{API}/visits", json=visit(world, "h1", checklist=["上级政策宣讲到户"]), headers=h
    ).json()
    res = client.patch(f"{API}/visits/{made['id']}", json={"checklist": ["打扫卫生"]}, headers=h)
    assert res.status_code == 422 and res.json()["code"] == "visit.unknown_checklist_item"
    assert res.json()["field"] == "checklist"
    res = client.post(
        f"{API}/visits/{made['id']}/amendments", json={"checklist": ["打扫卫生"]}, headers=h
    )
    assert res.status_code == 422 and res.json()["code"] == "visit.unknown_checklist_item"
    listed = client.get(f"{API}/households/{world.household['h1']}/visits", headers=h).json()
    assert [v["checklist"] for v in listed] == [["上级政策宣讲到户"]]  # nothing changed, none added


def test_an_item_sent_twice_in_a_checklist_is_one_tick(
    client: TestClient, world: World, scheme: None
) -> None:
    h = world.headers(Role.MEMBER)
    twice = ["上级政策宣讲到户", "上级政策宣讲到户"]
    made = client.post(f"{API}/visits", json=visit(world, "h1", checklist=twice), headers=h)
    assert made.json()["checklist"] == ["上级政策宣讲到户"]
    edited = client.patch(
        f"{API}/visits/{made.json()['id']}",
        json={"checklist": ["支部决议传达到户", "上级政策宣讲到户", "支部决议传达到户"]},
        headers=h,
    )
    assert edited.json()["checklist"] == ["支部决议传达到户", "上级政策宣讲到户"]


def test_an_amendment_supersedes_the_visit_it_corrects_in_what_is_derived_from_visits(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    """The original stayed on record and went on counting: an amendment moving the visit a
    month back, or taking a checklist item back, changed neither the last visit (due list,
    compliance) nor the checklist."""
    h = world.headers(Role.MEMBER)
    made = client.post(
        f"{API}/visits", json=visit(world, "h1", checklist=["上级政策宣讲到户"]), headers=h
    ).json()
    clock.advance(hours=25)  # past the edit window: only an amendment
    first = client.post(
        f"{API}/visits/{made['id']}/amendments",
        json={"visited_at": "2026-11-10T09:00:00+08:00", "checklist": []},
        headers=h,
    )
    assert first.status_code == 201, first.text

    def last_visit() -> str | None:
        due = client.get(f"{API}/members/{world.member['m1']}/due", headers=h).json()
        found: str | None = next(
            d["last_visit"] for d in due["data"] if d["household_id"] == made["household_id"]
        )
        return found

    def ticked() -> list[str]:
        res = client.get(
            f"{API}/households/{world.household['h1']}/checklist",
            params={"at": "2026-11-25T10:00:00+08:00"},
            headers=h,
        )
        return [i["item"] for i in res.json()["items"] if i["done"]]

    assert last_visit() == "2026-11-10T01:00:00Z" and ticked() == []
    # amending the original again amends its newest version: one line of corrections
    second = client.post(
        f"{API}/visits/{made['id']}/amendments",
        json={"checklist": ["支部决议传达到户"]},
        headers=h,
    ).json()
    assert second["amends_id"] == first.json()["id"]
    assert second["visited_at"] == "2026-11-10T01:00:00Z"  # the newest version's, kept
    assert ticked() == ["支部决议传达到户"] and last_visit() == "2026-11-10T01:00:00Z"
    history = client.get(f"{API}/households/{world.household['h1']}/visits", headers=h).json()
    assert len(history) == 3  # every version stays on record


def test_a_time_with_an_offset_is_stored_as_the_same_instant(
    client: TestClient, world: World, scheme: None
) -> None:
    """SQLite keeps a datetime's fields and drops its offset: 08:00+08:00, as a client in
    China writes the time, was stored and read back as 08:00 UTC, eight hours late."""
    h = world.headers(Role.MEMBER)
    client.post(
        f"{API}/visits", json=visit(world, "h1", visited_at="2026-11-20T08:00:00+08:00"), headers=h
    )
    (stored,) = client.get(f"{API}/households/{world.household['h1']}/visits", headers=h).json()
    assert datetime.fromisoformat(stored["visited_at"]) == datetime.fromisoformat(
        "2026-11-20T00:00:00+00:00"
    )
    due = client.get(f"{API}/members/{world.member['m1']}/due", headers=h).json()
    assert "2026-11-20T00:00:00Z" in [d["last_visit"] for d in due["data"]]


def test_a_household_is_due_by_the_cadence_of_its_own_level(
    client: TestClient, world: World, scheme: None, clock: Clock
) -> None:
    """The due list used the member's level's cadence for every household, while compliance
    judges each by its own: a grid visiting weekly under the village's fortnight showed its
    households as not yet due for another four days."""
    res = client.put(
        f"{API}/org-units/{world.org['G1']}/scheme",
        json={"overrides": {"visit_cadence_days": 7, "vulnerable_categories": ["dibao"]}},
        headers=world.headers(Role.ADMIN),
    )
    assert res.status_code == 200, res.text
    h = world.headers(Role.MEMBER)
    client.post(f"{API}/visits", json=visit(world, "h1"), headers=h)
    client.post(f"{API}/visits", json=visit(world, "h2"), headers=h)
    clock.advance(days=10)
    due = client.get(f"{API}/members/{world.member['m1']}/due", headers=h).json()
    assert due["cadence_days"] == 14  # the member's own level's
    by_household = {d["household_id"]: d for d in due["data"]}
    h1 = by_household[world.household["h1"]]
    assert h1["overdue_days"] == 3 and h1["vulnerable"] is True  # 7 days, 低保 at G1


def test_an_area_rolls_up_each_levels_checklist_apart(
    client: TestClient, world: World, scheme: None
) -> None:
    """A township on another scheme (五个到户) has another template: its households were
    counted against the county's 五到户 items, none of which they could ever tick."""
    admin = world.headers(Role.ADMIN)
    res = client.put(
        f"{API}/org-units/{world.org['T2']}/scheme", json={"scheme": "wuge_daohu"}, headers=admin
    )
    assert res.status_code == 200, res.text
    wuge = client.get(f"{API}/org-units/{world.org['T2']}/scheme", headers=admin).json()
    h = world.headers(Role.MEMBER)
    client.post(f"{API}/visits", json=visit(world, "h1", checklist=["上级政策宣讲到户"]), headers=h)
    county = client.get(f"{API}/org-units/{world.org['C']}/checklist", headers=admin).json()
    own, other = county["groups"]
    assert (own["households"], other["households"]) == (3, 1)  # h1-h3 in T1; h4 in T2
    assert other["checklist"] == wuge["params"]["checklist"] != own["checklist"]
    assert county["households"] == 3 and county["items"] == own["items"]
    done = {i["item"]: i["households_done"] for i in own["items"]}
    assert done["上级政策宣讲到户"] == 1
    township = client.get(f"{API}/org-units/{world.org['T2']}/checklist", headers=admin).json()
    assert [g["households"] for g in township["groups"]] == [1]
    assert township["items"] == other["items"]
