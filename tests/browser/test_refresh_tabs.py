"""Two tabs of one browser refreshing the access token at the same moment, in real Chromium
against the real API. The server rotates the refresh token on every refresh and takes a second
use of a spent one for theft, revoking the whole login (that rule stays); the tabs share the
tokens in localStorage, so without coordination the slower tab sends the token the faster one
just spent and both are logged out. The client takes the refresh under a Web Lock and, inside
it, uses the tokens another tab already got (src/api/client.ts).

This module runs its own server with a known signing secret, to hand the tabs a genuinely
expired access token."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import jwt
import pytest
from playwright.sync_api import BrowserContext, Page, expect

from bench.common import server
from tests.browser.conftest import Live, _cli
from tests.browser.test_admin_forms import admin_login, shot

SECRET = "browser-test-refresh-tabs-secret-0123456789abcdef"
TOKENS_KEY = "lianhu.tokens"


@pytest.fixture(scope="module")
def live_secret(chromium_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    path = tmp_path_factory.mktemp("browser-refresh") / "lianhu.db"
    url = f"sqlite:///{path}"
    _cli(url, "migrate")
    _cli(url, "demo", "--households", "60", "--seed", "7")
    with server(url, env={"LIANHU_SECRET_KEY": SECRET}) as (base, _proc):
        yield Live(base, path)


def expired(access_token: str) -> str:
    """The same claims, signed with the server's secret, expired half an hour ago."""
    claims = jwt.decode(access_token, SECRET, algorithms=["HS256"])
    now = int(time.time())
    return jwt.encode({**claims, "iat": now - 3600, "exp": now - 1800}, SECRET, algorithm="HS256")


def stored_tokens(page: Page) -> dict[str, object]:
    raw = page.evaluate(f"() => localStorage.getItem('{TOKENS_KEY}')")
    assert raw, "the tab is not logged in"
    tokens: dict[str, object] = json.loads(raw)
    return tokens


def search_at(page: Page, at_ms: int) -> None:
    """Click the page's 查询 at the given wall-clock time (both tabs share the clock)."""
    page.evaluate(
        """(at) => setTimeout(() => {
            const button = [...document.querySelectorAll('button')]
              .find((b) => b.textContent.trim() === '查询')
            button.click()
          }, Math.max(0, at - Date.now()))""",
        at_ms,
    )


def test_two_console_tabs_refreshing_at_once_both_stay_logged_in(
    desktop: BrowserContext, live_secret: Live, artifacts: Path
) -> None:
    live = live_secret
    first = desktop.new_page()
    errors: list[str] = []
    first.on("pageerror", lambda e: errors.append(str(e)))
    admin_login(first, live, "county")
    first.goto(f"{live.base}/admin/households")
    second = desktop.new_page()
    second.on("pageerror", lambda e: errors.append(str(e)))
    second.goto(f"{live.base}/admin/households")  # the same login: the tokens in localStorage
    for page in (first, second):
        expect(page.locator("[data-test=households-table] .el-table__row").first).to_be_visible()

    # The access token has expired in both tabs (they share it); the refresh token is good.
    tokens = stored_tokens(first)
    spent = {**tokens, "access_token": expired(str(tokens["access_token"]))}
    first.evaluate(
        "([key, value]) => localStorage.setItem(key, value)", [TOKENS_KEY, json.dumps(spent)]
    )
    assert stored_tokens(second)["access_token"] == spent["access_token"]

    refreshes: list[int] = []
    desktop.on(
        "response",
        lambda r: refreshes.append(r.status) if r.url.endswith("/api/v1/auth/refresh") else None,
    )
    at = int(first.evaluate("() => Date.now()")) + 600
    search_at(first, at)
    search_at(second, at)
    first.wait_for_timeout(1500)
    for page in (first, second):
        page.wait_for_load_state("networkidle")

    # One refresh between them, and it succeeded: the second tab took the first one's tokens.
    assert refreshes == [200]
    for page in (first, second):
        expect(page).to_have_url(f"{live.base}/admin/households")
        expect(page.locator("[data-test=households-table] .el-table__row").first).to_be_visible()
    shot(second, artifacts / "admin-two-tabs-refreshed.png")

    # Both go on working, and the login is not revoked: its refresh token still refreshes.
    second.get_by_role("menuitem", name="党员").click()
    expect(second.locator("[data-test=members-table] .el-table__row").first).to_be_visible()
    first.get_by_role("menuitem", name="必到事项").click()
    expect(first).to_have_url(f"{live.base}/admin/events")
    after = stored_tokens(first)
    assert after["refresh_token"] != tokens["refresh_token"]
    res = httpx.post(
        f"{live.base}/api/v1/auth/refresh", json={"refresh_token": after["refresh_token"]}
    )
    assert res.status_code == 200, res.text
    assert errors == []
