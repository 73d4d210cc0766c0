"""Operations: health, readiness, request ids in headers and problem bodies."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient


def test_healthz_answers_without_the_database(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_reports_the_database_at_the_head_revision(client: TestClient) -> None:
    res = client.get("/readyz")
    assert res.status_code == 200 and res.json()["status"] == "ready"


def test_every_response_carries_a_request_id_that_the_problem_body_repeats(
    client: TestClient,
) -> None:
    res = client.get("/api/v1/households")
    assert res.status_code == 401
    assert res.headers["content-type"] == "application/problem+json"
    assert res.json()["request_id"] == res.headers["x-request-id"]


def test_a_callers_request_id_is_kept(client: TestClient) -> None:
    res = client.get("/healthz", headers={"X-Request-ID": "trace-1234567"})
    assert res.headers["x-request-id"] == "trace-1234567"


def test_an_unknown_path_is_a_problem_too(client: TestClient) -> None:
    res = client.get("/api/v1/nowhere")
    assert res.status_code == 404 and res.json()["code"] == "http.not_found"


def routers_built(app: FastAPI) -> list[bool]:
    """For each included router reachable without building any: are its routes built?"""
    found, pending = [], list(app.router.routes)
    while pending:
        route: Any = pending.pop()
        if hasattr(route, "effective_candidates"):
            version = route.original_router._get_routes_version()
            found.append(route._effective_candidates_version == version)
            pending.extend(route._effective_candidates)
    return found


def test_the_routes_are_built_at_startup_not_by_the_first_request(app: FastAPI) -> None:
    # FastAPI 0.16x builds an included router's routes on the first request that reaches it
    # (about a second here); the lifespan builds them first. Should a FastAPI build eagerly,
    # the first assertion fails and says the warm-up (api.lifespan.build_routes) can go.
    assert not all(routers_built(app))
    with TestClient(app):
        assert routers_built(app) and all(routers_built(app))
