"""Import and export of the registers through HTTP, on the real database."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import text

from domain.kernel.access import Role
from tests.builders import World

HEADER = "户编号,户主姓名,所属网格,楼栋,地址,家庭人口,手机号,纬度,经度,户类"
ROWS = [
    "H10,陈明,G1,,李家村1组1号,3,13811112222,30.75,120.75,低保、空巢老人",
    "H11,林芳,G2,,李家村2组5号,2,,,,",
    "H12,黄伟,G3,5栋,和平社区5栋2单元301,4,13933334444,30.8,120.7,流动/租户",
]


def upload(
    client: TestClient,
    world: World,
    kind: str,
    data: bytes,
    name: str = "f.csv",
    role: Role = Role.ADMIN,
) -> tuple[int, dict[str, Any]]:
    res = client.post(
        f"/api/v1/imports/{kind}", files={"file": (name, data)}, headers=world.headers(role)
    )
    return res.status_code, res.json()


def count(world: World, table: str) -> int:
    with world.app.state.session_factory() as s:
        return int(s.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def csv_bytes(encoding: str) -> bytes:
    return ("\n".join([HEADER, *ROWS]) + "\n").encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_households_import_from_csv_in_each_encoding_excel_writes(
    client: TestClient, world: World, encoding: str
) -> None:
    status, body = upload(client, world, "households", csv_bytes(encoding))
    assert status == 200, body
    assert (body["created"], body["updated"]) == (3, 0)
    res = client.get("/api/v1/households", params={"q": "陈明"}, headers=world.headers(Role.ADMIN))
    [h] = res.json()["data"]
    assert h["categories"] == ["dibao", "empty_nest_elderly"]
    assert h["address"] == "李家村1组1号"


def test_households_import_from_xlsx(client: TestClient, world: World) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for line in [HEADER, *ROWS]:
        cells: list[object] = list(line.split(","))
        if cells[5] not in ("", "家庭人口"):
            cells[5] = int(str(cells[5]))  # Excel stores numbers as numbers
        ws.append(cells)
    buf = io.BytesIO()
    wb.save(buf)
    status, body = upload(client, world, "households", buf.getvalue(), "户.xlsx")
    assert status == 200, body
    assert body["created"] == 3


def test_reimporting_the_same_file_updates_and_never_duplicates(
    client: TestClient, world: World
) -> None:
    before = count(world, "households")
    assert upload(client, world, "households", csv_bytes("utf-8"))[0] == 200
    changed = csv_bytes("utf-8").replace("陈明".encode(), "陈明亮".encode())
    status, body = upload(client, world, "households", changed)
    assert status == 200, body
    assert (body["created"], body["updated"]) == (0, 3)
    assert count(world, "households") == before + 3
    res = client.get(
        "/api/v1/households", params={"q": "陈明亮"}, headers=world.headers(Role.ADMIN)
    )
    assert res.json()["total"] == 1
    # categories are replaced, not appended
    res = client.get(
        "/api/v1/households", params={"q": "陈明亮"}, headers=world.headers(Role.ADMIN)
    )
    assert res.json()["data"][0]["categories"] == ["dibao", "empty_nest_elderly"]


def test_an_import_with_one_bad_row_writes_nothing_and_reports_every_bad_cell(
    client: TestClient, world: World
) -> None:
    bad = [*ROWS, "H13,,G9,,,0,12x,,,火星户"]
    before = count(world, "households")
    status, body = upload(client, world, "households", ("\n".join([HEADER, *bad])).encode())
    assert status == 422
    assert body["code"] == "import.rows_invalid"
    cells = {(e["row"], e["column"]) for e in body["errors"]}
    assert cells == {(5, "户主姓名"), (5, "所属网格"), (5, "家庭人口"), (5, "手机号"), (5, "户类")}
    assert count(world, "households") == before


@pytest.mark.parametrize("quoted", [False, True])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_bad_rows_number_counts_the_blank_lines_before_it(
    client: TestClient, world: World, quoted: bool, newline: str
) -> None:
    """The row a user finds in Excel: blank lines count. Files without quotes were split by
    hand, dropping blank lines, so a later error named the row above the bad one."""
    bad = '"H13",陈明,G9,,,3,,,,' if quoted else "H13,陈明,G9,,,3,,,,"
    data = newline.join([HEADER, ROWS[0], "", "", bad, ""]).encode()
    status, body = upload(client, world, "households", data)
    assert status == 422, body
    assert [(e["row"], e["code"]) for e in body["errors"]] == [(5, "import.unknown_org")]


def test_a_township_cadre_cannot_import_into_another_township(
    client: TestClient, world: World
) -> None:
    status, body = upload(client, world, "households", csv_bytes("utf-8"), role=Role.TOWNSHIP_CADRE)
    assert status == 422
    assert [(e["row"], e["code"]) for e in body["errors"]] == [(4, "import.unknown_org")]


def test_members_import_with_roles_exemptions_and_in_service(
    client: TestClient, world: World
) -> None:
    data = (
        "党员编号,姓名,所属组织,角色,性别,出生日期,手机号,特长,在职党员,报到社区,"
        "免除联户原因,免除决定人,免除日期\n"
        "M10,周强,V1,支部书记,男,1970-03-02,13700001111,电工、种植,否,,,,\n"
        "M11,吴老汉,G1,党员,男,1938/5/6,,,否,,年老,李四,2025-02-01\n"
        "M12,郑敏,V1,党员,女,1990-01-01,,,是,V2,,,\n"
    ).encode()
    status, body = upload(client, world, "members", data)
    assert status == 200, body
    res = client.get(
        "/api/v1/members", params={"exempt": "true"}, headers=world.headers(Role.ADMIN)
    )
    [old] = res.json()["data"]
    assert old["name"] == "吴老汉"
    assert old["exemption"]["reason"] == "elderly" and old["exemption"]["decided_by"] == "李四"
    res = client.get(
        "/api/v1/members", params={"in_service": "true"}, headers=world.headers(Role.ADMIN)
    )
    assert [m["reported_community_id"] for m in res.json()["data"]] == [world.org["V2"]]


@pytest.mark.parametrize(
    ("born", "taken"),
    [("1896-01-01", True), ("1895-12-31", False), ("2099-01-01", False), ("1899-05-06", True)],
)
def test_a_members_birth_date_is_taken_within_the_apis_bounds(
    client: TestClient, world: World, born: str, taken: bool
) -> None:
    """Not after today, not more than 130 years back (domain.member.check_birth_date): the
    import refused everything before 1900, which the API takes."""
    data = f"党员编号,姓名,所属组织,角色,出生日期\nM10,周强,V1,党员,{born}\n".encode()
    before = count(world, "members")
    status, body = upload(client, world, "members", data)
    if taken:
        assert status == 200, body
        assert count(world, "members") == before + 1
    else:
        assert status == 422, body
        assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [
            (2, "出生日期", "import.bad_date")
        ]
        assert count(world, "members") == before


def test_org_units_import_builds_the_tree_parents_before_children(
    client: TestClient, world: World
) -> None:
    data = (
        "组织编码,组织名称,层级,上级编码\n"
        "G9,第9网格,网格,V9\n"  # child before its parent in the file
        "V9,新村,村,T1\n"
    ).encode()
    status, body = upload(client, world, "org_units", data)
    assert status == 200, body
    res = client.get(
        "/api/v1/org-units", params={"q": "第9网格"}, headers=world.headers(Role.ADMIN)
    )
    [grid] = res.json()["data"]
    assert grid["path"].startswith(world.path("T1"))


def test_export_reimports_unchanged(client: TestClient, world: World) -> None:
    res = client.get("/api/v1/exports/households", headers=world.headers(Role.ADMIN))
    assert res.status_code == 200
    assert res.content.startswith(b"\xef\xbb\xbf")  # Excel opens UTF-8 with BOM correctly
    rows = list(csv.reader(io.StringIO(res.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["户编号", "户主姓名", "所属网格"]
    assert {r[0] for r in rows[1:]} == {"H1", "H2", "H3", "H4"}
    status, body = upload(client, world, "households", res.content)
    assert status == 200, body
    assert (body["created"], body["updated"]) == (0, 4)


def test_export_is_scoped_and_masked_for_a_township_cadre(client: TestClient, world: World) -> None:
    res = client.get(
        "/api/v1/exports/households",
        params={"encoding": "gb18030"},
        headers=world.headers(Role.TOWNSHIP_CADRE),
    )
    rows = list(csv.reader(io.StringIO(res.content.decode("gb18030"))))
    assert {r[0] for r in rows[1:]} == {"H1", "H2", "H3"}  # not H4 of the other township
    phones = {r[6] for r in rows[1:]}
    assert phones == {"*******5678"}
    assert all("低保" not in r[9] for r in rows[1:])


def test_export_as_xlsx(client: TestClient, world: World) -> None:
    res = client.get(
        "/api/v1/exports/members", params={"format": "xlsx"}, headers=world.headers(Role.ADMIN)
    )
    assert res.status_code == 200
    # saved under a Chinese name by browsers (RFC 6266), an ASCII one for older clients
    assert res.headers["content-disposition"] == (
        f"attachment; filename=\"members.xlsx\"; filename*=UTF-8''{quote('党员名册.xlsx')}"
    )
    ws = load_workbook(io.BytesIO(res.content)).active
    assert ws is not None
    values = list(ws.iter_rows(values_only=True))
    assert values[0][:3] == ("党员编号", "姓名", "所属组织")
    assert len(values) == 1 + 3


def test_each_import_is_one_audit_entry_with_the_files_digest(
    client: TestClient, world: World
) -> None:
    assert upload(client, world, "households", csv_bytes("utf-8"))[0] == 200
    res = client.get(
        "/api/v1/audit", params={"action": "import"}, headers=world.headers(Role.ADMIN)
    )
    [entry] = res.json()["data"]
    assert entry["after"]["created"] == 3 and len(entry["after"]["sha256"]) == 64


def test_a_platform_may_send_the_file_as_the_raw_request_body(
    client: TestClient, world: World
) -> None:
    res = client.post(
        "/api/v1/imports/households",
        params={"filename": "户.csv"},
        content=csv_bytes("gb18030"),
        headers={**world.headers(Role.ADMIN), "Content-Type": "text/csv"},
    )
    assert res.status_code == 200, res.text
    assert res.json()["created"] == 3
    audit = client.get(
        "/api/v1/audit", params={"action": "import"}, headers=world.headers(Role.ADMIN)
    ).json()["data"]
    assert audit[0]["after"]["file"] == "户.csv"


def test_an_upload_in_another_media_type_is_415_and_writes_nothing(
    client: TestClient, world: World
) -> None:
    before = count(world, "households")
    res = client.post(
        "/api/v1/imports/households",
        content=b'{"rows": []}',
        headers={**world.headers(Role.ADMIN), "Content-Type": "application/json"},
    )
    assert res.status_code == 415 and res.json()["code"] == "import.unsupported_media_type"
    res = client.post(
        "/api/v1/imports/households",
        data={"other": "x"},
        files={"attachment": ("h.csv", csv_bytes("utf-8"))},
        headers=world.headers(Role.ADMIN),
    )
    assert res.status_code == 422 and res.json()["field"] == "file"
    assert count(world, "households") == before


def test_a_masked_export_reimported_keeps_what_its_maker_could_not_see(
    client: TestClient, world: World
) -> None:
    # a township cadre (no personal:read) exports, corrects a name, imports the file back: the
    # masked phone and address, the missing location and the hidden 低保 must not overwrite or
    # drop the real values
    cadre = world.headers(Role.TOWNSHIP_CADRE)
    url = f"/api/v1/households/{world.household['h1']}"
    real = client.get(url, headers=world.headers(Role.ADMIN)).json()
    exported = client.get("/api/v1/exports/households", headers=cadre).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported)))
    h1 = next(r for r in rows if r[0] == "H1")
    h1[1] = "赵一民"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    status, body = upload(
        client, world, "households", out.getvalue().encode(), role=Role.TOWNSHIP_CADRE
    )
    assert status == 200, body
    after = client.get(url, headers=world.headers(Role.ADMIN)).json()
    assert after["head_name"] == "赵一民"
    for key in ("phone", "address", "lat", "lng", "categories"):
        assert after[key] == real[key], key
    # a value they could not have seen is refused at its cell, and the file writes nothing
    h1[4] = "新地址1号"
    h1[9] = "低保"
    h2 = next(r for r in rows if r[0] == "H2")
    h2[9] = "低保"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    status, body = upload(
        client, world, "households", out.getvalue().encode(), role=Role.TOWNSHIP_CADRE
    )
    assert status == 422, body
    assert {(e["row"], e["field"], e["code"]) for e in body["errors"]} == {
        (rows.index(h1) + 1, "address", "import.personal_field"),
        (rows.index(h2) + 1, "categories", "import.personal_field"),
    }
    assert client.get(url, headers=world.headers(Role.ADMIN)).json()["address"] == real["address"]


def test_a_masked_member_export_reimported_keeps_phone_and_location(
    client: TestClient, world: World
) -> None:
    cadre = world.headers(Role.TOWNSHIP_CADRE)
    url = f"/api/v1/members/{world.member['m1']}"
    real = client.get(url, headers=world.headers(Role.ADMIN)).json()
    exported = client.get("/api/v1/exports/members", headers=cadre).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported)))
    header = rows[0]
    m1 = next(r for r in rows if r[0] == "M1")
    assert "****" in m1[header.index("手机号")], m1  # what the cadre sees
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    status, body = upload(
        client, world, "members", out.getvalue().encode(), role=Role.TOWNSHIP_CADRE
    )
    assert status == 200, body
    after = client.get(url, headers=world.headers(Role.ADMIN)).json()
    for key in ("phone", "lat", "lng"):
        assert after[key] == real[key], key


# ── unknown columns are ignored, never read as another column ─────────────────────────────────


def exported(client: TestClient, world: World, kind: str) -> dict[str, dict[str, str]]:
    res = client.get(f"/api/v1/exports/{kind}", headers=world.headers(Role.ADMIN))
    return {
        r[next(iter(r))]: r for r in csv.DictReader(io.StringIO(res.content.decode("utf-8-sig")))
    }


def test_an_unknown_column_after_the_known_ones_is_ignored_not_read_as_a_missing_one(
    client: TestClient, world: World
) -> None:
    # 外部编号 is absent: it must stay empty, not take the 备注 cell beside it
    data = "组织编码,组织名称,层级,上级编码,备注\nZZ9,某村,村,T1,T2\n".encode()
    status, body = upload(client, world, "org_units", data)
    assert status == 200, body
    assert body["ignored_columns"] == ["备注"]
    village = exported(client, world, "org_units")["ZZ9"]
    assert (village["上级编码"], village["外部编号"]) == ("T1", "")


def test_a_missing_parent_column_is_not_filled_from_an_unknown_column(
    client: TestClient, world: World
) -> None:
    before = count(world, "org_units")
    data = "组织编码,组织名称,层级,备注\nZZ8,某村,村,T1\n".encode()
    status, body = upload(client, world, "org_units", data)
    assert status == 422, body
    assert [(e["row"], e["field"], e["code"]) for e in body["errors"]] == [
        (2, "parent", "import.required")
    ]
    assert count(world, "org_units") == before


def test_households_with_a_remarks_column_and_stray_cells_keep_their_absent_fields_empty(
    client: TestClient, world: World
) -> None:
    data = "户编号,户主姓名,所属网格,备注\nX1,甲,G1,3\nX2,乙,G1,13811112222,多余\n".encode()
    status, body = upload(client, world, "households", data)
    assert status == 200, body
    assert (body["created"], body["ignored_columns"]) == (2, ["备注"])
    rows = exported(client, world, "households")
    for ext in ("X1", "X2"):
        assert (rows[ext]["楼栋"], rows[ext]["地址"], rows[ext]["手机号"]) == ("", "", "")
        assert (rows[ext]["家庭人口"], rows[ext]["户类"]) == ("1", "")


# ── files the parsers cannot read are refused as bad files, writing nothing ──────────────────


def test_a_cell_past_the_csv_field_limit_is_refused_at_its_cell_and_nothing_is_written(
    client: TestClient, world: World
) -> None:
    before = count(world, "households")
    huge = "x" * (csv.field_size_limit() + 1)
    data = ("\n".join([HEADER, *ROWS, f'H13,"李四",G1,,"{huge}",2,,,,']) + "\n").encode()
    status, body = upload(client, world, "households", data)
    assert status == 422, body
    assert body["code"] == "import.rows_invalid" and body["field"] == "file"
    assert [(e["row"], e["column"], e["cell"], e["code"]) for e in body["errors"]] == [
        (5, "地址", "E5", "import.too_long")
    ]
    assert count(world, "households") == before  # the rows before it, streamed, rolled back


def test_a_stray_quote_swallowing_the_file_is_named_at_its_row(
    client: TestClient, world: World
) -> None:
    # An opening quote never closed takes the rest of the file into one cell.
    filler = "".join(f"H{i},某某,G1,,李家村{i}号,2,,,,\n" for i in range(20, 8000))
    data = f'{HEADER}\nH10,"陈明,G1,,,3,,,,\n{filler}'.encode()
    status, body = upload(client, world, "households", data)
    assert status == 422, body
    assert [(e["row"], e["column"], e["cell"]) for e in body["errors"]] == [(2, "户主姓名", "B2")]


@pytest.mark.parametrize(
    ("line", "limit", "column"),
    [
        ("abc,defghi,j", 5, 1),
        ("abc,def,j", 5, None),
        ('"a,b,c,d",e', 5, 0),  # the commas are inside the quotes
        ('"a""b""c",defghij', 5, 1),  # a doubled quote is one character: a"b"c is 5
        ('"a""b""cd",e', 5, 0),
        ('ab"cd,"efghij"', 5, 1),  # a quote inside an unquoted cell is a plain character
        ('ab"cdef,g', 5, 0),
        ('"abc"def,g', 5, 0),  # after a closing quote the cell goes on
        ('"ab\ncdef",g', 5, 0),  # a newline inside quotes stays in the cell
        ("abcde\nfghijk", 5, None),  # the row ends at the newline
    ],
)
def test_the_cell_past_the_limit_is_found_as_the_csv_module_reads_the_row(
    line: str, limit: int, column: int | None
) -> None:
    from api.transfer.tabular import _column_past

    fields = next(csv.reader(io.StringIO(line, newline="")))
    expected = next((i for i, f in enumerate(fields) if len(f) > limit), None)
    assert expected == column, fields  # the case says what the csv module says
    assert _column_past(line, 0, limit) == column


def xlsx_with(sheet: Callable[[bytes], bytes | None]) -> bytes:
    """A households workbook whose sheet XML is passed through ``sheet`` (None: left out)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER.split(","))
    for i in range(30):
        ws.append([f"W{i}", f"户主{i}", "G1", "", f"李家村{i}号", 2, "", "", "", ""])
    plain = io.BytesIO()
    wb.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content: bytes | None = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = sheet(src.read(item))
            if content is not None:
                dst.writestr(item, content)
    return out.getvalue()


