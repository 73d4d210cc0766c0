"""The field app's list as a new member uses it: the 联系户 tab brings the list back from every
other tab; a visit made offline shows on the list at once (待同步) and the offline banner stays in
view with its count while the list scrolls; a search that finds nothing says so; the household's
phone number is a tel: link; the attendance form offers only ways of being there in person."""

from __future__ import annotations

import uuid

import httpx
from playwright.sync_api import BrowserContext, expect

from tests.browser.conftest import Live
from tests.browser.test_field_offline import log_in, wait_until_ready_for_offline


def test_the_list_tab_comes_back_from_every_other_tab(phone: BrowserContext, live: Live) -> None:
    page = phone.new_page()
    log_in(page, live)
    for tab in ("me", "tasks", "outbox"):
        page.click(f"[data-tab={tab}]")
        expect(page).to_have_url(f"{live.base}/app/{tab}")
        page.click("[data-tab=households]")
        expect(page).to_have_url(f"{live.base}/app/")
        expect(page.locator(".household").first).to_be_visible()


def test_a_visit_made_offline_shows_on_the_list_under_a_banner_that_stays_in_view(
    phone: BrowserContext, live: Live
) -> None:
    page = phone.new_page()
    log_in(page, live)
    wait_until_ready_for_offline(page)
    never = page.locator(".household", has_text="从未走访").first
    household = str(never.get_attribute("data-household"))

    phone.set_offline(True)
    expect(page.locator("[data-test=offline]")).to_be_visible()
    page.locator(f".household[data-household='{household}']").click()
    page.click("[data-test=log-visit]")
    notes = page.get_by_placeholder("家庭近况、群众反映、宣传了什么…")
    notes.fill(f"离线走访 {uuid.uuid4().hex[:6]}")
    page.click("[data-test=save-visit]")
    expect(page.locator(".queued[data-kind=visit]")).to_have_count(1)
    page.go_back()

    row = page.locator(f".household[data-household='{household}']")
    expect(row.locator("[data-test=standing]")).to_contain_text("已走访（待同步）")
    expect(row).not_to_contain_text("从未走访")
    # scrolled to the bottom of the list, the banner and its count are still on screen
    page.locator(".household").last.scroll_into_view_if_needed()
    banner = page.locator("[data-test=offline]")
    expect(banner).to_contain_text("1 条待同步")
    expect(banner).to_be_in_viewport(ratio=1)
    phone.set_offline(False)


def test_a_search_that_finds_nothing_says_so(phone: BrowserContext, live: Live) -> None:
    page = phone.new_page()
    log_in(page, live)
    page.get_by_placeholder("搜索户主姓名或地址").fill("查无此人")
    expect(page.locator(".household")).to_have_count(0)
    expect(page.locator("[data-test=no-results]")).to_contain_text("没有找到与“查无此人”相符的农户")


def test_the_households_phone_number_can_be_tapped_to_call(
    phone: BrowserContext, live: Live
) -> None:
    page = phone.new_page()
    log_in(page, live)
    with_phone = page.locator(".household", has=page.locator("[data-test=tel]")).first
    number = with_phone.locator("[data-test=tel]").inner_text().strip()
    assert with_phone.locator("[data-test=tel]").get_attribute("href") == f"tel:{number}"
    with_phone.locator(".name").click()
    link = page.locator(".card a[data-test=tel]")
    expect(link).to_have_attribute("href", f"tel:{number}")


def test_the_attendance_form_offers_only_ways_of_being_there(
    phone: BrowserContext, live: Live
) -> None:
    page = phone.new_page()
    log_in(page, live)
    household = str(page.locator(".household").first.get_attribute("data-household"))
    res = httpx.post(
        f"{live.base}/api/v1/households/{household}/events",
        json={"kind": "生病住院", "note": f"住院 {uuid.uuid4().hex[:6]}"},
        headers=live.token("secretary"),
    )
    assert res.status_code == 201, res.text
    page.goto(f"{live.base}/app/households/{household}/visit?event={res.json()['id']}")
    expect(page.locator("[data-mode=home]")).to_be_visible()
    expect(page.locator("[data-mode=meeting]")).to_be_visible()
    expect(page.locator("[data-mode=phone]")).to_have_count(0)
    expect(page.locator("[data-mode=wechat]")).to_have_count(0)
    page.goto(f"{live.base}/app/households/{household}/visit")
    expect(page.locator("[data-mode=phone]")).to_be_visible()
