"""People by name in both apps: the console's header says the person logged in, 报告人 the
person who reported; the field app's 我的 says the member's name."""

from __future__ import annotations

import uuid

import httpx
from playwright.sync_api import BrowserContext, expect

from tests.browser.conftest import Live
from tests.browser.test_admin_import_assign import admin_login
from tests.browser.test_field_offline import log_in


def test_the_console_and_the_field_app_name_people_not_logins(
    desktop: BrowserContext, phone: BrowserContext, live: Live
) -> None:
    secretary = live.get("/api/v1/auth/me", "secretary").json()
    assert secretary["display_name"] != "secretary"  # the demo's secretary is a member: named
    household = live.get("/api/v1/sync/pull", "member").json()["households"][0]["id"]
    note = f"住院 {uuid.uuid4().hex[:6]}"
    res = httpx.post(
        f"{live.base}/api/v1/households/{household}/events",
        json={"kind": "生病住院", "note": note},
        headers=live.token("secretary"),
    )
    assert res.status_code == 201, res.text

    page = desktop.new_page()
    admin_login(page, live, "secretary")
    expect(page.locator("[data-test=who]")).to_have_text(secretary["display_name"])
    page.get_by_role("menuitem", name="必到事项").click()
    row = page.locator("[data-test=events-table] .el-table__row", has_text=note)
    expect(row).to_contain_text(secretary["display_name"])
    expect(row).not_to_contain_text("secretary")

    page.get_by_role("button", name="退出").click()
    admin_login(page, live, "admin")
    expect(page.locator("[data-test=who]")).to_have_text("周立新")

    field = phone.new_page()
    log_in(field, live)
    field.click("[data-tab=me]")
    name = live.get("/api/v1/auth/me", "member").json()["display_name"]
    expect(field.locator("[data-test=me-name]")).to_contain_text(name)
