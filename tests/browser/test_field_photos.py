"""Visit photos in the field app, in a real browser: a photo taken with no network is kept on the
phone with its visit, shown as waiting, and reaches the server exactly once after the visit syncs;
the visit can then be edited within its 24-hour window (online only)."""

from __future__ import annotations

import io
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from PIL import Image
from playwright.sync_api import BrowserContext, FilePayload, expect

from tests.browser.conftest import Live
from tests.browser.test_field_offline import log_in, screenshot, wait_until_ready_for_offline


def a_jpeg(width: int = 320, height: int = 240) -> bytes:
    """A small photo as a phone's picker would hand it over."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 60, 40)).save(out, "JPEG", quality=85)
    return out.getvalue()


def visit_with(live: Live, household: str, notes: str) -> dict[str, Any]:
    visits: list[dict[str, Any]] = live.get(
        f"/api/v1/households/{household}/visits", "member"
    ).json()
    mine = [v for v in visits if v["notes"] == notes]
    assert len(mine) == 1, visits
    return mine[0]


def test_a_photo_taken_offline_reaches_the_server_once_and_the_visit_is_edited(
    phone: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = phone.new_page()
    log_in(page, live)
    wait_until_ready_for_offline(page)
    household = str(page.locator(".household").first.get_attribute("data-household"))
    notes = f"带照片的离线走访 {uuid.uuid4().hex[:8]}"

    phone.set_offline(True)
    expect(page.locator("[data-test=offline]").first).to_be_visible()
    page.locator(f".household[data-household='{household}']").click()
    page.click("[data-test=log-visit]")
    page.get_by_placeholder("家庭近况、群众反映、宣传了什么…").fill(notes)
    picked: list[FilePayload] = [
        {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": a_jpeg()},
        # A phone camera's size: scaled down to 1600 px on the phone before it is kept.
        {"name": "大图.jpg", "mimeType": "image/jpeg", "buffer": a_jpeg(4000, 3000)},
    ]
    page.locator("[data-test=photo-input]").set_input_files(picked)
    expect(page.locator(".photos [data-test=photo] img")).to_have_count(2)
    expect(page.get_by_text("现场照片（2/9）")).to_be_visible()
    page.locator(".photos").scroll_into_view_if_needed()
    screenshot(page, artifacts / "field_photo_form.png")
    page.click("[data-test=save-visit]")

    queued = page.locator(".queued[data-kind=visit]", has_text=notes)
    expect(queued).to_contain_text("待同步")
    expect(queued.locator("[data-photo-status=pending] img")).to_have_count(2)
    screenshot(page, artifacts / "field_photo_queued.png")
    page.reload()  # offline, from the service worker: the photos are still on the phone
    expect(queued.locator("[data-photo-status=pending] img")).to_have_count(2)

    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    # Synced and uploaded: nothing left waiting for this household, the history shows the photo.
    expect(queued).to_have_count(0)
    visit = visit_with(live, household, notes)
    shown = page.locator(f".visit[data-visit='{visit['id']}']")
    expect(shown.locator("[data-visit-photos] img")).to_have_count(2)
    screenshot(page, artifacts / "field_photo_history.png")

    photos = live.get(f"/api/v1/visits/{visit['id']}/photos", "member").json()
    assert len(photos) == 2, photos
    assert {p["content_type"] for p in photos} == {"image/jpeg"}
    assert [(p["width"], p["height"]) for p in photos] == [(320, 240), (1600, 1200)]

    page.goto(f"{live.base}/app/outbox")
    done = page.locator(".queued[data-kind=visit]", has_text=notes)
    expect(done.locator("[data-photo-status=uploaded]")).to_have_count(2)
    page.reload()  # a later sync sends nothing twice
    expect(page.locator("[data-test=pending-count]")).to_contain_text("0 条待同步")
    page.wait_for_function("document.documentElement.dataset.lastSync")
    assert len(live.get(f"/api/v1/visits/{visit['id']}/photos", "member").json()) == 2

    # Edit within the window: offline it says plainly that it needs the network.
    page.goto(f"{live.base}/app/households/{household}")
    page.locator(f".visit[data-visit='{visit['id']}'] [data-test=edit-visit]").click()
    notes_field = page.get_by_placeholder("家庭近况、群众反映、宣传了什么…")
    expect(notes_field).to_have_value(notes)
    phone.set_offline(True)
    page.evaluate("window.dispatchEvent(new Event('offline'))")
    expect(page.locator("[data-test=needs-network]")).to_contain_text("这项操作需要联网")
    notes_field.fill(f"{notes}（已修改）")
    page.click("[data-test=save-visit]")
    expect(page.locator("[data-test=form-error]")).to_contain_text("这项操作需要联网")
    screenshot(page, artifacts / "field_edit_offline.png")
    assert visit_with(live, household, notes)["id"] == visit["id"]  # nothing sent

    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-test=needs-network]")).to_have_count(0)
    page.click("[data-test=save-visit]")
    expect(page.locator(f".visit[data-visit='{visit['id']}']")).to_contain_text("（已修改）")
    edited = visit_with(live, household, f"{notes}（已修改）")
    assert edited["id"] == visit["id"] and edited["amends_id"] is None  # changed in place
    screenshot(page, artifacts / "field_visit_edited.png")


def test_an_older_visit_gets_an_amendment_that_keeps_the_original(
    phone: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = phone.new_page()
    log_in(page, live)
    household = str(page.locator(".household").first.get_attribute("data-household"))
    me = live.get("/api/v1/auth/me", "member").json()
    notes = f"三天前的走访 {uuid.uuid4().hex[:8]}"
    made = httpx.post(
        f"{live.base}/api/v1/visits",
        json={
            "member_id": me["member_id"],
            "household_id": int(household),
            "visited_at": (datetime.now(UTC) - timedelta(days=3)).isoformat(),
            "mode": "phone",
            "notes": notes,
        },
        headers=live.token("member"),
    )
    assert made.status_code == 201, made.text
    original = made.json()
    # logged three days ago, too: its 24-hour edit window has closed
    with sqlite3.connect(live.database) as db:
        db.execute(
            "UPDATE visits SET created_at = datetime(created_at, '-3 days') WHERE id = ?",
            (original["id"],),
        )

    page.goto(f"{live.base}/app/households/{household}")
    shown = page.locator(f".visit[data-visit='{original['id']}']")
    # Logged three days ago (the server says until when it could be edited): an amendment.
    shown.locator("[data-test=amend-visit]").click()
    expect(page.get_by_text("原记录保留不变")).to_be_visible()
    page.get_by_placeholder("家庭近况、群众反映、宣传了什么…").fill(
        f"{notes}，补记：已联系村医上门"
    )
    page.click("[data-test=save-visit]")
    amendment = page.locator(f".visit[data-visit='{original['id']}'] .amendment")
    expect(amendment).to_contain_text("补充更正")
    expect(amendment).to_contain_text("补记：已联系村医上门")
    shown.scroll_into_view_if_needed()
    screenshot(page, artifacts / "field_visit_amended.png")

    visits = live.get(f"/api/v1/households/{household}/visits", "member").json()
    kept = next(v for v in visits if v["id"] == original["id"])
    assert kept["notes"] == notes  # the original stays as it was
    added = [v for v in visits if v["amends_id"] == original["id"]]
    assert len(added) == 1 and added[0]["notes"].endswith("补记：已联系村医上门")


def test_a_photo_the_server_refuses_stays_with_its_reason_until_deleted(
    phone: BrowserContext, live: Live, artifacts: Path
) -> None:
    page = phone.new_page()
    log_in(page, live)
    wait_until_ready_for_offline(page)
    household = str(page.locator(".household").first.get_attribute("data-household"))
    notes = f"照片会被退回 {uuid.uuid4().hex[:8]}"
    phone.set_offline(True)
    page.locator(f".household[data-household='{household}']").click()
    page.click("[data-test=log-visit]")
    page.get_by_placeholder("家庭近况、群众反映、宣传了什么…").fill(notes)
    page.locator("[data-test=photo-input]").set_input_files(
        {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": a_jpeg()}
    )
    expect(page.locator(".photos [data-test=photo] img")).to_have_count(1)
    page.click("[data-test=save-visit]")
    expect(page.locator(".queued[data-kind=visit]", has_text=notes)).to_contain_text("待同步")
    # A type the server does not take (as if another app had stored it): refused with 415.
    page.evaluate(
        """() => new Promise((resolve, reject) => {
          const open = indexedDB.open('lianhu-field')
          open.onerror = reject
          open.onsuccess = () => {
            const tx = open.result.transaction('photos', 'readwrite')
            const store = tx.objectStore('photos')
            store.getAll().onsuccess = (e) => {
              for (const p of e.target.result) { p.type = 'image/gif'; store.put(p) }
            }
            tx.oncomplete = () => resolve(true)
          }
        })"""
    )
    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    item = page.locator(".queued[data-kind=visit]", has_text=notes)
    expect(item.locator("[data-photo-status=rejected]")).to_have_count(1)
    expect(item).to_contain_text("已同步")  # the visit went through; its photo did not

    page.goto(f"{live.base}/app/outbox")
    expect(item.locator("[data-photo-status=rejected]")).to_have_count(1)
    expect(item.locator("[data-photo-line=rejected]")).to_contain_text("照片只支持 JPEG、PNG、WebP")
    expect(page.locator("[data-test=photo-count]")).to_contain_text("1 张被退回")
    screenshot(page, artifacts / "field_photo_rejected.png")
    visit = visit_with(live, household, notes)
    assert live.get(f"/api/v1/visits/{visit['id']}/photos", "member").json() == []

    page.reload()  # kept, and not sent again
    expect(item.locator("[data-photo-status=rejected]")).to_have_count(1)
    item.locator("[data-photo-line=rejected] [data-test=remove-photo]").click()
    page.get_by_role("button", name="确认").click()
    expect(item.locator("[data-test=photo]")).to_have_count(0)
    expect(item).to_have_attribute("data-status", "applied")  # now among the synced ones
    expect(page.locator("[data-test=photo-count]")).to_have_count(0)
