"""The village's printable contact cards (党群联心卡) in a real browser: the branch secretary opens
the village board in the admin console, then the card sheet, fetched with the login's token and
shown in the page: one card per household, in Chinese, each with the QR code of its public page."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import BrowserContext, Page, expect

from api.disclosure.pages import qr_svg
from tests.browser.conftest import PASSWORD, Live


def admin_login(page: Page, live: Live, username: str) -> None:
    page.goto(f"{live.base}/admin/")
    page.get_by_placeholder("请输入账号").fill(username)
    page.get_by_placeholder("请输入密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("[data-test=who]")).to_have_attribute("data-username", username)


def svg_path(svg: str) -> str:
    found = re.search(r'\sd="([^"]+)"', svg)
    assert found, svg[:200]
    return found.group(1)


def test_village_contact_cards_render_in_chinese_with_qr_codes(
    desktop: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = desktop.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    admin_login(page, live, "secretary")

    page.get_by_role("menuitem", name="党务公开栏").click()
    board = page.locator("[data-test=board]")
    expect(board).to_contain_text("和明村（村）党员联系户公示")
    expect(board.locator(".el-table__row").first).to_be_visible()
    village = live.get("/api/v1/org-units?level=village", "secretary").json()["data"][0]
    households = live.get(f"/api/v1/households?org_id={village['id']}&limit=1", "secretary")
    total = households.json()["total"]

    page.click("[data-test=show-cards]")
    sheet = page.frame_locator("[data-test=cards-frame]")
    # The first sheet of a village makes every household's QR token: a few seconds on 2 cores.
    expect(sheet.locator("h1")).to_have_text(f"{village['name']} · 党群联心卡", timeout=60_000)
    cards = sheet.locator("article.card")
    expect(cards).to_have_count(total)
    first = cards.first
    expect(first.locator("h2")).to_have_text("党群联心卡")
    expect(first).to_contain_text("联系党员")
    expect(first).to_contain_text("联系电话")
    expect(first).to_contain_text("扫码查看")
    # which household each card is for: its code, so the secretary hands it to the right door
    expect(first.locator(".label")).to_contain_text("户编号")
    expect(sheet.locator("article.card figure.qr svg path")).to_have_count(total)
    page.locator("[data-test=cards]").scroll_into_view_if_needed()
    page.locator("[data-test=cards]").screenshot(
        path=str(artifacts / "contact_cards.png"), animations="disabled"
    )

    # Each QR code is the household's own public card: the same code the API hands out for it,
    # and the page it points to opens without a login.
    household_id = int(first.get_attribute("data-household-id") or 0)
    card = live.get(f"/api/v1/households/{household_id}/card", "secretary").json()
    assert card["qr_url"], card
    drawn = first.locator("figure.qr svg").evaluate("el => el.outerHTML")
    assert svg_path(drawn) == svg_path(qr_svg(card["qr_url"]))
    public = httpx.get(f"{live.base}{urlsplit(card['qr_url']).path}", timeout=30)
    assert public.status_code == 200
    assert card["head_name"] in public.text
    if card["member"]:
        assert card["member"]["name"] in public.text
        expect(first).to_contain_text(card["member"]["name"])

    # The sheet also opens on its own, to print from the browser.
    with page.expect_popup() as popup:
        page.get_by_role("button", name="在新窗口打开").click()
    sheet_page = popup.value
    expect(sheet_page.locator("article.card")).to_have_count(total)
    sheet_page.screenshot(path=str(artifacts / "contact_cards_sheet.png"), animations="disabled")
    assert not errors, errors
