"""The field app's visit form offers the 必记 of the scheme in force for the household (its
visit_log_flags, read from the API), a county's own included — not the fixed four of
seeds/jiaxing-yilian-sanhui.txt alone — and a visit with a county's own 必记 reaches the server
with it, raised as an issue draft."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, expect

from tests.browser.conftest import Live
from tests.browser.test_admin_forms import api
from tests.browser.test_field_offline import log_in, screenshot
from tests.browser.test_issue_flow import console

FOUR = ["意见建议", "困难问题", "邻里纠纷", "家庭灾害事故"]


def test_the_visit_form_offers_the_schemes_own_flags_and_a_custom_one_is_logged(
    browser: Browser, phone: BrowserContext, live: Live, artifacts: Path
) -> None:
    county = api(live, "GET", "/org-units?level=county&limit=1").json()["data"][0]
    chosen = api(live, "GET", f"/org-units/{county['id']}/scheme").json()
    api(
        live,
        "PUT",
        f"/org-units/{county['id']}/scheme",
        json={"scheme": chosen["code"], "overrides": {"visit_log_flags": [*FOUR, "安全隐患"]}},
    )
    page = phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in(page, live)
    household = page.locator(".household").first.get_attribute("data-household")
    page.locator(f".household[data-household='{household}']").click()
    page.click("[data-test=log-visit]")
    flags = page.locator("[data-test=visit-flags]")
    expect(flags.locator("[data-flag]")).to_have_count(5)
    expect(flags).to_contain_text("家庭灾害事故")
    page.get_by_placeholder("家庭近况、群众反映、宣传了什么…").fill("查看用电情况，提醒注意安全")
    flags.locator("[data-flag='安全隐患']").click()
    page.get_by_placeholder("写明安全隐患的具体内容").fill("电线老化，有火灾隐患")
    flags.locator("[data-raise='安全隐患']").click()
    screenshot(page, artifacts / "field_visit_custom_flag.png")
    page.click("[data-test=save-visit]")
    expect(page.get_by_text("【安全隐患】电线老化，有火灾隐患")).to_be_visible()  # synced, shown

    visits = live.get(f"/api/v1/households/{household}/visits", "member").json()
    mine = [v for v in visits if v["notes"] == "查看用电情况，提醒注意安全"]
    assert len(mine) == 1, visits
    assert mine[0]["flags"] == [
        {"kind": "安全隐患", "label": "安全隐患", "text": "电线老化，有火灾隐患"}
    ]
    drafts = live.get(f"/api/v1/issue-drafts?household_id={household}", "member").json()
    assert [d["kind_label"] for d in drafts["data"]] == ["安全隐患"], drafts
    assert errors == []

    # the village's secretary turns the draft into an issue of the flow (收集 → 分类 …) from
    # the console's drafts page; its page opens, and the draft is 已转问题办理
    ctx, desk = console(browser, live, "secretary")
    desk.get_by_role("menuitem", name="问题草稿").click()
    row = desk.locator("[data-test=drafts-table] .el-table__row", has_text="电线老化，有火灾隐患")
    row.locator("[data-test=raise-draft]").click()
    expect(desk).to_have_url(re.compile(r"/admin/issues/[0-9]+$"))
    expect(desk.get_by_text("安全隐患：电线老化，有火灾隐患").first).to_be_visible()
    screenshot(desk, artifacts / "draft_became_issue.png")
    after = live.get(f"/api/v1/issue-drafts?household_id={household}", "member").json()
    assert [d["status_label"] for d in after["data"]] == ["已转问题办理"], after
    ctx.close()
