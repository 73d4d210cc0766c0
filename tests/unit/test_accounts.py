"""The password policy (口令复杂度, 等保 2.0 8.1.4.1) and the lockout's figures and message."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.accounts.rules import (
    ANY_CLIENT,
    LOCK_DURATION,
    MAX_FAILED_LOGINS,
    MIN_PASSWORD_LENGTH,
    LockoutPolicy,
    lock_message,
    password_problem,
)


@pytest.mark.parametrize(
    "password",
    [
        "12345678",  # the examples: short, a run
        "aaaaaaaa",
        "aaaaaaaaaaaa",  # long enough, one character
        "ababababab",  # two characters repeated
        "1234567890",  # a run
        "9876543210",
        "abcdefghijk",
        "qwertyuiop",  # common
        "Woaini1314",  # common, whatever the case
        "secretary-2026",  # contains the username
        "SECRETARY2026",
        "longlettersonly",  # one kind of character
        "0731555666777",
    ],
)
def test_trivial_common_or_username_passwords_are_refused(password: str) -> None:
    assert password_problem(password, "secretary") is not None


@pytest.mark.parametrize("password", ["lianhu-demo", "correct-horse-battery", "Qinghe2026镇"])
def test_passwords_of_two_kinds_and_ten_characters_are_accepted(password: str) -> None:
    assert password_problem(password, "secretary") is None


def test_the_length_rule_holds_at_its_edge() -> None:
    at_edge = (
        "ab1" + "x7" * ((MIN_PASSWORD_LENGTH - 3) // 2) + "q" * ((MIN_PASSWORD_LENGTH - 3) % 2)
    )
    assert len(at_edge) == MIN_PASSWORD_LENGTH
    assert password_problem(at_edge, "admin") is None
    assert password_problem(at_edge[:-1], "admin") == f"密码至少 {MIN_PASSWORD_LENGTH} 个字符"


def test_an_attempt_claims_the_per_address_and_the_account_wide_counters() -> None:
    policy = LockoutPolicy()
    assert policy.limits("10.0.0.7") == (("10.0.0.7", MAX_FAILED_LOGINS), (ANY_CLIENT, 20))
    assert policy.lock_for == LOCK_DURATION == timedelta(minutes=15)


@pytest.mark.parametrize(
    ("seconds", "minutes"), [(1, 1), (59, 1), (60, 1), (61, 2), (900, 15), (901, 16)]
)
def test_the_lock_message_says_for_how_many_minutes_rounded_up(seconds: int, minutes: int) -> None:
    assert lock_message(seconds) == f"登录失败次数过多，账户已临时锁定，请 {minutes} 分钟后再试"
