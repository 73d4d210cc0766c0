"""The dashboard as a county officer uses it: the area table opens each area below, level by
level, with the way back up; 本月未走访 pages and exports as CSV; 必到事项 page past the first
page."""

from __future__ import annotations

import httpx
from playwright.sync_api import BrowserContext, expect

from tests.browser.conftest import Live
from tests.browser.test_admin_import_assign import admin_login


def test_the_area_table_drills_down_and_the_idle_members_page_and_export(
    desktop: BrowserContext, live: Live
) -> None:
    page = desktop.new_page()
    admin_login(page, live, "county")
    page.get_by_role("menuitem", name="统计看板").click()
    table = page.locator("[data-test=area-table]")
    townships = live.get("/api/v1/org-units?level=township", "county").json()["data"]
    expect(table).to_contain_text(townships[0]["name"])  # one level down: the townships
    table.locator(f"[data-area='{townships[0]['id']}']").click()
    villages = live.get(f"/api/v1/org-units?parent_id={townships[0]['id']}", "county").json()[
        "data"
    ]
    expect(table).to_contain_text(villages[0]["name"])  # and the next: its villages
    trail = page.locator("[data-test=dashboard-trail]")
    expect(trail).to_contain_text(townships[0]["name"])
    table.locator(f"[data-area='{villages[0]['id']}']").click()
    grids = live.get(f"/api/v1/org-units?parent_id={villages[0]['id']}&level=grid", "county")
    expect(table).to_contain_text(grids.json()["data"][0]["name"])  # down to the grids
    trail.get_by_text(townships[0]["name"]).click()  # and back up
    expect(table).to_contain_text(villages[0]["name"])

    county = live.get("/api/v1/org-units?level=county", "county").json()["data"][0]["id"]
    trail.locator("a").first.click()
    idle = live.get(f"/api/v1/org-units/{county}/compliance/idle-members?limit=20", "county")
    total = idle.json()["total"]
    card = page.locator("[data-test=idle-members]")
    expect(card).to_contain_text(f"（{total} 人）")
    if total > 20:
        card.locator("[data-test=idle-pager] .btn-next").click()
        second = live.get(
            f"/api/v1/org-units/{county}/compliance/idle-members?limit=20&offset=20", "county"
        ).json()["data"]
        expect(card.locator(".el-table__row").first).to_contain_text(second[0]["name"])
    with page.expect_download() as got:
        card.locator("[data-test=idle-export]").click()
    saved = got.value.path()
    lines = saved.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "党员,所在组织,联系农户数,最近一次走访" and len(lines) == total + 1


def test_the_events_list_pages(desktop: BrowserContext, live: Live) -> None:
    village = live.get("/api/v1/org-units?level=village", "secretary").json()["data"][0]["id"]
    url = f"/api/v1/org-units/{village}/events?limit=500"
    household = live.get("/api/v1/sync/pull", "member").json()["households"][0]["id"]
    for i in range(max(0, 51 - live.get(url, "secretary").json()["total"])):
        res = httpx.post(
            f"{live.base}/api/v1/households/{household}/events",
            json={"kind": "代办事项", "note": f"翻页 {i}"},
            headers=live.token("secretary"),
        )
        assert res.status_code == 201, res.text
    second = live.get(f"/api/v1/org-units/{village}/events?limit=50&offset=50", "secretary")
    page = desktop.new_page()
    admin_login(page, live, "secretary")
    page.get_by_role("menuitem", name="必到事项").click()
    expect(page.locator("[data-test=events-table] .el-table__row").first).to_be_visible()
    page.locator("[data-test=event-page-size]").click()
    choices = page.locator(".el-select-dropdown:visible .el-select-dropdown__item")
    choices.filter(has_text="每页 50 条").click()
    expect(page.locator("[data-test=events-table] .el-table__row")).to_have_count(50)
    page.locator("[data-test=event-next]").click()
    expect(page.locator("[data-test=event-page]")).to_have_text("第 2 页")
    first_of_second = second.json()["data"][0]
    expect(page.locator("[data-test=events-table]")).to_contain_text(first_of_second["note"])
    expect(page.locator("[data-test=event-prev]")).to_be_enabled()
