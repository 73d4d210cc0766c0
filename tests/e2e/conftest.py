"""Fixtures of the HTTP tier."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from domain.kernel.access import Role
from tests.builders import World
from tests.e2e.county import County, SharedCounty


@pytest.fixture(scope="module")
def shared_county(
    _template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SharedCounty]:
    shared = SharedCounty(_template, tmp_path_factory.mktemp("county"))
    yield shared
    shared.close()


@pytest.fixture
def county(shared_county: SharedCounty) -> Iterator[County]:
    """The module's shared county, which a case must leave as it found it: a case that changed
    a register fails here (a refused write that wrote something goes unnoticed otherwise)."""
    yield shared_county.get()
    changed = shared_county.changes()
    if changed:
        pytest.fail(
            "the case changed the shared county's registers "
            f"({', '.join(changed)}): a refused write wrote something, or a case that writes "
            "must use data of its own (the client and world fixtures)"
        )


@pytest.fixture
def scheme(client: TestClient, world: World) -> None:
    """The world's county on 1+6+N: visits every 14 days, the 五到户 checklist, the 五必到 within
    48 hours (seeds/huiji-1plus6plusN.txt)."""
    res = client.put(
        f"/api/v1/org-units/{world.org['C']}/scheme",
        json={"scheme": "one_six_n"},
        headers=world.headers(Role.ADMIN),
    )
    assert res.status_code == 200, res.text
