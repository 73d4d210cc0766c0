"""Accounts: the lockout rule for failed logins (登录失败锁定) and the password policy (口令复杂度).

等保 2.0 (GB/T 22239-2019, 8.1.4.1 身份鉴别) asks that passwords be complex and changed, and
that failed logins end the attempt, lock the account and time out. The figures below are ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise
from typing import Final

MAX_FAILED_LOGINS: Final = 5
LOCK_DURATION: Final = timedelta(minutes=15)
# From every address together: a guesser spread over many addresses is stopped too, later than
# one from a single address (whose lock cannot be used to lock the account's owner out).
MAX_FAILED_LOGINS_ANYWHERE: Final = 20
ANY_CLIENT: Final = "*"


@dataclass(frozen=True)
class LockoutPolicy:
    """How many password checks an account gets before it is locked: ``per_client`` from one
    client address, ``anywhere`` from all of them together, then none for ``lock_for``.

    An attempt is claimed *before* the password is checked, so however many guesses arrive at
    once, at most ``per_client`` of them are ever checked in a row."""

    per_client: int = MAX_FAILED_LOGINS
    anywhere: int = MAX_FAILED_LOGINS_ANYWHERE
    lock_for: timedelta = LOCK_DURATION

    def limits(self, client: str) -> tuple[tuple[str, int], ...]:
        """(client key, failures allowed) of each counter an attempt from ``client`` claims."""
        return ((client, self.per_client), (ANY_CLIENT, self.anywhere))


def lock_message(retry_after_seconds: int) -> str:
    """The refusal a locked login reads, saying for how long (rounded up to the minute)."""
    minutes = max(1, -(-retry_after_seconds // 60))
    return f"登录失败次数过多，账户已临时锁定，请 {minutes} 分钟后再试"


MIN_PASSWORD_LENGTH: Final = 10

# The most used passwords (the public leak lists' top entries, Chinese ones included) that pass
# the length rule; a password equal to one of these, ignoring case, is refused.
COMMON_PASSWORDS: Final = frozenset(
    {
        "1234567890",
        "0123456789",
        "12345678910",
        "123456789a",
        "a123456789",
        "1234567890a",
        "qwertyuiop",
        "1q2w3e4r5t",
        "1qaz2wsx3edc",
        "qazwsxedc123",
        "password123",
        "password1234",
        "passw0rd123",
        "iloveyou123",
        "woaini1314",
        "woaini520",
        "5201314520",
        "1314520520",
        "abc1234567",
        "abcd123456",
        "abcdefghij",
        "admin12345",
        "admin123456",
        "administrator",
        "qwerty12345",
        "qwerty123456",
        "zxcvbnm123",
        "asdfghjkl1",
        "p@ssw0rd123",
        "lianhu12345",
        "lianhu123456",
        "dangyuan123",
        "changeme123",
        "welcome123",
    }
)


def password_problem(password: str, username: str) -> str | None:
    """Why ``password`` may not be set for ``username`` (in Chinese), or None when it may:
    at least ``MIN_PASSWORD_LENGTH`` characters, of at least two kinds (letters, digits, other
    signs), not one character repeated or a run (12345…, abcde…), not the username or containing
    it, not one of the most common passwords."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少 {MIN_PASSWORD_LENGTH} 个字符"
    lowered = password.lower()
    if len(set(lowered)) <= 2 or _is_run(lowered):
        return "密码过于简单（重复或连续的字符）"
    if username and username.lower() in lowered:
        return "密码不能包含用户名"
    if lowered in COMMON_PASSWORDS:
        return "这是常见密码，请换一个"
    kinds = sum(
        (
            any(c.isalpha() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if kinds < 2:
        return "密码须含字母、数字、符号中的至少两类"
    return None


def _is_run(text: str) -> bool:
    """Every character one after the other, up or down (123456…, abcdef…, 987654…)."""
    steps = {ord(b) - ord(a) for a, b in pairwise(text)}
    return steps in ({1}, {-1})
