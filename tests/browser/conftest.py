"""Browser tests: Debian's chromium, driven by Playwright, against the app running as in production.

One `live_server` (`python wsgi.py`, eventlet, its own database) serves the whole session; each test gets a
fresh browser context (no cookies); tests register people of their own, or read the one shared `discussion`.
Without /usr/bin/chromium the tests are skipped locally and fail in CI (CI=true must never skip).
A failing test leaves a screenshot of its page in test-artifacts/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser.steps import Person, create_workspace, new_person, register, send_reply, start_thread, unique
from tests.server import LiveServer

# Debian's chromium (Playwright's own browser download is never used); VK_CHROMIUM points elsewhere.
CHROMIUM = os.environ.get("VK_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent
HEARTBEAT_SECONDS = 1


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


def _artifact_name(nodeid: str, suffix: str = "") -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1])[:150] + suffix + ".png"


# --- the server and the browser ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: `apt-get install chromium` (or set VK_CHROMIUM) to run the browser tests"
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    """Debian's chromium, headless; `expect` waits up to 10 s (a busy machine is slow, not broken)."""
    expect.set_options(timeout=10_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def live_server(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app as production runs it, on its own database, for the whole session."""
    # A beat a second, so a test can see an open page kept up to date without waiting the default 20 s.
    env = {"HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS)}
    with LiveServer(tmp_path_factory.mktemp("live-server"), database_name="server", env=env) as server:
        yield server


def new_context(browser: Any, live_server: LiveServer, **options: Any) -> Any:
    """A browser context on the live server: 1280x900, Finnish (Accept-Language fi-FI), no cookies."""
    settings: dict[str, Any] = {
        "base_url": live_server.url,
        "viewport": {"width": 1280, "height": 900},
        "locale": "fi-FI",
    }
    settings.update(options)
    context = browser.new_context(**settings)
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(20_000)  # argon2 on a busy CI machine
    return context


@pytest.fixture
def make_page(browser: Any, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Any]:
    """make_page(**context_options) -> a page in a fresh context of its own (another person, a phone ...)."""
    opened: list[Any] = []

    def make(**options: Any) -> Any:
        if not live_server.running:
            code = live_server.returncode
            pytest.fail(f"the live server is not running (exit code {code}):\n{live_server.log_tail()}")
        context = new_context(browser, live_server, **options)
        opened.append(context)
        return context.new_page()

    yield make
    for number, context in enumerate(opened):
        for tab in context.pages:
            _screenshot_if_failed(request, tab, f"-{number}" if number else "")
        context.close()


@pytest.fixture
def page(make_page: Any) -> Any:
    """A page in a fresh context (no cookies): 1280x900, Finnish (Accept-Language fi-FI)."""
    return make_page()


def _screenshot_if_failed(request: pytest.FixtureRequest, tab: Any, suffix: str = "") -> None:
    report = getattr(request.node, "report_call", None)
    if report is None or not report.failed:
        return
    folder = Path(str(request.config.rootpath)) / "test-artifacts"
    folder.mkdir(exist_ok=True)
    target = folder / _artifact_name(request.node.nodeid, suffix)
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


@dataclass(frozen=True)
class Discussion:
    """A network workspace with a thread of a few posts, made once per session through the pages."""

    owner: Person
    workspace: str
    thread: str
    title: str
    owner_state: dict[str, Any]  # the owner's signed-in cookies, for make_page(storage_state=...)


@pytest.fixture(scope="session")
def discussion(browser: Any, live_server: LiveServer) -> Discussion:
    context = new_context(browser, live_server)
    try:
        tab = context.new_page()
        owner = new_person("Olli")
        register(tab, owner)
        workspace = create_workspace(tab, unique("Kestävä liikenne"), visibility="network")
        title = "Kaupunkipyörät talvella"
        thread = start_thread(tab, workspace, title, "Onko kenelläkään kokemuksia **talvikäytöstä**?")
        send_reply(tab, "Meillä Oulussa pyörät ovat käytössä ympäri vuoden.\n\n- nastarenkaat\n- lämmin varasto")
        return Discussion(owner, workspace, thread, title, context.storage_state())
    finally:
        context.close()


@pytest.fixture
def owner_page(make_page: Any, discussion: Discussion) -> Any:
    """A page where the discussion's owner is already signed in (a sign-in of its own, kept by the browser).

    Tests that sign out must sign in themselves instead: signing out ends the session these cookies name.
    """
    return make_page(storage_state=discussion.owner_state)
