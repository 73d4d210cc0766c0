"""服务订单 in a real browser (issue 15, "## Service orders" + "## Screens"; 群众点单 → 网格下单 →
党员接单, seeds/xiangtan-wuge-daohu.txt): a household orders a service on its card page
(/c/{token}, a plain form; the kind must be chosen), the branch secretary dispatches it in the
admin console to the demo member among the suggested ones, the member takes it and completes it
with a note on his phone, and the household rates it on its card. Screenshots of each screen go
to tests/artifacts."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, expect

from tests.browser.conftest import PHONE, Live
from tests.browser.test_field_offline import log_in as field_log_in
from tests.browser.test_issue_flow import card_of_members_household, console, shot

NEED = "厨房水管漏水，请党员上门看看"


def test_a_household_orders_on_its_card_the_grid_dispatches_the_member_serves_it_is_rated(
    browser: Browser, phone: BrowserContext, live: Live, artifacts: Path
) -> None:
    errors: list[str] = []
    _household_id, token = card_of_members_household(live)
    member_id = live.get("/api/v1/auth/me", "member").json()["member_id"]
    assert member_id

    # 群众点单: on the card page; no kind of service is chosen for the household
    card = phone.new_page()
    card.goto(f"{live.base}/c/{token}")
    form = card.locator('form.order[action$="/service-orders"]')
    kind = form.locator("select[name=order_kind]")
    expect(kind).to_have_value("")
    form.locator("textarea[name=order_text]").fill(NEED)
    form.get_by_role("button", name="预约").click()
    # the browser refuses the form while no kind is chosen: still on the card
    expect(card.locator("h1")).to_have_text("党群联心卡")
    kind.select_option("repair")
    shot(card, artifacts / "order_card_form.png")
    form.get_by_role("button", name="预约").click()
    expect(card.locator("h1")).to_have_text("已预约")
    card.get_by_role("link", name="返回联心卡").click()
    placed = card.locator("article.service-order", has_text=NEED)
    expect(placed).to_contain_text("待派单")
    expect(placed.locator("ol.progress")).to_contain_text("点单")
    order_id = int(placed.get_attribute("data-order-id") or 0)
    assert order_id
    shot(card, artifacts / "order_card_placed.png")

    # 网格下单: the branch secretary finds it and dispatches it to the member among the suggested
    ctx, page = console(browser, live, "secretary")
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.get_by_role("menuitem", name="服务订单").click()
    row = page.locator(f"[data-test=orders-table] a[data-order-id='{order_id}']")
    expect(row).to_have_text(NEED)
    shot(page, artifacts / "order_console_list.png")
    row.click()
    expect(page.locator("[data-test=order-status]")).to_have_text("待派单")
    suggested = page.locator("[data-test=order-suggestions] .el-table__row")
    expect(suggested.first).to_be_visible()
    page.locator("[data-test=order-actions] [data-action=dispatch]").click()
    dialog = page.locator("[data-test=order-step-dialog]")
    expect(dialog).to_be_visible()
    dialog.locator("[data-test=order-member]").click()
    page.locator(f".el-select-dropdown__item[data-member-id='{member_id}']").click()
    dialog.locator("[data-test=order-note]").fill("请今天上门")
    shot(page, artifacts / "order_console_dispatch.png")
    page.locator("[data-test=order-step-save]").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("[data-test=order-status]")).to_have_text("已派单待接单")
    member_name = page.locator("[data-test=order-member-name]").inner_text()
    assert member_name != "—"

    # 党员接单: the member finds it under 我的 → 服务订单, takes it and completes it with a note
    member = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    member.set_default_timeout(15_000)
    field = member.new_page()
    field.on("pageerror", lambda e: errors.append(str(e)))
    field_log_in(field, live)
    field.locator("[data-tab=me]").click()
    field.locator("[data-test=service-orders]").click()
    mine = field.locator(f"[data-test=orders-mine] [data-order-id='{order_id}']")
    expect(mine).to_contain_text("已派单待接单")
    expect(mine.locator("[data-test=countdown]")).to_contain_text("剩")
    shot(field, artifacts / "order_field_mine.png")
    mine.click()
    field.locator("[data-test=take-order]").click()
    expect(field.locator("[data-test=order-status]")).to_have_text("服务中")
    field.locator("[data-test=complete-note] textarea").fill("已上门更换水管，试水正常")
    shot(field, artifacts / "order_field_complete.png")
    field.locator("[data-test=complete-order]").click()
    expect(field.locator("[data-test=order-status]")).to_have_text("已完成待评价")
    expect(field.locator("[data-test=complete-order]")).to_have_count(0)

    # 群众评价: the household rates it on its card
    card.goto(f"{live.base}/c/{token}")
    done = card.locator("article.service-order", has_text=NEED)
    expect(done).to_contain_text("已完成待评价")
    expect(done).to_contain_text("服务情况：已上门更换水管，试水正常")
    expect(done.locator("input[name=rating]:checked")).to_have_count(0)
    shot(card, artifacts / "order_card_rate.png")
    done.locator("input[name=rating][value=satisfied]").check()
    done.get_by_role("button", name="提交评价").click()
    expect(card.locator("h1")).to_have_text("已评价")
    card.get_by_role("link", name="返回联心卡").click()
    rated = card.locator("article.service-order", has_text=NEED)
    expect(rated).to_contain_text("您的评价：满意")
    expect(rated.get_by_role("button", name="提交评价")).to_have_count(0)
    shot(card, artifacts / "order_card_rated.png")

    page.reload()
    expect(page.locator("[data-test=order-status]")).to_have_text("已评价")
    expect(page.locator("[data-test=order-rating]")).to_have_text("满意")
    expect(page.locator("[data-test=order-timeline] .el-timeline-item")).to_have_count(5)
    shot(page, artifacts / "order_console_rated.png")
    member.close()
    ctx.close()
    assert not errors, errors
