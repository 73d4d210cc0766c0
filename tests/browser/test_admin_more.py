"""The rest of the backend in the admin console, in a real browser against the real API: a
must-attend event (五必到) reported on a household, first refused next to its field, then seen
on the branch's events page; the households register exported and the downloaded file read; a
household's contact card given a new QR token, after which the old card's public page is gone
(404); a member's assignment inputs (a declared tie, requested households) recorded."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.browser.conftest import DESKTOP, Live
from tests.browser.test_admin_forms import admin_login, api, field, shot


def find_household(page: Page, head_name: str) -> None:
    page.get_by_role("menuitem", name="农户").click()
    page.get_by_placeholder("户主姓名").fill(head_name)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("[data-test=households-table] .el-table__row").first).to_contain_text(
        head_name
    )


def choose(page: Page, option: str, picker: Locator | None = None) -> None:
    """Pick an option in the select dropdown that is open; given the select, in its own list
    (its input names it in aria-controls): a searching select re-renders its options while
    another select's list may still be closing, and the first match could be either."""
    scope = ".el-select-dropdown"
    if picker is not None:
        scope = f"#{picker.locator('input').first.get_attribute('aria-controls')}"
    page.locator(f"{scope} .el-select-dropdown__item:visible", has_text=option).first.click()


def a_household(live: Live, offset: int) -> dict[str, Any]:
    household: dict[str, Any] = api(live, "GET", f"/households?limit=1&offset={offset}").json()[
        "data"
    ][0]
    return household


def test_an_event_reported_on_a_household_is_on_the_events_page(
    desktop: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = desktop.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    household = a_household(live, 17)
    admin_login(page, live)
    find_household(page, household["head_name"])
    page.locator("[data-test=household-event]:visible").first.click()
    dialog = page.locator("[data-test=event-dialog]")
    expect(dialog).to_contain_text(household["head_name"])

    # The client's rule: a kind is required, said under the field.
    dialog.locator("[data-test=event-save]").click()
    expect(field(dialog, "事项类型").locator(".el-form-item__error")).to_have_text("请选择事项类型")

    # The kinds are the area's scheme's five (1+6+N).
    dialog.locator("[data-test=event-kind]").click()
    for kind in ("红白大事", "邻里纠纷", "生病住院", "代办事项", "思想波动"):
        expect(
            page.locator(".el-select-dropdown:visible .el-select-dropdown__item", has_text=kind)
        ).to_have_count(1)
    choose(page, "生病住院")
    note = "浏览器测试：户主住院，家中老人无人照料"
    field(dialog, "情况说明").locator("textarea").fill(note)
    expect(dialog).to_contain_text("48 小时内到场")
    shot(page, artifacts / "admin_event_report.png")
    dialog.locator("[data-test=event-save]").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_text("已报告必到事项：生病住院")).to_be_visible()

    events = api(live, "GET", f"/org-units/{household['org_id']}/events").json()["data"]
    mine = [e for e in events if e["note"] == note]
    assert [(e["household_id"], e["kind"], e["status"]) for e in mine] == [
        (household["id"], "生病住院", "open")
    ]

    # The branch's page: the event with its household, status and time left.
    page.get_by_role("menuitem", name="必到事项").click()
    table = page.locator("[data-test=events-table]")
    row = table.locator(".el-table__row", has_text=note).first
    expect(row).to_contain_text(household["head_name"])
    expect(row).to_contain_text("待到场")
    expect(row).to_contain_text("剩余")
    expect(page.locator("[data-test=event-summary]")).to_contain_text("逾期未到")
    expect(page.locator("[data-test=event-summary]")).to_contain_text("迟到场")

    # Filtered on 逾期未到 (the server's status filter) the fresh event is not listed.
    page.locator("[data-test=event-status-filter]").click()
    choose(page, "逾期未到")
    expect(table.locator(".el-table__row", has_text=note)).to_have_count(0)
    page.locator("[data-test=event-status-filter]").click()
    choose(page, "待到场")
    expect(table.locator(".el-table__row", has_text=note)).to_have_count(1)
    shot(page, artifacts / "admin_events_page.png")

    # Reported from the events page itself, a household picked by name.
    page.locator("[data-test=event-create]").click()
    dialog = page.locator("[data-test=event-dialog]")
    other = a_household(live, 23)
    picker = dialog.locator("[data-test=household-picker]")
    picker.click()
    picker.locator("input").fill(other["head_name"])
    choose(page, other["head_name"])
    dialog.locator("[data-test=event-kind]").click()
    choose(page, "邻里纠纷")
    dialog.locator("[data-test=event-save]").click()
    expect(dialog).to_be_hidden()
    expect(table.locator(".el-table__row", has_text="邻里纠纷").first).to_be_visible()
    assert not errors, errors


