"""The registers through HTTP: CRUD, filters, sorting, paging, totals, audit trail."""

from __future__ import annotations

from fastapi.testclient import TestClient

from domain.kernel.access import Permission, Role
from tests.builders import World

ADMIN = Role.ADMIN


def test_household_create_read_update_delete_with_audit_before_and_after(
    client: TestClient, world: World
) -> None:
    h = world.headers(ADMIN)
    body = {
        "org_id": world.org["G1"],
        "head_name": "欧阳明月",
        "size": 3,
        "phone": "13500001111",
        "categories": ["lonely_elderly"],
        "external_id": "H77",
    }
    res = client.post("/api/v1/households", json=body, headers=h)
    assert res.status_code == 201, res.text
    hid = res.json()["id"]
    res = client.patch(
        f"/api/v1/households/{hid}", json={"size": 2, "lat": 30.7, "lng": 120.7}, headers=h
    )
    assert res.status_code == 200, res.text
    assert (res.json()["size"], res.json()["lat"]) == (2, 30.7)
    assert client.delete(f"/api/v1/households/{hid}", headers=h).status_code == 204
    assert client.get(f"/api/v1/households/{hid}", headers=h).status_code == 404
    audit = client.get(
        "/api/v1/audit", params={"entity": "household", "entity_id": str(hid)}, headers=h
    ).json()["data"]
    assert [a["action"] for a in audit] == ["delete", "update", "create"]
    update = audit[1]
    assert update["before"]["size"] == 3 and update["after"]["size"] == 2
    assert update["actor"].startswith("user:") and update["request_id"]


def test_households_filter_by_subtree_and_category_with_totals(
    client: TestClient, world: World
) -> None:
    h = world.headers(ADMIN)
    res = client.get("/api/v1/households", params={"org_id": world.org["V1"]}, headers=h)
    assert res.json()["total"] == 3
    res = client.get("/api/v1/households", params={"category": "低保"}, headers=h)
    assert [x["external_id"] for x in res.json()["data"]] == ["H1"]


def test_lists_page_and_sort_with_a_stable_total(client: TestClient, world: World) -> None:
    h = world.headers(ADMIN)
    first = client.get(
        "/api/v1/households", params={"limit": 2, "sort": "-head_name"}, headers=h
    ).json()
    second = client.get(
        "/api/v1/households", params={"limit": 2, "offset": 2, "sort": "-head_name"}, headers=h
    ).json()
    assert first["total"] == second["total"] == 4
    names = [x["head_name"] for x in first["data"] + second["data"]]
    assert names == sorted(names, reverse=True)


def test_free_text_search_finds_chinese_names_by_any_part(client: TestClient, world: World) -> None:
    res = client.get("/api/v1/members", params={"q": "三"}, headers=world.headers(ADMIN))
    assert [m["name"] for m in res.json()["data"]] == ["张三"]


def test_member_exemption_is_recorded_with_reason_decider_and_date(
    client: TestClient, world: World
) -> None:
    h = world.headers(Role.BRANCH_SECRETARY)
    exemption = {"reason": "infirm", "decided_by": "李四", "decided_on": "2026-11-01"}
    res = client.patch(
        f"/api/v1/members/{world.member['m1']}", json={"exemption": exemption}, headers=h
    )
    assert res.status_code == 200, res.text
    assert res.json()["exempt"] and res.json()["exemption"]["reason_label"] == "体弱多病"
    listed = client.get("/api/v1/members", params={"exempt": "true"}, headers=h).json()
    assert [m["name"] for m in listed["data"]] == ["张三"]
    res = client.patch(f"/api/v1/members/{world.member['m1']}", json={"exemption": None}, headers=h)
    assert res.json()["exempt"] is False


def test_members_filter_by_role(client: TestClient, world: World) -> None:
    res = client.get(
        "/api/v1/members", params={"role": "branch_secretary"}, headers=world.headers(ADMIN)
    )
    assert [m["name"] for m in res.json()["data"]] == ["李四"]


