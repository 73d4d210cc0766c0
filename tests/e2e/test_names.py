"""People by name, not by login: the console's header, 报告人 and 上报人 showed "secretary".
A user's name is their display name, else the name of the member their account is linked to,
else the username (persistence/people.py)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from domain.kernel.access import Role
from tests.builders import PASSWORD, World

API = "/api/v1"


def logged_in(client: TestClient, username: str) -> dict[str, str]:
    res = client.post(f"{API}/auth/login", json={"username": username, "password": PASSWORD})
    assert res.status_code == 200, res.text
    return {"Authorization": f"Bearer {res.json()['access_token']}"}


def user(client: TestClient, world: World, role: Role) -> Any:
    found = client.get(
        f"{API}/users", params={"q": role.value}, headers=world.headers(Role.ADMIN)
    ).json()["data"]
    return next(u for u in found if u["username"] == role.value)


def test_me_says_the_display_name_else_the_linked_members_name_else_the_username(
    client: TestClient, world: World
) -> None:
    member = client.get(f"{API}/auth/me", headers=logged_in(client, "member")).json()
    assert (member["actor"], member["display_name"]) == ("user:member", "张三")  # linked to m1
    secretary = logged_in(client, "branch_secretary")
    assert client.get(f"{API}/auth/me", headers=secretary).json()["display_name"] == (
        "branch_secretary"
    )
    admin = world.headers(Role.ADMIN)
    sid = user(client, world, Role.BRANCH_SECRETARY)["id"]
    res = client.patch(f"{API}/users/{sid}", json={"display_name": " 李书记 "}, headers=admin)
    assert res.status_code == 200, res.text
    assert (res.json()["display_name"], res.json()["name"]) == ("李书记", "李书记")
    assert client.get(f"{API}/auth/me", headers=secretary).json()["display_name"] == "李书记"
    # found by it in the account list; cleared, the username again
    found = client.get(f"{API}/users", params={"q": "李书记"}, headers=admin).json()["data"]
    assert [u["id"] for u in found] == [sid]
    res = client.patch(f"{API}/users/{sid}", json={"display_name": None}, headers=admin)
    assert (res.json()["display_name"], res.json()["name"]) == (None, "branch_secretary")


def test_a_new_account_may_be_given_a_name(client: TestClient, world: World) -> None:
    res = client.post(
        f"{API}/users",
        json={
            "username": "wang.xz",
            "password": "Lianhu-names-2026!",
            "role": "township_cadre",
            "org_id": world.org["T1"],
            "display_name": "王晓忠",
        },
        headers=world.headers(Role.ADMIN),
    )
    assert res.status_code == 201, res.text
    assert (res.json()["display_name"], res.json()["name"]) == ("王晓忠", "王晓忠")
    too_long = client.post(
        f"{API}/users",
        json={
            "username": "li.long",
            "password": "Lianhu-names-2026!",
            "role": "township_cadre",
            "org_id": world.org["T1"],
            "display_name": "名" * 51,
        },
        headers=world.headers(Role.ADMIN),
    )
    assert too_long.status_code == 422 and too_long.json()["field"].endswith("display_name")


def test_reporters_are_named_by_the_person(client: TestClient, world: World, scheme: None) -> None:
    admin = world.headers(Role.ADMIN)
    sid = user(client, world, Role.BRANCH_SECRETARY)["id"]
    client.patch(f"{API}/users/{sid}", json={"display_name": "李书记"}, headers=admin)
    res = client.post(
        f"{API}/households/{world.household['h1']}/events",
        json={"kind": "生病住院", "note": "住院"},
        headers=logged_in(client, "branch_secretary"),
    )
    assert res.status_code == 201, res.text
    assert (res.json()["reported_by"], res.json()["reported_by_name"]) == (
        "user:branch_secretary",
        "李书记",
    )
    listed = client.get(f"{API}/org-units/{world.org['V1']}/events", headers=admin).json()["data"]
    assert [e["reported_by_name"] for e in listed] == ["李书记"]
