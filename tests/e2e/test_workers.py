"""The server keeps no state in the process: several uvicorn workers serve one database."""

from __future__ import annotations

import httpx

from bench.common import server
from domain.kernel.access import Role
from tests.builders import PASSWORD, World


def test_several_workers_serve_the_same_data_and_tokens(world: World, db_url: str) -> None:
    with server(db_url, workers=2) as (base, _proc), httpx.Client(base_url=base) as client:
        res = client.post(
            "/api/v1/auth/login", json={"username": Role.ADMIN.value, "password": PASSWORD}
        )
        assert res.status_code == 200, res.text
        headers = {"Authorization": f"Bearer {res.json()['access_token']}"}
        created = client.post(
            "/api/v1/households",
            headers=headers,
            json={"org_id": world.org["G2"], "head_name": "吴六", "external_id": "H-W"},
        )
        assert created.status_code == 201, created.text
        # Many requests spread over both workers: each sees the write and accepts the token.
        pids = set()
        for _ in range(40):
            res = client.get("/api/v1/households", params={"q": "吴六"}, headers=headers)
            assert res.status_code == 200 and res.json()["total"] == 1
            pids.add(res.headers.get("x-request-id"))
        assert len(pids) == 40
