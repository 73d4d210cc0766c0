"""FastAPI serves the built frontend: /app/ and /admin/ with their single-page fallbacks."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

PROBLEM_JSON = "application/problem+json"


@pytest.fixture
def dist(app: FastAPI, tmp_path: Path) -> Path:
    """A stand-in build: the two pages, a hashed asset and the service worker."""
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<title>联户</title>field", encoding="utf-8")
    (root / "admin.html").write_text("<title>联户管理后台</title>admin", encoding="utf-8")
    (root / "assets" / "field-abc123.js").write_text("console.log(1)", encoding="utf-8")
    (root / "sw.js").write_text("self.x=1", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    app.state.frontend_dist = root
    return root


@pytest.mark.usefixtures("dist")
def test_field_app_deep_links_answer_the_field_page(client: TestClient) -> None:
    for path in ("/app/", "/app/households/12", "/app/login?next=/"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert "field" in r.text
        assert r.headers["cache-control"] == "no-cache"


@pytest.mark.usefixtures("dist")
def test_admin_paths_answer_the_admin_page_never_the_field_app(client: TestClient) -> None:
    for path in ("/admin/", "/admin/households", "/admin/org/3/members"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert "admin" in r.text and "field" not in r.text


@pytest.mark.usefixtures("dist")
def test_bare_paths_redirect_to_the_slash(client: TestClient) -> None:
    assert client.get("/app", follow_redirects=False).headers["location"] == "/app/"
    assert client.get("/admin", follow_redirects=False).headers["location"] == "/admin/"


@pytest.mark.usefixtures("dist")
def test_hashed_assets_are_cached_forever_and_the_service_worker_never(
    client: TestClient,
) -> None:
    asset = client.get("/app/assets/field-abc123.js")
    assert asset.status_code == 200 and "immutable" in asset.headers["cache-control"]
    sw = client.get("/app/sw.js")
    assert sw.status_code == 200 and sw.headers["cache-control"] == "no-cache"


@pytest.mark.usefixtures("dist")
def test_missing_asset_is_a_404_problem_not_the_page(client: TestClient) -> None:
    r = client.get("/app/assets/field-gone.js")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith(PROBLEM_JSON)


@pytest.mark.usefixtures("dist")
def test_paths_cannot_escape_the_build_directory(client: TestClient) -> None:
    r = client.get("/app/..%2Fsecret.txt")
    assert "outside" not in r.text


@pytest.mark.usefixtures("dist")
def test_the_api_is_not_shadowed_by_the_frontend(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/api/v1/auth/me").status_code == 401


def test_without_a_build_the_pages_answer_503_and_the_api_keeps_working(
    app: FastAPI, client: TestClient, tmp_path: Path
) -> None:
    app.state.frontend_dist = tmp_path / "no-dist"
    for path in ("/app/", "/app/households/1", "/admin/"):
        r = client.get(path)
        assert r.status_code == 503, path
        assert r.headers["content-type"].startswith(PROBLEM_JSON)
        assert r.json()["code"] == "frontend.not_built"
    assert client.get("/healthz").status_code == 200
