"""Accounts: the lockout rule for failed logins (登录失败锁定)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Final

MAX_FAILED_LOGINS: Final = 5
LOCK_DURATION: Final = timedelta(minutes=15)


@dataclass(frozen=True)
class LoginState:
    failed_logins: int = 0
    locked_until: datetime | None = None

    def locked_at(self, at: datetime) -> bool:
        return self.locked_until is not None and at < self.locked_until

    def after_failure(self, at: datetime) -> LoginState:
        """The fifth failure in a row locks the account for ``LOCK_DURATION``."""
        failures = self.failed_logins + 1
        if failures >= MAX_FAILED_LOGINS:
            return LoginState(failed_logins=0, locked_until=at + LOCK_DURATION)
        return replace(self, failed_logins=failures)

    def after_success(self) -> LoginState:
        return LoginState()
