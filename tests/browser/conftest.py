"""Browser tests: Debian's chromium driven by Python Playwright against the real backend.

A ``lianhu serve`` subprocess on a free port serves the built frontend (frontend/dist) and the API
on a temporary SQLite database holding a small demo county. The browser is /usr/bin/chromium from
the distribution (``make browser-deps``); ``playwright install`` is never run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Playwright,
    ViewportSize,
    expect,
    sync_playwright,
)

from bench.common import server

# Assertions wait as long as actions do (15 s, set on each context below): on a shared 2-core
# machine a page can take more than expect's default 5 s while other test runs load it.
expect.set_options(timeout=15_000)

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "frontend" / "dist"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
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
DESKTOP = ViewportSize(width=1440, height=900)
PASSWORD = "lianhu-demo"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives headless Chromium (tests/browser)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "browser" in Path(str(item.fspath)).parts:
            item.add_marker(pytest.mark.browser)


@dataclass(frozen=True)
class Live:
    """The running backend: its address and a way to call the API as a demo account."""

    base: str
    database: Path  # the SQLite file behind it, for setting up what the API cannot (the past)
    # One sign-in per account and module: a test setting up 51 records through the API spent
    # most of a minute hashing the same password.
    _tokens: dict[str, dict[str, str]] = field(default_factory=dict)

    def token(self, username: str, *, fresh: bool = False) -> dict[str, str]:
        if fresh or username not in self._tokens:
            r = httpx.post(
                f"{self.base}/api/v1/auth/login",
                json={"username": username, "password": PASSWORD},
            )
            r.raise_for_status()
            self._tokens[username] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        return self._tokens[username]

    def get(self, path: str, username: str) -> httpx.Response:
        res = httpx.get(f"{self.base}{path}", headers=self.token(username), timeout=30)
        if res.status_code == 401:  # its sessions ended (a password changed): sign in again
            res = httpx.get(f"{self.base}{path}", headers=self.token(username, fresh=True))
        return res


def _cli(database_url: str, *args: str) -> None:
    env = {**os.environ, "LIANHU_DATABASE_URL": database_url, "LIANHU_LOG_LEVEL": "warning"}
    subprocess.run([sys.executable, "-m", "api.cli", *args], cwd=ROOT, env=env, check=True)


def _unavailable(reason: str) -> None:
    """A machine without a browser skips these tests; CI (LIANHU_REQUIRE_BROWSER=1, set by
    .ci/run after installing one) fails instead, so a green CI always ran them."""
    if os.environ.get("LIANHU_REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests required but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_ready() -> None:
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is missing and could not be installed (make browser-deps)")
    if not (DIST / "index.html").exists():
        _unavailable("frontend/dist is not built: run `make frontend` (make test builds it)")
    fonts = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False
    ).stdout
    # Without a CJK font every Chinese character is an empty box in the screenshots, while text
    # selectors still pass: refuse to run rather than save unreadable evidence.
    assert fonts.strip(), "no CJK font: `make browser-deps` installs fonts-wqy-zenhei"


@pytest.fixture(scope="session")
def demo_database(chromium_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The migrated demo county, made once per test process; each module serves a copy (two
    command-line runs of the app per module were a third of the browser tests' time)."""
    path = tmp_path_factory.mktemp("browser-template") / "lianhu.db"
    url = f"sqlite:///{path}"
    _cli(url, "migrate")
    _cli(url, "demo", "--households", "300", "--seed", "7")
    return path


@pytest.fixture(scope="module")
def live(demo_database: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    path = tmp_path_factory.mktemp("browser") / "lianhu.db"
    for suffix in ("", "-wal"):  # the CLI closed it: a write-ahead log, if any, goes along
        if (source := demo_database.with_name(demo_database.name + suffix)).exists():
            shutil.copyfile(source, path.with_name(path.name + suffix))
    with server(f"sqlite:///{path}") as (base, _proc):
        yield Live(base, path)


@pytest.fixture(scope="session")
def playwright_() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(chromium_ready: None, playwright_: Playwright) -> Iterator[Browser]:
    b = playwright_.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield b
    b.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh phone: 375×812, zh-CN, its own storage (IndexedDB, service worker)."""
    ctx = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh desktop browser for the admin console: 1440×900, zh-CN."""
    ctx = browser.new_context(viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
