"""The accounts' use cases' password hashing (domain.accounts.ports.Passwords): api.security's
argon2."""

from __future__ import annotations

from typing import Final

from api.security import DUMMY_HASH, hash_password, verify_password


class Argon2Passwords:
    unknown_user_hash: Final = DUMMY_HASH

    def hash(self, password: str) -> str:
        return hash_password(password)

    def verify(self, password_hash: str, password: str) -> bool:
        return verify_password(password_hash, password)


PASSWORDS: Final = Argon2Passwords()
