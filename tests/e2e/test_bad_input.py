"""Each bad input gets a clear 4xx ``application/problem+json`` with a stable ``code`` (and the
``field`` it concerns) and leaves the database exactly as it was: no register row changed and no
audit row added.

Most cases run against the county shared by this module (``SharedCounty`` from
``test_access_matrix``), which checks after each case that nothing changed; the few that must
change their data or move the clock (lockout) use a world of their own.
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from httpx import Response

from domain.kernel.access import Role
from tests.builders import PASSWORD, World
from tests.conftest import PG_URL, Clock
from tests.e2e.county import API, PROBLEM_JSON, County, SharedCounty

ON_SQLITE = not PG_URL


@pytest.fixture
def county(shared_county: SharedCounty) -> Iterator[County]:
    """The shared county; every case must leave it exactly as it found it."""
    county = shared_county.get()
    before = county.state()
    yield county
    assert county.state() == before, "a refused request changed the database"


def problem(res: Response, status: int, code: str, field: str | None = None) -> dict[str, Any]:
    assert res.status_code == status, f"expected {status}, got {res.status_code}: {res.text}"
    assert res.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = res.json()
    assert (body["status"], body["code"]) == (status, code), body
    assert body["type"].endswith(code.replace(".", "/"))
    assert body["title"] and body["detail"] and body["request_id"]
    if field is not None:
        assert body.get("field") == field, body
    return body


def admin(county: County) -> dict[str, str]:
    return county.headers(Role.ADMIN)


@pytest.fixture
def plain_client(world: World) -> TestClient:
    """A client on a world of the test's own, for cases that must change it or move its clock."""
    return TestClient(world.app, raise_server_exceptions=False)


# ── Malformed and ill-typed bodies ────────────────────────────────────────────────────────────


@pytest.mark.parametrize("url", ["/households", "/members", "/org-units", "/auth/login"])
def test_malformed_json_is_400(county: County, url: str) -> None:
    res = county.client.post(
        API + url,
        content=b"{bad",
        headers={**admin(county), "Content-Type": "application/json"},
    )
    problem(res, 400, "request.malformed_json", field="body")


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/households", {"org_id": "G1", "head_name": "甲", "size": "many"}, "size"),
        ("/households", {"org_id": "x", "head_name": "甲"}, "org_id"),
        ("/households", {"org_id": "G1", "head_name": "甲", "lat": "north", "lng": 1}, "lat"),
        ("/households", {"org_id": "G1", "head_name": "甲", "categories": "dibao"}, "categories"),
        ("/households", {"org_id": "G1", "head_name": "甲", "size": 0}, "size"),
        ("/households", {"org_id": "G1", "head_name": "   "}, "head_name"),
        ("/members", {"org_id": "V1", "name": "甲", "birth_date": "昨天"}, "birth_date"),
        ("/members", {"org_id": "V1", "name": "甲", "phone": "call me"}, "phone"),
        ("/org-units", {"name": "甲", "level": "city", "parent_id": "C"}, "level"),
    ],
    ids=[
        "size-many",
        "org_id-x",
        "lat-north",
        "categories-not-a-list",
        "size-zero",
        "blank-name",
        "birth_date",
        "phone",
        "level",
    ],
)
def test_a_wrongly_typed_field_is_422_naming_the_field(
    county: County, url: str, body: dict[str, Any], field: str
) -> None:
    # Org codes in the table stand for their ids.
    sent = {k: county.org.get(v, v) if k in ("org_id", "parent_id") else v for k, v in body.items()}
    res = county.client.post(API + url, json=sent, headers=admin(county))
    problem(res, 422, "request.validation", field=field)


