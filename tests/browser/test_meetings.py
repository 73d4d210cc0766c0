"""A 民事交办会 in the browser (seeds/jiaxing-yilian-sanhui.txt: 明确责任分工、目标任务、具体措施和
完成时限，并通过公告、公开栏向群众全程公示): the branch secretary plans it in the console, draws the
agenda, adds an item, records who came, assigns a task to a member, writes the minutes, makes them
final and exports them as Word; the member finds the task under 会议任务 in the field app and marks
it done. Screenshots of the meeting page and the member's list."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import BrowserContext, expect

from tests.browser.conftest import Live
from tests.browser.test_admin_pages import admin_login
from tests.browser.test_field_offline import log_in


def test_a_tasking_meeting_from_the_console_to_the_members_phone(
    desktop: BrowserContext, phone: BrowserContext, live: Live, artifacts: Path
) -> None:
    me = live.get("/api/v1/auth/me", "member").json()
    member = live.get(f"/api/v1/members/{me['member_id']}", "member").json()
    deadline = (date.today() + timedelta(days=30)).isoformat()

    page = desktop.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    admin_login(page, live, "secretary")
    page.get_by_role("menuitem", name="会议").click()
    expect(page.get_by_role("heading", name="会议", exact=True)).to_be_visible()

    page.click("[data-test=new-meeting]")
    page.click("[data-test=meeting-type]")
    page.locator(
        ".el-select-dropdown:visible .el-select-dropdown__item", has_text="民事交办会"
    ).click()
    page.locator(".el-dialog [data-test=org-picker]").click()
    village = page.locator(".el-select-dropdown:visible .el-tree-node__content", has_text="村")
    village.first.click()
    page.locator("[data-test=meeting-title-input]").fill("十二月民事交办会")
    page.click("[data-test=meeting-create]")
    expect(page.locator("[data-test=meeting-title]")).to_contain_text("十二月民事交办会")
    expect(page.locator("[data-test=meeting-status]")).to_have_text("计划召开")

    page.click("[data-test=draw-agenda]")
    expect(
        page.locator(".el-message--success", has_text="已从本片问题生成议程建议")
    ).to_be_visible()
    page.locator("[data-test=new-item]").fill("修缮村口路灯")
    page.keyboard.press("Enter")
    page.click("[data-test=save-agenda]")
    expect(page.locator("[data-test=agenda-table]")).to_contain_text("修缮村口路灯")

    expect(page.locator("[data-test=attendance-table] .el-table__row").first).to_be_visible()
    page.click("[data-test=save-attendance]")
    expect(page.locator("[data-test=meeting-status]")).to_have_text("已召开")

    page.locator("[data-test=task-title]").fill("修缮村口路灯")
    page.click("[data-test=task-owner]")
    page.locator(
        ".el-select-dropdown:visible .el-select-dropdown__item", has_text=member["name"]
    ).first.click()
    page.locator("[data-test=task-target]").fill("月底前路灯全部亮起")
    page.locator("[data-test=task-measures]").fill("联系电工检修线路")
    page.get_by_placeholder("完成时限").fill(deadline)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")  # the calendar's panel closed, off the button
    expect(page.locator(".el-picker-panel:visible")).to_have_count(0)
    page.click("[data-test=add-task]")
    expect(page.locator("[data-test=tasks-table]")).to_contain_text("修缮村口路灯")

    page.locator("[data-test=minutes-summary]").fill("会议研究了村口路灯的修缮。")
    page.click("[data-test=save-minutes]")
    expect(page.locator(".el-message--success").last).to_be_visible()
    page.click("[data-test=finalise]")
    page.locator(".el-message-box").get_by_role("button", name="定稿").click()
    expect(page.locator("[data-test=meeting-status]")).to_have_text("纪要已定稿")
    expect(page.locator("[data-test=tasks-table]")).to_contain_text("已公示")
    with page.expect_download() as download:
        page.click("[data-test=export-docx]")
    assert download.value.suggested_filename.endswith(".docx")
    page.screenshot(path=str(artifacts / "admin_meeting.png"), full_page=True)
    assert not errors, errors

    field = phone.new_page()
    log_in(field, live)
    field.click("[data-tab=meeting-tasks]")
    task = field.locator("[data-task]", has_text="修缮村口路灯").first
    expect(task).to_be_visible()
    task.click()
    field.locator("[data-test=done-note] textarea").fill("已更换灯泡 6 只")
    field.get_by_role("button", name="确认").click()
    expect(task.locator("[data-test=meeting-task-status]")).to_have_text("已办结")
    expect(field.locator(".van-dialog")).to_be_hidden()
    field.screenshot(path=str(artifacts / "field_meeting_tasks.png"), animations="disabled")
