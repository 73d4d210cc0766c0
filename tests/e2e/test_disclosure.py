"""双向公示 through HTTP: card tokens, the public card behind a QR code, the village board and the
printable sheet of cards, and what none of them may show.

The world: m1 张三 (phone 13900001111) looks after h1 赵一 (低保) and h2 钱二 on G1 of 李家村;
h3 孙三 on G2 has no member yet; h4 周四 lies in the other township. Households share the phone
13812345678 and the address 李家村3组12号.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import text

from api.disclosure.pages import qr_svg
from domain.kernel.access import Role
from tests.builders import World
from tests.conftest import PG_URL, Clock

API = "/api/v1"
PROBLEM_JSON = "application/problem+json"
SECRETARY = Role.BRANCH_SECRETARY  # V1: household:write and personal:read
BASE = "http://127.0.0.1:8000"  # Settings.public_base_url's default

# What no public view may carry: household phone, address, location, the head's full name,
# the member's full phone, and the household's categories.
PRIVATE = (
    "13812345678",
    "李家村3组12号",
    "30.75",
    "120.75",
    "赵一",
    "13900001111",
    "低保",
    "dibao",
)


def problem(res: Response, status: int, code: str) -> dict[str, Any]:
    assert res.status_code == status, f"expected {status}, got {res.status_code}: {res.text}"
    assert res.headers["content-type"] == PROBLEM_JSON
    body: dict[str, Any] = res.json()
    assert (body["status"], body["code"]) == (status, code), body
    assert body["type"].endswith(code.replace(".", "/"))
    return body


def count(world: World, sql: str) -> int:
    with world.app.state.session_factory() as session:
        return int(session.execute(text(sql)).scalar_one())


def tokens(world: World) -> tuple[int, int]:
    """(all card tokens, live ones)."""
    return (
        count(world, "SELECT count(*) FROM card_tokens"),
        count(world, "SELECT count(*) FROM card_tokens WHERE revoked_at IS NULL"),
    )


def audits(world: World) -> int:
    return count(world, "SELECT count(*) FROM audit_log")


def issue(
    client: TestClient, world: World, household: str = "h1", role: Role = SECRETARY
) -> dict[str, Any]:
    res = client.post(
        f"{API}/households/{world.household[household]}/card-token", headers=world.headers(role)
    )
    assert res.status_code == 201, res.text
    body: dict[str, Any] = res.json()
    return body


def assert_nothing_private(page: str) -> None:
    leaked = [p for p in PRIVATE if p in page]
    assert leaked == [], f"public view leaks {leaked}"


# ── the public card ──────────────────────────────────────────────────────────────────────────


def test_public_card_page_opened_from_the_qr_shows_the_member_and_nothing_private(
    client: TestClient, world: World
) -> None:
    issued = issue(client, world)
    url = issued["url"]
    assert url == f"{BASE}/c/{issued['token']}"
    card = client.get(
        f"{API}/households/{world.household['h1']}/card", headers=world.headers(SECRETARY)
    )
    assert card.json()["qr_url"] == url
    page = client.get(urlsplit(url).path)  # no credentials: whoever scans the card
    assert page.status_code == 200, page.text
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    html = page.text
    assert "党群联心卡" in html and "张三" in html and "李家村" in html and "第1网格" in html
    assert "赵*" in html and "*******1111" in html
    assert "户编号" not in html and "H1" not in html  # the public page: no hand-out label
    assert '<html lang="zh-CN">' in html and '<meta charset="utf-8">' in html
    assert '<meta name="viewport"' in html and '"Noto Sans CJK SC"' in html
    assert_nothing_private(html)


def test_public_card_json_carries_the_public_fields_only(client: TestClient, world: World) -> None:
    res = client.patch(
        f"{API}/members/{world.member['m1']}",
        json={"skills": ["水电维修", "政策咨询"]},
        headers=world.headers(Role.ADMIN),
    )
    assert res.status_code == 200, res.text
    token = issue(client, world)["token"]
    res = client.get(f"{API}/public/cards/{token}")
    assert res.status_code == 200, res.text
    assert res.json() == {
        "village": "李家村",
        "grid": "第1网格",
        "head_name": "赵*",
        "member": {"name": "张三", "phone": "*******1111", "services": ["水电维修", "政策咨询"]},
    }
    assert res.headers["cache-control"] == "no-store"
    assert_nothing_private(res.text)


def test_household_without_a_member_shows_as_not_yet_covered(
    client: TestClient, world: World
) -> None:
    token = issue(client, world, "h3")["token"]
    assert client.get(f"{API}/public/cards/{token}").json()["member"] is None
    assert "尚未联户" in client.get(f"/c/{token}").text


def test_rotating_a_card_token_makes_the_old_one_404(client: TestClient, world: World) -> None:
    old = issue(client, world)
    new = issue(client, world)
    assert new["revoked_previous"] == 1 and new["token"] != old["token"]
    assert client.get(f"/c/{old['token']}").status_code == 404
    problem(client.get(f"{API}/public/cards/{old['token']}"), 404, "card.not_found")
    assert client.get(f"/c/{new['token']}").status_code == 200
    assert tokens(world) == (2, 1)
    audit = client.get(
        f"{API}/audit",
        params={"entity": "card_token", "entity_id": str(world.household["h1"])},
        headers=world.headers(Role.ADMIN),
    ).json()["data"]
    assert [a["action"] for a in audit] == ["create", "create"]
    assert old["token"] not in str(audit) and new["token"] not in str(audit)


def test_revoking_a_card_token_closes_its_page_and_a_second_revoke_is_404(
    client: TestClient, world: World
) -> None:
    h, hid = world.headers(SECRETARY), world.household["h1"]
    token = issue(client, world)["token"]
    assert client.delete(f"{API}/households/{hid}/card-token", headers=h).status_code == 204
    assert client.get(f"/c/{token}").status_code == 404
    assert client.get(f"{API}/households/{hid}/card", headers=h).json()["qr_url"] is None
    before = (tokens(world), audits(world))
    res = client.delete(f"{API}/households/{hid}/card-token", headers=h)
    problem(res, 404, "card_token.not_found")
    assert (tokens(world), audits(world)) == before


@pytest.mark.parametrize("kind", ["revoked", "well_formed_unknown", "short", "long", "symbols"])
def test_unknown_malformed_and_revoked_tokens_are_the_same_404(
    client: TestClient, world: World, kind: str
) -> None:
    revoked = issue(client, world)["token"]
    client.delete(
        f"{API}/households/{world.household['h1']}/card-token", headers=world.headers(SECRETARY)
    )
    token = {
        "revoked": revoked,
        "well_formed_unknown": "A" * 32,
        "short": "abc",
        "long": "x" * 300,
        "symbols": "%27%20OR%201=1--",
    }[kind]
    body = problem(client.get(f"{API}/public/cards/{token}"), 404, "card.not_found")
    assert body["detail"] == "联心卡不存在或已失效"
    page = client.get(f"/c/{token}")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert page.text == client.get("/c/" + "B" * 32).text  # nothing tells them apart


# ── the card of a household ──────────────────────────────────────────────────────────────────


def test_card_shows_the_members_full_phone_only_to_callers_with_personal_data(
    client: TestClient, world: World
) -> None:
    hid = world.household["h1"]
    full = client.get(f"{API}/households/{hid}/card", headers=world.headers(SECRETARY)).json()
    assert (full["member"]["phone"], full["phone_masked"]) == ("13900001111", False)
    masked = client.get(
        f"{API}/households/{hid}/card", headers=world.headers(Role.TOWNSHIP_CADRE)
    ).json()
    assert (masked["member"]["phone"], masked["phone_masked"]) == ("*******1111", True)
    assert masked["head_name"] == full["head_name"] == "赵*"
    # the code to hand the card out by: for those who print cards (personal data), not others
    assert (full["label"], masked["label"]) == ("户编号 H1", "")
    assert_nothing_private(str({k: v for k, v in masked.items() if k != "member"}))


def test_member_sees_the_card_of_own_households_only(client: TestClient, world: World) -> None:
    h = world.headers(Role.MEMBER)
    assert (
        client.get(f"{API}/households/{world.household['h1']}/card", headers=h).status_code == 200
    )
    res = client.get(f"{API}/households/{world.household['h3']}/card", headers=h)
    problem(res, 404, "household.not_found")


# ── refusals change nothing ──────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("role", "household", "status", "code"),
    [
        (SECRETARY, None, 404, "household.not_found"),  # unknown household
        (Role.TOWNSHIP_CADRE, "h4", 404, "household.not_found"),  # other township
        (SECRETARY, "h4", 404, "household.not_found"),  # other village's household
        (Role.MEMBER, "h1", 403, "auth.permission_denied"),  # no household:write
        (Role.AUDITOR, "h1", 403, "auth.permission_denied"),
    ],
)
@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_card_token_refusals_write_nothing(
    client: TestClient,
    world: World,
    method: str,
    role: Role,
    household: str | None,
    status: int,
    code: str,
) -> None:
    issue(client, world, household or "h1", Role.ADMIN)  # a live token a refusal must keep
    before = (tokens(world), audits(world))
    hid = world.household[household] if household else 999_999
    res = client.request(method, f"{API}/households/{hid}/card-token", headers=world.headers(role))
    problem(res, status, code)
    assert (tokens(world), audits(world)) == before


def test_card_token_for_an_impossible_household_id_is_a_validation_error(
    client: TestClient, world: World
) -> None:
    before = tokens(world)
    for bad in ("0", "abc", "99999999999"):
        res = client.post(f"{API}/households/{bad}/card-token", headers=world.headers(SECRETARY))
        problem(res, 422, "request.validation")
    assert tokens(world) == before


def test_card_endpoints_need_credentials_but_the_public_card_does_not(
    client: TestClient, world: World
) -> None:
    hid = world.household["h1"]
    problem(client.post(f"{API}/households/{hid}/card-token"), 401, "auth.required")
    problem(client.get(f"{API}/households/{hid}/card"), 401, "auth.required")
    assert tokens(world) == (0, 0)


# ── the village board ────────────────────────────────────────────────────────────────────────


def test_village_board_lists_each_member_with_masked_households_and_counts(
    client: TestClient, world: World
) -> None:
    res = client.get(
        f"{API}/org-units/{world.org['V1']}/board", headers=world.headers(Role.TOWNSHIP_CADRE)
    )
    assert res.status_code == 200, res.text
    board = res.json()
    assert (board["name"], board["level"], board["level_label"]) == ("李家村", "village", "村")
    assert (board["member_count"], board["household_count"], board["uncovered_count"]) == (1, 2, 1)
    (member,) = board["members"]
    assert (member["name"], member["phone"], member["household_count"]) == (
        "张三",
        "*******1111",
        2,
    )
    assert member["households"] == [
        {"head_name": "赵*", "grid": "第1网格"},
        {"head_name": "钱*", "grid": "第1网格"},
    ]
    assert_nothing_private(res.text)
    assert "孙三" not in res.text and "孙*" not in res.text  # uncovered: a count, not a list


def test_village_board_is_masked_even_for_callers_with_personal_data(
    client: TestClient, world: World
) -> None:
    res = client.get(f"{API}/org-units/{world.org['G1']}/board", headers=world.headers(SECRETARY))
    assert res.status_code == 200, res.text
    assert res.json()["members"][0]["phone"] == "*******1111"
    assert_nothing_private(res.text)


def test_township_cadre_cannot_see_the_board_of_another_township(
    client: TestClient, world: World
) -> None:
    h = world.headers(Role.TOWNSHIP_CADRE)
    problem(client.get(f"{API}/org-units/{world.org['V2']}/board", headers=h), 404, "org.not_found")
    problem(client.get(f"{API}/org-units/999999/board", headers=h), 404, "org.not_found")


def test_board_is_per_village_community_or_grid(client: TestClient, world: World) -> None:
    res = client.get(
        f"{API}/org-units/{world.org['T1']}/board", headers=world.headers(Role.TOWNSHIP_CADRE)
    )
    body = problem(res, 422, "disclosure.area_level")
    assert body["field"] == "org_id"


# ── the printable sheet ──────────────────────────────────────────────────────────────────────


def test_printing_cards_requires_personal_data(client: TestClient, world: World) -> None:
    before = (tokens(world), audits(world))
    for role in (Role.COUNTY_CADRE, Role.TOWNSHIP_CADRE, Role.AUDITOR, Role.MEMBER):
        res = client.get(
            f"{API}/org-units/{world.org['V1']}/cards.html", headers=world.headers(role)
        )
        problem(res, 403, "auth.permission_denied")
    assert (tokens(world), audits(world)) == before


def test_printing_another_villages_cards_is_404_and_writes_nothing(
    client: TestClient, world: World
) -> None:
    before = (tokens(world), audits(world))
    res = client.get(
        f"{API}/org-units/{world.org['V2']}/cards.html", headers=world.headers(SECRETARY)
    )
    problem(res, 404, "org.not_found")
    res = client.get(
        f"{API}/org-units/{world.org['T1']}/cards.html", headers=world.headers(Role.ADMIN)
    )
    problem(res, 422, "disclosure.area_level")
    assert (tokens(world), audits(world)) == before


def test_printed_sheet_has_one_card_per_household_with_its_qr_and_uncovered_last(
    client: TestClient, world: World
) -> None:
    kept = issue(client, world)  # h1 already has a card: printing keeps its token
    audits_before = audits(world)
    res = client.get(
        f"{API}/org-units/{world.org['V1']}/cards.html", headers=world.headers(SECRETARY)
    )
    assert res.status_code == 200, res.text
    assert res.headers["content-type"] == "text/html; charset=utf-8"
    html = res.text
    ids = [int(i) for i in re.findall(r'<article class="card" data-household-id="(\d+)"', html)]
    assert ids == [world.household[k] for k in ("h1", "h2", "h3")]
    assert html.count("<svg") == 3
    assert html.index("尚未联户") < html.index(f'data-household-id="{world.household["h3"]}"')
    assert "@page { size: A4; margin: 10mm }" in html and "break-inside: avoid" in html
    for label in ("党群联心卡", "联系党员", "联系电话", "服务事项", "扫码查看"):
        assert label in html
    assert "13900001111" in html  # the printed card carries the member's work phone
    for private in ("13812345678", "李家村3组12号", "赵一", "低保"):
        assert private not in html
    assert qr_svg(kept["url"]) in html  # the QR encodes the live card's address
    # each card says which household it is for, so the secretary hands it to the right door
    for key, code in (("h1", "H1"), ("h2", "H2"), ("h3", "H3")):
        card = html.split(f'data-household-id="{world.household[key]}"', 1)[1]
        assert f'<p class="label">户编号 {code}</p>' in card.split("</article>", 1)[0]
    assert tokens(world) == (3, 3)
    assert audits(world) == audits_before + 1  # two new tokens, one entry
    for key in ("h2", "h3"):
        url = client.get(
            f"{API}/households/{world.household[key]}/card", headers=world.headers(SECRETARY)
        ).json()["qr_url"]
        assert qr_svg(url) in html
        assert client.get(urlsplit(url).path).status_code == 200


def test_reprinting_issues_no_new_tokens_and_records_nothing(
    client: TestClient, world: World
) -> None:
    url = f"{API}/org-units/{world.org['G1']}/cards.html"
    first = client.get(url, headers=world.headers(SECRETARY))
    assert first.status_code == 200, first.text
    before = (tokens(world), audits(world))
    assert before[0] == (2, 2)
    second = client.get(url, headers=world.headers(SECRETARY))
    assert second.text == first.text
    assert (tokens(world), audits(world)) == before


@pytest.mark.skipif(not PG_URL, reason="row locks are a PostgreSQL matter; SQLite has one writer")
def test_concurrent_rotations_leave_exactly_one_live_token(
    client: TestClient, world: World
) -> None:
    url = f"{API}/households/{world.household['h1']}/card-token"
    h = world.headers(SECRETARY)
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: client.post(url, headers=h).status_code, range(16)))
    assert statuses == [201] * 16
    assert tokens(world) == (16, 1)


@pytest.mark.skipif(not PG_URL, reason="row locks are a PostgreSQL matter; SQLite has one writer")
def test_concurrent_prints_issue_one_token_per_household(client: TestClient, world: World) -> None:
    url = f"{API}/org-units/{world.org['V1']}/cards.html"
    h = world.headers(SECRETARY)
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(lambda _: client.get(url, headers=h).status_code, range(6)))
    assert statuses == [200] * 6
    assert tokens(world) == (3, 3)


# ── Print links: the sheet opened in a browser tab, without a bearer header ─────────────────


def print_link(client: TestClient, world: World, org: str = "V1") -> dict[str, Any]:
    res = client.post(
        f"{API}/org-units/{world.org[org]}/cards-link", headers=world.headers(SECRETARY)
    )
    assert res.status_code == 201, res.text
    assert res.headers["cache-control"] == "no-store"
    body: dict[str, Any] = res.json()
    return body


def test_a_print_link_opens_the_sheet_without_credentials_and_is_audited(
    client: TestClient, world: World
) -> None:
    link = print_link(client, world)
    assert link["url"].startswith("/print/cards/")
    audits_before = audits(world)
    page = client.get(link["url"])  # no Authorization header: the link is the credential
    assert page.status_code == 200, page.text
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    sheet = client.get(
        f"{API}/org-units/{world.org['V1']}/cards.html", headers=world.headers(SECRETARY)
    )
    assert page.text == sheet.text  # the same sheet as the API's, same tokens
    assert page.text.count("<svg") == 3 and "党群联心卡" in page.text
    assert audits(world) == audits_before + 1  # the tokens it issued, recorded once


def test_a_print_link_expires_after_ten_minutes(
    client: TestClient, world: World, clock: Clock
) -> None:
    link = print_link(client, world)
    clock.advance(minutes=11)
    before = (tokens(world), audits(world))
    page = client.get(link["url"])
    assert page.status_code == 401 and "打印链接已失效" in page.text
    assert (tokens(world), audits(world)) == before


def test_a_print_link_is_no_bearer_token_and_a_tampered_one_is_refused(
    client: TestClient, world: World
) -> None:
    token = print_link(client, world)["url"].rsplit("/", 1)[1]
    res = client.get(f"{API}/households", headers={"Authorization": f"Bearer {token}"})
    problem(res, 401, "auth.token_expired")  # not an access token: refused as one
    page = client.get(f"/print/cards/{token[:-2]}xx")
    assert page.status_code == 401 and "打印链接已失效" in page.text


def test_print_links_are_refused_where_printing_is(client: TestClient, world: World) -> None:
    for role in (Role.COUNTY_CADRE, Role.AUDITOR, Role.MEMBER):
        res = client.post(
            f"{API}/org-units/{world.org['V1']}/cards-link", headers=world.headers(role)
        )
        problem(res, 403, "auth.permission_denied")
    res = client.post(
        f"{API}/org-units/{world.org['V2']}/cards-link", headers=world.headers(SECRETARY)
    )
    problem(res, 404, "org.not_found")
    res = client.post(
        f"{API}/org-units/{world.org['T1']}/cards-link", headers=world.headers(Role.ADMIN)
    )
    problem(res, 422, "disclosure.area_level")


def test_an_api_key_gets_no_print_link(client: TestClient, world: World) -> None:
    res = client.post(
        f"{API}/api-keys",
        headers=world.headers(Role.ADMIN),
        json={
            "name": "打印服务",
            "org_id": world.org["V1"],
            "permissions": ["household:write", "personal:read", "org:read"],
        },
    )
    assert res.status_code == 201, res.text
    key = res.json()["key"]
    res = client.post(f"{API}/org-units/{world.org['V1']}/cards-link", headers={"X-API-Key": key})
    problem(res, 403, "auth.user_required")
