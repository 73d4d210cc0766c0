"""服务订单 over HTTP: 群众点单 → 网格下单 → 党员接单 (seeds/xiangtan-wuge-daohu.txt). The household
orders on its card page (no login; the kind must be chosen), the branch secretary dispatches with
suggestions (declared skills first, then distance), the member takes it, completes it with a note
and a photo, the household follows it and rates it; and bad input: an illegal transition, a rating
by someone else, a forged or revoked token, the daily limit (429 with Retry-After), an order for a
household outside the caller's scope, an order already taken by someone else."""

from __future__ import annotations

import io
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import text

from domain.kernel.access import Role
from tests.builders import World, a_member
from tests.conftest import Clock
from tests.e2e.test_disclosure import issue

API = "/api/v1"
SECRETARY = Role.BRANCH_SECRETARY


def a_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 60, 40)).save(out, "JPEG", quality=85)
    return out.getvalue()


def card_order(client: TestClient, token: str, **body: Any) -> Any:
    return client.post(
        f"{API}/public/cards/{token}/service-orders",
        json={"kind": "repair", "text": "厨房水管漏水", **body},
    )


def rows(world: World, sql: str) -> list[tuple[Any, ...]]:
    with world.app.state.session_factory() as s:
        return [tuple(r) for r in s.execute(text(sql))]


def second_member(world: World) -> str:
    """Another member of V1 (a plumber living far away), with an account token of his own."""
    world.member["m4"] = a_member(world.app, world.org["V1"], "赵六", skills=("水电维修",))
    return "m4"


def test_the_household_orders_the_grid_dispatches_the_member_does_it_and_it_is_rated(
    client: TestClient, world: World, clock: Clock
) -> None:
    token = issue(client, world)["token"]
    kinds = client.get(f"{API}/public/cards/{token}/service-orders/kinds")
    assert kinds.status_code == 200, kinds.text
    assert kinds.json()["per_day"] == 3
    assert {k["code"]: k["label"] for k in kinds.json()["kinds"]}["repair"] == "上门维修"
    res = card_order(client, token)
    assert res.status_code == 201, res.text
    placed = res.json()
    assert placed["status"] == "ordered" and placed["kind_label"] == "上门维修"
    assert "household" not in placed and "赵一" not in res.text  # nothing personal
    order_id = placed["id"]

    # m1 declares a matching skill (特长) through the members API: he comes first.
    m1 = world.member["m1"]
    res = client.patch(
        f"{API}/members/{m1}", json={"skills": ["水电维修"]}, headers=world.headers(SECRETARY)
    )
    assert res.status_code == 200, res.text
    boss = world.headers(SECRETARY)
    listed = client.get(f"{API}/service-orders", params={"status": "ordered"}, headers=boss)
    assert [o["id"] for o in listed.json()["data"]] == [order_id]
    assert listed.json()["data"][0]["head_name"] == "赵一"  # personal:read, in scope
    hints = client.get(f"{API}/service-orders/{order_id}/suggestions", headers=boss)
    assert hints.status_code == 200, hints.text
    assert hints.json()[0]["member_id"] == m1
    assert hints.json()[0]["matching_skills"] == ["水电维修"]
    assert hints.json()[0]["load"] == 0
    res = client.post(
        f"{API}/service-orders/{order_id}/dispatch", json={"member_id": m1}, headers=boss
    )
    assert res.status_code == 200, res.text
    assert res.json()["status"] == "dispatched" and res.json()["assignee_name"] == "张三"

    member = world.headers(Role.MEMBER)
    mine = client.get(f"{API}/service-orders", params={"mine": "true"}, headers=member)
    assert [o["id"] for o in mine.json()["data"]] == [order_id]
    clock.advance(hours=1)
    res = client.post(f"{API}/service-orders/{order_id}/take", json={}, headers=member)
    assert res.status_code == 200, res.text
    assert res.json()["taker_id"] == m1 and res.json()["step"] == "serve"
    photo = client.post(
        f"{API}/service-orders/{order_id}/photos",
        content=a_jpeg(),
        headers={**member, "Content-Type": "image/jpeg"},
    )
    assert photo.status_code == 201, photo.text
    assert client.get(photo.json()["url"], headers=member).status_code == 200
    clock.advance(hours=2)
    res = client.post(
        f"{API}/service-orders/{order_id}/complete", json={"note": "已更换水管"}, headers=member
    )
    assert res.status_code == 200, res.text
    assert res.json()["status"] == "done"

    progress = client.get(f"{API}/public/cards/{token}/service-orders/{order_id}").json()
    assert progress["status_label"] == "已完成待评价" and progress["member_name"] == "张三"
    assert progress["can_rate"] is True
    assert [p["action"] for p in progress["progress"]] == ["order", "dispatch", "take", "complete"]
    assert "actor" not in progress["progress"][0]  # who acted is not shown publicly
    res = client.post(
        f"{API}/public/cards/{token}/service-orders/{order_id}/rate",
        json={"rating": "satisfied"},
    )
    assert res.status_code == 200, res.text
    assert res.json()["status"] == "rated" and res.json()["rating_label"] == "满意"

    detail = client.get(f"{API}/service-orders/{order_id}", headers=boss).json()
    assert [e["action"] for e in detail["timeline"]] == [
        "order",
        "dispatch",
        "take",
        "complete",
        "rate",
    ]
    assert detail["timeline"][2]["member_name"] == "张三"
    events = rows(
        world,
        "SELECT type FROM outbox WHERE entity = 'service_order' ORDER BY id",
    )
    assert [e[0] for e in events] == [
        "ServiceOrdered",
        "ServiceOrderDispatched",
        "ServiceOrderTaken",
        "ServiceOrderCompleted",
        "ServiceOrderRated",
    ]


