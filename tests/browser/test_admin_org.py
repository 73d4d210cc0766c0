"""组织架构 in a real browser against the real API: a unit chosen in the tree shows its members and
households as the API counts them; deleting a unit that still holds households is refused in the
server's words; moving a grid under itself is refused under the picker of the move dialog, and
moving it under another village goes through."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import BrowserContext, expect

from tests.browser.conftest import Live
from tests.browser.test_admin_forms import admin_login, api, pick_org, shot


def test_a_unit_is_counted_refused_deletion_and_moved(
    desktop: BrowserContext, live: Live, artifacts: Path
) -> None:
    units = api(live, "GET", "/org-units?limit=500").json()["data"]
    village = next(u for u in units if u["level"] == "village")
    grid = next(u for u in units if u["level"] == "grid" and u["parent_id"] == village["id"])
    assert sum(u["name"] == grid["name"] for u in units) == 1
    target = api(
        live,
        "POST",
        "/org-units",
        json={"name": "迁入测试村", "level": "village", "parent_id": village["parent_id"]},
    ).json()
    households = api(live, "GET", f"/households?org_id={village['id']}&limit=1").json()["total"]
    members = api(live, "GET", f"/members?org_id={village['id']}&limit=1").json()["total"]
    assert households > 0

    page = desktop.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    admin_login(page, live)
    page.get_by_role("menuitem", name="组织架构").click()
    tree = page.locator("[data-test=org-tree]")
    tree.locator(".el-tree-node__content", has_text=village["name"]).first.click()
    details = page.locator(".el-descriptions").first  # the unit's (the scheme card has its own)
    expect(details.locator(".el-descriptions__title")).to_have_text(village["name"])
    expect(details.get_by_role("link").nth(0)).to_have_text(str(members))
    expect(details.get_by_role("link").nth(1)).to_have_text(str(households))

    # Not empty: the server refuses, and the page says so in its words; the village stays.
    refused = httpx.delete(
        f"{live.base}/api/v1/org-units/{village['id']}", headers=live.token("admin"), timeout=30
    )
    assert refused.status_code == 409, refused.text
    actions = page.locator("[data-test=org-actions]")
    actions.get_by_role("button", name="删除").click()
    page.locator(".el-message-box").get_by_role("button", name="删除").click()
    expect(page.locator("[data-test=org-refusal]")).to_contain_text(refused.json()["detail"])

    # A grid under itself: refused next to the picker, the dialog stays open.
    tree.locator(".el-tree-node__content", has_text=grid["name"]).first.click()
    expect(details.locator(".el-descriptions__title")).to_have_text(grid["name"])
    actions.get_by_role("button", name="移动").click()
    dialog = page.locator("[data-test=org-move]")
    expect(dialog).to_be_visible()
    picker = dialog.locator("[data-test=org-picker]")
    pick_org(page, picker, grid["name"])
    dialog.get_by_role("button", name="移动").click()
    expect(dialog.locator(".el-form-item__error")).to_have_text(
        "不能把组织移到它自己或它的下级之下"
    )
    shot(page, artifacts / "admin_org_move_refused.png")

    # Under another village: moved, the tree read again with the grid still selected.
    pick_org(page, picker, target["name"])
    dialog.get_by_role("button", name="移动").click()
    expect(page.locator(".el-message")).to_contain_text(
        f"已将 {grid['name']} 移到 {target['name']} 之下"
    )
    expect(dialog).to_be_hidden()
    moved = api(live, "GET", f"/org-units/{grid['id']}").json()
    assert moved["parent_id"] == target["id"]
    expect(details.locator(".el-descriptions__title")).to_have_text(grid["name"])
    expect(details).to_contain_text(target["name"])  # 完整路径
    assert not errors, errors