def test_moving_a_village_moves_its_whole_subtree(client: TestClient, world: World) -> None:
    h = world.headers(ADMIN)
    res = client.post(
        f"/api/v1/org-units/{world.org['V1']}/move", json={"parent_id": world.org["T2"]}, headers=h
    )
    assert res.status_code == 200, res.text
    grid = client.get(f"/api/v1/org-units/{world.org['G1']}", headers=h).json()
    assert grid["path"] == f"{world.path('T2')}{world.org['V1']}/{world.org['G1']}/"
    # the township cadre of T1 no longer sees the moved village's households
    res = client.get("/api/v1/households", headers=world.headers(Role.TOWNSHIP_CADRE))
    assert res.json()["total"] == 0


def test_an_org_with_households_cannot_be_deleted(client: TestClient, world: World) -> None:
    res = client.delete(f"/api/v1/org-units/{world.org['G1']}", headers=world.headers(ADMIN))
    assert res.status_code == 409 and res.json()["code"] == "org.not_empty"


def test_a_county_selects_a_scheme_and_a_village_inherits_with_its_override(
    client: TestClient, world: World
) -> None:
    h = world.headers(ADMIN)
    res = client.put(
        f"/api/v1/org-units/{world.org['C']}/scheme", json={"scheme": "yilian_sanhui"}, headers=h
    )
    assert res.status_code == 200, res.text
    res = client.put(
        f"/api/v1/org-units/{world.org['V1']}/scheme",
        json={"overrides": {"households_max": 8}},
        headers=h,
    )
    assert res.status_code == 200, res.text
    eff = client.get(f"/api/v1/org-units/{world.org['G1']}/scheme", headers=h).json()
    assert (eff["code"], eff["params"]["households_min"], eff["params"]["households_max"]) == (
        "yilian_sanhui",
        5,
        8,
    )
    other = client.get(f"/api/v1/org-units/{world.org['G3']}/scheme", headers=h).json()
    assert other["params"]["households_max"] == 10


def test_a_bad_scheme_override_is_refused_and_nothing_changes(
    client: TestClient, world: World
) -> None:
    h = world.headers(ADMIN)
    client.put(
        f"/api/v1/org-units/{world.org['C']}/scheme", json={"scheme": "one_six_n"}, headers=h
    )
    res = client.put(
        f"/api/v1/org-units/{world.org['V1']}/scheme",
        json={"overrides": {"households_max": 2}},
        headers=h,
    )
    assert res.status_code == 422 and res.json()["code"] == "scheme.min_above_max"
    eff = client.get(f"/api/v1/org-units/{world.org['V1']}/scheme", headers=h).json()
    assert eff["params"]["households_max"] == 15


def test_the_five_presets_are_listed_with_chinese_names(client: TestClient, world: World) -> None:
    res = client.get("/api/v1/schemes", headers=world.headers(Role.MEMBER))
    names = {s["code"]: s["name"] for s in res.json()}
    assert names["one_six_n"] == "1+6+N 党员联系户" and len(names) == 5


def test_custom_household_category_can_be_registered_and_used(
    client: TestClient, world: World
) -> None:
    h = world.headers(ADMIN)
    res = client.post(
        "/api/v1/categories", json={"code": "veteran", "label": "退役军人户"}, headers=h
    )
    assert res.status_code == 201, res.text
    res = client.patch(
        f"/api/v1/households/{world.household['h2']}",
        json={"categories": ["退役军人户", "dibao"]},
        headers=h,
    )
    assert res.status_code == 200, res.text
    assert res.json()["categories"] == ["dibao", "veteran"]  # labels are stored as codes
    res = client.patch(
        f"/api/v1/households/{world.household['h2']}", json={"categories": ["火星户"]}, headers=h
    )
    assert res.status_code == 422 and res.json()["code"] == "household.unknown_category"