def test_every_wrongly_typed_field_is_listed(county: County) -> None:
    res = county.client.post(
        f"{API}/households",
        json={"org_id": "x", "head_name": "甲", "size": "many"},
        headers=admin(county),
    )
    body = problem(res, 422, "request.validation")
    assert body["field"] in {"org_id", "size"}
    assert {e["field"] for e in body["errors"]} == {"org_id", "size"}


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("POST", "/households", {"org_id": "G1", "head_name": "甲", "colour": "red"}, "colour"),
        ("PATCH", "/households/H1", {"size": 2, "sise": 3}, "sise"),
        ("POST", "/members", {"org_id": "V1", "name": "甲", "nickname": "小甲"}, "nickname"),
        ("POST", "/org-units", {"name": "甲", "level": "grid", "parent_id": "V1", "x": 1}, "x"),
        ("PUT", "/org-units/C/scheme", {"scheme": "silian", "mode": "fast"}, "mode"),
        ("POST", "/auth/login", {"username": "admin", "password": "x", "otp": "1"}, "otp"),
    ],
    ids=["household", "household-patch", "member", "org-unit", "scheme", "login"],
)
def test_an_unknown_field_is_422(
    county: County, method: str, url: str, body: dict[str, Any], field: str
) -> None:
    url = _resolve(county, url)
    sent = {k: county.org.get(v, v) if k in ("org_id", "parent_id") else v for k, v in body.items()}
    res = county.client.request(method, API + url, json=sent, headers=admin(county))
    refused = problem(res, 422, "request.validation", field=field)
    assert refused["errors"][0]["code"] == "extra_forbidden"


def _resolve(county: County, url: str) -> str:
    """``/households/H1`` → ``/households/<id of H1>``; org codes likewise."""
    parts = url.split("/")
    names = {**county.org, **county.member, **county.household}
    return "/".join(str(names[p]) if p in names else p for p in parts)


# ── Unknown ids and broken references ─────────────────────────────────────────────────────────

NOT_FOUND = {
    "households": "household.not_found",
    "members": "member.not_found",
    "org-units": "org.not_found",
}
PATCHES = {"households": {"size": 2}, "members": {"name": "甲"}, "org-units": {"name": "甲"}}


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
@pytest.mark.parametrize("kind", ["households", "members", "org-units"])
def test_an_unknown_id_is_404(county: County, kind: str, method: str) -> None:
    body = PATCHES[kind] if method == "PATCH" else None
    res = county.client.request(method, f"{API}/{kind}/999999", json=body, headers=admin(county))
    problem(res, 404, NOT_FOUND[kind])


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("/households/2147483648", id="path-2**31"),
        pytest.param("/households?org_id=2147483648", id="query-2**31"),
        pytest.param("/households/9223372036854775808", id="path-2**63"),
        pytest.param("/households?org_id=9223372036854775808", id="query-2**63"),
    ],
)
def test_an_id_too_large_to_exist_is_a_4xx_not_a_crash(county: County, url: str) -> None:
    res = county.client.get(API + url, headers=admin(county))
    assert res.status_code in (404, 422), res.text
    assert res.headers["content-type"] == PROBLEM_JSON


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_a_household_on_an_org_that_is_not_a_grid_is_422(county: County, method: str) -> None:
    village = county.org["V1"]
    if method == "POST":
        res = county.client.post(
            f"{API}/households", json={"org_id": village, "head_name": "甲"}, headers=admin(county)
        )
    else:
        res = county.client.patch(
            f"{API}/households/{county.household['H1']}",
            json={"org_id": village},
            headers=admin(county),
        )
    problem(res, 422, "household.org_not_grid", field="org_id")


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_an_unknown_category_is_422(county: County, method: str) -> None:
    body: dict[str, Any] = {"categories": ["dibao", "no_such_category"]}
    if method == "POST":
        body |= {"org_id": county.org["G1"], "head_name": "甲"}
        res = county.client.post(f"{API}/households", json=body, headers=admin(county))
    else:
        url = f"{API}/households/{county.household['H1']}"
        res = county.client.patch(url, json=body, headers=admin(county))
    problem(res, 422, "household.unknown_category", field="categories")


