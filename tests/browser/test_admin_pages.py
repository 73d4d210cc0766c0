"""Every page of the admin console opens in a real browser with no script error, in Chinese, for
the accounts that may see it: the county admin (all pages, the dashboards' charts drawn) and the
auditor (read-only pages and the audit log, no import or assignment)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import PASSWORD, Live

ADMIN_PAGES = {
    "组织架构": "[data-test=org-tree] .el-tree-node",
    "党员": "[data-test=members-table] .el-table__row",
    "农户": "[data-test=households-table] .el-table__row",
    "批量导入": "[data-test=import-upload]",
    "包户方案": "[data-test=create-proposal]",
    "党务公开栏": "[data-test=board] .el-table__row",
    "统计看板": "[data-test=chart-compliance] canvas",
    "政策明白卡": "[data-test=policies-table]",
    "问题草稿": "[data-test=drafts-table]",
    "操作日志": "[data-test=audit-table] .el-table__row",
}


def admin_login(page: Page, live: Live, username: str) -> None:
    page.goto(f"{live.base}/admin/")
    page.get_by_placeholder("请输入账号").fill(username)
    page.get_by_placeholder("请输入密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("[data-test=who]")).to_have_attribute("data-username", username)


def test_every_admin_page_opens_for_the_admin(
    desktop: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = desktop.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    admin_login(page, live, "admin")
    for title, ready in ADMIN_PAGES.items():
        page.get_by_role("menuitem", name=title).click()
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
        expect(page.locator(ready).first).to_be_visible()
        expect(page.locator(".el-alert--error")).to_have_count(0)
        if title == "统计看板":
            expect(page.locator("[data-test=chart-coverage] canvas").first).to_be_visible()
            # the demo county's members who did not visit this month, named in the card
            expect(page.locator("[data-test=idle-members]")).to_contain_text("本月未走访的联户党员")
            page.wait_for_timeout(600)  # the bars' entry animation
            page.screenshot(path=str(artifacts / "admin_dashboard.png"), full_page=True)
    # Filters reach the API: one household by name, members by role.
    page.get_by_role("menuitem", name="农户").click()
    name = live.get("/api/v1/households?limit=1", "admin").json()["data"][0]["head_name"]
    page.get_by_placeholder("户主姓名").fill(name)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("[data-test=households-table] .el-table__row").first).to_contain_text(name)
    assert not errors, errors


def test_the_auditor_reads_the_audit_log_and_cannot_import(
    desktop: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = desktop.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    admin_login(page, live, "auditor")
    menu = page.locator(".el-menu")
    expect(menu).to_contain_text("操作日志")
    expect(menu).not_to_contain_text("批量导入")
    expect(menu).not_to_contain_text("包户方案")
    page.get_by_role("menuitem", name="操作日志").click()
    rows = page.locator("[data-test=audit-table] .el-table__row")
    expect(rows.first).to_be_visible()
    expect(page.locator("[data-test=audit-table]")).to_contain_text("登录")
    rows.first.locator(".el-table__expand-icon").click()
    expect(page.get_by_text("修改后", exact=True)).to_be_visible()
    page.screenshot(path=str(artifacts / "admin_audit_log.png"))
    page.goto(f"{live.base}/admin/imports")  # typed by hand: sent to a page the auditor may see
    expect(page).not_to_have_url(f"{live.base}/admin/imports")
    assert not errors, errors


def test_an_expired_login_goes_back_to_the_login_page(desktop: BrowserContext, live: Live) -> None:
    page = desktop.new_page()
    admin_login(page, live, "admin")
    # Both tokens are gone on the server's side (revoked, or expired after 14 days).
    page.evaluate(
        """() => {
          const t = JSON.parse(localStorage.getItem('lianhu.tokens'))
          t.access_token = 'expired'; t.refresh_token = 'revoked'
          localStorage.setItem('lianhu.tokens', JSON.stringify(t))
        }"""
    )
    page.goto(f"{live.base}/admin/households")
    expect(page.locator("[data-test=login-error]")).to_contain_text("登录已过期，请重新登录")
    page.get_by_placeholder("请输入账号").fill("admin")
    page.get_by_placeholder("请输入密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="农户", exact=True)).to_be_visible()
