"""The issue flow in a real browser (issue 15, "## Screens"): a household raises a matter on its
card page (/c/{token}, a plain form), the branch secretary classifies it in the admin console
and it climbs village → township (seeds/xiangtan-wuge-daohu.txt: 大事不出乡), the township
answers it, the contact member confirms on his phone that he told the household, the household
rates it 不满意 on its card, so it is redone; answered again, rated 满意 and closed. Screenshots
of each screen go to tests/artifacts."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import DESKTOP, PHONE, Live
from tests.browser.test_contact_cards import admin_login
from tests.browser.test_field_offline import log_in as field_log_in

TITLE = "村口路灯不亮"


def shot(page: Page, path: Path) -> None:
    expect(page.locator(".el-message:visible, .van-toast:visible")).to_have_count(0, timeout=10_000)
    page.screenshot(path=str(path), animations="disabled", full_page=True)


def card_of_members_household(live: Live) -> tuple[int, str]:
    """A household whose contact member is the demo ``member`` account (he confirms he told it),
    and a fresh card token for it (issued by the branch secretary)."""
    households = live.get("/api/v1/households?limit=1", "member").json()["data"]
    household_id = int(households[0]["id"])
    res = httpx.post(
        f"{live.base}/api/v1/households/{household_id}/card-token",
        headers=live.token("secretary"),
    )
    assert res.status_code == 201, res.text
    return household_id, str(res.json()["token"])


def act_in_console(page: Page, code: str, fill: dict[str, str] | None = None) -> None:
    """Click an action's button on the issue page and send its dialog."""
    page.locator(f"[data-test=issue-actions] [data-action={code}]").click()
    dialog = page.locator("[data-test=issue-action-dialog]")
    expect(dialog).to_be_visible()
    for key, value in (fill or {}).items():
        # Element Plus puts an input's attributes on the native input (or textarea) itself
        dialog.locator(f"[data-test=field-{key}]").fill(value)
    page.locator("[data-test=issue-action-save]").click()
    expect(dialog).to_be_hidden()


def console(browser: Browser, live: Live, username: str) -> tuple[BrowserContext, Page]:
    ctx = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    ctx.set_default_timeout(15_000)
    page = ctx.new_page()
    admin_login(page, live, username)
    return ctx, page


def rate_on_card(page: Page, live: Live, token: str, rating: str, reason: str = "") -> None:
    page.goto(f"{live.base}/c/{token}")
    matter = page.locator("article.matter", has_text=TITLE)
    matter.locator(f"input[name=rating][value={rating}]").check()
    if reason:
        matter.locator("textarea[name=reason]").fill(reason)
    matter.get_by_role("button", name="提交评价").click()
    expect(page.locator("h1")).to_have_text("已评价")