def test_a_household_on_a_grid_that_does_not_exist_is_404(county: County) -> None:
    res = county.client.post(
        f"{API}/households", json={"org_id": 999999, "head_name": "甲"}, headers=admin(county)
    )
    problem(res, 404, "org.not_found", field="org_id")


def test_a_duplicate_household_external_id_is_409(county: County) -> None:
    res = county.client.post(
        f"{API}/households",
        json={"org_id": county.org["G1"], "head_name": "甲", "external_id": "H2"},
        headers=admin(county),
    )
    problem(res, 409, "external_id.duplicate", field="external_id")


@pytest.mark.parametrize(
    ("method", "field", "value"),
    [("POST", "code", "V1"), ("PATCH", "code", "G1"), ("POST", "external_id", "ORG-C2")],
    ids=["create-code", "rename-code", "create-external_id"],
)
def test_a_duplicate_org_code_or_external_id_is_409(
    county: County, method: str, field: str, value: str
) -> None:
    if method == "POST":
        body = {"name": "甲", "level": "village", "parent_id": county.org["T1"], field: value}
        res = county.client.post(f"{API}/org-units", json=body, headers=admin(county))
    else:
        url = f"{API}/org-units/{county.org['G2']}"
        res = county.client.patch(url, json={field: value}, headers=admin(county))
    assert res.status_code == 409, res.text
    assert res.headers["content-type"] == PROBLEM_JSON
    assert res.json()["field"] == field


# ── Tree moves ────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("target", ["V1", "G1", "T1"], ids=["child", "grandchild", "itself"])
def test_moving_an_org_under_itself_or_its_descendant_is_422(county: County, target: str) -> None:
    paths = {c: county.world.path(c) for c in county.org}
    res = county.client.post(
        f"{API}/org-units/{county.org['T1']}/move",
        json={"parent_id": county.org[target]},
        headers=admin(county),
    )
    problem(res, 422, "org.cyclic_move", field="parent_id")
    assert {c: county.world.path(c) for c in county.org} == paths


def test_moving_an_org_under_a_parent_of_the_wrong_level_is_422(county: County) -> None:
    res = county.client.post(
        f"{API}/org-units/{county.org['V1']}/move",
        json={"parent_id": county.org["V2"]},  # a village under a community
        headers=admin(county),
    )
    problem(res, 422, "org.level_not_allowed", field="parent_id")


# ── Conflicting deletes ───────────────────────────────────────────────────────────────────────


def test_deleting_a_member_who_looks_after_households_is_409(county: County) -> None:
    res = county.client.delete(f"{API}/members/{county.member['M1']}", headers=admin(county))
    assert res.status_code == 409, res.text
    assert res.headers["content-type"] == PROBLEM_JSON


@pytest.mark.parametrize("holder", ["api-key", "user-account"])
def test_deleting_an_org_unit_that_still_holds_a_credential_is_409(
    world: World, plain_client: TestClient, holder: str
) -> None:
    headers = world.headers(Role.ADMIN)
    grid = plain_client.post(
        f"{API}/org-units",
        json={"name": "空网格", "level": "grid", "parent_id": world.org["V1"]},
        headers=headers,
    ).json()["id"]
    if holder == "api-key":
        url, body = "/api-keys", {"name": "k", "org_id": grid, "permissions": ["household:read"]}
    else:
        url = "/users"
        body = {"username": "grid-cadre", "password": PASSWORD, "role": "village_cadre"}
        body["org_id"] = grid
    created = plain_client.post(API + url, json=body, headers=headers)
    assert created.status_code == 201, created.text
    res = plain_client.delete(f"{API}/org-units/{grid}", headers=headers)
    problem(res, 409, "org.not_empty")
    assert plain_client.get(f"{API}/org-units/{grid}", headers=headers).status_code == 200


