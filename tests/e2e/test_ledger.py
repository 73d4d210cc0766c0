"""The household register (农户台账): each household with its contact member and last visit,
scoped and masked like every other read; and exported sheets named in Chinese, not "data"."""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from domain.kernel.access import Role
from domain.registers.masking import mask_phone
from tests.builders import World

API = "/api/v1"
LEDGER = f"{API}/exports/household-ledger"


def ledger(client: TestClient, world: World, role: Role) -> list[dict[str, str]]:
    res = client.get(LEDGER, headers=world.headers(role))
    assert res.status_code == 200, res.text
    rows = list(csv.reader(io.StringIO(res.content.decode("utf-8-sig"))))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def log_visit(client: TestClient, world: World, household: str, at: str) -> None:
    body: dict[str, Any] = {
        "member_id": world.member["m1"],
        "household_id": world.household[household],
        "visited_at": at,
        "mode": "home",
    }
    res = client.post(f"{API}/visits", json=body, headers=world.headers(Role.MEMBER))
    assert res.status_code == 201, res.text


def test_the_ledger_names_each_households_contact_member_and_last_visit(
    client: TestClient, world: World
) -> None:
    log_visit(client, world, "h1", "2026-11-20T01:00:00+00:00")
    log_visit(client, world, "h1", "2026-11-24T17:30:00+00:00")  # 25 Nov in China
    by_id = {r["户编号"]: r for r in ledger(client, world, Role.ADMIN)}
    assert set(by_id) == {"H1", "H2", "H3", "H4"}
    assert (by_id["H1"]["联系党员"], by_id["H1"]["最近走访"]) == ("张三", "2026-11-25")
    assert (by_id["H2"]["联系党员"], by_id["H2"]["最近走访"]) == ("张三", "从未走访")
    assert (by_id["H3"]["联系党员"], by_id["H3"]["最近走访"]) == ("", "从未走访")
    assert by_id["H1"]["户主姓名"] == "赵一"
    assert by_id["H1"]["所属网格"] == "第1网格"
    assert by_id["H1"]["手机号"] == "13812345678"
    assert "低保" in by_id["H1"]["户类"]


def test_the_ledger_is_scoped_and_masked_for_a_caller_without_personal_read(
    client: TestClient, world: World
) -> None:
    rows = ledger(client, world, Role.TOWNSHIP_CADRE)
    assert {r["户编号"] for r in rows} == {"H1", "H2", "H3"}  # not H4 of the other township
    assert {r["手机号"] for r in rows} == {mask_phone("13812345678")}
    assert all("12号" not in r["地址"] for r in rows)
    assert all("低保" not in r["户类"] for r in rows)


def test_the_ledger_needs_the_export_permission(client: TestClient, world: World) -> None:
    res = client.get(LEDGER, headers=world.headers(Role.MEMBER))
    assert res.status_code == 403, res.text


def test_the_ledger_as_xlsx_is_a_sheet_named_in_chinese_under_a_chinese_file_name(
    client: TestClient, world: World
) -> None:
    res = client.get(LEDGER, params={"format": "xlsx"}, headers=world.headers(Role.ADMIN))
    assert res.status_code == 200, res.text
    assert res.headers["content-disposition"] == (
        f"attachment; filename=\"household-ledger.xlsx\"; filename*=UTF-8''{quote('农户台账.xlsx')}"
    )
    book = load_workbook(io.BytesIO(res.content))
    assert book.sheetnames == ["农户台账"]
    header = [c.value for c in next(book.worksheets[0].iter_rows(max_row=1))]
    assert header[-3:] == ["联系党员", "最近走访", "系统编号"]


@pytest.mark.parametrize(
    ("kind", "sheet"), [("households", "农户"), ("members", "党员"), ("org_units", "组织")]
)
def test_an_exported_workbooks_sheet_is_named_after_its_register(
    client: TestClient, world: World, kind: str, sheet: str
) -> None:
    res = client.get(
        f"{API}/exports/{kind}", params={"format": "xlsx"}, headers=world.headers(Role.ADMIN)
    )
    assert res.status_code == 200, res.text
    assert load_workbook(io.BytesIO(res.content)).sheetnames == [sheet]
