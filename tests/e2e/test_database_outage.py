"""A database that cannot be reached, or drops its connections, is "try again later": 503
problem+json ``server.unavailable`` with a Retry-After, never a 500; a client that retries with its
client_uuid ends with each visit stored exactly once."""

from __future__ import annotations

import os
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from api.main import create_app
from api.security import AccessClaims, issue_access_token
from api.settings import Settings
from bench.common import free_port, server
from domain.kernel.access import Role
from persistence.engine import database_unavailable, make_engine
from tests.builders import PASSWORD, World

API = "/api/v1"


def unavailable(res: httpx.Response) -> None:
    assert res.status_code == 503, f"{res.request.method} {res.request.url}: {res.text[:300]}"
    assert res.headers["content-type"].startswith("application/problem+json")
    assert res.json()["code"] == "server.unavailable"
    assert int(res.headers["retry-after"]) > 0


@pytest.fixture
def unreachable(tmp_path: Path) -> Iterator[TestClient]:
    """The app pointed at a PostgreSQL server that is not there (a closed port)."""
    settings = Settings(
        database_url=f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/lianhu",
        env="test",
        media_dir=str(tmp_path / "media"),
        log_level="error",
    )
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    app.state.engine.dispose()


def admin_headers(client: TestClient) -> dict[str, str]:
    """An administrator of the whole tree: a signed token, checked without the database."""
    claims = AccessClaims(
        user_id=1, username="admin", role=Role.ADMIN, org_path="/", member_id=None
    )
    secret = client.app.state.settings.secret_key  # type: ignore[attr-defined]
    token = issue_access_token(claims, secret=secret, at=datetime.now(UTC), ttl=timedelta(hours=1))
    return {"Authorization": f"Bearer {token}"}


# Routes that answer from the code alone, without the database (a signed-in caller's account is
# read too: a token is honoured only while its account stands, api.deps.AccountStates).
NO_DATABASE = {"/api/v1/meta/enums"}


def test_every_api_call_answers_503_when_the_database_is_unreachable(
    unreachable: TestClient,
) -> None:
    app: Any = unreachable.app
    headers = admin_headers(unreachable)
    answers: Counter[int] = Counter()
    for template, operations in app.openapi()["paths"].items():
        if not template.startswith(API):
            continue
        for method in operations:
            res = unreachable.request(
                method.upper(), re.sub(r"\{[^}]+\}", "1", template), headers=headers
            )
            answers[res.status_code] += 1
            if res.status_code in (404, 415, 422):
                continue  # the request itself refused (no body, no such code) before any read
            if template in NO_DATABASE and method == "get":
                assert res.status_code == 200, res.text
                continue
            unavailable(res)
    assert answers[503] > 40 and set(answers) <= {200, 404, 415, 422, 503}, answers


def test_logging_in_and_writing_answer_503_when_the_database_is_unreachable(
    unreachable: TestClient,
) -> None:
    unavailable(
        unreachable.post(f"{API}/auth/login", json={"username": "admin", "password": PASSWORD})
    )
    unavailable(unreachable.get(f"{API}/households", headers={"X-API-Key": "lh_abc_secret"}))
    unavailable(
        unreachable.post(
            f"{API}/households",
            json={"org_id": 1, "head_name": "吴六"},
            headers=admin_headers(unreachable),
        )
    )
    assert unreachable.get("/readyz").status_code == 503


PG_URL = os.environ.get("LIANHU_TEST_DATABASE_URL")
pg_only = pytest.mark.skipif(not PG_URL, reason="terminates PostgreSQL backends")


def _terminate_backends(url: str) -> int:
    """Every other connection to this test's own database, dropped by the server (as a restart
    or a failover would); the PostgreSQL server itself keeps running for everyone else."""
    engine = make_engine(url, one_off=True)
    try:
        with engine.begin() as conn:
            return len(
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).all()
            )
    finally:
        engine.dispose()


@pg_only
def test_visits_logged_while_the_database_drops_its_connections_are_kept_once_never_500(
    world: World, db_url: str
) -> None:
    clients, per_client = 8, 15
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    done = threading.Event()
    when = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    with server(db_url, workers=1) as (base, _proc):
        login = httpx.post(
            f"{base}{API}/auth/login", json={"username": "member", "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}

        def log_visits(n: int) -> list[str]:
            sent = []
            with httpx.Client(base_url=base, headers=headers, timeout=10) as http:
                for i in range(per_client):
                    client_uuid = str(uuid.uuid4())
                    body = {
                        "member_id": world.member["m1"],
                        "household_id": world.household["h1" if (n + i) % 2 else "h2"],
                        "visited_at": when,
                        "mode": "home",
                        "notes": f"第 {n}-{i} 次",
                        "client_uuid": client_uuid,
                    }
                    for _attempt in range(50):  # the field app retries later, as told
                        try:
                            status = http.post(f"{API}/visits", json=body).status_code
                        except httpx.TransportError:
                            status = 0  # the connection dropped: tried again like a 503
                        with lock:
                            statuses[status] += 1
                        if status not in (0, 503):
                            break
                        time.sleep(0.05)
                    sent.append(client_uuid)
            return sent

        def keep_terminating() -> int:
            rounds = 0
            while not done.is_set():
                _terminate_backends(db_url)
                rounds += 1
                time.sleep(0.05)
            return rounds

        with ThreadPoolExecutor(clients + 1) as pool:
            killer = pool.submit(keep_terminating)
            try:
                sent = [u for us in pool.map(log_visits, range(clients)) for u in us]
            finally:
                done.set()
            assert killer.result() > 3
    assert set(statuses) <= {200, 201, 503}, statuses  # 0: a connection reset
    assert statuses[503] > 0, statuses  # the outage was hit, not dodged
    with world.app.state.session_factory() as session:
        stored = Counter(
            session.execute(text("SELECT client_uuid FROM visits WHERE client_uuid IS NOT NULL"))
            .scalars()
            .all()
        )
    assert len(sent) == clients * per_client
    assert set(stored) == set(sent) and set(stored.values()) == {1}


def test_a_statement_the_database_refuses_is_a_bug_answered_500_not_an_outage(
    db_url: str,
) -> None:
    engine = make_engine(db_url, one_off=True)
    try:
        with pytest.raises(DBAPIError) as refused, engine.connect() as conn:
            conn.execute(text("SELECT * FROM no_such_table"))
    finally:
        engine.dispose()
    assert not database_unavailable(refused.value)
    unreachable = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/lianhu")
    with pytest.raises(DBAPIError) as refused, unreachable.connect():
        pass
    assert database_unavailable(refused.value)
