"""Fixtures of the HTTP tier."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.county import County, SharedCounty


@pytest.fixture(scope="module")
def shared_county(
    _template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SharedCounty]:
    shared = SharedCounty(_template, tmp_path_factory.mktemp("county"))
    yield shared
    shared.close()


@pytest.fixture
def county(shared_county: SharedCounty) -> County:
    return shared_county.get()
