"""A signed access token whose claims are not what this server issues gets 401, never a 500."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from api.security import ALGORITHM
from tests.builders import World


def _signed(client: TestClient, **overrides: Any) -> dict[str, str]:
    payload: dict[str, Any] = {
        "sub": "1",
        "name": "admin",
        "role": "admin",
        "org": "/",
        "mid": None,
        "typ": "access",
        "iat": 0,
        "exp": 4_000_000_000,
    }
    payload.update(overrides)
    secret = client.app.state.settings.secret_key  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {jwt.encode(payload, secret, algorithm=ALGORITHM)}"}


@pytest.mark.parametrize("exp", ["soon", "4000000000", [1], {"t": 1}, True, None, float("nan")])
def test_a_signed_token_whose_exp_is_not_a_number_is_refused_as_invalid(
    client: TestClient, world: World, exp: object
) -> None:
    res = client.get("/api/v1/auth/me", headers=_signed(client, exp=exp))
    assert res.status_code == 401, res.text
    assert res.json()["code"] == "auth.token_invalid"
