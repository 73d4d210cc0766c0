"""Accounts' use cases through a real unit of work (no HTTP): administering accounts and API
keys, and the sign-in flow's rules (lockout, refresh rotation with reuse detection, logout,
one's own password change).

Passwords are real argon2 hashes, made with the cheapest parameters so that a test does not
spend seconds hashing; the API's are api.security's."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import text

from domain.accounts import services as accounts
from domain.accounts.model import Account, LoginAttempt, NewAccount, NewApiKey, RefreshGrant
from domain.accounts.rules import LockoutPolicy
from domain.kernel.access import Permission, Role, Scope
from domain.kernel.errors import Conflict, Forbidden, Invalid, Locked, NotFound, Unauthenticated
from persistence.unit_of_work import SqlAlchemyUnitOfWork
from tests.builders import AT, ROOT, County

PASSWORD = "correct-horse-battery"
POLICY = LockoutPolicy(per_client=3, anywhere=5, lock_for=timedelta(minutes=15))
CLIENT = "10.0.0.1"


class CheapArgon2:
    """domain.accounts.ports.Passwords on argon2 at its cheapest; remembers what it checked."""

    def __init__(self) -> None:
        self._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        self.unknown_user_hash = self._hasher.hash(secrets.token_hex(8))
        self.checked: list[str] = []

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        self.checked.append(password_hash)
        try:
            return self._hasher.verify(password_hash, password)
        except VerificationError:
            return False


@pytest.fixture
def passwords() -> CheapArgon2:
    return CheapArgon2()


def a_grant() -> RefreshGrant:
    return RefreshGrant(secrets.token_hex(32), AT + timedelta(days=14))


def an_account(
    uow: SqlAlchemyUnitOfWork,
    passwords: CheapArgon2,
    org_id: int,
    *,
    username: str = "liu",
    role: Role = Role.TOWNSHIP_CADRE,
    scope: Scope = ROOT,
    **kw: Any,
) -> Account:
    new = NewAccount(username=username, role=role, org_id=org_id, **kw)
    return accounts.create_user(uow, scope, new, password=PASSWORD, passwords=passwords, at=AT)


def log_in(
    uow: SqlAlchemyUnitOfWork,
    passwords: CheapArgon2,
    username: str = "liu",
    password: str = PASSWORD,
    *,
    grant: RefreshGrant | None = None,
    client: str = CLIENT,
) -> Account:
    return accounts.log_in(
        uow,
        LoginAttempt(username, password, client),
        policy=POLICY,
        passwords=passwords,
        grant=grant or a_grant(),
        at=AT,
    )


def audited(uow: SqlAlchemyUnitOfWork, action: str, entity: str = "user") -> list[dict[str, Any]]:
    """The audit log's entries of ``action`` on ``entity`` records, oldest first."""
    with uow:
        rows = uow.session.execute(
            text(
                "SELECT actor, entity_id, after FROM audit_log"
                " WHERE action = :a AND entity = :e ORDER BY id"
            ),
            {"a": action, "e": entity},
        ).mappings()
        return [
            {**r, "after": json.loads(r["after"]) if isinstance(r["after"], str) else r["after"]}
            for r in rows
        ]


def count(uow: SqlAlchemyUnitOfWork, sql: str) -> int:
    with uow:
        return int(uow.session.scalar(text(sql)) or 0)


def scope_at(uow: SqlAlchemyUnitOfWork, org_id: int, role: Role) -> Scope:
    with uow:
        path = uow.orgs.get(org_id, ROOT).path
    return Scope.for_role(role=role, org_path=path, actor=f"user:{role.value}")


# ── Administering accounts ────────────────────────────────────────────────────────────────────


def test_a_new_account_shows_its_members_name_and_is_audited_as_answered(
    uow: SqlAlchemyUnitOfWork, county: County, passwords: CheapArgon2
) -> None:
    account = an_account(
        uow, passwords, county.org["V1"], role=Role.BRANCH_SECRETARY, member_id=county.member["m2"]
    )
    assert account.name == "李四" and account.display_name is None
    (entry,) = audited(uow, "create")
    assert entry["entity_id"] == str(account.id)
    assert entry["actor"] == ROOT.actor
    assert entry["after"] == {
        "id": account.id,
        "username": "liu",
        "display_name": None,
        "name": "李四",
        "role": "branch_secretary",
        "org_id": county.org["V1"],
        "member_id": county.member["m2"],
        "active": True,
        "locked_until": None,
    }


