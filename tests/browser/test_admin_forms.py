"""The admin console's forms in a real browser against the real API: a member refused next to the
field (a client-side rule and the server's own answer, both in Chinese) and then saved; a
household's residents edited; a policy whose rule the server refuses, the place it names shown
under the rule, fixed and saved; and a delivery recorded for an eligible household, the server's
refusal of a step back shown as it says it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import BrowserContext, Locator, Page, expect

from tests.browser.conftest import PASSWORD, Live


def admin_login(page: Page, live: Live, username: str = "admin") -> None:
    page.goto(f"{live.base}/admin/")
    page.get_by_placeholder("请输入账号").fill(username)
    page.get_by_placeholder("请输入密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("[data-test=who]")).to_have_attribute("data-username", username)


def field(dialog: Locator, label: str) -> Locator:
    """One form item of a dialog by its label."""
    return dialog.locator(".el-form-item").filter(
        has=dialog.page.locator(".el-form-item__label", has_text=label)
    )


def pick_org(page: Page, picker: Locator, name: str) -> None:
    picker.click()
    page.locator(".el-select-dropdown:visible .el-tree-node__content", has_text=name).first.click()


def shot(page: Page, path: Path) -> None:
    page.wait_for_timeout(400)  # the error message's entry transition
    page.screenshot(path=str(path))


def api(live: Live, method: str, path: str, **kwargs: Any) -> httpx.Response:
    r = httpx.request(
        method, f"{live.base}/api/v1{path}", headers=live.token("admin"), timeout=30, **kwargs
    )
    r.raise_for_status()
    return r


def test_a_member_is_refused_next_to_the_field_then_saved(
    desktop: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = desktop.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    admin_login(page, live)
    grid = api(live, "GET", "/org-units?level=grid&limit=1").json()["data"][0]
    page.goto(f"{live.base}/admin/members?org={grid['id']}")
    page.click("[data-test=member-create]")
    dialog = page.locator("[data-test=member-dialog]")

    # Client-side rules: the name is required, the phone has a format; each says so under it.
    field(dialog, "电话").locator("input").fill("电话号码")
    dialog.locator("[data-test=member-save]").click()
    expect(field(dialog, "姓名").locator(".el-form-item__error")).to_have_text("请输入姓名")
    expect(field(dialog, "电话").locator(".el-form-item__error")).to_contain_text(
        "电话号码格式不正确"
    )
    shot(page, artifacts / "admin_member_client_error.png")

    # The server's rule: an in-service member reports to a community or village, not a grid.
    field(dialog, "姓名").locator("input").fill("林晓东")
    field(dialog, "电话").locator("input").fill("13800001234")
    field(dialog, "在职党员").locator(".el-checkbox").click()
    pick_org(page, field(dialog, "报到社区").locator("[data-test=org-picker]"), grid["name"])
    dialog.locator("[data-test=member-save]").click()
    expect(field(dialog, "报到社区").locator(".el-form-item__error")).to_have_text(
        "在职党员须报到到社区或村"
    )
    expect(field(dialog, "电话").locator(".el-form-item__error")).to_have_count(0)
    shot(page, artifacts / "admin_member_server_error.png")

    village = api(live, "GET", "/org-units?level=village&limit=1").json()["data"][0]
    pick_org(page, field(dialog, "报到社区").locator("[data-test=org-picker]"), village["name"])
    dialog.locator("[data-test=member-save]").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("[data-test=members-table]")).to_contain_text("林晓东")
    saved = api(live, "GET", "/members?q=林晓东").json()["data"]
    assert [(m["phone"], m["in_service"], m["reported_community_id"]) for m in saved] == [
        ("13800001234", True, village["id"])
    ]

    # Deleting: a member who still looks after households is refused (409) in the server's words;
    # the new one, who looks after nobody, goes.
    table = page.locator("[data-test=members-table]")
    busy = next(
        m
        for m in api(live, "GET", f"/members?org_id={grid['id']}").json()["data"]
        if m["name"] != "林晓东"
    )
    table.locator(".el-table__row", has_text=busy["name"]).get_by_role(
        "button", name="删除"
    ).click()
    page.locator(".el-message-box").get_by_role("button", name="删除").click()
    expect(page.locator("[data-test=member-refusal]")).to_contain_text(
        f"不能删除党员 {busy['name']}"
    )
    shot(page, artifacts / "admin_member_delete_refused.png")
    table.locator(".el-table__row", has_text="林晓东").get_by_role("button", name="删除").click()
    page.locator(".el-message-box").get_by_role("button", name="删除").click()
    expect(table).not_to_contain_text("林晓东")
    assert api(live, "GET", "/members?q=林晓东").json()["total"] == 0
    assert not errors, errors


def test_a_households_residents_are_edited_in_its_dialog(
    desktop: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = desktop.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    admin_login(page, live)
    household = api(live, "GET", "/households?limit=1&offset=5").json()["data"][0]
    page.get_by_role("menuitem", name="农户").click()
    page.get_by_placeholder("户主姓名").fill(household["head_name"])
    page.get_by_role("button", name="查询").click()
    row = page.locator("[data-test=households-table] .el-table__row").first
    expect(row).to_contain_text(household["head_name"])
    # A fixed column is drawn twice by Element Plus; the visible button is the one to press.
    page.locator("[data-test=household-residents]:visible").first.click()
    editor = page.locator("[data-test=residents-editor]")
    expect(editor).to_contain_text("尚未登记家庭成员")

    editor.locator("[data-test=resident-add]").click()
    editor.locator("[data-test=resident-add]").click()
    rows = editor.locator("[data-test=residents-table] .el-table__row")
    expect(rows).to_have_count(2)
    rows.nth(0).get_by_placeholder("选择日期").fill("1941-05-06")
    rows.nth(0).get_by_placeholder("选择日期").press("Enter")
    editor.locator("[data-test=residents-save]").click()
    expect(rows.nth(1)).to_contain_text("请填写出生日期")  # the second row has no date yet

    rows.nth(1).get_by_placeholder("选择日期").fill("1943-11-02")
    rows.nth(1).get_by_placeholder("选择日期").press("Enter")
    editor.locator("[data-test=residents-save]").click()
    expect(page.get_by_text("家庭成员已保存")).to_be_visible()
    shot(page, artifacts / "admin_residents.png")
    stored = api(live, "GET", f"/households/{household['id']}/residents").json()
    assert [(r["relation"], r["birth_date"]) for r in stored] == [
        ("head", "1941-05-06"),
        ("other", "1943-11-02"),
    ]
    assert not errors, errors


def test_a_policy_with_a_bad_rule_is_fixed_then_delivered_to_a_household(
    desktop: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = desktop.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # One household with an 86-year-old resident: the fixed rule makes it eligible.
    household = api(live, "GET", "/households?limit=1&offset=9").json()["data"][0]
    api(
        live,
        "PUT",
        f"/households/{household['id']}/residents",
        json={"residents": [{"relation": "head", "birth_date": "1940-02-03"}]},
    )
    admin_login(page, live)
    page.get_by_role("menuitem", name="政策明白卡").click()
    page.click("[data-test=policy-create]")
    dialog = page.locator("[data-test=policy-dialog]")
    field(dialog, "政策代码").locator("input").fill("gaoling_jintie")
    field(dialog, "政策名称").locator("input").fill("高龄津贴")
    dialog.locator("[data-test=rule-json-mode]").click()
    dialog.locator("[data-test=rule-json]").fill(
        '{"all": [{"field": "size", "op": ">=", "value": 1},'
        ' {"field": "max_age", "op": ">=", "value": 800}]}'
    )
    dialog.locator("[data-test=policy-save]").click()
    rule_error = field(dialog, "资格规则").locator(".el-form-item__error")
    expect(rule_error).to_have_text("rule.all[1].value：户内最年长者年龄须是 0–150 的整数")
    shot(page, artifacts / "admin_policy_rule_error.png")

    # Back in the builder the condition the server named is marked; fix its value there.
    dialog.get_by_text("条件构建器", exact=True).click()
    marked = dialog.locator("[data-test=rule-row].marked")
    expect(marked).to_have_count(1)
    marked.locator(".el-input-number input").fill("80")
    dialog.locator("[data-test=policy-save]").click()
    expect(dialog).to_be_hidden()
    policies = page.locator("[data-test=policies-table]")
    expect(policies).to_contain_text("（家庭人口 ≥ 1 且 户内最年长者年龄 ≥ 80）")

    # The eligible households of the policy; record 已宣讲 for ours.
    policies.locator(".el-table__row", has_text="高龄津贴").first.click()
    eligibility = page.locator(".el-tag", has_text="待核实").locator(".el-tag__close")
    eligibility.click()  # 符合 only
    match = page.locator(".el-card .el-table__row", has_text=household["head_name"]).first
    expect(match).to_contain_text("符合")
    match.locator("[data-test=delivery-open]").click()
    delivery = page.locator("[data-test=delivery-dialog]")
    expect(delivery.locator(".el-radio-button.is-active")).to_have_text("已宣讲")
    field(delivery, "备注").locator("textarea").fill("已上门讲解，户主下周去村委会申请")
    delivery.locator("[data-test=delivery-save]").click()
    expect(delivery).to_be_hidden()
    expect(match).to_contain_text("已宣讲")

    # Someone else records 已享受 meanwhile: the step back asked from this stale page is refused,
    # in the server's words, under the step field (the problem names "status").
    match.locator("[data-test=delivery-open]").click()
    county = api(live, "GET", "/org-units?level=county&limit=1").json()["data"][0]
    found = api(live, "GET", f"/org-units/{county['id']}/policies").json()
    policy_id = next(p["id"] for p in found if p["code"] == "gaoling_jintie")
    api(
        live,
        "PUT",
        f"/policies/{policy_id}/households/{household['id']}/delivery",
        json={"status": "received"},
    )
    expect(delivery.locator(".el-radio-button.is-active")).to_have_text("已申请")
    delivery.locator("[data-test=delivery-save]").click()
    expect(field(delivery, "落实进度").locator(".el-form-item__error")).to_have_text(
        "已是“已享受”，不能退回“已申请”"
    )
    expect(match).to_contain_text("已享受")  # the list is read again after the refusal
    shot(page, artifacts / "admin_delivery_refused.png")
    assert not errors, errors


def test_the_auditor_gets_no_form_actions(
    desktop: BrowserContext, live: Live, artifacts: Path
) -> None:
    """Read-only roles see the registers without the buttons their permissions would refuse."""
    page = desktop.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    admin_login(page, live, "auditor")
    menu = page.locator(".el-menu")
    expect(menu).to_contain_text("党员")
    expect(menu).not_to_contain_text("账户管理")
    expect(menu).not_to_contain_text("API 密钥")

    page.get_by_role("menuitem", name="组织架构").click()
    expect(page.locator("[data-test=scheme-name]")).to_be_visible()  # scheme:read
    expect(page.locator("[data-test=org-actions]")).to_have_count(0)
    expect(page.locator("[data-test=scheme-select]")).to_have_count(0)

    page.get_by_role("menuitem", name="党员").click()
    expect(page.locator("[data-test=members-table] .el-table__row").first).to_be_visible()
    expect(page.locator("[data-test=member-create]")).to_have_count(0)
    expect(page.locator("[data-test=members-table]")).not_to_contain_text("编辑")

    # Households: the residents can be read (ages only, no birth dates), not changed.
    page.get_by_role("menuitem", name="农户").click()
    expect(page.locator("[data-test=households-table] .el-table__row").first).to_be_visible()
    expect(page.locator("[data-test=household-create]")).to_have_count(0)
    page.locator("[data-test=household-residents]:visible").first.click()
    editor = page.locator("[data-test=residents-editor]")
    expect(editor.locator(".el-table")).to_be_visible()
    expect(editor.locator("[data-test=residents-save]")).to_have_count(0)
    shot(page, artifacts / "admin_auditor_residents.png")
    page.keyboard.press("Escape")

    page.get_by_role("menuitem", name="政策明白卡").click()
    expect(page.locator("[data-test=policies-table]")).to_be_visible()
    expect(page.locator("[data-test=policy-create]")).to_have_count(0)
    page.goto(f"{live.base}/admin/users")  # typed by hand: sent to a page the auditor may see
    expect(page).not_to_have_url(f"{live.base}/admin/users")
    assert not errors, errors


def test_a_county_cadre_makes_an_account_and_an_api_key(
    desktop: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = desktop.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    admin_login(page, live, "county")
    page.get_by_role("menuitem", name="账户管理").click()
    page.click("[data-test=user-create]")
    dialog = page.locator("[data-test=user-dialog]")
    field(dialog, "账号").locator("input").fill("zw")
    field(dialog, "初始密码").locator("input").fill("lianhu-2026")
    dialog.locator("[data-test=user-save]").click()
    expect(field(dialog, "账号").locator(".el-form-item__error")).to_have_text("账号为 3–64 个字符")
    expect(field(dialog, "角色").locator(".el-form-item__error")).to_have_text("请选择角色")

    # Only the installation's administrators make administrators: the server says so under 角色.
    field(dialog, "账号").locator("input").fill("zhangwei")
    field(dialog, "角色").locator(".el-select").click()
    page.locator(
        ".el-select-dropdown:visible .el-select-dropdown__item", has_text="系统管理员"
    ).click()
    dialog.locator("[data-test=user-save]").click()
    expect(field(dialog, "角色").locator(".el-form-item__error")).to_have_text(
        "只有系统管理员能创建管理员"
    )
    shot(page, artifacts / "admin_user_role_refused.png")
    field(dialog, "角色").locator(".el-select").click()
    page.locator(
        ".el-select-dropdown:visible .el-select-dropdown__item", has_text="乡镇干部"
    ).click()
    # the list closes as it is chosen, after a transition: saving waits for it, or the
    # closing list takes the click (seen once under load)
    expect(page.locator(".el-select-dropdown:visible")).to_have_count(0)
    dialog.locator("[data-test=user-save]").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("[data-test=users-table]")).to_contain_text("zhangwei")
    r = httpx.post(
        f"{live.base}/api/v1/auth/login", json={"username": "zhangwei", "password": "lianhu-2026"}
    )
    assert r.status_code == 200

    # An API key: its secret is shown once, with a copy button and the warning; it works; revoked.
    page.get_by_role("menuitem", name="API 密钥").click()
    page.click("[data-test=key-create]")
    keys = page.locator("[data-test=key-dialog]")
    field(keys, "名称").locator("input").fill("县智慧党建平台")
    keys.locator(".el-checkbox", has_text="查看组织").click()
    keys.locator("[data-test=key-save]").click()
    secret = page.locator("[data-test=key-secret]")
    expect(secret).to_contain_text("密钥只显示这一次")
    expect(secret.get_by_role("button", name="复制")).to_be_visible()
    key = secret.locator("[data-test=key-secret-value]").input_value()
    shot(page, artifacts / "admin_api_key_secret.png")
    headers = {"X-API-Key": key}
    assert httpx.get(f"{live.base}/api/v1/org-units", headers=headers).status_code == 200
    secret.get_by_role("button", name="我已保存").click()
    row = page.locator("[data-test=keys-table] .el-table__row", has_text="县智慧党建平台")
    row.get_by_role("button", name="吊销").click()
    page.locator(".el-message-box").get_by_role("button", name="吊销").click()
    expect(row).to_contain_text("已吊销")
    assert httpx.get(f"{live.base}/api/v1/org-units", headers=headers).status_code == 401
    assert not errors, errors