def test_enum_labels_are_available_in_chinese(client: TestClient) -> None:
    res = client.get("/api/v1/meta/enums").json()
    assert {"code": "grid", "label": "网格"} in res["org_levels"]
    assert {"code": "dibao", "label": "低保"} in res["categories"]
    # every code a client shows has its label here, so no client keeps a copy of them
    assert {p["code"] for p in res["permissions"]} == {p.value for p in Permission}
    assert {"code": "personal:read", "label": "查看个人信息（不脱敏）"} in res["permissions"]
    assert [d["code"] for d in res["delivery_statuses"]] == ["explained", "applied", "received"]
    assert {"code": "one_six_n", "label": "1+6+N 党员联系户"} in res["schemes"]
    for name in ("relations", "visit_modes", "visit_flags", "event_statuses", "schemes"):
        assert res[name] and all(e["label"] for e in res[name]), name


def test_auditor_reads_the_audit_log_filtered_by_actor(client: TestClient, world: World) -> None:
    client.patch(
        f"/api/v1/households/{world.household['h3']}",
        json={"size": 5},
        headers=world.headers(Role.TOWNSHIP_CADRE),
    )
    res = client.get(
        "/api/v1/audit",
        params={"actor": "user:township_cadre@T1"},
        headers=world.headers(Role.AUDITOR),
    )
    assert res.status_code == 200, res.text
    assert [(a["entity"], a["action"]) for a in res.json()["data"]] == [("household", "update")]


def test_removing_a_village_override_makes_it_inherit_again(
    client: TestClient, world: World
) -> None:
    h = world.headers(ADMIN)
    client.put(
        f"/api/v1/org-units/{world.org['C']}/scheme", json={"scheme": "one_six_n"}, headers=h
    )
    client.put(
        f"/api/v1/org-units/{world.org['V1']}/scheme",
        json={"overrides": {"visit_cadence_days": 7}},
        headers=h,
    )
    assert (
        client.delete(f"/api/v1/org-units/{world.org['V1']}/scheme", headers=h).status_code == 204
    )
    eff = client.get(f"/api/v1/org-units/{world.org['G1']}/scheme", headers=h).json()
    assert eff["params"]["visit_cadence_days"] == 14
    res = client.delete(f"/api/v1/org-units/{world.org['V1']}/scheme", headers=h)
    assert res.status_code == 404 and res.json()["code"] == "scheme.no_binding"


def test_a_caller_who_sees_a_household_masked_cannot_overwrite_what_is_hidden(
    client: TestClient, world: World
) -> None:
    # A township cadre may write households but sees phones, addresses and 低保 masked: sending
    # back what they see must neither overwrite the real values nor drop the hidden category.
    cadre, admin = world.headers(Role.TOWNSHIP_CADRE), world.headers(Role.ADMIN)
    url = f"/api/v1/households/{world.household['h1']}"
    real = client.get(url, headers=admin).json()
    shown = client.get(url, headers=cadre).json()
    assert shown["masked"] and shown["categories"] == [] and real["categories"] == ["dibao"]
    for body, field in (
        ({"phone": "13900000000"}, "phone"),
        ({"address": shown["address"]}, "address"),
        ({"lat": 30.1, "lng": 120.2}, "lat"),
    ):
        res = client.patch(url, json=body, headers=cadre)
        assert res.status_code == 403, res.text
        assert (res.json()["code"], res.json()["field"]) == ("household.personal_field", field)
    res = client.patch(url, json={"head_name": "赵一民", "categories": []}, headers=cadre)
    assert res.status_code == 200, res.text
    after = client.get(url, headers=admin).json()
    assert after["head_name"] == "赵一民" and after["categories"] == ["dibao"]  # kept
    assert (after["phone"], after["address"]) == (real["phone"], real["address"])
    # nor may they mark a household as 低保, which they would then not see
    res = client.patch(
        f"/api/v1/households/{world.household['h2']}", json={"categories": ["低保"]}, headers=cadre
    )
    assert res.status_code == 403 and res.json()["field"] == "categories", res.text
    # who sees the data may change it
    res = client.patch(url, json={"phone": "13900000000"}, headers=world.headers(Role.ADMIN))
    assert res.status_code == 200 and res.json()["phone"] == "13900000000"


