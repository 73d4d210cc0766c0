"""Who sees and changes what: every account role × resource × action, inside and outside scope.

The expectations are written out by hand (``GRANTS`` in tests/grants.py; ``HOME``, the tree
and the visible sets below), read off ``domain.access.ROLE_PERMISSIONS`` and the scope rules;
the app's own permission code is never asked, so a change on either side shows up here. Each
role's grants are checked whole against what ``/auth/me`` answers. The rules:

* a single object outside the caller's subtree is 404, exactly like one that does not exist;
* a list holds exactly the rows in scope (an ordinary member: their own record and households);
* a role without the permission gets 403 ``auth.permission_denied``;
* a write reaching outside the subtree is 404 and changes nothing;
* roles without ``personal:read`` get masked phones and addresses, no coordinates, and no
  sensitive categories.

Reads and refused writes share one county per module (``county``): building it costs far more than
the checks, and a refusal must leave it exactly as it was anyway. A case that leaves any register
changed fails (tests/e2e/conftest.py): a refused write that wrote something is caught there; the
writes meant to succeed run on a world of their own (``client``, ``world``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import text

from domain.kernel.access import Role
from domain.kernel.org import OrgLevel
from tests.builders import ROLE_HOME, World, a_household, a_member, an_org, root_headers
from tests.e2e.county import (
    API,
    KEY_ORGS,
    LEVEL,
    County,
    csv_rows,
    names_in,
    ok,
    problem,
    registers,
)
from tests.grants import GRANTS

# ── The expectation table ─────────────────────────────────────────────────────────────────────

# Where each role's user sits (tests.builders.ROLE_HOME; checked against it below).
HOME: dict[Role, str] = {
    Role.ADMIN: "C",
    Role.COUNTY_CADRE: "C",
    Role.AUDITOR: "T1",
    Role.TOWNSHIP_CADRE: "T1",
    Role.BRANCH_SECRETARY: "V1",
    Role.VILLAGE_CADRE: "V1",
    Role.GROUP_LEADER: "G1",
    Role.MEMBER: "V1",
}

# The builders' county C plus a second county C2 that nobody in the world may see, one member
# registered on a grid (M4 on G1) so the group leader has a member in scope, and API keys.
#
#   C ─ T1 ─ V1 ─ G1 (H1 H2, M4)      C2 ─ T3 ─ V3 ─ G4 (H5)
#        │     └─ G2 (H3)                        └─ (M5 in V3)
#        └ (M1 M2 in V1)
#     ─ T2 ─ V2 ─ G3 (H4)  (M3 in V2)
SUBTREE: dict[str, frozenset[str]] = {
    "C": frozenset({"C", "T1", "V1", "G1", "G2", "T2", "V2", "G3"}),
    "T1": frozenset({"T1", "V1", "G1", "G2"}),
    "V1": frozenset({"V1", "G1", "G2"}),
    "G1": frozenset({"G1"}),
}
MEMBER_ORG = {"M1": "V1", "M2": "V1", "M3": "V2", "M4": "G1", "M5": "V3"}
HOUSEHOLD_GRID = {"H1": "G1", "H2": "G1", "H3": "G2", "H4": "G3", "H5": "G4"}

# The ordinary member's user is m1 (M1), who looks after H1 and H2.
OWN_MEMBER = frozenset({"M1"})
OWN_HOUSEHOLDS = frozenset({"H1", "H2"})

KINDS = ("org_units", "members", "households")
ALL_NAMES: dict[str, frozenset[str]] = {
    "org_units": frozenset(LEVEL),
    "members": frozenset(MEMBER_ORG),
    "households": frozenset(HOUSEHOLD_GRID),
}
NOT_FOUND_CODE = {
    "org_units": "org.not_found",
    "members": "member.not_found",
    "households": "household.not_found",
}


def visible(role: Role, kind: str) -> frozenset[str]:
    """Codes (org units) or external ids (members, households) the role may see."""
    tree = SUBTREE[HOME[role]]
    if kind == "org_units":
        return tree
    if kind == "members":
        if role is Role.MEMBER:
            return OWN_MEMBER
        return frozenset(m for m, org in MEMBER_ORG.items() if org in tree)
    if role is Role.MEMBER:
        return OWN_HOUSEHOLDS
    return frozenset(h for h, grid in HOUSEHOLD_GRID.items() if grid in tree)


def can(role: Role, permission: str) -> bool:
    return permission in GRANTS[role]


def test_the_expectation_table_places_users_where_the_world_does() -> None:
    assert HOME == ROLE_HOME
    assert set(GRANTS) == set(Role)
    assert visible(Role.MEMBER, "households") == {"H1", "H2"}
    assert visible(Role.TOWNSHIP_CADRE, "households") == {"H1", "H2", "H3"}
    assert visible(Role.COUNTY_CADRE, "members") == {"M1", "M2", "M3", "M4"}


ROLES = list(Role)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_holds_exactly_the_expected_grants(county: County, role: Role) -> None:
    me = ok(county.client.get(f"{API}/auth/me", headers=county.headers(role)))
    assert set(me["permissions"]) == GRANTS[role]


URL = {"org_units": "/org-units", "members": "/members", "households": "/households"}

# ── Reads: one object, lists, schemes ─────────────────────────────────────────────────────────


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ROLES)
def test_role_reads_every_object_inside_its_scope(county: County, role: Role, kind: str) -> None:
    for name in sorted(visible(role, kind)):
        res = county.client.get(
            f"{API}{URL[kind]}/{county.id_of(kind, name)}", headers=county.headers(role)
        )
        assert names_in(kind, [ok(res)]) == {name}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ROLES)
def test_role_gets_404_for_every_object_outside_its_scope_exactly_as_for_a_missing_one(
    county: County, role: Role, kind: str
) -> None:
    headers = county.headers(role)
    missing = problem(
        county.client.get(f"{API}{URL[kind]}/999999", headers=headers), 404, NOT_FOUND_CODE[kind]
    )
    for name in sorted(ALL_NAMES[kind] - visible(role, kind)):
        object_id = county.id_of(kind, name)
        body = problem(
            county.client.get(f"{API}{URL[kind]}/{object_id}", headers=headers),
            404,
            NOT_FOUND_CODE[kind],
        )
        # Nothing tells an object out of reach from one that does not exist.
        assert body["title"] == missing["title"]
        assert body["detail"].replace(str(object_id), "#") == missing["detail"].replace(
            "999999", "#"
        )
        assert set(body) == set(missing)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ROLES)
def test_role_lists_exactly_the_rows_inside_its_scope(
    county: County, role: Role, kind: str
) -> None:
    page = ok(county.client.get(f"{API}{URL[kind]}?limit=500", headers=county.headers(role)))
    assert names_in(kind, page["data"]) == visible(role, kind)
    assert page["total"] == len(visible(role, kind))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ROLES)
def test_role_cannot_list_the_rows_of_an_org_outside_its_scope(
    county: County, role: Role, kind: str
) -> None:
    headers = county.headers(role)
    param = "under" if kind == "org_units" else "org_id"
    for code in sorted(ALL_NAMES["org_units"] - visible(role, "org_units")):
        res = county.client.get(f"{API}{URL[kind]}?{param}={county.org[code]}", headers=headers)
        problem(res, 404, "org.not_found")


@pytest.mark.parametrize("role", ROLES)
def test_role_reads_the_scheme_only_of_org_units_inside_its_scope(
    county: County, role: Role
) -> None:
    headers = county.headers(role)
    for code in sorted(visible(role, "org_units")):
        res = county.client.get(f"{API}/org-units/{county.org[code]}/scheme", headers=headers)
        assert ok(res)["code"] == "one_six_n"  # bound at C, inherited below
    for code in sorted(ALL_NAMES["org_units"] - visible(role, "org_units")):
        res = county.client.get(f"{API}/org-units/{county.org[code]}/scheme", headers=headers)
        problem(res, 404, "org.not_found")


def test_a_township_cadre_cannot_see_the_other_township(county: County) -> None:
    headers = county.headers(Role.TOWNSHIP_CADRE)
    problem(county.client.get(f"{API}/org-units/{county.org['T2']}", headers=headers), 404)
    problem(county.client.get(f"{API}/households/{county.household['H4']}", headers=headers), 404)
    problem(county.client.get(f"{API}/members/{county.member['M3']}", headers=headers), 404)
    listed = ok(county.client.get(f"{API}/households", headers=headers))["data"]
    assert "H4" not in names_in("households", listed)


def test_a_member_sees_only_their_own_record_and_the_households_they_look_after(
    county: County,
) -> None:
    headers = county.headers(Role.MEMBER)
    members = ok(county.client.get(f"{API}/members", headers=headers))["data"]
    assert [m["id"] for m in members] == [county.member["M1"]]
    households = ok(county.client.get(f"{API}/households", headers=headers))["data"]
    assert names_in("households", households) == {"H1", "H2"}
    # H3 lies in the member's own village but is looked after by nobody: out of reach.
    problem(county.client.get(f"{API}/households/{county.household['H3']}", headers=headers), 404)
    problem(county.client.get(f"{API}/members/{county.member['M2']}", headers=headers), 404)


# ── Personal data ─────────────────────────────────────────────────────────────────────────────

H1_REAL = {
    "phone": "13812345678",
    "address": "李家村3组12号",
    "lat": 30.75,
    "lng": 120.75,
    "categories": ["dibao"],
    "masked": False,
}


def assert_household_shown_to(role: Role, shown: dict[str, Any]) -> None:
    if can(role, "personal:read"):
        assert {k: shown[k] for k in H1_REAL} == H1_REAL
        return
    assert shown["phone"] == "*******5678"
    assert shown["address"] != H1_REAL["address"]
    assert "****" in shown["address"] and "12号" not in shown["address"]
    assert shown["lat"] is None and shown["lng"] is None
    assert shown["categories"] == []  # dibao (低保) is sensitive
    assert shown["masked"] is True


@pytest.mark.parametrize("role", ROLES)
def test_household_personal_data_is_masked_unless_the_role_may_read_it(
    county: County, role: Role
) -> None:
    headers = county.headers(role)
    one = ok(county.client.get(f"{API}/households/{county.household['H1']}", headers=headers))
    assert_household_shown_to(role, one)
    listed = ok(county.client.get(f"{API}/households", headers=headers))["data"]
    assert_household_shown_to(role, next(h for h in listed if h["external_id"] == "H1"))


@pytest.mark.parametrize("role", ROLES)
def test_member_phone_is_masked_unless_the_role_may_read_personal_data(
    county: County, role: Role
) -> None:
    name = "M4" if role is Role.GROUP_LEADER else "M1"
    real = {"M1": "13900001111", "M4": "13900004444"}[name]
    shown = ok(
        county.client.get(f"{API}/members/{county.member[name]}", headers=county.headers(role))
    )
    if can(role, "personal:read"):
        assert (shown["phone"], shown["phone_masked"]) == (real, False)
    else:
        assert (shown["phone"], shown["phone_masked"]) == (f"*******{real[-4:]}", True)


@pytest.mark.parametrize("category", ("dibao", "低保"))
@pytest.mark.parametrize("role", ROLES)
def test_filtering_by_a_sensitive_category_needs_personal_read(
    county: County, role: Role, category: str
) -> None:
    res = county.client.get(
        f"{API}/households", params={"category": category}, headers=county.headers(role)
    )
    if can(role, "personal:read"):
        assert names_in("households", ok(res)["data"]) == {"H1"}
    else:
        problem(res, 403, "household.sensitive_filter")


# ── Audit log, exports, imports, API keys ─────────────────────────────────────────────────────


@pytest.mark.parametrize("role", ROLES)
def test_audit_log_is_readable_only_with_audit_read_and_only_inside_scope(
    county: County, role: Role
) -> None:
    headers = county.headers(role)
    res = county.client.get(
        f"{API}/audit",
        params={"entity": "household", "action": "create", "limit": 500},
        headers=headers,
    )
    if not can(role, "audit:read"):
        problem(res, 403, "auth.permission_denied")
        return
    # Entries for households created (and deleted again) by earlier cases are left aside.
    named = {county.household[h]: h for h in ALL_NAMES["households"]}
    created = {int(r["entity_id"]) for r in ok(res)["data"]}
    assert {named[i] for i in created if i in named} == visible(role, "households")
    home_path = county.world.path(HOME[role])
    everything = ok(county.client.get(f"{API}/audit?limit=500", headers=headers))["data"]
    assert everything and all(r["org_path"].startswith(home_path) for r in everything)
    for code in sorted(ALL_NAMES["org_units"] - visible(role, "org_units")):
        res = county.client.get(f"{API}/audit?org_id={county.org[code]}", headers=headers)
        problem(res, 404, "org.not_found")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ROLES)
def test_export_holds_exactly_the_rows_inside_scope(county: County, role: Role, kind: str) -> None:
    res = county.client.get(f"{API}/exports/{kind}", headers=county.headers(role))
    if not can(role, "data:export"):
        problem(res, 403, "auth.permission_denied")
        return
    _header, *rows = csv_rows(res)
    assert {row[0] for row in rows} == visible(role, kind)


@pytest.mark.parametrize("role", [r for r in ROLES if can(r, "data:export")])
def test_export_masks_personal_data_unless_the_role_may_read_it(county: County, role: Role) -> None:
    header, *rows = csv_rows(
        county.client.get(f"{API}/exports/households", headers=county.headers(role))
    )
    h1 = dict(zip(header, next(r for r in rows if r[0] == "H1"), strict=True))
    if can(role, "personal:read"):
        assert (h1["手机号"], h1["地址"], h1["户类"]) == ("13812345678", "李家村3组12号", "低保")
        assert (h1["纬度"], h1["经度"]) == ("30.75", "120.75")
    else:
        assert h1["手机号"] == "*******5678"
        assert "12号" not in h1["地址"] and "****" in h1["地址"]
        assert (h1["纬度"], h1["经度"], h1["户类"]) == ("", "", "")


def upload(client: TestClient, role: Role, county: County, body: str) -> Response:
    res: Response = client.post(
        f"{API}/imports/households",
        files={"file": ("households.csv", body.encode("utf-8"), "text/csv")},
        headers=county.headers(role),
    )
    return res


OUTSIDE_GRID = {"C": "G4", "T1": "G3", "V1": "G3", "G1": "G2"}


@pytest.mark.parametrize("role", ROLES)
def test_import_naming_a_grid_outside_scope_is_refused_and_writes_nothing(
    county: County, role: Role
) -> None:
    before = county.state()
    grid = OUTSIDE_GRID[HOME[role]]
    res = upload(county.client, role, county, f"户编号,户主姓名,所属网格\nX1,冯八,{grid}\n")
    if not can(role, "data:import"):
        problem(res, 403, "auth.permission_denied")
    else:
        body = problem(res, 422, "import.rows_invalid")
        assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [
            (2, "所属网格", "import.unknown_org")
        ]
    assert county.state() == before


@pytest.mark.parametrize("role", [r for r in ROLES if can(r, "data:import")])
def test_import_cannot_take_over_a_household_outside_scope(county: County, role: Role) -> None:
    before = county.state()
    outside = sorted(ALL_NAMES["households"] - visible(role, "households"))[0]
    res = upload(county.client, role, county, f"户编号,户主姓名,所属网格\n{outside},冯八,G1\n")
    body = problem(res, 422, "import.rows_invalid")
    assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [
        (2, "户编号", "import.external_id_taken")
    ]
    assert county.state() == before


@pytest.mark.parametrize("role", ROLES)
def test_api_keys_are_listed_only_for_user_admins_and_only_inside_scope(
    county: County, role: Role
) -> None:
    res = county.client.get(f"{API}/api-keys", headers=county.headers(role))
    if not can(role, "user:admin"):
        problem(res, 403, "auth.permission_denied")
        return
    listed = {k["name"] for k in ok(res)}
    assert listed == {f"key-{code}" for code in KEY_ORGS if code in visible(role, "org_units")}


# ── Writes: outside scope (404), without permission (403), inside scope (done) ────────────────


class Targets(NamedTuple):
    org: str  # an org unit to rename, move or delete
    parent: str  # an org unit to create under, bind a scheme to, or give a key to
    grid: str
    member: str
    household: str
    key: str  # the org of an API key to revoke


INSIDE: dict[str, Targets] = {
    "C": Targets("T1", "C", "G1", "M1", "H1", "G1"),
    "T1": Targets("V1", "T1", "G1", "M1", "H1", "G1"),
    "V1": Targets("G1", "V1", "G1", "M1", "H1", "G1"),
    "G1": Targets("G1", "G1", "G1", "M4", "H1", "G1"),
}
OUTSIDE: dict[str, Targets] = {
    "C": Targets("T3", "C2", "G4", "M5", "H5", "C2"),
    "T1": Targets("V2", "T2", "G3", "M3", "H4", "T2"),
    "V1": Targets("G3", "V2", "G3", "M3", "H4", "T2"),
    "G1": Targets("G2", "G2", "G2", "M1", "H3", "T1"),
}
CHILD_LEVEL = {
    OrgLevel.COUNTY: OrgLevel.TOWNSHIP,
    OrgLevel.TOWNSHIP: OrgLevel.VILLAGE,
    OrgLevel.VILLAGE: OrgLevel.GRID,
    OrgLevel.COMMUNITY: OrgLevel.GRID,
    OrgLevel.GRID: OrgLevel.PARTY_GROUP,
}

Request = tuple[str, str, dict[str, Any] | None]


@dataclass(frozen=True)
class Write:
    permission: str
    # (county, targets in scope, targets that are outside it in the out-of-scope case)
    build: Callable[[County, Targets, Targets], Request]


def _new_org(c: County, parent: str) -> dict[str, Any]:
    return {"name": "新设组织", "level": CHILD_LEVEL[LEVEL[parent]], "parent_id": c.org[parent]}


WRITES: dict[str, Write] = {
    "create_org_unit": Write(
        "org:write", lambda c, _, o: ("POST", "/org-units", _new_org(c, o.parent))
    ),
    "rename_org_unit": Write(
        "org:write", lambda c, _, o: ("PATCH", f"/org-units/{c.org[o.org]}", {"name": "改名"})
    ),
    "move_org_unit_out_of_scope": Write(
        "org:write",
        lambda c, i, o: (
            "POST",
            f"/org-units/{c.org[i.org]}/move",
            {"parent_id": c.org[o.parent]},
        ),
    ),
    "move_org_unit_into_scope": Write(
        "org:write",
        lambda c, i, o: (
            "POST",
            f"/org-units/{c.org[o.org]}/move",
            {"parent_id": c.org[i.parent]},
        ),
    ),
    "delete_org_unit": Write(
        "org:write", lambda c, _, o: ("DELETE", f"/org-units/{c.org[o.org]}", None)
    ),
    "create_member": Write(
        "member:write",
        lambda c, _, o: ("POST", "/members", {"org_id": c.org[o.parent], "name": "新党员"}),
    ),
    "update_member": Write(
        "member:write",
        lambda c, _, o: ("PATCH", f"/members/{c.member[o.member]}", {"phone": "13700000000"}),
    ),
    "move_member_out_of_scope": Write(
        "member:write",
        lambda c, i, o: ("PATCH", f"/members/{c.member[i.member]}", {"org_id": c.org[o.parent]}),
    ),
    "delete_member": Write(
        "member:write", lambda c, _, o: ("DELETE", f"/members/{c.member[o.member]}", None)
    ),
    "create_household": Write(
        "household:write",
        lambda c, _, o: ("POST", "/households", {"org_id": c.org[o.grid], "head_name": "新户"}),
    ),
    "update_household": Write(
        "household:write",
        lambda c, _, o: ("PATCH", f"/households/{c.household[o.household]}", {"size": 7}),
    ),
    "move_household_out_of_scope": Write(
        "household:write",
        lambda c, i, o: (
            "PATCH",
            f"/households/{c.household[i.household]}",
            {"org_id": c.org[o.grid]},
        ),
    ),
    "delete_household": Write(
        "household:write",
        lambda c, _, o: ("DELETE", f"/households/{c.household[o.household]}", None),
    ),
    "bind_scheme": Write(
        "scheme:write",
        lambda c, _, o: ("PUT", f"/org-units/{c.org[o.parent]}/scheme", {"scheme": "wuge_daohu"}),
    ),
    "create_api_key": Write(
        "user:admin",
        lambda c, _, o: (
            "POST",
            "/api-keys",
            {"name": "新密钥", "org_id": c.org[o.parent], "permissions": ["household:read"]},
        ),
    ),
    "create_user": Write(
        "user:admin",
        lambda c, _, o: (
            "POST",
            "/users",
            {"username": "new.user", "password": "long-enough-1", "role": "village_cadre"}
            | {"org_id": c.org[o.parent]},
        ),
    ),
    "create_user_for_a_member_outside_scope": Write(
        "user:admin",
        lambda c, i, o: (
            "POST",
            "/users",
            {"username": "new.member", "password": "long-enough-1", "role": "member"}
            | {"org_id": c.org[i.parent], "member_id": c.member[o.member]},
        ),
    ),
    "revoke_api_key": Write(
        "user:admin", lambda c, _, o: ("DELETE", f"/api-keys/{c.key[o.key][0]}", None)
    ),
}


def send(county: County, role: Role, request: Request) -> Response:
    method, url, body = request
    res: Response = county.client.request(
        method, API + url, json=body, headers=county.headers(role)
    )
    return res


@pytest.mark.parametrize(
    ("role", "action"),
    [(r, a) for r in ROLES for a, w in WRITES.items() if can(r, w.permission)],
)
def test_write_reaching_outside_scope_is_404_and_changes_nothing(
    county: County, role: Role, action: str
) -> None:
    home = HOME[role]
    before = county.state()
    res = send(county, role, WRITES[action].build(county, INSIDE[home], OUTSIDE[home]))
    assert problem(res, 404)["code"].endswith(".not_found")
    assert county.state() == before


@pytest.mark.parametrize(
    ("role", "action"),
    [(r, a) for r in ROLES for a, w in WRITES.items() if not can(r, w.permission)],
)
def test_write_without_the_permission_is_403_and_changes_nothing(
    county: County, role: Role, action: str
) -> None:
    home = HOME[role]
    before = county.state()
    res = send(county, role, WRITES[action].build(county, INSIDE[home], INSIDE[home]))
    problem(res, 403, "auth.permission_denied")
    assert county.state() == before


def _lifecycle(
    county: County, role: Role, url: str, create: dict[str, Any], change: dict[str, Any]
) -> None:
    """Create, read, change and delete one record inside scope; the county ends as it began."""
    headers = county.headers(role)
    before = registers(county.app)
    created = ok(county.client.post(API + url, json=create, headers=headers), 201)
    item = f"{API}{url}/{created['id']}"
    assert ok(county.client.get(item, headers=headers))["id"] == created["id"]
    changed = ok(county.client.patch(item, json=change, headers=headers))
    assert {k: changed[k] for k in change} == change
    assert county.client.delete(item, headers=headers).status_code == 204
    problem(county.client.get(item, headers=headers), 404)
    assert registers(county.app) == before


@pytest.mark.parametrize("role", [r for r in ROLES if can(r, "org:write")])
def test_role_with_org_write_creates_renames_and_deletes_org_units_inside_scope(
    county: County, role: Role
) -> None:
    parent = INSIDE[HOME[role]].parent
    _lifecycle(county, role, "/org-units", _new_org(county, parent), {"name": "新名称"})


@pytest.mark.parametrize("role", [r for r in ROLES if can(r, "member:write")])
def test_role_with_member_write_creates_changes_and_deletes_members_inside_scope(
    county: County, role: Role
) -> None:
    org = county.org[INSIDE[HOME[role]].parent]
    create = {"org_id": org, "name": "新党员", "phone": "13700000001"}
    _lifecycle(county, role, "/members", create, {"name": "改名党员"})


@pytest.mark.parametrize("role", [r for r in ROLES if can(r, "household:write")])
def test_role_with_household_write_creates_changes_and_deletes_households_inside_scope(
    county: County, role: Role
) -> None:
    grid = county.org[INSIDE[HOME[role]].grid]
    create = {"org_id": grid, "head_name": "新户", "phone": "13700000003", "categories": ["dibao"]}
    _lifecycle(county, role, "/households", create, {"size": 5, "building": "3栋"})


@pytest.mark.parametrize("role", [r for r in ROLES if can(r, "data:import")])
def test_role_with_import_imports_households_onto_grids_inside_scope(
    county: County, role: Role
) -> None:
    headers = county.headers(role)
    res = upload(county.client, role, county, "户编号,户主姓名,所属网格,户类\nX1,冯八,G1,低保\n")
    assert ok(res)["created"] == 1
    listed = ok(county.client.get(f"{API}/households?q=冯八", headers=headers))
    assert names_in("households", listed["data"]) == {"X1"}
    assert listed["data"][0]["org_id"] == county.org["G1"]
    # 低保 is sensitive: shown only to roles that may read personal data.
    assert listed["data"][0]["categories"] == (["dibao"] if can(role, "personal:read") else [])
    # Leave the county as it was for the next case.
    res = county.client.delete(f"{API}/households/{listed['data'][0]['id']}", headers=headers)
    assert res.status_code == 204


@pytest.mark.parametrize("role", [r for r in ROLES if can(r, "scheme:write")])
def test_role_with_scheme_write_binds_a_scheme_inside_scope(
    client: TestClient, world: World, role: Role
) -> None:
    """A write meant to succeed: on a world of its own, not the shared county."""
    headers = world.headers(role)
    t1 = world.org["T1"]
    res = client.put(f"{API}/org-units/{t1}/scheme", json={"scheme": "wuge_daohu"}, headers=headers)
    assert ok(res)["code"] == "wuge_daohu"
    below = ok(client.get(f"{API}/org-units/{world.org['G1']}/scheme", headers=headers))
    assert below["code"] == "wuge_daohu"


@pytest.mark.parametrize("role", [r for r in ROLES if can(r, "user:admin")])
def test_no_one_grants_a_permission_or_role_they_do_not_hold(county: County, role: Role) -> None:
    headers = county.headers(role)
    before = county.state()
    lacking = sorted({"audit:read", "personal:read", "household:read", "org:write"} - GRANTS[role])
    for permission in lacking:  # e.g. a county cadre has neither audit:read nor personal:read
        res = county.client.post(
            f"{API}/api-keys",
            json={"name": "k", "org_id": county.org["T1"], "permissions": [permission]},
            headers=headers,
        )
        problem(res, 403, "api_key.permission_escalation")
    if county.world.path(HOME[role]) != "/":  # only a root administrator creates administrators
        res = county.client.post(
            f"{API}/users",
            json={"username": "new.admin", "password": "long-enough-1", "role": "admin"}
            | {"org_id": county.org["T1"]},
            headers=headers,
        )
        problem(res, 403, "user.admin_requires_admin")
    assert county.state() == before


# ── API keys ──────────────────────────────────────────────────────────────────────────────────


def test_api_key_reaches_only_its_org_subtree_and_its_permissions(county: County) -> None:
    key = {"X-API-Key": county.key["T1"][1]}  # the county's key of T1: household:read
    listed = ok(county.client.get(f"{API}/households", headers=key))["data"]
    assert names_in("households", listed) == {"H1", "H2", "H3"}
    # No personal:read on the key: masked like a supervising cadre's view.
    assert_household_shown_to(
        Role.TOWNSHIP_CADRE, next(h for h in listed if h["external_id"] == "H1")
    )
    problem(county.client.get(f"{API}/households/{county.household['H4']}", headers=key), 404)
    problem(county.client.get(f"{API}/households/{county.household['H5']}", headers=key), 404)
    before = county.state()
    res = county.client.post(
        f"{API}/households", json={"org_id": county.org["G1"], "head_name": "新户"}, headers=key
    )
    problem(res, 403, "auth.permission_denied")
    res = county.client.patch(
        f"{API}/households/{county.household['H1']}", json={"size": 9}, headers=key
    )
    problem(res, 403, "auth.permission_denied")
    assert county.state() == before
    problem(county.client.get(f"{API}/members", headers=key), 403, "auth.permission_denied")
    problem(county.client.get(f"{API}/org-units", headers=key), 403, "auth.permission_denied")


def test_a_revoked_api_key_is_refused_with_401(client: TestClient, world: World) -> None:
    """A revocation is a write meant to succeed: on a world of its own."""
    admin = world.headers(Role.ADMIN)
    body = {"name": "对接平台", "org_id": world.org["T1"], "permissions": ["household:read"]}
    created = ok(client.post(f"{API}/api-keys", json=body, headers=admin), 201)
    key = {"X-API-Key": created["key"]}
    ok(client.get(f"{API}/households", headers=key))
    ok(client.delete(f"{API}/api-keys/{created['id']}", headers=admin))
    problem(client.get(f"{API}/households", headers=key), 401, "auth.api_key_revoked")


# ── The known bug: a path prefix is not an ancestor ───────────────────────────────────────────


@pytest.mark.parametrize(
    ("a", "role"), [("T1", Role.TOWNSHIP_CADRE), ("V1", Role.BRANCH_SECRETARY)]
)
def test_a_node_whose_id_or_code_begins_with_another_s_is_not_its_descendant(
    app: FastAPI, world: World, a: str, role: Role
) -> None:
    """With materialised paths ``/1/2/`` and ``/1/21/``, a plain prefix test puts 21 under 2."""
    client = TestClient(app, raise_server_exceptions=False)
    level = LEVEL[a]
    sibling_parent = world.org["C"] if level is OrgLevel.TOWNSHIP else world.org["T1"]
    a_id = world.org[a]
    b_id = 0
    for n in range(200):  # siblings of A, until one's id begins with A's
        b_id = an_org(app, f"{a}同级{n}", level, sibling_parent, code=f"{a}{n}")
        if str(b_id).startswith(str(a_id)):
            break
    a_path, b_path = world.path(a), _path(app, b_id)
    assert b_path.startswith(a_path.rstrip("/")) and not b_path.startswith(a_path)
    grid = (
        an_org(app, "B网格", OrgLevel.GRID, b_id)
        if level is OrgLevel.VILLAGE
        else an_org(app, "B网格", OrgLevel.GRID, an_org(app, "B村", OrgLevel.VILLAGE, b_id))
    )
    member = a_member(app, b_id, "B党员", external_id="MB")
    household = a_household(app, grid, "B户主", external_id="HB")
    root = root_headers(app)
    assert (
        client.put(
            f"{API}/org-units/{world.org['C']}/scheme", json={"scheme": "silian"}, headers=root
        ).status_code
        == 200
    )

    headers = world.headers(role, org=a)
    for url in (
        f"/org-units/{b_id}",
        f"/org-units/{grid}",
        f"/org-units/{b_id}/scheme",
        f"/members/{member}",
        f"/households/{household}",
        f"/households?org_id={b_id}",
    ):
        problem(client.get(API + url, headers=headers), 404)
    orgs = ok(client.get(f"{API}/org-units?limit=500", headers=headers))["data"]
    assert orgs and all(o["path"].startswith(a_path) for o in orgs)
    assert b_id not in {o["id"] for o in orgs}
    members = ok(client.get(f"{API}/members?limit=500", headers=headers))["data"]
    assert "MB" not in names_in("members", members)
    households = ok(client.get(f"{API}/households?limit=500", headers=headers))["data"]
    assert "HB" not in names_in("households", households)
    _header, *rows = csv_rows(client.get(f"{API}/exports/households", headers=headers))
    assert "HB" not in {r[0] for r in rows}
    res = client.patch(f"{API}/households/{household}", json={"size": 9}, headers=headers)
    problem(res, 404, "household.not_found")
    audit = ok(client.get(f"{API}/audit?limit=500", headers=world.headers(Role.AUDITOR, org=a)))[
        "data"
    ]
    assert audit and all(r["org_path"].startswith(a_path) for r in audit)


def _path(app: FastAPI, org_id: int) -> str:
    with app.state.session_factory() as session:
        return str(
            session.execute(
                text("SELECT path FROM org_units WHERE id = :i"), {"i": org_id}
            ).scalar_one()
        )
