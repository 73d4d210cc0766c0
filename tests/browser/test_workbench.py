"""The console's first page is 工作台, what needs doing today, each count as the API gives it
and a click away from where to do it; a household's dialog shows its 民情日志."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
from playwright.sync_api import BrowserContext, expect

from tests.browser.conftest import Live
from tests.browser.test_admin_import_assign import admin_login
from tests.browser.test_field_offline import member_id


def test_the_console_opens_on_the_workbench(desktop: BrowserContext, live: Live) -> None:
    page = desktop.new_page()
    admin_login(page, live, "secretary")
    expect(page).to_have_url(f"{live.base}/admin/home")
    village = live.get("/api/v1/org-units?level=village", "secretary").json()["data"][0]["id"]
    idle = live.get(f"/api/v1/org-units/{village}/compliance/idle-members?limit=1", "secretary")
    uncovered = live.get(f"/api/v1/org-units/{village}/coverage", "secretary").json()
    tiles = page.locator("[data-test=workbench]")
    idle_tile = tiles.locator("[data-tile=idleMembers] [data-test=tile-value]")
    expect(idle_tile).to_have_text(str(idle.json()["total"]))
    expect(tiles.locator("[data-tile=uncovered] [data-test=tile-value]")).to_have_text(
        str(uncovered["uncovered"]["count"])
    )
    for key in ("missedEvents", "proposalDrafts", "issueDrafts"):
        expect(tiles.locator(f"[data-tile={key}] [data-test=tile-value]")).not_to_have_text("")
    tiles.locator("[data-tile=missedEvents]").click()
    expect(page).to_have_url(f"{live.base}/admin/events?status=missed")
    expect(page.get_by_role("heading", name="必到事项")).to_be_visible()


def test_the_household_dialog_shows_its_visit_history(desktop: BrowserContext, live: Live) -> None:
    household = live.get("/api/v1/sync/pull", "member").json()["households"][0]
    notes = f"入户了解冬季取暖 {uuid.uuid4().hex[:6]}"
    res = httpx.post(
        f"{live.base}/api/v1/visits",
        json={
            "member_id": member_id(live),
            "household_id": household["id"],
            "visited_at": datetime.now(UTC).isoformat(),
            "mode": "home",
            "notes": notes,
        },
        headers=live.token("member"),
    )
    assert res.status_code == 201, res.text
    page = desktop.new_page()
    admin_login(page, live, "secretary")
    page.get_by_role("menuitem", name="农户").click()
    page.get_by_placeholder("户主姓名").fill(household["head_name"])
    page.get_by_role("button", name="查询").click()
    row = page.locator("[data-test=households-table] .el-table__row").first
    expect(row).to_contain_text(household["head_name"])
    row.locator("[data-test=household-open-visits]").click()
    visits = page.locator("[data-test=household-visits]")
    expect(visits).to_contain_text(notes)
    expect(visits).to_contain_text("入户走访")