def test_a_members_birth_date_follows_the_residents_rule(client: TestClient, world: World) -> None:
    # Found by fuzzing: 9999-12-31 and 0001-01-01 were stored. Today is 2026-11-25 (the clock).
    h = world.headers(ADMIN)
    member = {"org_id": world.org["V1"], "name": "陈六"}
    for born, code in (
        ("9999-12-31", "member.birth_in_future"),
        ("2026-11-26", "member.birth_in_future"),
        ("0001-01-01", "member.birth_too_early"),
        ("1895-06-01", "member.birth_too_early"),
    ):
        res = client.post("/api/v1/members", json={**member, "birth_date": born}, headers=h)
        assert res.status_code == 422, (born, res.text)
        assert (res.json()["code"], res.json()["field"]) == (code, "birth_date"), born
        url = f"/api/v1/members/{world.member['m1']}"
        res = client.patch(url, json={"birth_date": born}, headers=h)
        assert res.status_code == 422 and res.json()["code"] == code, (born, res.text)
    listed = client.get("/api/v1/members", params={"q": "陈六"}, headers=h).json()
    assert listed["total"] == 0
    assert client.get(url, headers=h).json()["birth_date"] is None
    res = client.post("/api/v1/members", json={**member, "birth_date": "1926-11-25"}, headers=h)
    assert res.status_code == 201, res.text
    res = client.patch(url, json={"birth_date": "2026-11-25"}, headers=h)
    assert res.status_code == 200 and res.json()["birth_date"] == "2026-11-25"


def test_a_position_with_one_coordinate_is_refused_naming_the_one_missing(
    client: TestClient, world: World
) -> None:
    # A lone lat or lng was dropped without a word: the form said saved, and the household or
    # member had no position (nor the one it had before, cleared by a lone null).
    h = world.headers(ADMIN)
    for url, body in (
        ("/api/v1/households", {"org_id": world.org["G1"], "head_name": "孤纬"}),
        ("/api/v1/members", {"org_id": world.org["V1"], "name": "孤经"}),
    ):
        for half, missing in (
            ({"lat": 30.5}, "lng"),
            ({"lng": 120.5}, "lat"),
            ({"lat": 30.5, "lng": None}, "lng"),
        ):
            res = client.post(url, json={**body, **half}, headers=h)
            assert res.status_code == 422, (url, half, res.text)
            assert (res.json()["code"], res.json()["field"]) == ("request.validation", missing)
        name = body.get("head_name") or body["name"]
        assert client.get(url, params={"q": name}, headers=h).json()["total"] == 0
        created = client.post(url, json=body, headers=h)
        assert created.status_code == 201, created.text
        one = f"{url}/{created.json()['id']}"
        # without a position, one coordinate alone is half of one
        res = client.patch(one, json={"lat": 30.5}, headers=h)
        assert res.status_code == 422 and res.json()["field"] == "lng", res.text
        assert client.get(one, headers=h).json()["lat"] is None
        res = client.patch(one, json={"lat": 30.5, "lng": 120.5}, headers=h)
        assert res.status_code == 200, res.text
        # with one, a coordinate moves alone; clearing one alone would leave half
        res = client.patch(one, json={"lng": 121.0}, headers=h)
        assert (res.status_code, res.json()["lat"], res.json()["lng"]) == (200, 30.5, 121.0)
        res = client.patch(one, json={"lat": None}, headers=h)
        assert res.status_code == 422 and res.json()["field"] == "lat", res.text
        assert "同时清除" in res.json()["detail"]
        res = client.patch(one, json={"lat": None, "lng": None}, headers=h)
        assert (res.status_code, res.json()["lat"], res.json()["lng"]) == (200, None, None)