BROKEN_SHEETS: dict[str, Callable[[bytes], bytes | None]] = {
    "no-sheet": lambda _xml: None,
    "sheet-cut-short": lambda xml: xml[: len(xml) * 3 // 4],  # after some rows were read
    "cell-ref-past-xfd": lambda xml: xml.replace(b'r="A20"', b'r="ZZZZZZ20"', 1),
    "not-xml": lambda _xml: b"\x00\x01 not xml",
}


@pytest.mark.parametrize("sheet", BROKEN_SHEETS.values(), ids=BROKEN_SHEETS.keys())
def test_a_workbook_broken_inside_is_a_bad_file_and_writes_nothing(
    client: TestClient, world: World, sheet: Callable[[bytes], bytes | None]
) -> None:
    before = (count(world, "households"), count(world, "audit_log"))
    data = xlsx_with(sheet)
    for name in ("户.xlsx", "upload"):
        status, body = upload(client, world, "households", data, name)
        assert status == 422, body
        assert (body["code"], body["field"]) == ("import.bad_xlsx", "file")
    assert (count(world, "households"), count(world, "audit_log")) == before
    status, body = upload(client, world, "households", xlsx_with(lambda xml: xml), "户.xlsx")
    assert (status, body["created"]) == (200, 30)  # the same workbook unbroken is fine


def test_the_refused_media_type_is_documented(world: World) -> None:
    operation = world.app.openapi()["paths"]["/api/v1/imports/{kind}"]["post"]
    assert "application/problem+json" in operation["responses"]["415"]["content"]


# --- tried as a new user would ------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    ["1381111222", "1234567", "12811112222", "138111122223", "0571-876", "571-87654321", "电话"],
)
def test_a_phone_that_is_no_mainland_mobile_or_landline_is_refused_at_its_row_and_column(
    client: TestClient, world: World, phone: str
) -> None:
    """A 7-digit 'mobile' was imported as it stood."""
    rows = [*ROWS[:2], f"H12,黄伟,G3,5栋,和平社区,4,{phone},,,"]
    status, body = upload(client, world, "households", "\n".join([HEADER, *rows]).encode())
    assert status == 422, body
    [error] = body["errors"]
    assert (error["row"], error["column"], error["cell"]) == (4, "手机号", "G4"), error
    assert phone in error["message"] and "11 位" in error["message"]
    assert count(world, "households") == 4  # the world's, nothing imported


