"""Browser fixtures: Debian's Chromium through Playwright, pages that may reach nothing but
127.0.0.1, the screenshot folder of this test run, and the two days the pages are tried on
(Munakata's two-van school day 2023-11-17 and Ichinoseki's 2023-11-15), each planned once.

Skipped, with a message, where Chromium or Playwright is missing, except under CI (``CI``
set, as .ci/run does), where a missing browser fails the run: a skipped browser test is a
test that did not run. Screenshots and printed PDFs go to ``BOOKRUN_SCREENSHOTS`` when set,
else to a folder under pytest's temporary directory; the run's summary names it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from api.services.plan_outputs import write_outputs
from api.services.planning import DayPlan, plan_day
from api.settings import Settings
from api.store.db import make_engine, upgrade
from routing import verify

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Hosts a page may reach: the machine itself.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
#: The sizes the pages are tried at: a phone and a desktop.
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

_screenshot_dirs: list[Path] = []


@pytest.fixture(scope="session")
def playwright_browser() -> Iterator[Any]:
    """One Chromium for the session (Debian's, never a downloaded build)."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed: the browser test is skipped")
    if not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}: CI must run the browser tests")
        pytest.skip(f"{message}: the browser test is skipped")
    playwright = sync_api.sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@dataclass
class OfflinePages:
    """Opens pages that may load only from this machine; every other request is refused
    and remembered in ``refused``; page errors go to ``errors``."""

    browser: Any
    refused: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, url: str, viewport: dict[str, int] = DESKTOP) -> Any:
        page = self.browser.new_page(viewport=viewport)

        def guard(route: Any) -> None:
            request_url = route.request.url
            parts = urlsplit(request_url)
            if parts.scheme in ("file", "data", "blob", "about") or parts.hostname in LOCAL_HOSTS:
                route.continue_()
            else:
                self.refused.append(request_url)
                route.abort()

        page.route("**/*", guard)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.goto(url)
        return page


@pytest.fixture()
def offline(playwright_browser: Any) -> OfflinePages:
    return OfflinePages(playwright_browser)


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this run writes its screenshots and PDFs (named in the run's summary)."""
    chosen = os.environ.get("BOOKRUN_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    _screenshot_dirs.append(folder)
    return folder


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for folder in _screenshot_dirs:
        files = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
        if files:
            terminalreporter.write_line(f"browser screenshots and PDFs ({len(files)} files): "
                                        f"{folder}")


@dataclass(frozen=True)
class PlannedDay:
    """A planned, verified day and the files `bookrun plan` writes for it."""

    name: str
    day_plan: DayPlan
    files: dict[str, Path]


def _planned(name: str, scenario: str, day: dt.date,
             tmp_path_factory: pytest.TempPathFactory) -> PlannedDay:
    day_plan = plan_day(scenario, day, time_limit_s=1.0)
    assert verify(day_plan.problem, day_plan.plan) == []
    return PlannedDay(name, day_plan, write_outputs(day_plan, tmp_path_factory.mktemp(name)))


@pytest.fixture(scope="session")
def munakata_school_day(tmp_path_factory: pytest.TempPathFactory,
                        playwright_browser: Any) -> PlannedDay:
    """Munakata 2023-11-17 (a Friday school run: two vans, about 30 stops)."""
    return _planned("munakata-2023-11-17", "munakata", dt.date(2023, 11, 17), tmp_path_factory)


@pytest.fixture(scope="session")
def ichinoseki_day(tmp_path_factory: pytest.TempPathFactory,
                   playwright_browser: Any) -> PlannedDay:
    """Ichinoseki 2023-11-15 (two shuttles, the README's example day)."""
    return _planned("ichinoseki-2023-11-15", "ichinoseki", dt.date(2023, 11, 15),
                    tmp_path_factory)


@pytest.fixture(params=["munakata_school_day", "ichinoseki_day"])
def planned_day(request: pytest.FixtureRequest) -> PlannedDay:
    day: PlannedDay = request.getfixturevalue(request.param)
    return day


def pdf_page_count(pdf: bytes) -> int:
    """Pages of a PDF Chromium printed (its page objects, less the page tree)."""
    return pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")


@pytest.fixture(scope="session")
def served_service(tmp_path_factory: pytest.TempPathFactory,
                   playwright_browser: Any) -> Iterator[str]:
    """bookrun's service on a real port of 127.0.0.1 (uvicorn in a thread, a migrated
    SQLite store); yields its base URL."""
    import uvicorn

    from api.http.app import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('served') / 'bookrun.db'}"
    engine = make_engine(url)
    upgrade(url, engine)
    engine.dispose()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(database_url=url)),
                                           host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the service did not start on 127.0.0.1")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
