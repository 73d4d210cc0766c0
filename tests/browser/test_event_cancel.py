"""A must-attend report from the household's card and its withdrawal: the card's form chooses
nothing for the household (a tap on 报告 alone files nothing); a wrong report is withdrawn in the
console's 必到事项 with a reason, and leaves the member's tasks."""

from __future__ import annotations

import httpx
from playwright.sync_api import BrowserContext, expect

from tests.browser.conftest import Live
from tests.browser.test_admin_import_assign import admin_login
from tests.browser.test_field_offline import member_id


def test_the_card_form_chooses_nothing_and_a_wrong_report_is_withdrawn(
    phone: BrowserContext, desktop: BrowserContext, live: Live
) -> None:
    mine = live.get(f"/api/v1/members/{member_id(live)}/tasks", "member").json()
    households = live.get("/api/v1/sync/pull", "member").json()["households"]
    household = households[-1]["id"]
    issued = httpx.post(
        f"{live.base}/api/v1/households/{household}/card-token", headers=live.token("secretary")
    )
    assert issued.status_code == 201, issued.text
    token = issued.json()["token"]

    card = phone.new_page()
    card.goto(f"{live.base}/c/{token}")
    kind = card.locator("select[name=kind]")
    expect(kind).to_have_value("")
    card.get_by_role("button", name="报告").click()  # nothing chosen: the browser keeps the form
    expect(card.locator('form.report[action$="/events"]')).to_be_visible()
    assert live.get(f"/api/v1/members/{member_id(live)}/tasks", "member").json() == mine
    kind.select_option("红白大事")
    card.locator("textarea[name=note]").fill("扫码误报")
    card.get_by_role("button", name="报告").click()
    expect(card.locator("h1")).to_have_text("已报告")
    tasks = live.get(f"/api/v1/members/{member_id(live)}/tasks", "member").json()
    [wrong] = [t for t in tasks if t["note"] == "扫码误报"]

    page = desktop.new_page()
    admin_login(page, live, "secretary")
    page.get_by_role("menuitem", name="必到事项").click()
    row = page.locator("[data-test=events-table] .el-table__row", has_text="扫码误报")
    expect(row.locator("[data-test=event-status]")).to_have_text("待到场")
    row.locator("[data-test=event-cancel]").click()
    box = page.locator(".el-message-box")
    box.locator("input").fill("误报，户主家中无事")
    box.get_by_role("button", name="撤销").click()
    expect(row.locator("[data-test=event-status]")).to_have_text("已撤销")
    expect(row.locator("[data-test=cancel-reason]")).to_contain_text("误报，户主家中无事")
    expect(row.locator("[data-test=event-cancel]")).to_have_count(0)
    after = live.get(f"/api/v1/members/{member_id(live)}/tasks", "member").json()
    assert wrong["id"] not in [t["id"] for t in after]
