"""The 民情日志's 必记 are the scheme's (visit_log_flags): the four of seeds/jiaxing-yilian-
sanhui.txt (“四个必记”) unless a level sets its own list, and then exactly those — custom ones
included, with their labels — on visits, their edits and the issue drafts raised from them.
Scheme settings nothing reads yet are refused rather than stored silently."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from domain.kernel.access import Role
from tests.builders import World

API = "/api/v1"
NOW = "2026-11-25T01:30:00+00:00"
FOUR = ["意见建议", "困难问题", "邻里纠纷", "家庭灾害事故"]


def put_scheme(client: TestClient, world: World, org: str, body: dict[str, Any]) -> Any:
    return client.put(
        f"{API}/org-units/{world.org[org]}/scheme", json=body, headers=world.headers(Role.ADMIN)
    )


def log(client: TestClient, world: World, household: str, flags: list[dict[str, str]]) -> Any:
    body = {
        "member_id": world.member["m1" if household in ("h1", "h2") else "m3"],
        "household_id": world.household[household],
        "visited_at": NOW,
        "mode": "home",
        "flags": flags,
    }
    role = Role.MEMBER if household in ("h1", "h2") else Role.ADMIN
    return client.post(f"{API}/visits", json=body, headers=world.headers(role))


def visits_count(world: World) -> int:
    with world.app.state.session_factory() as s:
        return int(s.execute(text("SELECT count(*) FROM visits")).scalar_one())


def test_a_custom_flag_in_force_is_logged_with_its_label_and_raised_as_a_draft(
    client: TestClient, world: World
) -> None:
    res = put_scheme(
        client,
        world,
        "C",
        {"scheme": "one_six_n", "overrides": {"visit_log_flags": [*FOUR, "安全隐患"]}},
    )
    assert res.status_code == 200, res.text
    h = world.headers(Role.MEMBER)
    offered = client.get(f"{API}/households/{world.household['h1']}/visit-flags", headers=h)
    assert offered.status_code == 200, offered.text
    assert offered.json() == [
        {"code": "suggestion", "label": "意见建议"},
        {"code": "difficulty", "label": "困难问题"},
        {"code": "dispute", "label": "邻里纠纷"},
        {"code": "disaster", "label": "家庭灾害事故"},
        {"code": "安全隐患", "label": "安全隐患"},
    ]
    res = log(client, world, "h1", [{"kind": "安全隐患", "text": "电线老化，有火灾隐患"}])
    assert res.status_code == 201, res.text
    visit = res.json()
    assert visit["flags"] == [
        {"kind": "安全隐患", "label": "安全隐患", "text": "电线老化，有火灾隐患"}
    ]
    draft = client.post(
        f"{API}/visits/{visit['id']}/issue-drafts", json={"kind": "安全隐患"}, headers=h
    )
    assert draft.status_code == 201, draft.text
    assert draft.json()["kind_label"] == "安全隐患"
    assert draft.json()["title"].startswith("安全隐患：电线老化")
    listed = client.get(
        f"{API}/issue-drafts?household_id={world.household['h1']}",
        headers=world.headers(Role.BRANCH_SECRETARY),
    ).json()
    assert [d["kind"] for d in listed["data"]] == ["安全隐患"]


def test_only_the_flags_in_force_for_the_households_level_are_accepted(
    client: TestClient, world: World
) -> None:
    assert put_scheme(client, world, "C", {"scheme": "one_six_n"}).status_code == 200
    res = put_scheme(
        client, world, "V1", {"overrides": {"visit_log_flags": ["意见建议", "安全隐患"]}}
    )
    assert res.status_code == 200, res.text
    refused = log(client, world, "h1", [{"kind": "dispute", "text": "邻居争地界"}])
    assert refused.status_code == 422, refused.text
    assert (refused.json()["code"], refused.json()["field"]) == ("visit.unknown_flag", "flags")
    # h4 is in the other township, under the county's four: 安全隐患 is not one of them there
    other = log(client, world, "h4", [{"kind": "安全隐患", "text": "电线老化"}])
    assert other.status_code == 422 and other.json()["code"] == "visit.unknown_flag"
    assert visits_count(world) == 0
    ok = log(client, world, "h1", [{"kind": "安全隐患", "text": "电线老化"}])
    assert ok.status_code == 201, ok.text
    edit = client.patch(
        f"{API}/visits/{ok.json()['id']}",
        json={"flags": [{"kind": "disaster", "text": "火灾"}]},
        headers=world.headers(Role.MEMBER),
    )
    assert edit.status_code == 422 and edit.json()["code"] == "visit.unknown_flag"
    four = log(client, world, "h4", [{"kind": "disaster", "text": "房屋漏雨"}])
    assert four.status_code == 201, four.text


def test_the_four_must_records_are_accepted_where_no_scheme_is_chosen_jiaxing_seed(
    client: TestClient, world: World
) -> None:
    res = log(client, world, "h1", [{"kind": "disaster", "text": "房屋漏雨"}])
    assert res.status_code == 201, res.text
    offered = client.get(
        f"{API}/households/{world.household['h1']}/visit-flags",
        headers=world.headers(Role.MEMBER),
    ).json()
    assert [f["label"] for f in offered] == FOUR
    custom = log(client, world, "h1", [{"kind": "安全隐患", "text": "电线老化"}])
    assert custom.status_code == 422 and custom.json()["code"] == "visit.unknown_flag"


def test_a_member_reads_the_flags_only_of_a_household_they_look_after(
    client: TestClient, world: World
) -> None:
    res = client.get(
        f"{API}/households/{world.household['h3']}/visit-flags",
        headers=world.headers(Role.MEMBER),
    )
    assert res.status_code == 404


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("escalation_levels", ["village", "township"]),
        ("meeting_cadence_days", {"analysis": 30}),
        ("point_rules", {"visit": 2}),
    ],
)
def test_settings_nothing_reads_yet_are_refused_naming_the_field(
    client: TestClient, world: World, key: str, value: Any
) -> None:
    res = put_scheme(client, world, "C", {"scheme": "one_six_n", "overrides": {key: value}})
    assert res.status_code == 422, res.text
    body = res.json()
    assert (body["code"], body["field"]) == ("scheme.not_yet_supported", f"overrides.{key}")
    assert key in body["detail"] or "尚未" in body["detail"]
    nothing = client.get(
        f"{API}/org-units/{world.org['C']}/scheme", headers=world.headers(Role.ADMIN)
    )
    assert nothing.status_code == 404  # nothing stored: no scheme chosen
