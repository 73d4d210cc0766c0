"""A guard for every route to come: under /api/v1 nothing answers without credentials except
the few routes meant to be public, listed here on purpose."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.builders import World

PUBLIC = {
    ("POST", "/api/v1/auth/login"),  # how credentials are obtained
    ("POST", "/api/v1/auth/refresh"),  # the refresh token is the credential
    ("POST", "/api/v1/auth/logout"),  # likewise: it revokes the refresh token it is given
    ("GET", "/api/v1/public/cards/{token}"),  # the household's contact card: masked by design
    ("GET", "/api/v1/public/cards/{token}/event-kinds"),  # what the card may report
    ("POST", "/api/v1/public/cards/{token}/events"),  # the household reports: 3 a day per card
    # the household's own matters (问题): raise (3 a day), follow, rate; no names on a door
    ("GET", "/api/v1/public/cards/{token}/issues"),
    ("POST", "/api/v1/public/cards/{token}/issues"),
    ("GET", "/api/v1/public/cards/{token}/issues/{issue_id}"),
    ("POST", "/api/v1/public/cards/{token}/issues/{issue_id}/rating"),
    ("GET", "/api/v1/meta/enums"),  # labels of codes, no data
}


def test_every_api_route_refuses_a_caller_without_credentials(
    client: TestClient, world: World
) -> None:
    open_routes = []
    checked = 0
    for template, operations in world.app.openapi()["paths"].items():
        if not template.startswith("/api/v1"):
            continue
        for method in operations:
            if (method.upper(), template) in PUBLIC:
                continue
            res = client.request(method.upper(), re.sub(r"\{[^}]+\}", "1", template))
            checked += 1
            if res.status_code != 401:
                open_routes.append((method.upper(), template, res.status_code))
    assert checked > 70
    assert open_routes == []
