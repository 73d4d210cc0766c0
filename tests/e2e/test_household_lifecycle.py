"""A household's life in the register: the 民情日志 is a record, so a household with history is
not deleted but moved out (已迁出) or archived, and leaves the due lists, compliance, rosters and
pulls while its history stays readable; a household moved to another village leaves its contact
member, and the answer says so."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from domain.kernel.access import Role
from tests.builders import World

API = "/api/v1"


def log_visit(client: TestClient, world: World, household: str = "h1") -> int:
    body = {
        "member_id": world.member["m1"],
        "household_id": world.household[household],
        "visited_at": "2026-11-24T09:00:00+08:00",
        "mode": "home",
        "notes": "了解家中近况",
    }
    res = client.post(f"{API}/visits", json=body, headers=world.headers(Role.MEMBER))
    assert res.status_code == 201, res.text
    return int(res.json()["id"])


def count(world: World, sql: str, **params: Any) -> int:
    with world.app.state.session_factory() as s:
        return int(s.execute(text(sql), params).scalar_one())


def due_ids(client: TestClient, world: World) -> set[int]:
    res = client.get(f"{API}/members/{world.member['m1']}/due", headers=world.headers(Role.MEMBER))
    assert res.status_code == 200, res.text
    return {d["household_id"] for d in res.json()["data"]}


def pulled_ids(client: TestClient, world: World) -> set[int]:
    res = client.get(f"{API}/sync/pull", headers=world.headers(Role.MEMBER))
    assert res.status_code == 200, res.text
    body = res.json()
    return {h["id"] for h in body["households"]} | {d["household_id"] for d in body["due"]["data"]}


def test_a_household_with_visits_is_not_deleted_and_keeps_them(
    client: TestClient, world: World, scheme: None
) -> None:
    log_visit(client, world)
    h1 = world.household["h1"]
    res = client.delete(f"{API}/households/{h1}", headers=world.headers(Role.ADMIN))
    assert res.status_code == 409, res.text
    problem = res.json()
    assert problem["code"] == "household.has_history"
    assert "迁出" in problem["detail"] and "走访" in problem["detail"]
    assert count(world, "SELECT count(*) FROM visits WHERE household_id = :h", h=h1) == 1
    assert (
        client.get(f"{API}/households/{h1}", headers=world.headers(Role.ADMIN)).status_code == 200
    )


def test_a_household_with_a_must_attend_event_is_not_deleted(
    client: TestClient, world: World, scheme: None
) -> None:
    h1 = world.household["h1"]
    res = client.post(
        f"{API}/households/{h1}/events",
        json={"kind": "红白大事", "note": "办喜事"},
        headers=world.headers(Role.BRANCH_SECRETARY),
    )
    assert res.status_code == 201, res.text
    res = client.delete(f"{API}/households/{h1}", headers=world.headers(Role.ADMIN))
    assert res.status_code == 409 and res.json()["code"] == "household.has_history", res.text
    assert count(world, "SELECT count(*) FROM must_attend_events WHERE household_id = :h", h=h1)


def test_a_household_without_history_is_still_deleted(client: TestClient, world: World) -> None:
    """A household registered by mistake, never visited: its roster entry goes with it."""
    h2 = world.household["h2"]
    assert (
        client.delete(f"{API}/households/{h2}", headers=world.headers(Role.ADMIN)).status_code
        == 204
    )
    assert count(world, "SELECT count(*) FROM households WHERE id = :h", h=h2) == 0


def test_a_moved_out_household_leaves_due_list_pull_compliance_and_rosters_but_keeps_history(
    client: TestClient, world: World, scheme: None
) -> None:
    visit_id = log_visit(client, world)
    h1, admin = world.household["h1"], world.headers(Role.ADMIN)
    assert h1 in due_ids(client, world) and h1 in pulled_ids(client, world)
    before = client.get(f"{API}/org-units/{world.org['V1']}/compliance", headers=admin).json()

    res = client.patch(f"{API}/households/{h1}", json={"status": "moved_out"}, headers=admin)
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["status"] == "moved_out"
    assert body["ended_assignment"] == {"member_id": world.member["m1"], "member_name": "张三"}

    assert h1 not in due_ids(client, world)
    assert h1 not in pulled_ids(client, world)
    after = client.get(f"{API}/org-units/{world.org['V1']}/compliance", headers=admin).json()
    assert after["households"] == before["households"] - 1
    draft = client.post(
        f"{API}/assignment-proposals", json={"org_id": world.org["V1"]}, headers=admin
    )
    assert draft.status_code == 201, draft.text
    pairs = client.get(
        f"{API}/assignment-proposals/{draft.json()['id']}/pairs",
        params={"limit": 500},
        headers=admin,
    ).json()["data"]
    assert h1 not in {p["household_id"] for p in pairs}
    # the history stays readable, and the register says where the household stands
    assert client.get(f"{API}/households/{h1}", headers=admin).json()["status"] == "moved_out"
    visits = client.get(f"{API}/households/{h1}/visits", headers=admin).json()
    assert [v["id"] for v in visits] == [visit_id]
    listed = client.get(f"{API}/households", params={"status": "moved_out"}, headers=admin).json()
    assert [h["id"] for h in listed["data"]] == [h1]
    active = client.get(f"{API}/households", params={"status": "active"}, headers=admin).json()
    assert h1 not in {h["id"] for h in active["data"]}


def test_a_household_moved_back_in_is_active_again_without_a_contact(
    client: TestClient, world: World
) -> None:
    h1, admin = world.household["h1"], world.headers(Role.ADMIN)
    client.patch(f"{API}/households/{h1}", json={"status": "archived"}, headers=admin)
    res = client.patch(f"{API}/households/{h1}", json={"status": "active"}, headers=admin)
    assert res.status_code == 200 and res.json()["status"] == "active", res.text
    assert res.json()["ended_assignment"] is None  # nobody looked after it: a roster gives it


def test_an_unknown_household_status_is_refused_naming_the_field(
    client: TestClient, world: World
) -> None:
    res = client.patch(
        f"{API}/households/{world.household['h1']}",
        json={"status": "gone"},
        headers=world.headers(Role.ADMIN),
    )
    assert res.status_code == 422 and res.json()["field"] == "status", res.text


def test_the_household_statuses_have_chinese_labels(client: TestClient) -> None:
    enums = client.get(f"{API}/meta/enums").json()
    assert {e["code"]: e["label"] for e in enums["household_statuses"]} == {
        "active": "在册",
        "moved_out": "已迁出",
        "archived": "已归档",
    }


# --- moving a household to another village --------------------------------------------------


def test_a_household_moved_to_another_village_leaves_its_contact_member(
    client: TestClient, world: World, scheme: None
) -> None:
    h1, admin = world.household["h1"], world.headers(Role.ADMIN)
    assert h1 in due_ids(client, world) and h1 in pulled_ids(client, world)
    res = client.patch(f"{API}/households/{h1}", json={"org_id": world.org["G3"]}, headers=admin)
    assert res.status_code == 200, res.text
    assert res.json()["ended_assignment"] == {
        "member_id": world.member["m1"],
        "member_name": "张三",
    }
    assert h1 not in due_ids(client, world)
    assert h1 not in pulled_ids(client, world)
    open_ = "SELECT count(*) FROM assignments WHERE household_id = :h AND ended_on IS NULL"
    assert count(world, open_, h=h1) == 0
    # the history of who looked after it stays
    contacts = client.get(f"{API}/households/{h1}/contacts", headers=admin).json()
    assert [(c["member_id"], c["ended_on"]) for c in contacts] == [
        (world.member["m1"], "2026-11-25")
    ]


def test_a_household_moved_to_another_grid_of_its_village_keeps_its_contact_member(
    client: TestClient, world: World, scheme: None
) -> None:
    h1, admin = world.household["h1"], world.headers(Role.ADMIN)
    res = client.patch(f"{API}/households/{h1}", json={"org_id": world.org["G2"]}, headers=admin)
    assert res.status_code == 200 and res.json()["ended_assignment"] is None, res.text
    assert h1 in due_ids(client, world)


def test_no_must_attend_event_is_reported_on_a_moved_out_household(
    client: TestClient, world: World, scheme: None
) -> None:
    h1 = world.household["h1"]
    client.patch(
        f"{API}/households/{h1}", json={"status": "moved_out"}, headers=world.headers(Role.ADMIN)
    )
    res = client.post(
        f"{API}/households/{h1}/events",
        json={"kind": "红白大事", "note": "办喜事"},
        headers=world.headers(Role.BRANCH_SECRETARY),
    )
    assert res.status_code == 422 and res.json()["code"] == "household.not_active", res.text
    assert "已迁出" in res.json()["detail"]


# --- ids are never reused -------------------------------------------------------------------


def test_the_id_of_a_deleted_household_is_never_given_to_another(
    client: TestClient, world: World
) -> None:
    """SQLite gave the id of a deleted household (the largest) to the next one: an integrator's
    mirror then merged two households."""
    admin = world.headers(Role.ADMIN)
    body = {"org_id": world.org["G1"], "head_name": "欧阳明月"}
    first = client.post(f"{API}/households", json=body, headers=admin).json()["id"]
    assert client.delete(f"{API}/households/{first}", headers=admin).status_code == 204
    second = client.post(f"{API}/households", json=body, headers=admin).json()["id"]
    assert second > first


def test_the_id_of_a_deleted_member_is_never_given_to_another(
    client: TestClient, world: World
) -> None:
    admin = world.headers(Role.ADMIN)
    body = {"org_id": world.org["V1"], "name": "钱多多"}
    first = client.post(f"{API}/members", json=body, headers=admin).json()["id"]
    assert client.delete(f"{API}/members/{first}", headers=admin).status_code == 204
    second = client.post(f"{API}/members", json=body, headers=admin).json()["id"]
    assert second > first


def test_the_household_export_carries_the_api_id(client: TestClient, world: World) -> None:
    res = client.get(f"{API}/exports/households", headers=world.headers(Role.ADMIN))
    assert res.status_code == 200, res.text
    lines = res.content.decode("utf-8-sig").splitlines()
    header = lines[0].split(",")
    assert header[-1] == "系统编号"
    ids = {int(line.rsplit(",", 1)[1]) for line in lines[1:]}
    assert ids == {world.household[k] for k in ("h1", "h2", "h3", "h4")}


# --- out-of-range values are refused, never clamped ------------------------------------------


def test_out_of_range_household_values_are_refused_naming_the_field(
    client: TestClient, world: World
) -> None:
    """The console's number inputs turned latitude 999 into 90 and a household of 0 into 1; the
    API refuses them, naming the field, and stores nothing."""
    admin = world.headers(Role.ADMIN)
    h1 = world.household["h1"]
    for body, field in (
        ({"lat": 999, "lng": 120.5}, "lat"),
        ({"lat": 30.5, "lng": -181}, "lng"),
        ({"size": 0}, "size"),
        ({"size": 100}, "size"),
    ):
        res = client.patch(f"{API}/households/{h1}", json=body, headers=admin)
        assert res.status_code == 422, res.text
        assert res.json()["field"] == field, res.text
        assert res.json()["detail"], res.text
    stored = client.get(f"{API}/households/{h1}", headers=admin).json()
    assert (stored["lat"], stored["lng"], stored["size"]) != (999, 120.5, 0)
    assert stored["size"] == 1 and -90 <= stored["lat"] <= 90


def test_a_household_an_import_moves_to_another_village_leaves_its_contact_member(
    client: TestClient, world: World, scheme: None
) -> None:
    """The import's update path moved h1 (H1) to 和平社区's grid and kept its assignment, as
    PATCH did: nobody is left answerable for a household they cannot see."""
    header = "户编号,户主姓名,所属网格,家庭人口"
    rows = ["H1,赵一,G3,1", "H2,钱二,G2,1"]  # H1 to another village, H2 within its own
    res = client.post(
        f"{API}/imports/households",
        files={"file": ("f.csv", "\n".join([header, *rows]).encode())},
        headers=world.headers(Role.ADMIN),
    )
    assert res.status_code == 200 and res.json()["updated"] == 2, res.text
    assert due_ids(client, world) == {world.household["h2"]}
    open_ = "SELECT count(*) FROM assignments WHERE household_id = :h AND ended_on IS NULL"
    assert count(world, open_, h=world.household["h1"]) == 0
    assert count(world, open_, h=world.household["h2"]) == 1