@pytest.mark.parametrize(
    "phone",
    [
        "13811112222",
        "19912345678",
        "0571-87654321",
        "057187654321",
        "010-1234567",
        "0571-87654321-802",
    ],
)
def test_mainland_mobiles_and_landlines_are_taken(
    client: TestClient, world: World, phone: str
) -> None:
    rows = [f"H12,黄伟,G3,5栋,和平社区,4,{phone},,,"]
    status, body = upload(client, world, "households", "\n".join([HEADER, *rows]).encode())
    assert status == 200, body


def test_a_preview_counts_what_an_import_would_write_and_writes_nothing(
    client: TestClient, world: World
) -> None:
    upload(client, world, "households", "\n".join([HEADER, ROWS[0]]).encode())
    before = count(world, "households"), count(world, "audit_log")
    data = "\n".join([HEADER, *ROWS]).encode()
    res = client.post(
        "/api/v1/imports/households",
        params={"dry_run": "true"},
        files={"file": ("f.csv", data)},
        headers=world.headers(Role.ADMIN),
    )
    assert res.status_code == 200, res.text
    body = res.json()
    assert (body["dry_run"], body["created"], body["updated"], body["rows"]) == (True, 2, 1, 3)
    assert "新增 2 户、更新 1 户" in body["message"]
    assert (count(world, "households"), count(world, "audit_log")) == before
    # the confirmation writes it
    status, body = upload(client, world, "households", data)
    assert status == 200 and body["dry_run"] is False and body["created"] == 2, body
    assert count(world, "households") == before[0] + 2


