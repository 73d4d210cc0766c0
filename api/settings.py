"""Settings from the environment (prefix ``LIANHU_``) or a ``.env`` file; fail fast on bad ones."""

from __future__ import annotations

import os
import secrets
import time
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from domain.accounts.rules import LockoutPolicy

# The secret earlier versions shipped for development: published, so refused everywhere.
DEV_SECRET = "dev-only-secret-change-me-0123456789abcdef"


def installation_secret(path: Path) -> str:
    """This installation's own signing secret, made at random on first use and kept in
    ``path`` (readable by the owner only); several workers starting at once agree on one."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker made it first
        for _ in range(50):
            text = path.read_text().strip()
            if text:
                return text
            time.sleep(0.02)
        raise
    value = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w") as out:
        out.write(value + "\n")
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LIANHU_", env_file=".env", extra="ignore")

    env: Literal["dev", "test", "prod"] = "dev"
    database_url: str = "sqlite:///var/lianhu.db"
    # Unset: dev and test make one (dev keeps it in secret_file, test in memory); prod needs it.
    secret_key: str = ""
    secret_file: str = "var/secret.key"
    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=14, ge=1, le=365)
    max_upload_mb: int = Field(default=200, ge=1)
    # Any other request body (JSON, a form): refused with 413 past this size, before it is read.
    max_json_kb: int = Field(default=1024, ge=1)
    # An offline sync batch: up to 500 visits with their notes, more than any other JSON body.
    max_sync_kb: int = Field(default=16 * 1024, ge=1)
    # Visit photos: where their files go (local disk) and how big one may be.
    media_dir: str = "var/media"
    photo_max_mb: int = Field(default=8, ge=1, le=50)
    # The CJK font minutes are written in as PDF (the Makefile's WQY_FONT, fonts-wqy-zenhei).
    pdf_font: str = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = Field(default=1, ge=1)
    # Per worker process: database connections kept open, and as many threads to serve the
    # synchronous endpoints (each holds one connection while it runs).
    db_pool_size: int = Field(default=20, ge=1, le=200)
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    # The deadline sweep's timer in each server worker (0: none; run `lianhu sweep` from cron).
    sweep_minutes: int = Field(default=5, ge=0, le=24 * 60)
    demo_households: int = Field(default=3000, ge=0)
    demo_seed: int = 7
    # Where the public card pages are served: the QR code on each contact card encodes
    # {public_base_url}/c/{token}, so it must be the address households can reach.
    public_base_url: str = "http://127.0.0.1:8000"
    # The lockout rule (domain.accounts): failed logins from one address, from all addresses,
    # and how long the lock lasts.
    login_max_failures: int = Field(default=5, ge=1, le=100)
    login_max_failures_anywhere: int = Field(default=20, ge=1, le=10_000)
    login_lock_minutes: int = Field(default=15, ge=1, le=24 * 60)

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if not self.secret_key:
            if self.env == "prod":
                raise ValueError("LIANHU_SECRET_KEY must be set to a secret of your own in prod")
            self.secret_key = (
                secrets.token_urlsafe(48)
                if self.env == "test"
                else installation_secret(Path(self.secret_file))
            )
        if self.secret_key == DEV_SECRET:
            raise ValueError("LIANHU_SECRET_KEY is the published development value: set your own")
        if len(self.secret_key) < 32:
            raise ValueError("LIANHU_SECRET_KEY must be at least 32 characters")
        if not self.public_base_url.startswith(("http://", "https://")):
            raise ValueError("LIANHU_PUBLIC_BASE_URL must be an http:// or https:// address")
        self.public_base_url = self.public_base_url.rstrip("/")
        if self.database_url.startswith("postgresql://"):
            self.database_url = self.database_url.replace(
                "postgresql://", "postgresql+psycopg://", 1
            )
        return self

    @property
    def lockout_policy(self) -> LockoutPolicy:
        return LockoutPolicy(
            per_client=self.login_max_failures,
            anywhere=max(self.login_max_failures, self.login_max_failures_anywhere),
            lock_for=timedelta(minutes=self.login_lock_minutes),
        )

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def max_json_bytes(self) -> int:
        return self.max_json_kb * 1024

    @property
    def max_sync_bytes(self) -> int:
        return self.max_sync_kb * 1024

    @property
    def photo_max_bytes(self) -> int:
        return self.photo_max_mb * 1024 * 1024


@lru_cache
def get_settings() -> Settings:
    return Settings()