def test_a_household_matter_climbs_to_the_township_is_rated_reopened_and_closed(
    browser: Browser, phone: BrowserContext, live: Live, artifacts: Path
) -> None:
    errors: list[str] = []
    household_id, token = card_of_members_household(live)

    # 收集: the household raises it on its card page; nothing is chosen for it in advance
    card = phone.new_page()
    card.goto(f"{live.base}/c/{token}")
    category = card.locator("select[name=category]")
    expect(category).to_have_value("")
    card.locator("input[name=title]").fill(TITLE)
    card.locator("textarea[name=text]").fill("村口两盏路灯坏了一周，晚上出行不便")
    card.get_by_role("button", name="提交", exact=True).click()
    # the browser refuses the form while no kind is chosen: still on the card
    expect(card.locator("h1")).to_have_text("党群联心卡")
    category.select_option("infrastructure")
    shot(card, artifacts / "issue_card_raise.png")
    card.get_by_role("button", name="提交", exact=True).click()
    expect(card.locator("h1")).to_have_text("已提交")
    card.get_by_role("link", name="返回联心卡").click()
    matter = card.locator("article.matter", has_text=TITLE)
    expect(matter).to_contain_text("已收集")
    issue_id = int(matter.get_attribute("data-issue-id") or 0)
    assert issue_id

    # 分类 → 流转: the branch secretary finds it among the collected and takes it up to the township
    ctx, page = console(browser, live, "secretary")
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.get_by_role("menuitem", name="问题办理").click()
    page.get_by_role("tab", name="已收集/待分类").click()
    row = page.locator(f"[data-test=issues-table] a[data-issue-id='{issue_id}']")
    expect(row).to_have_text(TITLE)
    shot(page, artifacts / "issue_inbox.png")
    row.click()
    expect(page.locator("[data-test=issue-status]")).to_have_text("已收集")
    expect(page.locator("[data-test=issue-handler]")).to_contain_text("网格")

    page.locator("[data-test=issue-actions] [data-action=classify]").click()
    dialog = page.locator("[data-test=issue-action-dialog]")
    dialog.locator("[data-test=field-category]").click()
    page.locator(".el-select-dropdown__item", has_text="基础设施").click()
    dialog.get_by_text("小事（不出村）").click()
    page.locator("[data-test=issue-action-save]").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("[data-test=issue-status]")).to_have_text("已分类")

    act_in_console(page, "assign", {"note": "村里办"})
    act_in_console(page, "accept")
    expect(page.locator("[data-test=issue-status]")).to_have_text("办理中")
    expect(page.locator("[data-test=issue-clock]")).to_contain_text("剩")
    act_in_console(page, "escalate", {"reason": "需要镇里协调供电所"})
    current = page.locator("[data-test=issue-line] [data-current=true]")
    expect(current).to_contain_text("乡镇/街道 · 办理中")
    shot(page, artifacts / "issue_escalated.png")
    ctx.close()

    # the township accepts it and answers
    ctx, page = console(browser, live, "township")
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.get_by_role("menuitem", name="问题办理").click()
    page.locator(f"[data-test=issues-table] a[data-issue-id='{issue_id}']").click()
    act_in_console(page, "accept")
    act_in_console(page, "resolve", {"answer": "已联系供电所更换灯泡"})
    expect(page.locator("[data-test=issue-answer]")).to_have_text("已联系供电所更换灯泡")

    # 反馈: the contact member confirms on his phone that he told the household
    member = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    member.set_default_timeout(15_000)
    field = member.new_page()
    field_log_in(field, live)
    field.goto(f"{live.base}/app/issues/{issue_id}")
    expect(field.locator("[data-test=issue-answer]")).to_contain_text("已联系供电所更换灯泡")
    field.locator("[data-test=told-note] input").fill("已上门告知")
    field.locator("[data-test=confirm-told]").click()
    expect(field.locator("[data-test=issue-status]")).to_have_text("已反馈")
    expect(field.locator("[data-test=confirm-told]")).to_have_count(0)
    shot(field, artifacts / "issue_field_told.png")

    # the household is not satisfied: it is redone at the same handler
    card.goto(f"{live.base}/c/{token}")
    expect(card.locator("article.matter", has_text=TITLE)).to_contain_text("已联系供电所更换灯泡")
    shot(card, artifacts / "issue_card_rate.png")
    rate_on_card(card, live, token, "dissatisfied", "路灯还是不亮")
    page.reload()
    expect(page.locator("[data-test=issue-status]")).to_have_text("办理中")
    expect(page.locator("[data-test=issue-line] [data-current=true]")).to_contain_text("乡镇/街道")

    # answered again, told, rated 满意, closed
    act_in_console(page, "resolve", {"answer": "已更换整条线路，路灯恢复"})
    field.reload()
    field.locator("[data-test=confirm-told]").click()
    expect(field.locator("[data-test=issue-status]")).to_have_text("已反馈")
    rate_on_card(card, live, token, "satisfied")
    page.reload()
    act_in_console(page, "close", {"result": "线路更换，路灯恢复"})
    expect(page.locator("[data-test=issue-status]")).to_have_text("已销号")
    timeline = page.locator("[data-test=issue-timeline] .el-timeline-item")
    expect(timeline).to_have_count(14)
    shot(page, artifacts / "issue_closed.png")

    card.goto(f"{live.base}/c/{token}")
    done = card.locator("article.matter", has_text=TITLE)
    expect(done).to_contain_text("已销号")
    expect(done).to_contain_text("您的评价：满意")
    expect(done.get_by_role("button", name="提交评价")).to_have_count(0)
    shot(card, artifacts / "issue_card_closed.png")

    # the ledger, statistics and work calendar pages open
    for menu, test in [
        ("问题台账", "ledger-table"),
        ("问题统计", "issue-stats-table"),
        ("工作日历", "calendar-table"),
    ]:
        page.get_by_role("menuitem", name=menu).click()
        expect(page.locator(f"[data-test={test}]")).to_be_visible()
    expect(page.locator("[data-test=calendar-table] .el-table__row").first).to_be_visible()
    shot(page, artifacts / "issue_work_calendar.png")
    member.close()
    ctx.close()
    assert not errors, errors
    assert household_id