def test_validation_messages_are_chinese_and_name_each_field(
    world: World, plain_client: TestClient
) -> None:
    # shown under the form field as they come, by our clients and by a county platform's
    res = plain_client.post(
        f"{API}/households",
        json={"org_id": world.org["G1"], "head_name": "", "size": 120, "extra": 1},
        headers=world.headers(Role.ADMIN),
    )
    body = problem(res, 422, "request.validation", field="head_name")
    assert {e["field"]: (e["code"], e["message"]) for e in body["errors"]} == {
        "head_name": ("string_too_short", "至少 1 个字符"),
        "size": ("less_than_equal", "不能大于 99"),
        "extra": ("extra_forbidden", "不认识的字段"),
    }
    assert body["detail"] == "head_name: 至少 1 个字符"
    res = plain_client.post(
        f"{API}/visits",
        json={"household_id": world.household["h1"], "member_id": world.member["m1"]},
        headers=world.headers(Role.MEMBER),
    )
    missing = problem(res, 422, "request.validation")["errors"]
    assert {e["field"]: e["message"] for e in missing} == {"visited_at": "必填", "mode": "必填"}


def test_a_name_with_a_nul_character_is_422(world: World, plain_client: TestClient) -> None:
    res = plain_client.post(
        f"{API}/households",
        json={"org_id": world.org["G1"], "head_name": "李\u0000大山"},
        headers=world.headers(Role.ADMIN),
    )
    problem(res, 422, "request.validation", field="head_name")


# ── Imports ───────────────────────────────────────────────────────────────────────────────────


def upload(county: County, data: bytes, filename: str = "households.csv") -> Response:
    res: Response = county.client.post(
        f"{API}/imports/households",
        files={"file": (filename, data, "text/csv")},
        headers=admin(county),
    )
    return res


def test_duplicate_external_ids_in_one_import_file_are_422_with_row_and_column(
    county: County,
) -> None:
    rows = "户编号,户主姓名,所属网格,家庭人口\nX1,甲,G1,3\nX2,乙,G1,2\nX1,丙,G2,1\nX2,丁,G2,1\n"
    body = problem(upload(county, rows.encode()), 422, "import.rows_invalid", field="file")
    assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [
        (4, "户编号", "import.duplicate_external_id"),
        (5, "户编号", "import.duplicate_external_id"),
    ]


def test_an_import_with_one_bad_row_writes_none_of_the_good_ones(county: County) -> None:
    rows = "户编号,户主姓名,所属网格,家庭人口\nX1,甲,G1,3\nX2,乙,G1,很多\nX3,丙,G9,1\n"
    body = problem(upload(county, rows.encode()), 422, "import.rows_invalid", field="file")
    assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [
        (3, "家庭人口", "import.bad_size"),
        (4, "所属网格", "import.unknown_org"),
    ]


def test_import_errors_name_the_column_as_the_file_heads_it_and_the_cell(county: County) -> None:
    # "人口" is an accepted alias of 家庭人口; the user must find the cell in their own file
    rows = "户主姓名,户编号,所属网格,人口\n甲,X1,G1,3\n乙,X2,G1,很多\n"
    body = problem(upload(county, rows.encode()), 422, "import.rows_invalid", field="file")
    assert [(e["row"], e["column"], e["cell"], e["field"]) for e in body["errors"]] == [
        (3, "人口", "D3", "size"),
    ]


BAD_ENCODINGS = {
    "utf-16-le-without-bom": "户编号,户主姓名,所属网格\nX1,甲,G1\n".encode("utf-16-le"),
    "utf-16-be-without-bom": "户编号,户主姓名,所属网格\nX1,甲,G1\n".encode("utf-16-be"),
    "random-bytes": random.Random(20261125).randbytes(4096),
    "random-bytes-without-nul": bytes(b for b in random.Random(7).randbytes(4096) if b),
}