def test_a_preview_of_a_bad_file_names_its_bad_cells_as_the_import_does(
    client: TestClient, world: World
) -> None:
    data = "\n".join([HEADER, "H13,,G9,,,0,12x,,,火星户"]).encode()
    res = client.post(
        "/api/v1/imports/households?dry_run=true",
        files={"file": ("f.csv", data)},
        headers=world.headers(Role.ADMIN),
    )
    assert res.status_code == 422 and res.json()["code"] == "import.rows_invalid", res.text


def _template(client: TestClient, world: World, kind: str) -> Any:
    res = client.get(f"/api/v1/imports/{kind}/template", headers=world.headers(Role.ADMIN))
    assert res.status_code == 200, res.text
    assert res.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return load_workbook(io.BytesIO(res.content))


@pytest.mark.parametrize("kind", ["households", "members", "org_units"])
def test_the_template_has_an_example_row_and_a_sheet_of_explanations(
    client: TestClient, world: World, kind: str
) -> None:
    wb = _template(client, world, kind)
    assert wb.sheetnames[1] == "说明"
    rows = [list(row) for row in wb.worksheets[0].iter_rows(values_only=True)]
    assert len(rows) == 2 and str(rows[1][0]).startswith("【示例】")
    notes = [row for row in wb["说明"].iter_rows(values_only=True) if any(row)]
    described = {str(r[0]) for r in notes}
    assert set(filter(None, rows[0])) <= described  # every column explained
    assert any("示例" in " ".join(str(c) for c in r if c) for r in notes)