def test_a_member_orders_for_his_household_and_another_takes_it_from_the_open_list(
    client: TestClient, world: World
) -> None:
    res = client.post(
        f"{API}/households/{world.household['h1']}/service-orders",
        json={"kind": "errands", "text": "代买降压药", "client_ref": "r-1"},
        headers=world.headers(Role.MEMBER),
    )
    assert res.status_code == 201, res.text
    order_id = res.json()["id"]
    again = client.post(
        f"{API}/households/{world.household['h1']}/service-orders",
        json={"kind": "errands", "text": "代买降压药", "client_ref": "r-1"},
        headers=world.headers(Role.MEMBER),
    )
    assert again.status_code == 200 and again.json()["id"] == order_id
    other = world.headers(Role.MEMBER, member=second_member(world))
    open_list = client.get(f"{API}/service-orders", params={"open": "true"}, headers=other)
    assert open_list.status_code == 200, open_list.text
    [item] = open_list.json()["data"]
    assert item["id"] == order_id
    assert item["head_name"] != "赵一"  # not his household: masked on the open list
    res = client.post(f"{API}/service-orders/{order_id}/take", json={}, headers=other)
    assert res.status_code == 200, res.text
    assert res.json()["taker_name"] == "赵六"
    assert res.json()["household"]["head_name"] == "赵一"  # his to do now: he sees whom


def test_an_order_taken_by_someone_else_cannot_be_taken_again(
    client: TestClient, world: World
) -> None:
    token = issue(client, world)["token"]
    order_id = card_order(client, token).json()["id"]
    first = client.post(
        f"{API}/service-orders/{order_id}/take", json={}, headers=world.headers(Role.MEMBER)
    )
    assert first.status_code == 200, first.text
    other = world.headers(Role.MEMBER, member=second_member(world))
    res = client.post(f"{API}/service-orders/{order_id}/take", json={}, headers=other)
    assert res.status_code == 409, res.text
    assert res.json()["code"] == "service_order.action_not_allowed"
    assert {e["code"] for e in res.json()["errors"]} == {
        "complete",
        "release",
        "redispatch",
        "cancel",
    }
    assert rows(world, "SELECT taker_id, version FROM service_orders") == [(world.member["m1"], 2)]


def test_an_illegal_transition_is_refused_naming_the_allowed_actions(
    client: TestClient, world: World
) -> None:
    token = issue(client, world)["token"]
    order_id = card_order(client, token).json()["id"]
    res = client.post(
        f"{API}/service-orders/{order_id}/complete",
        json={"note": "做完了"},
        headers=world.headers(Role.MEMBER),
    )
    assert res.status_code == 409, res.text
    assert res.headers["content-type"].startswith("application/problem+json")
    body = res.json()
    assert body["code"] == "service_order.action_not_allowed" and body["field"] == "action"
    assert [e["code"] for e in body["errors"]] == ["dispatch", "take", "cancel"]
    rate = client.post(
        f"{API}/public/cards/{token}/service-orders/{order_id}/rate", json={"rating": "satisfied"}
    )
    assert rate.status_code == 409 and rate.json()["code"] == "service_order.action_not_allowed"
    assert rows(world, "SELECT count(*) FROM service_order_timeline") == [(1,)]


def test_only_the_household_rates_its_own_order(client: TestClient, world: World) -> None:
    token = issue(client, world)["token"]
    other_token = issue(client, world, "h2")["token"]
    order_id = card_order(client, token).json()["id"]
    member = world.headers(Role.MEMBER)
    client.post(f"{API}/service-orders/{order_id}/take", json={}, headers=member)
    client.post(f"{API}/service-orders/{order_id}/complete", json={"note": "好了"}, headers=member)
    res = client.post(
        f"{API}/public/cards/{other_token}/service-orders/{order_id}/rate",
        json={"rating": "dissatisfied", "reason": "x"},
    )
    assert res.status_code == 404, res.text
    assert res.json()["code"] == "service_order.not_found"
    res = client.post(
        f"{API}/public/cards/{token}/service-orders/{order_id}/rate",
        json={"rating": "dissatisfied"},
    )
    assert res.status_code == 422 and res.json()["field"] == "reason"
    res = client.post(
        f"{API}/public/cards/{token}/service-orders/{order_id}/rate", json={"rating": "great"}
    )
    assert res.status_code == 422
    assert rows(world, "SELECT status, rating FROM service_orders") == [("done", None)]


