"""Operations: health, readiness, request ids in headers and problem bodies."""

from __future__ import annotations

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
