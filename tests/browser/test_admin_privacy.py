"""The household register (农户台账) downloaded from the households page's export button, with
each household's contact member and last visit; and the audit log as an auditor reads it: each
action by its name (a publish is 发布, not 修改) and before/after as the fields that changed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import BrowserContext, expect

from tests.browser.conftest import Live
from tests.browser.test_admin_forms import admin_login, api, shot
from tests.browser.test_admin_more import a_household, choose


def test_the_household_register_is_exported_with_contact_members_and_last_visits(
    desktop: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = desktop.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    admin_login(page, live)
    page.get_by_role("menuitem", name="农户").click()
    total = api(live, "GET", "/households?limit=1").json()["total"]

    page.locator("[data-test=export-button]").click()
    item = page.locator("[data-test=export-ledger-csv]:visible")
    expect(item).to_contain_text("农户台账")
    shot(page, artifacts / "admin_export_ledger_menu.png")
    with page.expect_download() as info:
        item.click()
    assert info.value.suggested_filename == "农户台账.csv"
    raw = Path(info.value.path()).read_bytes()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header = rows[0]
    assert header[-3:] == ["联系党员", "最近走访", "系统编号"]
    assert len(rows) == total + 1
    contact, last = header.index("联系党员"), header.index("最近走访")
    assert any(r[contact] for r in rows[1:])  # the demo county's roster names its members
    assert all(r[last] == "从未走访" or r[last][:2] == "20" for r in rows[1:])
    expect(page.get_by_text("已导出 农户台账.csv")).to_be_visible()

    with page.expect_download() as info:
        page.locator("[data-test=export-button]").click()
        page.locator("[data-test=export-ledger-xlsx]:visible").click()
    assert info.value.suggested_filename == "农户台账.xlsx"
    assert not errors, errors


def test_the_audit_log_names_each_action_and_shows_only_the_changed_fields(
    desktop: BrowserContext, live: Live, artifacts: Path
) -> None:
    household = a_household(live, 41)
    api(live, "PATCH", f"/households/{household['id']}", json={"size": household["size"] + 2})
    village = api(live, "GET", "/org-units?level=village&limit=1").json()["data"][0]
    proposal = api(live, "POST", "/assignment-proposals", json={"org_id": village["id"]}).json()
    api(
        live,
        "POST",
        f"/assignment-proposals/{proposal['id']}/publish",
        json={"accept_shortfalls": True},
    )

    page = desktop.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    admin_login(page, live, "auditor")
    page.get_by_role("menuitem", name="操作日志").click()
    table = page.locator("[data-test=audit-table]")

    action = page.locator("[data-test=audit-action-filter]")
    action.click()
    choose(page, "发布", action)
    page.get_by_role("button", name="查询").click()
    row = table.locator(".el-table__row").first
    expect(row.locator("[data-test=audit-action]")).to_have_text("发布")
    expect(table.locator("[data-test=audit-action]", has_text="修改")).to_have_count(0)

    action.click()
    choose(page, "修改", action)
    entity = page.locator("[data-test=audit-entity-filter]")
    entity.click()
    choose(page, "农户", entity)
    page.get_by_role("button", name="查询").click()
    row = table.locator(".el-table__row", has_text=str(household["id"])).first
    expect(row.locator("[data-test=audit-action]")).to_have_text("修改")
    row.locator(".el-table__expand-icon").click()
    diff = page.locator("[data-test=audit-diff]:visible")
    expect(diff).to_be_visible()
    changed = diff.locator(".el-table__row")
    expect(changed).to_have_count(1)  # the size only: nothing that stayed the same
    expect(changed.first).to_contain_text("家庭人口")
    expect(changed.first).to_contain_text(str(household["size"]))
    expect(changed.first).to_contain_text(str(household["size"] + 2))
    shot(page, artifacts / "admin_audit_diff.png")
    assert not errors, errors
