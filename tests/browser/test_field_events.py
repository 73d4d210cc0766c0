"""五必到 in the field app: a member reports a must-attend event on one of their households, it is
on the server and becomes their task with its deadline (and turns 逾期未到 when the deadline
passes); reporting needs the network, so offline the form says so and keeps what was typed."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import Live
from tests.browser.test_field_offline import (
    log_in,
    member_id,
    screenshot,
    wait_until_ready_for_offline,
)


def open_report_form(page: Page, household: str) -> None:
    page.locator(f".household[data-household='{household}']").click()
    page.click("[data-test=report-event]")
    expect(page.locator("[data-kind]").first).to_be_visible()


def tasks_with_note(live: Live, note: str) -> list[dict[str, object]]:
    tasks = live.get(f"/api/v1/members/{member_id(live)}/tasks", "member").json()
    return [t for t in tasks if t["note"] == note]


def test_a_member_reports_an_event_that_becomes_their_task(
    phone: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = phone.new_page()
    log_in(page, live)
    wait_until_ready_for_offline(page)
    household = str(page.locator(".household").first.get_attribute("data-household"))
    note = f"户主母亲过世，定于后天出殡 {uuid.uuid4().hex[:6]}"

    open_report_form(page, household)
    # The household's scheme offers the five kinds of 五必到.
    for kind in ("红白大事", "邻里纠纷", "生病住院", "代办事项", "思想波动"):
        expect(page.locator(f"[data-kind='{kind}']")).to_be_visible()
    page.locator("[data-kind='红白大事']").click()
    page.locator("[data-test=event-note] textarea").fill(note)
    screenshot(page, artifacts / "field_event_form.png")
    page.click("[data-test=save-event]")

    # Back on the household's page, the event is listed with its deadline.
    events = page.locator("[data-test=household-events]")
    expect(events).to_contain_text("红白大事")
    expect(events).to_contain_text(note)
    expect(events).to_contain_text("截止")
    expect(events).to_contain_text("待到场")
    screenshot(page, artifacts / "field_event_household.png")

    found = tasks_with_note(live, note)
    assert len(found) == 1, found
    event = found[0]
    assert event["kind"] == "红白大事"
    assert event["household_id"] == int(household)
    assert event["status"] == "open"

    # It is the member's task (必到事项 tab), with its deadline and the time left.
    page.go_back()
    page.get_by_text("必到事项", exact=True).click()
    task = page.locator(f"[data-event='{event['id']}']")
    expect(task).to_contain_text("红白大事")
    expect(task).to_contain_text("截止")
    expect(task).to_contain_text("还剩")
    expect(task.locator("[data-test=task-status]")).to_have_text("待到场")
    screenshot(page, artifacts / "field_event_task.png")

    # Two hours past its deadline and not attended: 逾期未到, in the server's words.
    with sqlite3.connect(live.database) as db:
        db.execute(
            "UPDATE must_attend_events SET deadline = datetime(reported_at, '-2 hours') "
            "WHERE id = ?",
            (event["id"],),
        )
    missed = tasks_with_note(live, note)
    assert missed[0]["status"] == "missed", missed
    page.reload()
    task = page.locator(f"[data-event='{event['id']}']")
    expect(task).to_have_attribute("data-status", "missed")
    expect(task.locator("[data-test=task-status]")).to_have_text(str(missed[0]["status_label"]))
    expect(task).to_contain_text("已超过截止时间")
    screenshot(page, artifacts / "field_event_missed.png")


def test_reporting_offline_says_it_needs_the_network_and_keeps_the_text(
    phone: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = phone.new_page()
    log_in(page, live)
    wait_until_ready_for_offline(page)
    household = str(page.locator(".household").nth(1).get_attribute("data-household"))
    note = f"与邻居因宅基地边界争吵 {uuid.uuid4().hex[:6]}"

    phone.set_offline(True)
    open_report_form(page, household)
    expect(page.locator("[data-test=needs-network]")).to_contain_text("这项操作需要联网")
    page.locator("[data-kind='邻里纠纷']").click()
    textarea = page.locator("[data-test=event-note] textarea")
    textarea.fill(note)
    page.click("[data-test=save-event]")
    expect(page.locator("[data-test=form-error]")).to_contain_text("这项操作需要联网")
    expect(textarea).to_have_value(note)
    screenshot(page, artifacts / "field_event_offline.png")

    # Leaving the form and coming back: what was typed is still there.
    page.go_back()
    page.click("[data-test=report-event]")
    expect(page.locator("[data-test=event-note] textarea")).to_have_value(note)
    expect(page.locator("[data-kind='邻里纠纷'] .van-radio__icon--checked")).to_be_visible()
    assert tasks_with_note(live, note) == []  # nothing was sent, nothing queued

    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-test=needs-network]")).to_be_hidden()
    page.click("[data-test=save-event]")
    expect(page.locator("[data-test=household-events]")).to_contain_text(note)
    found = tasks_with_note(live, note)
    assert len(found) == 1, found
    assert found[0]["kind"] == "邻里纠纷"
    # Sent once: the draft is gone, a new report starts empty.
    page.click("[data-test=report-event]")
    expect(page.locator("[data-test=event-note] textarea")).to_have_value("")
