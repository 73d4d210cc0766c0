"""make bench-frontend: the field app's first load and how soon a member's household list is
usable on a slow phone, in Debian's chromium against the real backend on loopback.

Figures (issue 6):
- field_first_load_gzip: every JS and CSS file the browser fetches on a member's first visit
  (the page and the service worker's precache), gzipped as a server would send them; < 250 KB.
- household_list_cpu4x_cold: with the CPU throttled 4× (CDP Emulation.setCPUThrottlingRate), a
  logged-in member opening /app/ on a fresh phone (empty cache, no IndexedDB) until the first
  household row is on screen, data pulled from the API; median of 5; < 2 s.
- household_list_cpu4x_warm: the same with the app and the data already on the phone; < 2 s.
"""

from __future__ import annotations

import gzip
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from bench.common import ROOT, bench_line, server

DIST = ROOT / "frontend" / "dist"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = ViewportSize(width=375, height=812)
RUNS = 5
FIRST_LOAD_GOAL_KB = 250
USABLE_GOAL_S = 2.0
# Records when the first household row appears, in the page's own clock (ms since navigation).
MARK_USABLE = """
new MutationObserver((_, obs) => {
  if (!document.querySelector('.household')) return
  window.__usable = performance.now()
  obs.disconnect()
}).observe(document, { childList: true, subtree: true })
"""


def demo_database(directory: Path) -> str:
    url = f"sqlite:///{directory / 'bench_frontend.db'}"
    env = {**os.environ, "LIANHU_DATABASE_URL": url, "LIANHU_LOG_LEVEL": "warning"}
    for args in (["migrate"], ["demo", "--households", "3000", "--seed", "7"]):
        subprocess.run(
            [sys.executable, "-m", "api.cli", *args],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return url


def tokens_script(base: str) -> str:
    r = httpx.post(
        f"{base}/api/v1/auth/login", json={"username": "member", "password": "lianhu-demo"}
    )
    r.raise_for_status()
    return (
        "if (!localStorage.getItem('lianhu.tokens')) "
        f"localStorage.setItem('lianhu.tokens', {r.text!r});"
    )


def first_load_gzip_kb(browser: Browser, base: str) -> float:
    """JS and CSS the page and its service worker fetch on a first visit, gzipped (level 6)."""
    ctx = browser.new_context(viewport=PHONE)
    fetched: set[str] = set()
    ctx.on("request", lambda req: fetched.add(req.url.split("?")[0]))
    page = ctx.new_page()
    page.goto(f"{base}/app/login")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=30_000)
    page.wait_for_timeout(500)
    ctx.close()
    total = 0
    for url in fetched:
        path = url.removeprefix(f"{base}/app/")
        if path.endswith((".js", ".css")) and (DIST / path).is_file():
            total += len(gzip.compress((DIST / path).read_bytes(), compresslevel=6))
    return total / 1024


TIMEOUT_MS = 30_000


def watch(page: Page) -> list[str]:
    """What the page said and asked the API, printed to stderr when a run goes wrong."""
    log: list[str] = []
    page.on("console", lambda m: log.append(f"console {m.type}: {m.text}"))
    page.on("pageerror", lambda e: log.append(f"pageerror: {e}"))
    page.on("response", lambda r: log.append(f"{r.status} {r.url}") if "/api/" in r.url else None)
    return log


def list_shown(page: Page, base: str) -> bool:
    log = watch(page)
    page.goto(f"{base}/app/")
    try:
        page.wait_for_selector(".household", timeout=TIMEOUT_MS)
        return True
    except PlaywrightError:
        body = page.inner_text("body")[:300].replace("\n", " ")
        print(
            f"household list not shown in {TIMEOUT_MS} ms: {body}", *log, sep="\n", file=sys.stderr
        )
        return False


def usable_seconds(page: Page, base: str) -> float:
    """Seconds from navigation to the first household row; the timeout when it never comes."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    if not list_shown(page, base):
        return TIMEOUT_MS / 1000
    ms: float = page.evaluate("window.__usable")
    return ms / 1000


def household_list_seconds(browser: Browser, base: str, *, warm: bool) -> float:
    login = tokens_script(base)
    runs = []
    for _ in range(RUNS):
        ctx = browser.new_context(viewport=PHONE)
        ctx.add_init_script(login)
        ctx.add_init_script(MARK_USABLE)
        if warm:  # the app precached and the member's households pulled on an earlier visit
            page = ctx.new_page()
            if list_shown(page, base):
                page.wait_for_function("navigator.serviceWorker.controller !== null")
            page.close()
        runs.append(usable_seconds(ctx.new_page(), base))
        ctx.close()
    return statistics.median(runs)


def main() -> None:
    if not (DIST / "index.html").exists():
        sys.exit("frontend/dist is missing: run `make frontend` first")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        url = demo_database(Path(tmp))
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        with server(url) as (base, _proc):
            kb = first_load_gzip_kb(browser, base)
            cold = household_list_seconds(browser, base, warm=False)
            warm = household_list_seconds(browser, base, warm=True)
        browser.close()
    print(bench_line("field_first_load_gzip", kb, "KB", f"<{FIRST_LOAD_GOAL_KB}", kb < 250))
    for name, value in (("cold", cold), ("warm", warm)):
        ok = value < USABLE_GOAL_S
        print(bench_line(f"household_list_cpu4x_{name}", value, "s", f"<{USABLE_GOAL_S:g}", ok))


if __name__ == "__main__":
    main()
