"""The household register in a real browser: deleting a household with history (a visit in its
民情日志) is refused, and the household dialog offers 迁出 instead; the household then leaves
the register's default list (在册) and keeps its visit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import BrowserContext, expect

from tests.browser.conftest import Live
from tests.browser.test_admin_forms import admin_login, api, field, shot


def test_a_household_with_a_visit_is_moved_out_where_its_deletion_is_refused(
    desktop: BrowserContext, live: Live, artifacts: Path
) -> None:
    household = api(live, "GET", "/households?limit=1&offset=17").json()["data"][0]
    grid = api(live, "GET", f"/org-units/{household['org_id']}").json()
    member = api(live, "GET", f"/members?org_id={grid['parent_id']}&limit=1").json()["data"][0]
    visited = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    api(
        live,
        "POST",
        "/visits",
        json={
            "member_id": member["id"],
            "household_id": household["id"],
            "visited_at": visited,
            "mode": "home",
            "notes": "了解家中近况",
        },
    )
    page = desktop.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    admin_login(page, live)
    page.goto(f"{live.base}/admin/households")
    page.get_by_placeholder("户主姓名").fill(household["head_name"])
    page.get_by_role("button", name="查询").click()
    row = page.locator("[data-test=households-table] .el-table__row").first
    expect(row).to_contain_text(household["head_name"])
    page.locator(
        "[data-test=households-table] .el-table__fixed-right .el-button:visible, "
        "[data-test=households-table] .el-table-fixed-column--right .el-button:visible",
        has_text="删除",
    ).first.click()
    page.locator(".el-message-box").get_by_role("button", name="删除").click()

    dialog = page.locator("[data-test=household-dialog]")
    refused = dialog.locator("[data-test=household-delete-refused]")
    expect(refused).to_contain_text("不能删除")
    expect(refused).to_contain_text("走访")
    expect(dialog.locator("[data-test=household-status]")).to_contain_text("在册")
    shot(page, artifacts / "admin-household-delete-refused.png")
    dialog.locator("[data-test=household-move-out]").click()
    page.locator(".el-message-box").get_by_role("button", name="确定").click()
    expect(page.locator(".el-message--success")).to_contain_text("已迁出")
    expect(dialog).to_be_hidden()
    # the default list holds the households in the register (在册): it is gone from there
    expect(page.locator("[data-test=households-table] .el-table__empty-text")).to_be_visible()

    stored = api(live, "GET", f"/households/{household['id']}").json()
    assert stored["status"] == "moved_out"
    visits = api(live, "GET", f"/households/{household['id']}/visits").json()
    assert len(visits) == 1
    assert errors == []


def test_out_of_range_values_are_refused_with_a_message_and_the_picker_offers_grids_only(
    desktop: BrowserContext, live: Live, artifacts: Path
) -> None:
    """Latitude 999 became 90 and a household of 0 became 1 without a word; the grid picker
    offered the village itself."""
    page = desktop.new_page()
    admin_login(page, live)
    page.goto(f"{live.base}/admin/households")
    before = api(live, "GET", "/households?limit=1").json()["total"]
    page.click("[data-test=household-create]")
    dialog = page.locator("[data-test=household-dialog]")
    dialog.locator("[data-test=org-picker]").click()
    dropdown = page.locator(".el-select-dropdown:visible")
    village = dropdown.locator(".el-tree-node__content", has_text="村").first
    expect(village.locator(".is-disabled, .el-select-dropdown__item.is-disabled")).to_have_count(1)
    dropdown.locator(".el-tree-node__content", has_text="网格").first.click()
    field(dialog, "户主姓名").locator("input").fill("测试户")
    size = dialog.locator("[data-test=household-size] input")
    size.fill("0")
    size.blur()
    lat = dialog.locator("[data-test=household-lat] input")
    lat.fill("999")
    lat.blur()
    dialog.locator("[data-test=household-lng] input").fill("120.5")
    dialog.locator("[data-test=household-save]").click()
    expect(field(dialog, "家庭人口")).to_contain_text("家庭人口须在 1 到 99 之间")
    expect(field(dialog, "位置")).to_contain_text("纬度须在 -90 到 90 之间")
    assert size.input_value() == "0" and lat.input_value().startswith("999")  # not clamped
    shot(page, artifacts / "admin-household-out-of-range.png")
    assert api(live, "GET", "/households?limit=1").json()["total"] == before
