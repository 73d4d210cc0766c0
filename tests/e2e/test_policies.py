"""政策明白卡 through HTTP: policies with rules as data, a household's possible entitlements,
the eligible households of an area, delivery per household (政策落实到户), residents."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain.kernel.access import Role
from tests.builders import World

API = "/api/v1"
ELDERLY = {"field": "max_age", "op": ">=", "value": 80}  # 高龄补贴


def residents(client: TestClient, world: World, household: str, births: list[str]) -> Any:
    people = [
        {"relation": "head" if i == 0 else "parent", "birth_date": b} for i, b in enumerate(births)
    ]
    return client.put(
        f"{API}/households/{world.household[household]}/residents",
        json={"residents": people},
        headers=world.headers(Role.BRANCH_SECRETARY),
    )


def new_policy(client: TestClient, world: World, rule: Any, code: str = "gaoling") -> Any:
    return client.post(
        f"{API}/org-units/{world.org['C']}/policies",
        json={"code": code, "name": "高龄补贴", "summary": "80 周岁以上老人每月补贴", "rule": rule},
        headers=world.headers(Role.COUNTY_CADRE),
    )


@pytest.fixture
def policy(client: TestClient, world: World) -> dict[str, Any]:
    res = new_policy(client, world, ELDERLY)
    assert res.status_code == 201, res.text
    assert residents(client, world, "h1", ["1970-03-01", "1941-06-01"]).status_code == 200
    assert residents(client, world, "h3", ["1990-01-01"]).status_code == 200
    out: dict[str, Any] = res.json()
    return out


def test_a_policy_is_stored_with_its_rule_in_words(policy: dict[str, Any]) -> None:
    assert policy["rule"] == ELDERLY
    assert policy["rule_text"] == "户内最年长者年龄 ≥ 80"


def test_a_household_sees_what_it_may_be_entitled_to_and_why(
    client: TestClient, world: World, policy: dict[str, Any]
) -> None:
    h = world.headers(Role.MEMBER)
    h1 = client.get(f"{API}/households/{world.household['h1']}/policies", headers=h).json()
    assert [(e["policy"]["code"], e["eligibility"]) for e in h1] == [("gaoling", "eligible")]
    assert h1[0]["reasons"] == ["户内最年长者年龄 ≥ 80：满足（现为 85）"]
    h2 = client.get(f"{API}/households/{world.household['h2']}/policies", headers=h).json()
    assert h2[0]["eligibility"] == "unknown" and "待核实" in h2[0]["eligibility_label"]
    branch = world.headers(Role.BRANCH_SECRETARY)
    h3 = f"{API}/households/{world.household['h3']}/policies"
    assert client.get(h3, headers=branch).json() == []
    everything = client.get(h3, params={"all": "true"}, headers=branch).json()
    assert everything[0]["eligibility"] == "not_eligible"


def test_the_eligible_households_of_an_area_with_counts_and_delivery(
    client: TestClient, world: World, policy: dict[str, Any]
) -> None:
    url = f"{API}/policies/{policy['id']}/households"
    page = client.get(
        url, params={"org_id": world.org["V1"]}, headers=world.headers(Role.BRANCH_SECRETARY)
    ).json()
    assert page["counts"]["eligible"] == 1 and page["counts"]["not_eligible"] == 1
    assert page["counts"]["unknown"] == 1  # h2: nobody recorded its residents yet
    assert [m["household"]["id"] for m in page["data"]] == [
        world.household["h1"],
        world.household["h2"],
    ]
    only = client.get(
        url, params={"eligibility": "eligible"}, headers=world.headers(Role.BRANCH_SECRETARY)
    ).json()
    assert only["total"] == 1 and only["data"][0]["household"]["head_name"] == "赵一"
    # A member sees only the households they look after.
    mine = client.get(url, headers=world.headers(Role.MEMBER)).json()
    assert {m["household"]["id"] for m in mine["data"]} <= {
        world.household["h1"],
        world.household["h2"],
    }


def test_the_matching_households_page_sort_and_search_as_the_household_list(
    client: TestClient, world: World, policy: dict[str, Any]
) -> None:
    url = f"{API}/policies/{policy['id']}/households"
    h = world.headers(Role.BRANCH_SECRETARY)
    h1, h2 = world.household["h1"], world.household["h2"]

    def listed(**params: Any) -> tuple[list[int], int]:
        page = client.get(url, params=params, headers=h).json()
        return [m["household"]["id"] for m in page["data"]], page["total"]

    assert listed() == ([h1, h2], 2)  # by id, 50 a page, unless asked
    assert listed(sort="-id") == ([h2, h1], 2)
    assert listed(limit=1, offset=1) == ([h2], 2)
    assert listed(q="钱") == ([h2], 1)
    assert client.get(url, params={"limit": 201}, headers=h).json()["field"] == "limit"


def test_delivery_goes_forward_and_is_refused_for_an_excluded_household(
    client: TestClient, world: World, policy: dict[str, Any]
) -> None:
    base = f"{API}/policies/{policy['id']}/households"
    h = world.headers(Role.MEMBER)
    done = client.put(
        f"{base}/{world.household['h1']}/delivery",
        json={"status": "explained", "note": "上门讲解了申领流程"},
        headers=h,
    )
    assert done.status_code == 200, done.text
    assert done.json()["status_label"] == "已宣讲" and done.json()["explained_at"]
    applied = client.put(
        f"{base}/{world.household['h1']}/delivery", json={"status": "applied"}, headers=h
    )
    assert applied.json()["explained_at"] == done.json()["explained_at"]
    assert applied.json()["note"] == "上门讲解了申领流程"  # kept when no new note is given
    back = client.put(
        f"{base}/{world.household['h1']}/delivery", json={"status": "explained"}, headers=h
    )
    assert back.status_code == 409 and back.json()["code"] == "policy.delivery_backwards"
    excluded = client.put(
        f"{base}/{world.household['h3']}/delivery",
        json={"status": "explained"},
        headers=world.headers(Role.BRANCH_SECRETARY),
    )
    assert excluded.status_code == 409 and excluded.json()["code"] == "policy.not_eligible"
    bogus = client.put(
        f"{base}/{world.household['h1']}/delivery", json={"status": "paid"}, headers=h
    )
    assert bogus.status_code == 422 and bogus.json()["field"] == "status"
    listed = client.get(
        base, params={"delivery": "applied"}, headers=world.headers(Role.BRANCH_SECRETARY)
    ).json()
    assert [m["household"]["id"] for m in listed["data"]] == [world.household["h1"]]
    assert listed["counts"]["applied"] == 1


def test_malformed_rules_and_who_may_define_policies(
    client: TestClient, world: World, policy: dict[str, Any]
) -> None:
    bad = new_policy(
        client,
        world,
        {"all": [{"field": "max_age", "op": ">=", "value": "八十"}, {"field": "wealth"}]},
        code="bad",
    )
    assert bad.status_code == 422 and bad.json()["code"] == "policy.bad_rule"
    assert bad.json()["field"] == "rule.all[0].value"
    assert [e["field"] for e in bad.json()["errors"]] == ["rule.all[0].value", "rule.all[1].field"]
    not_object = new_policy(client, world, ["max_age"], code="bad2")
    assert not_object.status_code == 422 and not_object.json()["field"] == "rule"
    again = new_policy(client, world, ELDERLY)
    assert again.status_code == 409 and again.json()["code"] == "policy.code_taken"
    branch = client.post(
        f"{API}/org-units/{world.org['V1']}/policies",
        json={"code": "x", "name": "村规", "rule": ELDERLY},
        headers=world.headers(Role.BRANCH_SECRETARY),
    )
    assert branch.status_code == 403
    # A township cannot rewrite the county's policy, though it applies there.
    township = client.patch(
        f"{API}/policies/{policy['id']}",
        json={"name": "改名"},
        headers=world.headers(Role.TOWNSHIP_CADRE),
    )
    assert township.status_code == 403 and township.json()["code"] == "policy.not_yours"
    county = client.patch(
        f"{API}/policies/{policy['id']}",
        json={"rule": {"field": "max_age", "op": ">=", "value": 90}},
        headers=world.headers(Role.COUNTY_CADRE),
    )
    assert county.status_code == 200 and county.json()["rule_text"] == "户内最年长者年龄 ≥ 90"


def test_a_rule_on_a_sensitive_category_lists_households_only_to_those_who_may_see_it(
    client: TestClient, world: World
) -> None:
    dibao = new_policy(
        client, world, {"field": "categories", "op": "has", "value": "dibao"}, code="dibao"
    ).json()
    url = f"{API}/policies/{dibao['id']}/households"
    branch = client.get(url, headers=world.headers(Role.BRANCH_SECRETARY)).json()
    assert [m["household"]["id"] for m in branch["data"]] == [world.household["h1"]]
    township = client.get(url, headers=world.headers(Role.TOWNSHIP_CADRE)).json()
    assert township["data"] == [] and township["households_hidden"] is True
    assert township["counts"]["eligible"] == 1  # the aggregate is not personal
    # a search by name is not applied to a hidden list: its count would tell who has 低保
    for name in ("赵一", "钱二"):
        found = client.get(url, params={"q": name}, headers=world.headers(Role.TOWNSHIP_CADRE))
        assert (found.json()["data"], found.json()["total"]) == ([], 1), name
    page = client.get(
        f"{API}/households/{world.household['h1']}/policies",
        headers=world.headers(Role.TOWNSHIP_CADRE),
    ).json()
    assert page == []


def test_residents_show_ages_to_all_and_birth_dates_only_to_those_who_need_them(
    client: TestClient, world: World, policy: dict[str, Any]
) -> None:
    url = f"{API}/households/{world.household['h1']}/residents"
    branch = client.get(url, headers=world.headers(Role.BRANCH_SECRETARY)).json()
    assert [(r["relation_label"], r["age"], r["birth_date"]) for r in branch] == [
        ("户主", 56, "1970-03-01"),
        ("父母", 85, "1941-06-01"),
    ]
    township = client.get(url, headers=world.headers(Role.TOWNSHIP_CADRE)).json()
    assert [r["birth_date"] for r in township] == [None, None]
    future = residents(client, world, "h2", ["2030-01-01"])
    assert future.status_code == 422 and future.json()["field"] == "residents[0].birth_date"
    wrong = client.put(
        url,
        json={"residents": [{"relation": "cousin", "birth_date": "1990-01-01"}]},
        headers=world.headers(Role.BRANCH_SECRETARY),
    )
    assert wrong.status_code == 422 and "relation" in wrong.json()["field"]
    member = client.put(url, json={"residents": []}, headers=world.headers(Role.MEMBER))
    assert member.status_code == 403
    assert len(client.get(url, headers=world.headers(Role.BRANCH_SECRETARY)).json()) == 2


@pytest.mark.parametrize(
    ("rule", "where"),
    [
        ({"field": "size", "op": [">"], "value": 1}, "rule.op"),
        ({"field": "categories", "op": {}}, "rule.op"),
        ({"field": ["size"], "op": ">", "value": 1}, "rule.field"),
        ({"field": "size", "op": ">", "value": {"n": 1}}, "rule.value"),
        ({"all": {"field": "size", "op": ">", "value": 1}}, "rule.all"),
        ({"any": [ELDERLY, None]}, "rule.any[1]"),
        ({"not": None}, "rule.not"),
        ({"field": "categories", "op": "has_any", "value": [{"code": "dibao"}]}, "rule.value[0]"),
    ],
)
def test_a_rule_of_the_wrong_json_types_is_a_located_422_on_create_and_on_change(
    client: TestClient, world: World, policy: dict[str, Any], rule: Any, where: str
) -> None:
    created = new_policy(client, world, rule, code="wrongtypes")
    assert created.status_code == 422, created.text
    assert created.json()["code"] == "policy.bad_rule" and created.json()["field"] == where
    changed = client.patch(
        f"{API}/policies/{policy['id']}",
        json={"rule": rule},
        headers=world.headers(Role.COUNTY_CADRE),
    )
    assert changed.status_code == 422, changed.text
    assert changed.json()["code"] == "policy.bad_rule" and changed.json()["field"] == where
    kept = client.get(f"{API}/policies/{policy['id']}", headers=world.headers(Role.COUNTY_CADRE))
    assert kept.json()["rule"] == ELDERLY
    listed = client.get(
        f"{API}/org-units/{world.org['C']}/policies", headers=world.headers(Role.COUNTY_CADRE)
    )
    assert [p["code"] for p in listed.json()] == ["gaoling"]