def test_a_forged_or_revoked_card_token_is_not_found(client: TestClient, world: World) -> None:
    token = issue(client, world)["token"]
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    for bad in (forged, "not-a-token"):
        res = card_order(client, bad)
        assert res.status_code == 404, res.text
        assert res.json()["code"] == "card.not_found"
    res = client.delete(
        f"{API}/households/{world.household['h1']}/card-token",
        headers=world.headers(SECRETARY),
    )
    assert res.status_code == 204
    assert card_order(client, token).status_code == 404
    assert client.get(f"{API}/public/cards/{token}/service-orders").status_code == 404
    assert rows(world, "SELECT count(*) FROM service_orders") == [(0,)]


def test_the_kind_must_be_chosen_on_the_card(client: TestClient, world: World) -> None:
    token = issue(client, world)["token"]
    for body in (
        {"text": "帮帮忙"},
        {"kind": None, "text": "帮帮忙"},
        {"kind": "massage", "text": "x"},
    ):
        res = client.post(f"{API}/public/cards/{token}/service-orders", json=body)
        assert res.status_code == 422, (body, res.text)
        assert res.json()["field"] == "kind" or "kind" in str(res.json()["errors"])
    assert rows(world, "SELECT count(*) FROM service_orders") == [(0,)]


def test_a_card_orders_three_times_a_day_then_429_with_retry_after(
    client: TestClient, world: World, clock: Clock
) -> None:
    token = issue(client, world)["token"]
    for _ in range(3):
        assert card_order(client, token).status_code == 201
    res = card_order(client, token)
    assert res.status_code == 429, res.text
    assert res.json()["code"] == "service_order.card_daily_limit"
    # 02:00 UTC is 10:00 in China: 14 hours to midnight there.
    assert int(res.headers["Retry-After"]) == 14 * 3600
    clock.advance(hours=14)
    assert card_order(client, token).status_code == 201
    assert rows(world, "SELECT count(*) FROM service_orders") == [(4,)]


def test_an_order_for_a_household_outside_the_callers_scope_is_not_found(
    client: TestClient, world: World
) -> None:
    body = {"kind": "care", "text": "陪老人聊天"}
    res = client.post(
        f"{API}/households/{world.household['h3']}/service-orders",  # not m1's household
        json=body,
        headers=world.headers(Role.MEMBER),
    )
    assert res.status_code == 404 and res.json()["code"] == "household.not_found"
    res = client.post(
        f"{API}/households/{world.household['h4']}/service-orders",  # the other township
        json=body,
        headers=world.headers(SECRETARY),
    )
    assert res.status_code == 404
    assert rows(world, "SELECT count(*) FROM service_orders") == [(0,)]


def test_an_order_of_another_township_is_not_found_for_the_grid(
    client: TestClient, world: World
) -> None:
    token = issue(client, world, "h4", Role.COUNTY_CADRE)["token"]
    order_id = card_order(client, token).json()["id"]
    boss = world.headers(SECRETARY)
    assert client.get(f"{API}/service-orders/{order_id}", headers=boss).status_code == 404
    res = client.post(
        f"{API}/service-orders/{order_id}/dispatch",
        json={"member_id": world.member["m1"]},
        headers=boss,
    )
    assert res.status_code == 404


def test_a_member_cannot_dispatch_and_an_admin_cannot_take(
    client: TestClient, world: World
) -> None:
    token = issue(client, world)["token"]
    order_id = card_order(client, token).json()["id"]
    res = client.post(
        f"{API}/service-orders/{order_id}/dispatch",
        json={"member_id": world.member["m1"]},
        headers=world.headers(Role.MEMBER),
    )
    assert res.status_code == 403
    res = client.post(
        f"{API}/service-orders/{order_id}/take", json={}, headers=world.headers(Role.ADMIN)
    )
    assert res.status_code == 403 and res.json()["code"] == "service_order.not_member"
    res = client.post(
        f"{API}/service-orders/{order_id}/dispatch",
        json={"member_id": world.member["m3"]},  # of the other township's community
        headers=world.headers(SECRETARY),
    )
    assert res.status_code == 422 and res.json()["code"] == "service_order.member_out_of_area"
    assert rows(world, "SELECT status FROM service_orders") == [("ordered",)]
