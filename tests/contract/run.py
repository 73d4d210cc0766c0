"""``make contract``: schemathesis against the served app, once per demo role.

A fresh SQLite database with a small demo county, ``lianhu serve`` with two workers on a free
loopback port, an admin's and a member's access token; then ``schemathesis run`` over the served
``/openapi.json`` with every check, a fixed seed and a bounded number of examples and time, once
per token. Any finding fails the run (exit 1). The served instance raises the login lockout's
limits: the fuzzer's wrong passwords must not lock the demo accounts out of the run.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import ROOT, server

HERE = Path(__file__).resolve().parent
DEMO_PASSWORD = "lianhu-demo"
HOUSEHOLDS = int(os.environ.get("CONTRACT_HOUSEHOLDS", "40"))
SEED = int(os.environ.get("CONTRACT_SEED", "13"))
MAX_EXAMPLES = int(os.environ.get("CONTRACT_MAX_EXAMPLES", "10"))
MAX_SECONDS = int(os.environ.get("CONTRACT_MAX_SECONDS", "60"))  # per role
# The member first: the admin's run may deactivate or demote the member's account.
ROLES = ("member", "admin")


def _lianhu(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _tokens(client: httpx.Client) -> dict[str, tuple[str, int]]:
    """Each role's access token and its account's id."""
    tokens = {}
    for username in ROLES:
        res = client.post(
            "/api/v1/auth/login", json={"username": username, "password": DEMO_PASSWORD}
        )
        res.raise_for_status()
        tokens[username] = res.json()["access_token"]
    users = client.get(
        "/api/v1/users",
        params={"limit": 500},
        headers={"Authorization": f"Bearer {tokens['admin']}"},
    ).json()["data"]
    ids = {u["username"]: int(u["id"]) for u in users}
    return {username: (token, ids[username]) for username, token in tokens.items()}


# CPython 3.11 can raise a spurious SystemError when an earlier ``ast`` construction ran into the
# recursion limit (python/cpython#106905); hypothesis parses lambdas' source to describe them and
# schemathesis then reports a "Runtime Error" of the fuzzer itself, not a finding about the API.
# Such a run, and only such a run, is made once more.
TOOL_FLAKE = "AST constructor recursion depth mismatch"


def _schemathesis(
    args: list[str], cwd: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    for attempt in (1, 2):
        done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
        sys.stdout.write(done.stdout + done.stderr)
        sys.stdout.flush()
        tool_error_only = TOOL_FLAKE in done.stdout and "=== FAILURES ===" not in done.stdout
        if done.returncode == 0 or not tool_error_only or attempt == 2:
            return done
        sys.stdout.write(
            "== the fuzzer itself failed (CPython's ast bug), not the API: once more ==\n"
        )
    return done


def main() -> int:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="lianhu-contract-") as tmp:
        env = {
            **os.environ,
            "LIANHU_DATABASE_URL": f"sqlite:///{tmp}/contract.db",
            "LIANHU_ENV": "dev",
            "LIANHU_SECRET_KEY": secrets.token_urlsafe(48),  # every worker signs alike
            "LIANHU_MEDIA_DIR": f"{tmp}/media",
            "LIANHU_ACCESS_TOKEN_MINUTES": "120",
            # The fuzzer logs in with made-up passwords: the lockout must not end the run.
            "LIANHU_LOGIN_MAX_FAILURES": "100",
            "LIANHU_LOGIN_MAX_FAILURES_ANYWHERE": "10000",
            "LIANHU_LOGIN_LOCK_MINUTES": "1",
        }
        _lianhu(env, "migrate")
        _lianhu(env, "demo", "--households", str(HOUSEHOLDS))
        failed: list[str] = []
        with server(env["LIANHU_DATABASE_URL"], workers=2, env=env) as (base, _proc):
            with httpx.Client(base_url=base, timeout=30) as client:
                tokens = _tokens(client)
            for role in ROLES:
                token, user_id = tokens[role]
                sys.stdout.write(f"== schemathesis as {role} (user {user_id}) ==\n")
                sys.stdout.flush()
                result = _schemathesis(
                    [
                        str(Path(sys.executable).parent / "schemathesis"),
                        "--config-file",
                        str(HERE / "schemathesis.toml"),
                        "run",
                        f"{base}/openapi.json",
                        "--checks",
                        "all",
                        "--seed",
                        str(SEED),
                        "--max-examples",
                        str(MAX_EXAMPLES),
                        "--max-time",
                        str(MAX_SECONDS),
                        # One worker: CPython 3.11's ast keeps its recursion depth in shared
                        # state, so hypothesis describing lambdas in two threads at once trips
                        # python/cpython#106905 ("recursion depth mismatch"), twice in a row on CI.
                        "--workers",
                        "1",
                        "--header",
                        f"Authorization: Bearer {token}",
                        "--generation-database",
                        "none",
                        "--no-color",
                        "--output-truncate",
                        "true",
                    ],
                    tmp,  # its cache (.schemathesis/, crashes it would replay) goes with it
                    env={
                        **env,
                        "SCHEMATHESIS_HOOKS": str(HERE / "hooks.py"),
                        "CONTRACT_SELF_USER_ID": str(user_id),
                    },
                )
                if result.returncode != 0:
                    failed.append(role)
    sys.stdout.write(f"contract: {time.monotonic() - started:.0f} s, failed: {failed or 'none'}\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
