"""Browser-test fixtures: one real `streamlit run app.py` and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools.server import CHROMIUM_ARGS, ROOT, streamlit_server

ARTIFACTS = ROOT / "artifacts"
APP_READY = "[data-testid='stApp'][data-test-script-state='notRunning']"


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required for the browser tests under CI=true: apt-get install -y chromium")
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_server(ROOT / "app.py") as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    yield page
    context.close()


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Waits until the script has finished its run and the page holds no spinner."""
    page.wait_for_selector(APP_READY, timeout=timeout)
    page.wait_for_timeout(300)
    page.wait_for_selector(APP_READY, timeout=timeout)


def assert_no_exception(page) -> None:
    exceptions = page.locator("[data-testid='stException']")
    assert exceptions.count() == 0, exceptions.first.inner_text()


SCROLLER = "[data-testid='stMain']"
"""The element that scrolls a Streamlit page (the document itself never does)."""


def screenshot(page, name: str, pages: int = 4) -> Path:
    """Saves what the window shows as ``artifacts/<name>.png`` and, for a longer page, the next screens down
    (``<name>-2.png``...: at most ``pages`` in all), as a person scrolling would see them; scrolls back up."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    scroller = page.locator(SCROLLER)
    if scroller.count() == 0:
        return path
    start = scroller.evaluate("e => e.scrollTop")
    for number in range(2, pages + 1):
        moved = scroller.evaluate(
            "e => { const before = e.scrollTop; e.scrollTop += e.clientHeight * 0.9; return e.scrollTop > before; }"
        )
        if not moved:
            break
        page.wait_for_timeout(150)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{number}.png"))
    scroller.evaluate(f"e => {{ e.scrollTop = {start}; }}")
    return path


def choose(page, label: str, option: str) -> None:
    """Picks an option of the Streamlit selectbox with this label."""
    box = page.get_by_label(label, exact=True).first
    box.click()
    options = page.locator("[role=listbox] [role=option]")
    if not options.first.is_visible():
        box.press("ArrowDown")  # Streamlit's combobox opens from the keyboard too
    options.filter(has_text=re.compile(f"^{re.escape(option)}$")).first.click()


def train(page, epochs: int) -> None:
    """Sets the Train page's epochs and presses Train (the page must be open and ready to train)."""
    field = page.get_by_label("Epochs", exact=True)
    field.fill(str(epochs))
    field.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name=re.compile("^Train$")).click()
