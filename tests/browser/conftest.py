"""Browser tests: Debian's chromium, driven by Playwright, against the app running as in production.

One `live_server` (`python wsgi.py`, eventlet, its own database) serves the whole session; each test gets a
fresh browser context (no cookies), so tests stay independent by registering people of their own.
Without /usr/bin/chromium the tests are skipped locally and fail in CI (CI=true must never skip).
A failing test leaves a screenshot of its page in test-artifacts/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.steps import Person, new_person
from tests.server import LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").lower() == "true"
HERE = Path(__file__).resolve().parent


# --- markers and failure screenshots ---------------------------------------------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test in this folder drives a browser against a separate server process."""
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.server)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _artifact_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1])[:150] + ".png"


# --- the server and the browser ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: `apt-get install chromium` to run the browser tests"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # pragma: no cover - requirements-dev.txt installs it
        if IN_CI:
            pytest.fail(f"playwright is not installed: {error}")
        pytest.skip(f"playwright is not installed: {error}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def live_server(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app as production runs it, on its own database, for the whole session."""
    with LiveServer(tmp_path_factory.mktemp("live-server"), database_name="server") as server:
        yield server


def new_context(browser: Any, live_server: LiveServer, **options: Any) -> Any:
    settings: dict[str, Any] = {
        "base_url": live_server.url,
        "viewport": {"width": 1280, "height": 900},
        "locale": "fi-FI",
    }
    settings.update(options)
    context = browser.new_context(**settings)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def page(browser: Any, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page in a fresh context (no cookies): 1280x900, Finnish (Accept-Language fi-FI)."""
    context = new_context(browser, live_server)
    tab = context.new_page()
    yield tab
    _screenshot_if_failed(request, tab)
    context.close()


def _screenshot_if_failed(request: pytest.FixtureRequest, tab: Any) -> None:
    report = getattr(request.node, "report_call", None)
    if report is None or not report.failed:
        return
    folder = Path(str(request.config.rootpath)) / "test-artifacts"
    folder.mkdir(exist_ok=True)
    target = folder / _artifact_name(request.node.nodeid)
    try:
        tab.screenshot(path=str(target), full_page=True)
    except Exception as error:  # the page may be gone; the test's own failure matters more
        print(f"could not save a screenshot: {error}")
    else:
        print(f"screenshot of the failing page: {target} (at {tab.url})")


# --- people -----------------------------------------------------------------------------------------


@pytest.fixture
def person() -> Person:
    """Someone about to register (a new, unique email for every test)."""
    return new_person()
