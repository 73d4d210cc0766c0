"""openapi.json as an integrator reads it: how to authenticate (bearer token or X-API-Key) on
each operation, errors as application/problem+json, and on each operation only the error statuses
it can produce; the interactive docs load nothing from outside the server."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.e2e.test_every_route_needs_auth import PUBLIC

METHODS = {"get", "post", "put", "patch", "delete"}
# A wrong password, a refresh token unknown, spent or expired: 401 without a bearer token.
CREDENTIALS_IN_BODY = {("POST", "/api/v1/auth/login"), ("POST", "/api/v1/auth/refresh")}


def operations(app: FastAPI) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, item in app.openapi()["paths"].items()
        for method, op in item.items()
        if method in METHODS and path.startswith("/api/v1")
    ]


def test_the_schema_declares_the_bearer_token_and_the_api_key(app: FastAPI) -> None:
    schemes = app.openapi()["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["bearer"].items()
    assert {"type": "apiKey", "in": "header", "name": "X-API-Key"}.items() <= schemes[
        "apiKey"
    ].items()


def test_each_operation_says_how_it_is_authenticated_and_public_ones_need_nothing(
    app: FastAPI,
) -> None:
    for method, path, op in operations(app):
        if (method, path) in PUBLIC:
            assert op["security"] == [], (method, path)
            assert "403" not in op["responses"], (method, path)
            # 401 only for the credentials a public operation is sent in its body
            sent = (method, path) in CREDENTIALS_IN_BODY
            assert ("401" in op["responses"]) == sent, (method, path)
        else:
            assert {"bearer": []} in op["security"], (method, path)
            assert {"401", "403"} <= op["responses"].keys(), (method, path)
    api_keys = [p for _m, p, op in operations(app) if {"apiKey": []} in op.get("security", [])]
    assert "/api/v1/households" in api_keys
    # A print link carries a signed-in user's rights: an API key cannot have one.
    link = app.openapi()["paths"]["/api/v1/org-units/{org_id}/cards-link"]["post"]
    assert link["security"] == [{"bearer": []}]


def test_errors_are_problem_json_and_never_plain_json(app: FastAPI) -> None:
    for method, path, op in operations(app):
        for status, response in op["responses"].items():
            if int(status) < 400:
                continue
            assert list(response["content"]) == ["application/problem+json"], (
                method,
                path,
                status,
            )
            schema = response["content"]["application/problem+json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Problem"}
    assert "HTTPValidationError" not in app.openapi()["components"]["schemas"]


def test_each_operation_lists_only_the_errors_it_can_produce(app: FastAPI) -> None:
    for method, path, op in operations(app):
        statuses = {int(s) for s in op["responses"] if int(s) >= 400}
        has_path_id = "{" in path
        has_body = "requestBody" in op
        if not has_body:
            assert not {400, 413} & statuses, (method, path, statuses)
        if not has_body and not op.get("parameters") and method == "GET":
            assert 422 not in statuses, (method, path, statuses)
        if 404 in statuses and not has_path_id:
            names = {p["name"] for p in op.get("parameters", [])}
            assert has_body or any(n.endswith(("_id", "_ids")) for n in names), (method, path)
    paths = app.openapi()["paths"]
    assert 429 in {int(s) for s in paths["/api/v1/auth/login"]["post"]["responses"]}
    assert "429" not in paths["/api/v1/households"]["get"]["responses"]
    assert "404" not in paths["/api/v1/meta/enums"]["get"]["responses"]
    assert "413" in paths["/api/v1/sync/batch"]["post"]["responses"]
    assert "503" in paths["/api/v1/households"]["get"]["responses"]


@pytest.fixture
def built_docs(app: FastAPI, tmp_path: Any) -> None:
    """A stand-in build of the frontend with Swagger UI's files in it."""
    docs = tmp_path / "dist" / "docs"
    docs.mkdir(parents=True)
    (docs / "swagger-ui-bundle.js").write_text("window.SwaggerUIBundle = 1", encoding="utf-8")
    (docs / "swagger-ui.css").write_text("body{}", encoding="utf-8")
    (tmp_path / "dist" / "icon.svg").write_text("<svg/>", encoding="utf-8")
    app.state.frontend_dist = tmp_path / "dist"


@pytest.mark.usefixtures("built_docs")
def test_the_docs_page_loads_everything_from_this_server(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "SwaggerUIBundle" in page.text
    assert not re.findall(r"(?:https?:)?//[a-z0-9.-]+", page.text, flags=re.I), page.text
    for url in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        assert client.get(url).status_code == 200, url
    assert client.get("/redoc").status_code == 404  # ReDoc loads from a CDN: not offered


def test_without_a_frontend_build_the_docs_say_how_to_build_it(
    app: FastAPI, client: TestClient, tmp_path: Any
) -> None:
    app.state.frontend_dist = tmp_path / "nothing-built"
    res = client.get("/docs")
    assert res.status_code == 503 and res.json()["code"] == "frontend.not_built"