def test_a_weak_password_is_refused_naming_the_field_and_nothing_is_written(
    uow: SqlAlchemyUnitOfWork, county: County, passwords: CheapArgon2
) -> None:
    new = NewAccount(username="liu", role=Role.TOWNSHIP_CADRE, org_id=county.org["T1"])
    with pytest.raises(Invalid) as refused:
        accounts.create_user(uow, ROOT, new, password="1234567890", passwords=passwords, at=AT)
    assert (refused.value.code, refused.value.field) == ("user.weak_password", "password")
    assert count(uow, "SELECT count(*) FROM users") == 0


def test_a_username_is_taken_once(
    uow: SqlAlchemyUnitOfWork, county: County, passwords: CheapArgon2
) -> None:
    an_account(uow, passwords, county.org["T1"])
    with pytest.raises(Conflict) as refused:
        an_account(uow, passwords, county.org["T2"])
    assert refused.value.code == "user.username_taken"


def test_nobody_grants_a_role_that_can_do_more_than_their_own(
    uow: SqlAlchemyUnitOfWork, county: County, passwords: CheapArgon2
) -> None:
    """A county cadre administers accounts but reads no personal data: a branch secretary
    does; and administrators come only from the installation's own administrators."""
    cadre = scope_at(uow, county.org["C"], Role.COUNTY_CADRE)
    with pytest.raises(Forbidden) as escalation:
        an_account(uow, passwords, county.org["V1"], role=Role.BRANCH_SECRETARY, scope=cadre)
    assert escalation.value.code == "user.role_escalation"
    county_admin = scope_at(uow, county.org["C"], Role.ADMIN)
    with pytest.raises(Forbidden) as admin:
        an_account(uow, passwords, county.org["T1"], role=Role.ADMIN, scope=county_admin)
    assert admin.value.code == "user.admin_requires_admin"
    assert count(uow, "SELECT count(*) FROM users") == 0


def test_an_account_outside_the_callers_subtree_is_not_found(
    uow: SqlAlchemyUnitOfWork, county: County, passwords: CheapArgon2
) -> None:
    other = an_account(uow, passwords, county.org["T2"])
    township = scope_at(uow, county.org["T1"], Role.ADMIN)
    with pytest.raises(NotFound) as refused:
        accounts.update_user(
            uow, township, other.id, {"active": False}, password=None, passwords=passwords, at=AT
        )
    assert (refused.value.code, refused.value.field) == ("user.not_found", "user_id")


def test_linking_a_member_outside_the_subtree_changes_nothing(
    uow: SqlAlchemyUnitOfWork, county: County, passwords: CheapArgon2
) -> None:
    account = an_account(uow, passwords, county.org["T2"], display_name="刘志强")
    outside = county.member["m1"]  # of V1, in township T1
    township = scope_at(uow, county.org["T2"], Role.ADMIN)
    with pytest.raises(NotFound):
        accounts.update_user(
            uow,
            township,
            account.id,
            {"member_id": outside, "display_name": None},
            password=None,
            passwords=passwords,
            at=AT,
        )
    with uow:
        assert uow.accounts.get(account.id, ROOT) == account


def test_a_blank_display_name_shows_the_linked_members_name(
    uow: SqlAlchemyUnitOfWork, county: County, passwords: CheapArgon2
) -> None:
    account = an_account(uow, passwords, county.org["V1"], display_name="老李")
    changed = accounts.update_user(
        uow,
        ROOT,
        account.id,
        {"member_id": county.member["m2"], "display_name": "  "},
        password=None,
        passwords=passwords,
        at=AT,
    )
    assert (changed.display_name, changed.name) == (None, "李四")
    (entry,) = audited(uow, "update")
    assert (entry["after"]["name"], entry["after"]["password_reset"]) == ("李四", False)


