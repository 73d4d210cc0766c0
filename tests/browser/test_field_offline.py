"""The field app in a real browser: visits logged with no network reach the server exactly once
when it returns; a visit the server refuses stays on the phone with the reason; an expired login
goes back to the login page and keeps the queued work."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import PASSWORD, Live


def log_in(page: Page, live: Live, username: str = "member") -> None:
    page.goto(f"{live.base}/app/")
    page.get_by_placeholder("请输入账号").fill(username)
    page.get_by_placeholder("请输入密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".household").first).to_be_visible()


def wait_until_ready_for_offline(page: Page) -> None:
    """The app precached (the service worker controls the page) and one sync done (households,
    checklist items and tasks kept on the phone)."""
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    page.wait_for_function("document.documentElement.dataset.lastSync", timeout=30_000)


def log_visit(page: Page, household: str, notes: str, *, raise_issue: bool = False) -> None:
    page.locator(f".household[data-household='{household}']").click()
    page.click("[data-test=log-visit]")
    page.get_by_placeholder("家庭近况、群众反映、宣传了什么…").fill(notes)
    page.locator("[data-flag=difficulty]").click()
    page.get_by_placeholder("写明困难问题的具体内容").fill("屋顶漏雨，需要修缮")
    if raise_issue:
        page.locator("[data-raise=difficulty]").click()
    page.locator(".van-checkbox[data-item]").first.click()
    page.click("[data-test=save-visit]")
    queued = page.locator(".queued[data-kind=visit]", has_text=notes)
    expect(queued).to_have_count(1)
    expect(queued).to_contain_text("待同步")
    page.go_back()
    expect(page.locator(".household").first).to_be_visible()


def screenshot(page: Page, path: Path) -> None:
    expect(page.locator(".van-toast")).to_be_hidden()  # no toast over the evidence
    page.screenshot(path=str(path), animations="disabled")


def test_visits_logged_offline_reach_the_server_exactly_once(
    phone: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = phone.new_page()
    log_in(page, live)
    wait_until_ready_for_offline(page)
    households = page.locator(".household").evaluate_all(
        "els => els.slice(0, 2).map(e => e.dataset.household)"
    )
    tag = uuid.uuid4().hex[:8]
    notes = {h: f"离线走访 {tag} 第{i + 1}户：家中老人身体尚可" for i, h in enumerate(households)}

    phone.set_offline(True)
    expect(page.locator("[data-test=offline]").first).to_be_visible()
    for household, text in notes.items():
        log_visit(page, household, text)
    page.get_by_text("待同步", exact=True).click()
    expect(page.locator("[data-test=pending-count]")).to_contain_text("2 条待同步")
    screenshot(page, artifacts / "field_offline_queued.png")
    page.reload()  # the app still opens with no network (service worker) and the queue is kept
    expect(page.locator("[data-test=pending-count]")).to_contain_text("2 条待同步")

    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-test=pending-count]")).to_contain_text("0 条待同步")
    expect(page.locator(".queued[data-status=applied]")).to_have_count(2)
    screenshot(page, artifacts / "field_offline_synced.png")

    for household, text in notes.items():
        visits = live.get(f"/api/v1/households/{household}/visits", "member").json()
        mine = [v for v in visits if v["notes"] == text]
        assert len(mine) == 1, (household, visits)
        assert [f["kind"] for f in mine[0]["flags"]] == ["difficulty"]
        assert len(mine[0]["checklist"]) == 1

    # Syncing again (a reload, a second tab) sends nothing twice.
    page.reload()
    expect(page.locator("[data-test=pending-count]")).to_contain_text("0 条待同步")
    for household, text in notes.items():
        visits = live.get(f"/api/v1/households/{household}/visits", "member").json()
        assert sum(v["notes"] == text for v in visits) == 1


def test_a_visit_the_server_refuses_stays_on_the_phone_with_the_reason(
    phone: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = phone.new_page()
    log_in(page, live)
    household = page.locator(".household").first.get_attribute("data-household")
    wait_until_ready_for_offline(page)
    phone.set_offline(True)
    log_visit(page, str(household), "这条记录会被退回")
    # A visit dated in the future (a phone with a wrong clock) is refused by the server.
    page.evaluate(
        """() => new Promise((resolve, reject) => {
          const open = indexedDB.open('lianhu-field')
          open.onerror = reject
          open.onsuccess = () => {
            const tx = open.result.transaction('outbox', 'readwrite')
            const store = tx.objectStore('outbox')
            store.getAll().onsuccess = (e) => {
              for (const item of e.target.result) {
                item.payload.visited_at = '2099-01-01T00:00:00Z'
                store.put(item)
              }
            }
            tx.oncomplete = () => resolve(true)
          }
        })"""
    )
    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.get_by_text("待同步", exact=True).click()
    rejected = page.locator(".queued[data-status=rejected]")
    expect(rejected).to_have_count(1)
    expect(rejected).to_contain_text("退回原因")
    expect(rejected).to_contain_text("走访时间")
    screenshot(page, artifacts / "field_sync_rejected.png")
    visits = live.get(f"/api/v1/households/{household}/visits", "member").json()
    assert all(v["notes"] != "这条记录会被退回" for v in visits)


def test_an_expired_login_goes_back_to_login_and_keeps_the_queue(
    phone: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = phone.new_page()
    log_in(page, live)
    household = page.locator(".household").first.get_attribute("data-household")
    wait_until_ready_for_offline(page)
    phone.set_offline(True)
    log_visit(page, str(household), "登录过期前记下的走访")
    # Both tokens are gone on the server's side (revoked, or expired after 14 days).
    page.evaluate(
        """() => {
          const t = JSON.parse(localStorage.getItem('lianhu.tokens'))
          t.access_token = 'expired.token.value'
          t.refresh_token = 'revoked-refresh-token-0123456789'
          localStorage.setItem('lianhu.tokens', JSON.stringify(t))
        }"""
    )
    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.get_by_text("登录已过期，请重新登录")).to_be_visible()
    screenshot(page, artifacts / "field_login_expired.png")
    page.get_by_placeholder("请输入账号").fill("member")
    page.get_by_placeholder("请输入密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_text("待同步", exact=True).click()
    expect(page.locator("[data-test=pending-count]")).to_contain_text("0 条待同步")
    visits = live.get(f"/api/v1/households/{household}/visits", "member").json()
    assert sum(v["notes"] == "登录过期前记下的走访" for v in visits) == 1


def test_attendance_and_raised_issues_made_offline_reach_the_server(
    phone: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = phone.new_page()
    log_in(page, live)
    household = page.locator(".household").first.get_attribute("data-household")
    headers = live.token("member")
    event = httpx.post(
        f"{live.base}/api/v1/households/{household}/events",
        json={"kind": "生病住院", "note": "户主住院"},
        headers=headers,
    )
    assert event.status_code == 201, event.text
    event_id = event.json()["id"]
    page.reload()  # the task list is read when the app opens
    page.get_by_text("必到事项", exact=True).click()
    expect(page.locator(f"[data-event='{event_id}']")).to_be_visible()
    wait_until_ready_for_offline(page)
    phone.set_offline(True)
    page.locator(f"[data-event='{event_id}']").click()
    page.get_by_placeholder("家庭近况、群众反映、宣传了什么…").fill("到医院看望户主，转达村里关心")
    page.click("[data-test=save-visit]")
    expect(page.locator(".queued[data-kind=attendance][data-status=pending]")).to_have_count(1)

    page.goto(f"{live.base}/app/")  # offline: the service worker serves the app
    log_visit(page, str(household), "户主反映屋顶漏雨", raise_issue=True)

    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.get_by_text("待同步", exact=True).click()
    expect(page.locator("[data-test=pending-count]")).to_contain_text("0 条待同步")
    expect(page.locator(".queued[data-kind=issue_draft][data-status=applied]")).to_have_count(1)
    screenshot(page, artifacts / "field_attendance_and_issue.png")

    tasks = live.get(f"/api/v1/members/{member_id(live)}/tasks", "member").json()
    assert all(t["id"] != event_id for t in tasks)  # attended: no longer a task
    visits = live.get(f"/api/v1/households/{household}/visits", "member").json()
    assert sum(v["notes"] == "到医院看望户主，转达村里关心" for v in visits) == 1
    drafts = live.get("/api/v1/issue-drafts", "member").json()
    rows = drafts["data"] if isinstance(drafts, dict) else drafts
    assert any(d.get("kind") == "difficulty" for d in rows), drafts


def member_id(live: Live) -> int:
    me = live.get("/api/v1/auth/me", "member").json()
    return int(me["member_id"])