def test_the_templates_example_row_is_ignored_on_import(client: TestClient, world: World) -> None:
    wb = _template(client, world, "households")
    ws = wb.worksheets[0]
    ws.append(["H77", "欧阳明月", "G1", "", "李家村1组7号", 3, "13500001111", "", "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    status, body = upload(client, world, "households", buf.getvalue(), "模板.xlsx")
    assert status == 200, body
    assert (body["rows"], body["created"]) == (1, 1)
    assert count(world, "households") == 4 + 1


def test_a_formula_without_a_computed_value_is_refused_by_its_cell_and_column(
    client: TestClient, world: World
) -> None:
    """openpyxl writes formulas without a cached value (as scripts do): the cells were read as
    empty, a household of no size and no phone imported."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER.split(","))
    ws.append(["H10", "陈明", "G1", "", "李家村1组1号", "=1+2", "13811112222", "", "", ""])
    ws.append(["H11", "林芳", "G2", "", "", 2, '="138"&"11112222"', "", "", ""])
    buf = io.BytesIO()
    wb.save(buf)
    status, body = upload(client, world, "households", buf.getvalue(), "户.xlsx")
    assert status == 422, body
    assert body["code"] == "import.rows_invalid"
    cells = {(e["row"], e["column"], e["cell"], e["code"]) for e in body["errors"]}
    assert cells == {
        (2, "家庭人口", "F2", "import.formula_uncached"),
        (3, "手机号", "G3", "import.formula_uncached"),
    }
    assert "公式" in body["detail"]
    assert count(world, "households") == 4