@pytest.mark.parametrize("data", BAD_ENCODINGS.values(), ids=BAD_ENCODINGS.keys())
def test_a_file_in_an_unexpected_encoding_is_422(county: County, data: bytes) -> None:
    problem(upload(county, data), 422, "import.bad_encoding", field="file")


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("户编号,户主姓名,地址", ["所属网格"]),
        ("户主,家庭人口", ["户编号", "所属网格"]),
    ],
)
def test_missing_required_columns_are_422_naming_each(
    county: County, header: str, missing: list[str]
) -> None:
    data = f"{header}\n" + ",".join("x" for _ in header.split(",")) + "\n"
    body = problem(upload(county, data.encode()), 422, "import.missing_columns", field="file")
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(1, c) for c in missing]


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"", "households.csv", "import.empty_file"),
        ("户编号,户主姓名,所属网格\n".encode(), "households.csv", "import.no_rows"),
        (b"PK\x03\x04 not really a workbook", "households.xlsx", "import.bad_xlsx"),
    ],
    ids=["empty", "header-only", "broken-xlsx"],
)
def test_a_file_without_rows_or_a_broken_workbook_is_422(
    county: County, data: bytes, filename: str, code: str
) -> None:
    problem(upload(county, data, filename), 422, code, field="file")


def test_an_upload_over_the_limit_is_413(county: County) -> None:
    line = "X{},甲,G1\n"
    data = ("户编号,户主姓名,所属网格\n" + "".join(line.format(i) for i in range(200_000))).encode()
    assert len(data) > 2 * 1024 * 1024
    problem(upload(county, data), 413, "import.too_large", field="file")


