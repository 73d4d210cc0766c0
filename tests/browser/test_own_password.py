"""Changing one's own password, in a real browser against the real API: in the admin console
(the header's 修改密码), a weak new password refused next to its field, then a good one saved
and the old one no longer logging in; in the field app (我的 → 修改密码), a wrong current
password refused next to its field, then the change made. This module has its own demo county:
it changes the demo accounts' passwords."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import BrowserContext, expect

from tests.browser.conftest import PASSWORD, Live
from tests.browser.test_admin_forms import admin_login, field, shot
from tests.browser.test_field_offline import log_in


def can_log_in(live: Live, username: str, password: str) -> bool:
    res = httpx.post(
        f"{live.base}/api/v1/auth/login", json={"username": username, "password": password}
    )
    return res.status_code == 200


def test_the_console_user_changes_their_password(
    desktop: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = desktop.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    admin_login(page, live, "county")
    page.locator("[data-test=change-password]").click()
    dialog = page.locator("[data-test=password-dialog]")
    field(dialog, "当前密码").locator("input").fill(PASSWORD)
    field(dialog, "新密码").first.locator("input").fill("1234567890")
    field(dialog, "确认新密码").locator("input").fill("1234567890")
    dialog.locator("[data-test=password-save]").click()
    expect(field(dialog, "新密码").first.locator(".el-form-item__error")).to_contain_text(
        "常见密码"
    )
    shot(page, artifacts / "admin-password-refused.png")
    field(dialog, "新密码").first.locator("input").fill("Qinghe-2027x")
    field(dialog, "确认新密码").locator("input").fill("Qinghe-2027x")
    dialog.locator("[data-test=password-save]").click()
    expect(page.get_by_text("密码已修改")).to_be_visible()
    expect(dialog).to_be_hidden()
    page.get_by_role("menuitem", name="农户").click()  # the console goes on with the new tokens
    expect(page.locator("[data-test=households-table] .el-table__row").first).to_be_visible()
    assert not can_log_in(live, "county", PASSWORD)
    assert can_log_in(live, "county", "Qinghe-2027x")
    assert errors == []


def test_the_member_changes_their_password_on_the_phone(
    phone: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = phone.new_page()
    log_in(page, live)
    page.locator("[data-tab=me]").click()
    page.locator("[data-test=change-password]").click()
    page.get_by_label("当前密码").fill("not-my-password-1")
    page.get_by_label("新密码", exact=True).fill("Dangyuan-2027x")
    page.get_by_label("确认新密码").fill("Dangyuan-2027x")
    page.locator("[data-test=password-save]").click()
    expect(page.get_by_text("当前密码不正确")).to_be_visible()
    shot(page, artifacts / "field-password-refused.png")
    page.get_by_label("当前密码").fill(PASSWORD)
    page.locator("[data-test=password-save]").click()
    expect(page.get_by_text("密码已修改")).to_be_visible()
    assert can_log_in(live, "member", "Dangyuan-2027x")
    assert not can_log_in(live, "member", PASSWORD)


def test_an_administrator_unlocks_an_account_from_the_users_page(
    desktop: BrowserContext, live: Live, artifacts: Path
) -> None:
    for _ in range(5):
        httpx.post(
            f"{live.base}/api/v1/auth/login",
            json={"username": "township", "password": "wrong-password-1"},
        )
    assert not can_log_in(live, "township", PASSWORD)
    page = desktop.new_page()
    admin_login(page, live)
    page.get_by_role("menuitem", name="账户").click()
    row = page.locator("[data-test=users-table] .el-table__row", has_text="township")
    expect(row.locator("[data-test=user-locked]")).to_contain_text("锁定至")
    shot(page, artifacts / "admin-user-locked.png")
    row.locator("[data-test=user-unlock]").click()
    expect(page.get_by_text("已解除 township 的登录锁定")).to_be_visible()
    expect(row.locator("[data-test=user-locked]")).to_have_count(0)
    assert can_log_in(live, "township", PASSWORD)