def test_deactivating_an_account_ends_its_sessions(
    uow: SqlAlchemyUnitOfWork, county: County, passwords: CheapArgon2
) -> None:
    account = an_account(uow, passwords, county.org["T1"])
    grant = a_grant()
    log_in(uow, passwords, grant=grant)
    accounts.update_user(
        uow, ROOT, account.id, {"active": False}, password=None, passwords=passwords, at=AT
    )
    with pytest.raises(Unauthenticated):
        accounts.refresh(uow, grant.token_hash, grant=a_grant(), at=AT)
    with pytest.raises(Unauthenticated) as refused:
        log_in(uow, passwords)
    assert refused.value.code == "auth.bad_credentials"


def test_a_password_reset_lifts_the_lock_and_ends_every_session(
    uow: SqlAlchemyUnitOfWork, county: County, passwords: CheapArgon2
) -> None:
    account = an_account(uow, passwords, county.org["T1"])
    grant = a_grant()
    log_in(uow, passwords, grant=grant)
    for _ in range(POLICY.per_client):
        with pytest.raises((Unauthenticated, Locked)):
            log_in(uow, passwords, password="wrong-password-1")
    with pytest.raises(Locked):
        log_in(uow, passwords)
    accounts.update_user(
        uow, ROOT, account.id, {}, password="Another-horse-77", passwords=passwords, at=AT
    )
    with pytest.raises(Unauthenticated):
        accounts.refresh(uow, grant.token_hash, grant=a_grant(), at=AT)
    assert log_in(uow, passwords, password="Another-horse-77").id == account.id


def test_unlocking_clears_the_usernames_counters_from_every_address(
    uow: SqlAlchemyUnitOfWork, county: County, passwords: CheapArgon2
) -> None:
    account = an_account(uow, passwords, county.org["T1"])
    for _ in range(POLICY.per_client):
        with pytest.raises((Unauthenticated, Locked)):
            log_in(uow, passwords, password="wrong-password-1")
    unlocked = accounts.unlock_user(uow, ROOT, account.id, at=AT)
    assert unlocked.cleared == 2  # this address's counter and every address's
    assert log_in(uow, passwords).id == account.id
    assert [e["after"] for e in audited(uow, "unlock")] == [{"cleared": 2}]


# ── Signing in ────────────────────────────────────────────────────────────────────────────────


def test_the_attempt_that_uses_up_the_allowance_locks_and_the_right_password_then_waits(
    uow: SqlAlchemyUnitOfWork, county: County, passwords: CheapArgon2
) -> None:
    an_account(uow, passwords, county.org["T1"])
    for _ in range(POLICY.per_client - 1):
        with pytest.raises(Unauthenticated):
            log_in(uow, passwords, password="wrong-password-1")
    with pytest.raises(Locked) as locking:
        log_in(uow, passwords, password="wrong-password-1")
    assert locking.value.retry_after_seconds == 15 * 60
    checked = len(passwords.checked)
    with pytest.raises(Locked):
        log_in(uow, passwords)
    assert len(passwords.checked) == checked  # refused before any password is checked
    assert log_in(uow, passwords, client="10.0.0.2").username == "liu"  # another address
    failures = audited(uow, "login_failed")
    assert [e["after"] for e in failures][-1] == {"client": CLIENT, "locked": True}


def test_an_unknown_username_costs_a_password_check_and_is_counted_like_a_known_one(
    uow: SqlAlchemyUnitOfWork, county: County, passwords: CheapArgon2
) -> None:
    for _ in range(POLICY.per_client - 1):
        with pytest.raises(Unauthenticated) as refused:
            log_in(uow, passwords, username="nobody")
        assert refused.value.code == "auth.bad_credentials"
    assert passwords.checked == [passwords.unknown_user_hash] * (POLICY.per_client - 1)
    with pytest.raises(Locked):
        log_in(uow, passwords, username="nobody")
    assert audited(uow, "login_failed") == []  # no account to file the failures under