def test_an_upload_over_the_limit_without_a_declared_length_is_413(county: County) -> None:
    boundary = "lianhu-test-boundary"

    def chunks() -> Iterator[bytes]:  # an iterator body is sent chunked, with no Content-Length
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="households.csv"\r\nContent-Type: text/csv\r\n\r\n'
            "户编号,户主姓名,所属网格\n"
        ).encode()
        for block in range(300):
            yield "".join(f"X{block}-{i},甲,G1\n" for i in range(1000)).encode()
        yield f"\r\n--{boundary}--\r\n".encode()

    res = county.client.post(
        f"{API}/imports/households",
        content=chunks(),
        headers={**admin(county), "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    problem(res, 413, "import.too_large", field="file")


def test_an_import_of_an_unknown_kind_is_422(county: County) -> None:
    res = county.client.post(
        f"{API}/imports/pets",
        files={"file": ("pets.csv", b"a,b\n1,2\n", "text/csv")},
        headers=admin(county),
    )
    problem(res, 422, "request.validation", field="kind")


# ── Credentials ───────────────────────────────────────────────────────────────────────────────


def _now(county: County) -> Any:
    clock: Clock = county.app.state.clock
    return clock.now


@pytest.mark.parametrize(
    "ended", [timedelta(hours=1), timedelta(seconds=1), timedelta(0)], ids=["1h", "1s", "now"]
)
def test_an_expired_token_is_401(county: County, ended: timedelta) -> None:
    token = county.world.token(
        Role.ADMIN, at=_now(county) - ended - timedelta(minutes=15), ttl=timedelta(minutes=15)
    )
    res = county.client.get(f"{API}/households", headers={"Authorization": f"Bearer {token}"})
    problem(res, 401, "auth.token_expired")
    assert res.headers["www-authenticate"] == "Bearer"


def test_a_token_expiring_a_second_from_now_still_works(county: County) -> None:
    token = county.world.token(
        Role.ADMIN, at=_now(county) - timedelta(minutes=15), ttl=timedelta(minutes=15, seconds=1)
    )
    res = county.client.get(f"{API}/households", headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 200, res.text


def _flip(segment: str, at: int) -> str:
    return segment[:at] + ("A" if segment[at] != "A" else "B") + segment[at + 1 :]


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _tampered(county: County, how: str) -> str:
    token = county.world.token(Role.VILLAGE_CADRE)
    head, payload, signature = token.split(".")
    if how == "signature":
        # Not the last character: its low bits are padding a decoder may ignore.
        return f"{head}.{payload}.{_flip(signature, len(signature) // 2)}"
    if how == "payload":
        return f"{head}.{_flip(payload, len(payload) // 2)}.{signature}"
    claims = jwt.decode(token, options={"verify_signature": False})
    claims |= {"role": "admin", "org": "/"}  # a village cadre promoting themself
    if how == "claims":
        return f"{head}.{_b64(claims)}.{signature}"
    if how == "alg-none":
        return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    return jwt.encode(claims, "an-attacker-s-own-secret-of-32-bytes!!", algorithm="HS256")


@pytest.mark.parametrize("how", ["signature", "payload", "claims", "alg-none", "other-secret"])
def test_a_tampered_token_is_401(county: County, how: str) -> None:
    headers = {"Authorization": f"Bearer {_tampered(county, how)}"}
    problem(county.client.get(f"{API}/households", headers=headers), 401, "auth.token_invalid")
    res = county.client.post(
        f"{API}/households",
        json={"org_id": county.org["G3"], "head_name": "甲"},
        headers=headers,
    )
    problem(res, 401, "auth.token_invalid")


@pytest.mark.parametrize(
    "key",
    ["garbage", "lh_deadbeef0000_not-a-real-secret", "lh__", ""],
    ids=["garbage", "well-formed-unknown", "empty-parts", "empty"],
)
def test_a_garbage_api_key_is_401(county: County, key: str) -> None:
    res = county.client.get(f"{API}/households", headers={"X-API-Key": key})
    problem(res, 401, "auth.api_key_invalid" if key else "auth.required")


def test_a_real_key_prefix_with_a_wrong_secret_is_401(county: County) -> None:
    _, full = county.key["T1"]
    res = county.client.get(f"{API}/households", headers={"X-API-Key": full[:-4] + "abcd"})
    problem(res, 401, "auth.api_key_invalid")


def test_no_credentials_is_401(county: County) -> None:
    problem(county.client.get(f"{API}/households"), 401, "auth.required")


def test_an_api_key_used_outside_its_scope_is_404_and_beyond_its_permissions_403(
    county: County,
) -> None:
    _, full = county.key["T1"]  # household:read over T1
    key = {"X-API-Key": full}
    for outside in ("H4", "H5"):
        res = county.client.get(f"{API}/households/{county.household[outside]}", headers=key)
        problem(res, 404, "household.not_found")
    res = county.client.get(f"{API}/households?org_id={county.org['T2']}", headers=key)
    problem(res, 404, "org.not_found", field="org_id")
    for method, url, body in [
        ("PATCH", f"/households/{county.household['H1']}", {"size": 2}),
        ("POST", "/households", {"org_id": county.org["G1"], "head_name": "甲"}),
        ("DELETE", f"/households/{county.household['H1']}", None),
        ("GET", "/members", None),
        ("GET", f"/org-units/{county.org['T1']}", None),
        ("GET", "/exports/households", None),
    ]:
        res = county.client.request(method, API + url, json=body, headers=key)
        problem(res, 403, "auth.permission_denied")


# ── List windows ──────────────────────────────────────────────────────────────────────────────

LISTS = ["/org-units", "/members", "/households", "/audit", "/users"]
WINDOWS = {
    "limit=0": ("limit", "request.validation"),
    "limit=100000": ("limit", "request.validation"),
    "offset=-1": ("offset", "request.validation"),
    "sort=nonexistent": ("sort", "request.validation"),  # each list's sort is an enum
}


@pytest.mark.parametrize(
    ("url", "query"),
    [(url, query) for url in LISTS for query in WINDOWS],
)
def test_a_list_window_out_of_bounds_is_422_naming_the_parameter(
    county: County, url: str, query: str
) -> None:
    field, code = WINDOWS[query]
    res = county.client.get(f"{API}{url}?{query}", headers=admin(county))
    problem(res, 422, code, field=field)


# ── Failed logins lock the account ────────────────────────────────────────────────────────────


def login(client: TestClient, password: str, username: str = "admin") -> Response:
    body = {"username": username, "password": password}
    res: Response = client.post(f"{API}/auth/login", json=body)
    return res


def _fail_five_times(client: TestClient) -> Response:
    for _ in range(4):
        problem(login(client, "wrong-password"), 401, "auth.bad_credentials")
    return login(client, "wrong-password")


def test_five_failed_logins_lock_the_account_even_against_the_right_password(
    plain_client: TestClient,
) -> None:
    fifth = _fail_five_times(plain_client)
    problem(fifth, 429, "auth.account_locked")
    assert 0 < int(fifth.headers["retry-after"]) <= 15 * 60 + 1
    for password in (PASSWORD, "wrong-password"):
        res = login(plain_client, password)
        problem(res, 429, "auth.account_locked")
        assert 0 < int(res.headers["retry-after"]) <= 15 * 60 + 1
    assert login(plain_client, PASSWORD, username="auditor").status_code == 200


def test_a_locked_account_opens_again_once_the_lock_expires(
    plain_client: TestClient, clock: Clock
) -> None:
    problem(_fail_five_times(plain_client), 429, "auth.account_locked")
    clock.advance(minutes=14)
    problem(login(plain_client, PASSWORD), 429, "auth.account_locked")
    clock.advance(minutes=2)
    res = login(plain_client, PASSWORD)
    assert res.status_code == 200, res.text
    assert res.json()["role"] == "admin"


def test_an_unknown_username_is_401_like_a_wrong_password(plain_client: TestClient) -> None:
    problem(login(plain_client, PASSWORD, username="nobody"), 401, "auth.bad_credentials")


def test_deleting_a_member_named_by_a_visit_is_409_not_a_crash(
    world: World, plain_client: TestClient
) -> None:
    """Found by fuzzing: a member with no assignment but with history elsewhere (here a visit
    the branch logged on their behalf) used to reach the database's foreign key as a 500."""
    headers = world.headers(Role.ADMIN)
    plain_client.put(
        f"{API}/org-units/{world.org['C']}/scheme", json={"scheme": "one_six_n"}, headers=headers
    )
    helper = plain_client.post(
        f"{API}/members", json={"name": "赵帮手", "org_id": world.org["V1"]}, headers=headers
    ).json()["id"]
    visit = plain_client.post(
        f"{API}/visits",
        json={
            "member_id": helper,
            "household_id": world.household["h1"],
            "visited_at": "2026-11-25T01:00:00+00:00",
            "mode": "phone",
        },
        headers=world.headers(Role.BRANCH_SECRETARY),
    )
    assert visit.status_code == 201, visit.text
    res = plain_client.delete(f"{API}/members/{helper}", headers=headers)
    problem(res, 409, "member.in_use")
    assert "历史" in res.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "/households?offset=99999999999999999999",
        "/users?offset=99999999999999999999",
        "/assignment-proposals/1/pairs?offset=99999999999999999999",
    ],
)
def test_an_offset_too_large_for_the_database_is_422(county: County, url: str) -> None:
    """Found by fuzzing: SQLite cannot take an offset past 64 bits."""
    res = county.client.get(API + url, headers=admin(county))
    problem(res, 422, "request.validation", field="offset")


def test_a_category_label_wider_than_its_column_is_422_on_both_databases(
    county: County,
) -> None:
    """Found by fuzzing on PostgreSQL, which refuses a value longer than the column (SQLite
    stores it): the API's limit is now the column's."""
    res = county.client.post(
        f"{API}/categories", json={"code": "wide", "label": "长" * 41}, headers=admin(county)
    )
    problem(res, 422, "request.validation", field="label")
