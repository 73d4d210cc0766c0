"""Login, refresh rotation, logout, API keys."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from domain.kernel.access import Role
from tests.builders import PASSWORD, World
from tests.conftest import Clock


def login(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, Any]:
    res = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert res.status_code == 200, res.text
    return dict(res.json())


def test_login_gives_a_short_lived_token_that_opens_the_api(
    client: TestClient, world: World
) -> None:
    tokens = login(client, "township_cadre")
    assert tokens["expires_in"] == 15 * 60
    me = client.get(
        "/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    ).json()
    assert me["org_path"] == world.path("T1") and "household:write" in me["permissions"]


def test_the_access_token_expires_and_the_refresh_token_renews_it_once(
    client: TestClient, world: World, clock: Clock
) -> None:
    tokens = login(client, "branch_secretary")
    clock.advance(minutes=16)
    res = client.get(
        "/api/v1/households", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert res.status_code == 401 and res.json()["code"] == "auth.token_expired"
    renewed = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert renewed.status_code == 200
    res = client.get(
        "/api/v1/households", headers={"Authorization": f"Bearer {renewed.json()['access_token']}"}
    )
    assert res.status_code == 200
    replay = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert replay.status_code == 401 and replay.json()["code"] == "auth.refresh_invalid"


def test_logout_revokes_the_refresh_token(client: TestClient, world: World) -> None:
    tokens = login(client, "member")
    assert (
        client.post(
            "/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]}
        ).status_code
        == 204
    )
    res = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert res.status_code == 401


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(
    client: TestClient, world: World
) -> None:
    a = client.post("/api/v1/auth/login", json={"username": "admin", "password": "nope"})
    b = client.post("/api/v1/auth/login", json={"username": "nobody", "password": "nope"})
    assert a.status_code == b.status_code == 401
    assert a.json()["code"] == b.json()["code"] == "auth.bad_credentials"


def test_an_api_key_is_shown_once_stored_hashed_and_scoped(
    client: TestClient, world: World
) -> None:
    res = client.post(
        "/api/v1/api-keys",
        headers=world.headers(Role.ADMIN),
        json={
            "name": "智慧党建平台",
            "org_id": world.org["T2"],
            "permissions": ["household:read", "org:read"],
        },
    )
    assert res.status_code == 201, res.text
    key = res.json()["key"]
    with world.app.state.session_factory() as s:
        from sqlalchemy import text

        stored = s.execute(text("SELECT secret_hash FROM api_keys")).scalar_one()
    assert key not in stored and len(stored) == 64
    listed = client.get("/api/v1/households", headers={"X-API-Key": key}).json()
    assert [h["external_id"] for h in listed["data"]] == ["H4"]
    assert listed["data"][0]["masked"] is True  # no personal:read granted
    keys = client.get("/api/v1/api-keys", headers=world.headers(Role.ADMIN)).json()
    assert "key" not in keys[0] and keys[0]["prefix"] in key


def test_a_key_cannot_be_granted_more_than_its_creator_holds(
    client: TestClient, world: World
) -> None:
    res = client.post(
        "/api/v1/api-keys",
        headers=world.headers(Role.COUNTY_CADRE),
        json={"name": "x", "org_id": world.org["T1"], "permissions": ["audit:read"]},
    )
    assert res.status_code == 403 and res.json()["code"] == "api_key.permission_escalation"
    assert res.json()["field"] == "permissions" and "audit:read" in res.json()["detail"]


def test_created_accounts_log_in_with_their_role_and_scope(
    client: TestClient, world: World
) -> None:
    res = client.post(
        "/api/v1/users",
        headers=world.headers(Role.ADMIN),
        json={
            "username": "gridman",
            "password": "s3cret-pass",
            "role": "group_leader",
            "org_id": world.org["G3"],
        },
    )
    assert res.status_code == 201, res.text
    tokens = login(client, "gridman", "s3cret-pass")
    res = client.get(
        "/api/v1/households", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert [h["external_id"] for h in res.json()["data"]] == ["H4"]


def test_no_one_hands_out_a_role_that_reads_more_than_they_may(
    client: TestClient, world: World
) -> None:
    # A county cadre sees masked registers; an account of theirs with personal:read would not.
    res = client.post(
        "/api/v1/users",
        headers=world.headers(Role.COUNTY_CADRE),
        json={
            "username": "peek",
            "password": "s3cret-pass",
            "role": "group_leader",
            "org_id": world.org["G3"],
        },
    )
    assert res.status_code == 403 and res.json()["code"] == "user.role_escalation"
    res = client.post(
        "/api/v1/users",
        headers=world.headers(Role.COUNTY_CADRE),
        json={
            "username": "town2",
            "password": "s3cret-pass",
            "role": "township_cadre",
            "org_id": world.org["T2"],
        },
    )
    assert res.status_code == 201, res.text


def test_accounts_are_listed_within_scope_and_can_be_disabled(
    client: TestClient, world: World
) -> None:
    h = world.headers(Role.ADMIN)
    listed = client.get("/api/v1/users", headers=h).json()
    assert listed["total"] == 8
    tokens = login(client, "member")
    member_id = world.users[Role.MEMBER]
    res = client.patch(f"/api/v1/users/{member_id}", json={"active": False}, headers=h)
    assert res.status_code == 200 and res.json()["active"] is False
    again = client.post("/api/v1/auth/login", json={"username": "member", "password": PASSWORD})
    assert again.status_code == 401
    res = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert res.status_code == 401  # the session ends too
    audit = client.get(
        "/api/v1/audit",
        params={"entity": "user", "entity_id": str(member_id), "action": "update"},
        headers=h,
    ).json()["data"]
    assert audit[0]["before"]["active"] is True and audit[0]["after"]["active"] is False


def test_the_account_list_sorts_by_username_and_searches_up_to_a_usernames_length(
    client: TestClient, world: World
) -> None:
    h = world.headers(Role.ADMIN)
    res = client.get("/api/v1/users", params={"sort": "-username", "limit": 3}, headers=h)
    page = res.json()
    names = [u["username"] for u in page["data"]]
    assert (page["total"], page["limit"], page["offset"]) == (8, 3, 0)
    assert names == sorted((r.value for r in Role), reverse=True)[:3]
    longest = client.get("/api/v1/users", params={"q": "x" * 64}, headers=h)
    assert longest.status_code == 200 and longest.json()["total"] == 0
    too_long = client.get("/api/v1/users", params={"q": "x" * 65}, headers=h)
    assert too_long.status_code == 422 and too_long.json()["field"] == "q"


def test_a_password_reset_unlocks_the_account(client: TestClient, world: World) -> None:
    for _ in range(5):
        client.post("/api/v1/auth/login", json={"username": "member", "password": "wrong"})
    locked = client.post("/api/v1/auth/login", json={"username": "member", "password": PASSWORD})
    assert locked.status_code == 429
    res = client.patch(
        f"/api/v1/users/{world.users[Role.MEMBER]}",
        json={"password": "a-new-password"},
        headers=world.headers(Role.ADMIN),
    )
    assert res.status_code == 200
    res = client.post(
        "/api/v1/auth/login", json={"username": "member", "password": "a-new-password"}
    )
    assert res.status_code == 200


def test_a_township_cadre_cannot_administer_accounts(client: TestClient, world: World) -> None:
    res = client.get("/api/v1/users", headers=world.headers(Role.TOWNSHIP_CADRE))
    assert res.status_code == 403


def test_logins_are_audited_under_the_same_actor_as_the_users_other_acts(
    client: TestClient, world: World
) -> None:
    client.post("/api/v1/auth/login", json={"username": "member", "password": "wrong"})
    login(client, "member")
    h = world.headers(Role.ADMIN)
    mine = client.get("/api/v1/audit", params={"actor": "user:member"}, headers=h).json()
    assert [e["action"] for e in mine["data"]] == ["login", "login_failed"]
    # Free text finds the same entries by who acted (or by the record's id).
    found = client.get("/api/v1/audit", params={"q": "member", "limit": 500}, headers=h).json()
    assert {e["action"] for e in found["data"]} == {"login", "login_failed"}
    none = client.get("/api/v1/audit", params={"q": "nobody-like-this"}, headers=h).json()
    assert none["total"] == 0
