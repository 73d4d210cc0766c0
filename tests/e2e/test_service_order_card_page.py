"""The household's service orders on its card page (/c/{token}, 预约服务: 群众点单,
seeds/xiangtan-wuge-daohu.txt): plain forms, every answer a page. An order placed there must name
its kind of service (nothing chosen in advance); the household follows its progress and rates it
once done; bad input, the daily limit and a forged token are pages that say why and write
nothing. The JSON surface is tested in tests/e2e/test_service_orders.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from domain.kernel.access import Role
from tests.builders import World
from tests.e2e.test_issues import token as token  # the card token fixture

API = "/api/v1"
FORM = {"order_kind": "repair", "order_text": "厨房水管漏水"}


def order_on_page(client: TestClient, token: str, **form: Any) -> Any:
    return client.post(f"/c/{token}/service-orders", data=FORM | form)


def counts(world: World) -> tuple[int, int, int]:
    """Orders, timeline entries and order events in the outbox: what a refusal must not add."""
    with world.app.state.session_factory() as s:
        return (
            s.execute(text("SELECT count(*) FROM service_orders")).scalar_one(),
            s.execute(text("SELECT count(*) FROM service_order_timeline")).scalar_one(),
            s.execute(
                text("SELECT count(*) FROM outbox WHERE entity = 'service_order'")
            ).scalar_one(),
        )


def test_the_card_page_offers_an_order_form_with_no_kind_chosen(
    client: TestClient, token: str
) -> None:
    page = client.get(f"/c/{token}").text
    form = page[page.index(f'action="/c/{token}/service-orders"') :]
    form = form[: form.index("</form>")]
    # the first option is the empty placeholder and nothing is selected: the browser shows the
    # placeholder, and ``required`` refuses to send it
    assert '<select name="order_kind" required><option value="">请选择服务类型</option>' in form
    assert '<option value="repair">上门维修</option>' in form
    assert "selected" not in form and "checked" not in form
    assert 'name="order_text"' in form and "required" in form
    assert "本户预约的服务" not in page  # nothing ordered yet
    # the matters form is still there, with its own action
    assert f'action="/c/{token}/issues"' in page


def test_an_order_placed_on_the_page_shows_its_progress_and_is_rated_there(
    client: TestClient, world: World, token: str
) -> None:
    before = counts(world)
    res = order_on_page(client, token)
    assert res.status_code == 201 and "已预约" in res.text and "上门维修" in res.text
    assert res.headers["Cache-Control"] == "no-store"
    assert f'href="/c/{token}"' in res.text
    assert counts(world)[0] == before[0] + 1
    page = client.get(f"/c/{token}").text
    found = re.search(r'data-order-id="(\d+)" data-status="ordered"', page)
    assert found, page
    order_id = int(found.group(1))
    assert "本户预约的服务" in page and "厨房水管漏水" in page and "待派单" in page
    assert "提交评价" not in page[page.index("本户预约的服务") :]

    boss = world.headers(Role.BRANCH_SECRETARY)
    member = world.headers(Role.MEMBER)
    m1 = world.member["m1"]
    steps = [
        (f"{API}/service-orders/{order_id}/dispatch", {"member_id": m1}, boss),
        (f"{API}/service-orders/{order_id}/take", {}, member),
        (f"{API}/service-orders/{order_id}/complete", {"note": "已更换水管"}, member),
    ]
    for url, body, headers in steps:
        res = client.post(url, json=body, headers=headers)
        assert res.status_code == 200, res.text
    page = client.get(f"/c/{token}").text
    article = page[page.index(f'data-order-id="{order_id}"') :]
    article = article[: article.index("</article>")]
    assert 'data-status="done"' in article and "已完成待评价" in article
    assert [s for s in ("点单", "派单", "接单", "完成服务") if s in article] == [
        "点单",
        "派单",
        "接单",
        "完成服务",
    ]
    assert "服务党员：张三" in article and "服务情况：已更换水管" in article
    assert f'action="/c/{token}/service-orders/{order_id}/rate"' in article
    assert 'name="rating" value="satisfied" required' in article
    assert "checked" not in article  # no rating chosen for the household

    # no rating chosen: a page saying so, nothing written
    before = counts(world)
    res = client.post(f"/c/{token}/service-orders/{order_id}/rate", data={"reason": "x"})
    assert res.status_code == 422 and "未能评价" in res.text
    assert counts(world) == before

    res = client.post(f"/c/{token}/service-orders/{order_id}/rate", data={"rating": "satisfied"})
    assert res.status_code == 200 and "满意" in res.text and "已评价" in res.text, res.text
    page = client.get(f"/c/{token}").text
    assert f'data-order-id="{order_id}" data-status="rated"' in page
    assert "您的评价：满意" in page and "提交评价" not in page[page.index("本户预约的服务") :]

    # rating again is refused by the flow: a page, nothing written
    before = counts(world)
    res = client.post(f"/c/{token}/service-orders/{order_id}/rate", data={"rating": "satisfied"})
    assert res.status_code in (409, 422) and "未能评价" in res.text
    assert counts(world) == before


@pytest.mark.parametrize(
    "form",
    [
        {"order_kind": ""},
        {"order_kind": "massage"},
        {"order_text": "  "},
        {"order_text": "x" * 501},
    ],
)
def test_a_bad_order_form_is_a_page_saying_why_and_writes_nothing(
    client: TestClient, world: World, token: str, form: dict[str, str]
) -> None:
    before = counts(world)
    res = order_on_page(client, token, **form)
    assert res.status_code == 422 and "未能预约" in res.text, res.text
    assert res.headers["Cache-Control"] == "no-store"
    assert counts(world) == before


def test_the_daily_limit_is_429_with_retry_after_and_a_forged_token_404(
    client: TestClient, world: World, token: str
) -> None:
    for _ in range(3):
        assert order_on_page(client, token).status_code == 201
    before = counts(world)
    res = order_on_page(client, token)
    assert res.status_code == 429 and "未能预约" in res.text, res.text
    assert int(res.headers["Retry-After"]) > 0
    forged = order_on_page(client, "x" * 43)
    assert forged.status_code == 404 and "此联心卡不存在或已失效" in forged.text
    rate = client.post("/c/forged/service-orders/1/rate", data={"rating": "satisfied"})
    assert rate.status_code == 404
    assert client.get("/c/forged").status_code == 404
    assert counts(world) == before