def test_the_households_export_downloads_the_register(
    desktop: BrowserContext, browser: Browser, live: Live, artifacts: Path
) -> None:
    page = desktop.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    admin_login(page, live)
    page.get_by_role("menuitem", name="农户").click()
    total = api(live, "GET", "/households?limit=1").json()["total"]
    known = a_household(live, 3)

    page.locator("[data-test=export-button]").click()
    shot(page, artifacts / "admin_export_menu.png")
    with page.expect_download() as info:
        page.locator("[data-test=export-csv]:visible").click()
    download = info.value
    assert download.suggested_filename == "农户名册.csv"  # the server's Chinese name (filename*)
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that lets Excel read UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == total + 1  # the header and every household in reach
    assert any(known["head_name"] in r for r in rows[1:])
    expect(page.get_by_text("已导出 农户名册.csv")).to_be_visible()

    with page.expect_download() as info:
        page.locator("[data-test=export-button]").click()
        page.locator("[data-test=export-xlsx]:visible").click()
    assert info.value.suggested_filename == "农户名册.xlsx"
    assert Path(info.value.path()).read_bytes()[:2] == b"PK"  # a zip, as XLSX is

    # A role without data:export has no button (a party member may read households, not export).
    me = httpx.get(f"{live.base}/api/v1/auth/me", headers=live.token("member"), timeout=30).json()
    assert "data:export" not in me["permissions"]
    member_ctx = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    other = member_ctx.new_page()
    admin_login(other, live, "member")
    other.goto(f"{live.base}/admin/households")
    expect(other.locator("[data-test=households-table] .el-table__row").first).to_be_visible()
    expect(other.locator("[data-test=export-button]")).to_have_count(0)
    member_ctx.close()
    assert not errors, errors


def test_a_new_card_token_makes_the_old_card_page_404(
    desktop: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = desktop.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    household = a_household(live, 31)
    admin_login(page, live)
    find_household(page, household["head_name"])
    page.locator("[data-test=household-open-card]:visible").first.click()
    card = page.locator("[data-test=household-card]")
    expect(card).to_contain_text("二维码链接")
    link = card.locator("[data-test=card-qr-url]")
    if not link.count():
        card.locator("[data-test=card-issue]").click()  # 生成二维码: no confirmation needed
    expect(link).to_contain_text("/c/")
    old = link.inner_text().split("/c/")[-1]
    assert httpx.get(f"{live.base}/c/{old}", timeout=30).status_code == 200
    card.locator("[data-test=card-issue]").click()
    box = page.locator(".el-message-box")
    expect(box).to_contain_text("旧卡上的二维码立即失效")
    shot(page, artifacts / "admin_card_confirm.png")
    box.get_by_role("button", name="生成新码").click()
    expect(page.get_by_text("已生成新二维码")).to_be_visible()
    expect(link).not_to_contain_text(old)
    new = link.inner_text().split("/c/")[-1]
    shot(page, artifacts / "admin_card_new_token.png")

    public = desktop.new_page()
    gone = public.goto(f"{live.base}/c/{old}")
    assert gone is not None and gone.status == 404
    shot(public, artifacts / "admin_card_old_404.png")
    fresh = public.goto(f"{live.base}/c/{new}")
    assert fresh is not None and fresh.status == 200
    card_api = api(live, "GET", f"/households/{household['id']}/card").json()
    assert card_api["qr_url"].endswith(f"/c/{new}")

    # Revoked: no link at all, and the new card's page is gone too.
    card.locator("[data-test=card-revoke]").click()
    page.locator(".el-message-box").get_by_role("button", name="作废").click()
    expect(card.locator("[data-test=card-no-qr]")).to_be_visible()
    assert httpx.get(f"{live.base}/c/{new}", timeout=30).status_code == 404

    # The contact history on the next tab: the member who looks after it, with the reasons.
    page.get_by_role("tab", name="联系党员").click()
    contacts = page.locator("[data-test=household-contacts]")
    history = api(live, "GET", f"/households/{household['id']}/contacts").json()
    for c in history:
        expect(contacts).to_contain_text(c["member_name"])
    assert not errors, errors


def test_a_members_tie_and_requests_are_recorded(
    desktop: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = desktop.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    member = api(live, "GET", "/members?limit=1&offset=4").json()["data"][0]
    household = a_household(live, 41)
    admin_login(page, live)
    page.get_by_role("menuitem", name="党员").click()
    page.get_by_placeholder("姓名").fill(member["name"])
    page.get_by_role("button", name="查询").click()
    page.locator("[data-test=member-assignments]:visible").first.click()
    drawer = page.locator("[data-test=member-drawer]")
    expect(drawer).to_contain_text("1+6+N 结对")

    # The tie's household is required (said under it), then recorded with its kind.
    drawer.locator("[data-test=tie-save]").click()
    expect(field(drawer, "农户").last.locator(".el-form-item__error")).to_have_text("请选择农户")
    picker = drawer.locator("[data-test=household-picker]").last
    picker.click()
    picker.locator("input").fill(household["head_name"])
    choose(page, household["head_name"], picker)
    drawer.get_by_text("志趣相投", exact=True).click()
    drawer.locator("[data-test=tie-save]").click()
    expect(drawer.locator("[data-test=member-ties]")).to_contain_text(
        f"{household['head_name']} · 志趣相投"
    )

    requests = drawer.locator("[data-test=household-picker]").first
    requests.click()
    requests.locator("input").fill(household["head_name"])
    choose(page, household["head_name"], requests)
    drawer.get_by_text("自行申报联系的农户").click()  # a multiple select stays open until then
    drawer.locator("[data-test=requests-save]").click()
    expect(drawer.locator("[data-test=requests-saved]")).to_have_text("已申报 1 户")
    shot(page, artifacts / "admin_member_assignments.png")
    assert not errors, errors
