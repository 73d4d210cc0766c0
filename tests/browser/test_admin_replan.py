"""包户方案 in the console: the drafts waiting to be published are listed and open with a click
(no id to type); a re-plan's pairs can be narrowed to those that change the roster; the publish
note reads as Chinese."""

from __future__ import annotations

import httpx
from playwright.sync_api import BrowserContext, expect

from tests.browser.conftest import Live
from tests.browser.test_admin_import_assign import admin_login


def test_drafts_are_listed_and_a_replan_shows_only_what_changes(
    desktop: BrowserContext, live: Live
) -> None:
    villages = live.get("/api/v1/org-units?level=village&limit=500", "admin").json()["data"]
    village = next(o["id"] for o in villages if o["name"] == "和明村")
    made = httpx.post(
        f"{live.base}/api/v1/assignment-proposals",
        json={"org_id": village, "mode": "replan"},
        headers=live.token("admin"),
    )
    assert made.status_code == 201, made.text
    pid = made.json()["id"]
    changed = live.get(
        f"/api/v1/assignment-proposals/{pid}/pairs?changed_only=true&limit=1", "admin"
    ).json()["total"]
    every = live.get(f"/api/v1/assignment-proposals/{pid}/pairs?limit=1", "admin").json()["total"]

    page = desktop.new_page()
    admin_login(page, live)
    page.get_by_role("menuitem", name="包户方案").click()
    drafts = page.locator("[data-test=drafts]")
    expect(drafts).to_contain_text(f"#{pid}")
    expect(drafts).to_contain_text("重新规划")
    drafts.locator(f"[data-draft='{pid}']").click()
    expect(page.locator("[data-test=proposal-status]")).to_have_text("草案")
    assert page.url.endswith(f"proposal={pid}")
    expect(page.locator("[data-test=pair-total]")).to_have_text(f"共 {every} 对")
    page.locator("[data-test=changed-only]").click()
    expect(page.locator("[data-test=pair-total]")).to_have_text(f"共 {changed} 对")
    expect(page.get_by_text("发布后，原联系关系于发布当日结束，历史记录可查。")).to_be_visible()
