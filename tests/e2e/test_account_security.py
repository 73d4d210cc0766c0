"""Accounts as an attacker would try them (issue 13, items 2 and 10): refresh-token reuse, the
unlock, the password policy, deactivation and password changes ending sessions, keys that
cannot outlive their maker, a signing secret of the installation's own."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import text
from typer.testing import CliRunner

from api.cli import app as cli
from api.security import AccessClaims, issue_access_token
from api.settings import DEV_SECRET, Settings, get_settings
from domain.kernel.access import Role
from tests.builders import AT, PASSWORD, World
from tests.conftest import Clock
from tests.e2e.test_auth import login

API = "/api/v1"


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def audit_actions(world: World) -> list[str]:
    with world.app.state.session_factory() as s:
        return [r[0] for r in s.execute(text("SELECT action FROM audit_log ORDER BY id"))]


def test_a_spent_refresh_token_presented_again_revokes_its_whole_family(
    client: TestClient, world: World
) -> None:
    """RFC 9700 (OAuth 2.0 Security BCP) 4.14.2: refresh token rotation with reuse detection."""
    first = login(client, "member")
    second = client.post(f"{API}/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    other_login = login(client, "member")  # another device: its own family, untouched
    reuse = client.post(f"{API}/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401 and reuse.json()["code"] == "auth.refresh_invalid"
    descendant = client.post(
        f"{API}/auth/refresh", json={"refresh_token": second.json()["refresh_token"]}
    )
    assert descendant.status_code == 401  # the thief's or the owner's: neither goes on
    elsewhere = client.post(
        f"{API}/auth/refresh", json={"refresh_token": other_login["refresh_token"]}
    )
    assert elsewhere.status_code == 200
    assert audit_actions(world).count("refresh_reuse") == 1


def _fail(client: TestClient, username: str, times: int) -> list[int]:
    body = {"username": username, "password": "not-the-password-9"}
    return [client.post(f"{API}/auth/login", json=body).status_code for _ in range(times)]


def test_an_administrator_unlocks_a_locked_account(client: TestClient, world: World) -> None:
    assert _fail(client, "secretary", 5)[-1] == 429
    locked = client.post(f"{API}/auth/login", json={"username": "secretary", "password": PASSWORD})
    assert locked.status_code == 429 and "15 分钟后再试" in locked.json()["detail"]
    user_id = world.users[Role.BRANCH_SECRETARY]
    member = client.post(f"{API}/users/{user_id}/unlock", headers=world.headers(Role.MEMBER))
    assert member.status_code == 403
    res = client.post(f"{API}/users/{user_id}/unlock", headers=world.headers(Role.ADMIN))
    assert res.status_code == 200, res.text
    assert login(client, "branch_secretary")["role"] == "branch_secretary"
    assert "unlock" in audit_actions(world)


def test_lianhu_unlock_opens_the_only_admin_again(
    client: TestClient, world: World, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _fail(client, "admin", 5)[-1] == 429
    monkeypatch.setenv("LIANHU_DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["unlock", "admin"])
        assert result.exit_code == 0, result.output
        assert "unlocked admin" in result.output
        assert CliRunner().invoke(cli, ["unlock", "nobody-at-all"]).exit_code != 0
    finally:
        get_settings.cache_clear()
    assert login(client, "admin")["role"] == "admin"


@pytest.mark.parametrize(
    "password", ["12345678", "aaaaaaaaaa", "1234567890", "{username}-2026", "qwertyuiop"]
)
def test_weak_passwords_are_refused_naming_the_field_and_nothing_is_written(
    client: TestClient, world: World, password: str
) -> None:
    body = {
        "username": "township",
        "password": password.format(username="township"),
        "role": "member",
        "org_id": world.org["T1"],
    }
    res = client.post(f"{API}/users", json=body, headers=world.headers(Role.ADMIN))
    assert res.status_code == 422, res.text
    problem = res.json()
    named = [problem.get("field")] + [e.get("field") for e in problem["errors"]]
    assert any(str(f).endswith("password") for f in named), problem
    with world.app.state.session_factory() as s:
        made = s.execute(text("SELECT count(*) FROM users WHERE username='township'")).scalar()
    assert made == 0
    reset = client.patch(
        f"{API}/users/{world.users[Role.MEMBER]}",
        json={"password": password.format(username="member")},
        headers=world.headers(Role.ADMIN),
    )
    assert reset.status_code == 422
    assert login(client, "member")["role"] == "member"  # the old password still holds


def test_a_user_changes_their_own_password_and_other_sessions_end(
    client: TestClient, world: World, clock: Clock
) -> None:
    phone = login(client, "member")
    laptop = login(client, "member")
    url = f"{API}/auth/password"
    wrong = client.post(
        url,
        json={"current_password": "not-my-password-1", "new_password": "Renmin-2027x"},
        headers=bearer(laptop),
    )
    assert wrong.status_code == 422 and wrong.json()["field"] == "current_password"
    weak = client.post(
        url,
        json={"current_password": PASSWORD, "new_password": "1234567890"},
        headers=bearer(laptop),
    )
    assert weak.status_code == 422 and weak.json()["field"] == "new_password"
    clock.advance(seconds=2)  # a second later than the tokens above were issued
    done = client.post(
        url,
        json={"current_password": PASSWORD, "new_password": "Renmin-2027x"},
        headers=bearer(laptop),
    )
    assert done.status_code == 200, done.text
    assert client.get(f"{API}/auth/me", headers=bearer(done.json())).status_code == 200
    old = client.get(f"{API}/auth/me", headers=bearer(phone))
    assert old.status_code == 401 and old.json()["code"] == "auth.token_revoked"
    refresh = client.post(f"{API}/auth/refresh", json={"refresh_token": phone["refresh_token"]})
    assert refresh.status_code == 401
    assert login(client, "member", "Renmin-2027x")["role"] == "member"
    assert "password_change" in audit_actions(world)
    key_made = client.post(
        url,
        json={"current_password": PASSWORD, "new_password": "Renmin-2028x"},
        headers={"X-API-Key": "lh_abc_def"},
    )
    assert key_made.status_code in (401, 403)


def _key(client: TestClient, world: World, headers: dict[str, str]) -> Any:
    return client.post(
        f"{API}/api-keys",
        json={"name": "县平台", "org_id": world.org["C"], "permissions": ["user:admin"]},
        headers=headers,
    )


def test_a_key_cannot_mint_keys_and_dies_with_its_maker(client: TestClient, world: World) -> None:
    admin = login(client, "admin")
    made = _key(client, world, bearer(admin))
    assert made.status_code == 201, made.text
    key = {"X-API-Key": made.json()["key"]}
    assert client.get(f"{API}/users", headers=key).status_code == 200
    minted = _key(client, world, key)
    assert minted.status_code == 403 and minted.json()["code"] == "auth.user_required"
    # the maker is deactivated (by the installation's root): the key stops at once
    with world.app.state.session_factory() as s:
        s.execute(text("UPDATE users SET active = false WHERE username = 'admin'"))
        s.commit()
    refused = client.get(f"{API}/users", headers=key)
    assert refused.status_code == 401 and refused.json()["code"] == "auth.api_key_revoked"


def test_a_token_with_a_deleted_account_is_refused(client: TestClient, world: World) -> None:
    claims = AccessClaims(9999, "ghost", Role.ADMIN, world.path("C"), None)
    token = issue_access_token(
        claims, secret=world.app.state.settings.secret_key, at=AT, ttl=timedelta(days=1)
    )
    res = client.get(f"{API}/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 401 and res.json()["code"] == "auth.account_disabled"


def test_each_installation_makes_its_own_secret_and_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / "var" / "secret.key"
    first = Settings(env="dev", secret_file=str(path))
    again = Settings(env="dev", secret_file=str(path))
    elsewhere = Settings(env="dev", secret_file=str(tmp_path / "other" / "secret.key"))
    assert first.secret_key == again.secret_key != elsewhere.secret_key
    assert len(first.secret_key) >= 32 and first.secret_key != DEV_SECRET
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_published_development_secret_is_refused_everywhere() -> None:
    for env in ("dev", "test", "prod"):
        with pytest.raises(ValidationError):
            Settings(env=env, secret_key=DEV_SECRET)
    with pytest.raises(ValidationError):
        Settings(env="prod")  # prod names its own