def test_a_login_is_audited_under_the_users_own_actor(
    uow: SqlAlchemyUnitOfWork, county: County, passwords: CheapArgon2
) -> None:
    account = an_account(uow, passwords, county.org["T1"])
    log_in(uow, passwords)
    (entry,) = audited(uow, "login")
    assert entry["actor"] == "user:liu" and entry["entity_id"] == str(account.id)
    assert entry["after"] == {"client": CLIENT}


def test_a_refresh_token_is_spent_once_and_its_reuse_revokes_the_whole_family(
    uow: SqlAlchemyUnitOfWork, county: County, passwords: CheapArgon2
) -> None:
    an_account(uow, passwords, county.org["T1"])
    first, second, third = a_grant(), a_grant(), a_grant()
    log_in(uow, passwords, grant=first)
    other_device = a_grant()
    log_in(uow, passwords, grant=other_device)
    accounts.refresh(uow, first.token_hash, grant=second, at=AT)
    with pytest.raises(Unauthenticated) as reused:
        accounts.refresh(uow, first.token_hash, grant=third, at=AT)
    assert reused.value.code == "auth.refresh_invalid"
    with pytest.raises(Unauthenticated):  # the family's newest token went with it
        accounts.refresh(uow, second.token_hash, grant=third, at=AT)
    assert accounts.refresh(uow, other_device.token_hash, grant=third, at=AT).username == "liu"
    (entry,) = audited(uow, "refresh_reuse")
    assert entry["after"]["revoked"] == 1


def test_an_unknown_refresh_token_is_refused_and_audits_nothing(
    uow: SqlAlchemyUnitOfWork, county: County, passwords: CheapArgon2
) -> None:
    with pytest.raises(Unauthenticated) as refused:
        accounts.refresh(uow, "0" * 64, grant=a_grant(), at=AT)
    assert refused.value.code == "auth.refresh_invalid"
    assert audited(uow, "refresh_reuse") == []


def test_an_expired_refresh_token_is_refused(
    uow: SqlAlchemyUnitOfWork, county: County, passwords: CheapArgon2
) -> None:
    an_account(uow, passwords, county.org["T1"])
    grant = a_grant()
    log_in(uow, passwords, grant=grant)
    with pytest.raises(Unauthenticated):
        accounts.refresh(uow, grant.token_hash, grant=a_grant(), at=grant.expires_at)


def test_logout_ends_every_session_of_the_account_and_a_dead_token_is_no_error(
    uow: SqlAlchemyUnitOfWork, county: County, passwords: CheapArgon2
) -> None:
    an_account(uow, passwords, county.org["T1"])
    mine, other_device = a_grant(), a_grant()
    log_in(uow, passwords, grant=mine)
    log_in(uow, passwords, grant=other_device)
    assert accounts.log_out(uow, mine.token_hash, at=AT) is True
    with pytest.raises(Unauthenticated):
        accounts.refresh(uow, other_device.token_hash, grant=a_grant(), at=AT)
    assert accounts.log_out(uow, "0" * 64, at=AT) is False
    assert count(uow, "SELECT count(*) FROM refresh_tokens WHERE revoked_at IS NULL") == 0


# ── One's own password ────────────────────────────────────────────────────────────────────────


def change(uow: SqlAlchemyUnitOfWork, passwords: CheapArgon2, current: str, new: str) -> Account:
    return accounts.change_password(
        uow,
        LoginAttempt("liu", current, CLIENT),
        new_password=new,
        policy=POLICY,
        passwords=passwords,
        grant=a_grant(),
        at=AT,
    )


def test_a_changed_password_replaces_the_old_one_and_ends_the_other_sessions(
    uow: SqlAlchemyUnitOfWork, county: County, passwords: CheapArgon2
) -> None:
    an_account(uow, passwords, county.org["T1"])
    other_device = a_grant()
    log_in(uow, passwords, grant=other_device)
    change(uow, passwords, PASSWORD, "Another-horse-77")
    with pytest.raises(Unauthenticated):
        log_in(uow, passwords)
    with pytest.raises(Unauthenticated):
        accounts.refresh(uow, other_device.token_hash, grant=a_grant(), at=AT)
    assert log_in(uow, passwords, password="Another-horse-77").username == "liu"
    assert len(audited(uow, "password_change")) == 1
    assert len(audited(uow, "login")) == 2  # the change itself is no login


