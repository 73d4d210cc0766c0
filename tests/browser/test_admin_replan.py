"""包户方案 in the console: the drafts waiting to be published are listed and open with a click
(no id to type); a re-plan's pairs can be narrowed to those that change the roster; the publish
note reads as Chinese; the edit dialog asks for the member taking a household over, under its
field, before anything is sent."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import BrowserContext, expect

from tests.browser.conftest import Live
from tests.browser.test_admin_import_assign import admin_login


def test_drafts_are_listed_and_a_replan_shows_only_what_changes(
    desktop: BrowserContext, live: Live, artifacts: Path
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
    # 调整 with nobody chosen: said under the field, nothing sent, the dialog stays open.
    edits: list[str] = []
    page.on("request", lambda r: edits.append(r.url) if r.url.endswith("/edits") else None)
    page.locator("[data-test=pairs-table] [data-test=edit-pair]").first.click()
    dialog = page.get_by_role("dialog", name="调整联系对")
    dialog.locator("[data-test=apply-edit]").click()
    expect(dialog.locator(".el-form-item__error")).to_have_text("请选择接手的党员")
    page.wait_for_timeout(400)  # the message's entry transition
    page.screenshot(path=str(artifacts / "admin_assignment_edit_required.png"))
    assert edits == []
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()

    page.locator("[data-test=changed-only]").click()
    expect(page.locator("[data-test=pair-total]")).to_have_text(f"共 {changed} 对")
    expect(page.get_by_text("发布后，原联系关系于发布当日结束，历史记录可查。")).to_be_visible()