def test_a_wrong_current_password_is_refused_on_its_field_and_counted(
    uow: SqlAlchemyUnitOfWork, county: County, passwords: CheapArgon2
) -> None:
    an_account(uow, passwords, county.org["T1"])
    with pytest.raises(Invalid) as refused:
        change(uow, passwords, "wrong-password-1", "Another-horse-77")
    assert (refused.value.code, refused.value.field) == ("auth.wrong_password", "current_password")
    assert count(uow, "SELECT max(failures) FROM login_throttle") == 1
    assert log_in(uow, passwords).username == "liu"  # unchanged


@pytest.mark.parametrize(
    ("new", "code"),
    [("1234567890", "user.weak_password"), (PASSWORD, "user.same_password")],
)
def test_an_unacceptable_new_password_is_refused_before_anything_is_counted(
    uow: SqlAlchemyUnitOfWork, county: County, passwords: CheapArgon2, new: str, code: str
) -> None:
    an_account(uow, passwords, county.org["T1"])
    with pytest.raises(Invalid) as refused:
        change(uow, passwords, PASSWORD, new)
    assert (refused.value.code, refused.value.field) == (code, "new_password")
    assert count(uow, "SELECT count(*) FROM login_throttle") == 0


# ── API keys ──────────────────────────────────────────────────────────────────────────────────


def a_key(org_id: int, *permissions: Permission) -> NewApiKey:
    return NewApiKey(
        name="市平台",
        prefix=secrets.token_hex(6),
        secret_hash=secrets.token_hex(32),
        org_id=org_id,
        permissions=frozenset(permissions or {Permission.HOUSEHOLD_READ}),
    )


def test_a_key_holds_no_permission_its_maker_lacks(
    uow: SqlAlchemyUnitOfWork, county: County, passwords: CheapArgon2
) -> None:
    maker = an_account(uow, passwords, county.org["C"], role=Role.COUNTY_CADRE)
    cadre = scope_at(uow, county.org["C"], Role.COUNTY_CADRE)
    with pytest.raises(Forbidden) as refused:
        accounts.create_api_key(
            uow,
            cadre,
            a_key(county.org["T1"], Permission.HOUSEHOLD_READ, Permission.AUDIT_READ),
            made_by_user_id=maker.id,
            at=AT,
        )
    assert (refused.value.code, refused.value.field) == (
        "api_key.permission_escalation",
        "permissions",
    )
    assert count(uow, "SELECT count(*) FROM api_keys") == 0


def test_a_key_is_revoked_once_and_keeps_its_first_revocation(
    uow: SqlAlchemyUnitOfWork, county: County, passwords: CheapArgon2
) -> None:
    maker = an_account(uow, passwords, county.org["T1"], role=Role.ADMIN)
    key = accounts.create_api_key(
        uow, ROOT, a_key(county.org["T1"]), made_by_user_id=maker.id, at=AT
    )
    assert key.org_path.endswith(f"/{county.org['T1']}/") and key.revoked_at is None
    first = accounts.revoke_api_key(uow, ROOT, key.id, at=AT)
    again = accounts.revoke_api_key(uow, ROOT, key.id, at=AT + timedelta(hours=1))
    assert first.revoked_at == again.revoked_at == AT
    assert [e["entity_id"] for e in audited(uow, "key_create", "api_key")] == [str(key.id)]
    assert len(audited(uow, "key_revoke", "api_key")) == 2


def test_a_key_outside_the_callers_subtree_is_not_found(
    uow: SqlAlchemyUnitOfWork, county: County, passwords: CheapArgon2
) -> None:
    maker = an_account(uow, passwords, county.org["T2"], role=Role.ADMIN)
    key = accounts.create_api_key(
        uow, ROOT, a_key(county.org["T2"]), made_by_user_id=maker.id, at=AT
    )
    township = scope_at(uow, county.org["T1"], Role.ADMIN)
    with pytest.raises(NotFound) as refused:
        accounts.revoke_api_key(uow, township, key.id, at=AT)
    assert (refused.value.code, refused.value.field) == ("api_key.not_found", "key_id")
