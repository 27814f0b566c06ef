"""axe-core in Chromium on every page and every Inspect tab, normal and presenter: no critical or serious
violation (every Learn topic is checked as ``test_learn_journey`` opens it); the overview and the step explainer
work from the keyboard."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import assert_no_exception, wait_for_app
from tests.ui.test_inspect_page import ALL_TABS

pytestmark = pytest.mark.e2e

PAGES = ["", "/build", "/train", "/inspect", "/compare", "/learn"]
INSPECT_TABS = [tab for tab in ALL_TABS if tab != "Step by step"]  # its explainer has its own test


def serious(page) -> list[str]:
    """axe-core's critical and serious violations on the page as it is now, one line each."""
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at {violation['nodes'][0]['target']}"
        for violation in results.response["violations"]
        if violation["impact"] in ("critical", "serious")
    ]


def settled(page, path: str) -> None:
    page.goto(path)
    wait_for_app(page)
    page.wait_for_timeout(800)
    wait_for_app(page)
    assert_no_exception(page)


@pytest.mark.parametrize("presenter", [False, True], ids=["normal", "presenter"])
def test_no_critical_or_serious_violation_on_any_page(page, app_url, presenter):
    found = {}
    query = "?present=1" if presenter else ""
    for path in PAGES:
        settled(page, app_url + path + query)
        found[path or "/"] = serious(page)
    assert {path: problems for path, problems in found.items() if problems} == {}


def test_no_critical_or_serious_violation_in_any_inspect_tab(page, app_url):
    settled(page, app_url + "/inspect")
    page.locator(".wk").wait_for(timeout=60_000)
    found = {"Step by step": serious(page)}
    for tab in INSPECT_TABS:
        page.get_by_role("tab", name=tab).click()
        wait_for_app(page)
        page.wait_for_timeout(400)
        wait_for_app(page)
        assert_no_exception(page)
        found[tab] = serious(page)
    assert {tab: problems for tab, problems in found.items() if problems} == {}


def test_the_overview_and_the_step_explainer_work_from_the_keyboard(page, app_url):
    settled(page, app_url + "/inspect")
    page.locator(".ov-item").first.wait_for(timeout=60_000)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    reached = None
    for _ in range(120):  # Tab from the top of the page until a map of conv2d_2 has the focus
        page.keyboard.press("Tab")
        reached = page.evaluate(
            """() => { let e = document.activeElement;
                       while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
                       const column = e && e.closest && e.closest('.ov-column');
                       return column ? [column.dataset.column, e.getAttribute('aria-label') || ''] : null; }"""
        )
        if reached and reached[0] == "conv2d_2":
            break
    assert reached and reached[0] == "conv2d_2", reached
    assert page.locator(".ov-card").is_visible()  # focus shows what hover shows
    page.keyboard.press("Enter")  # open it in the step explainer
    page.get_by_text("conv2d_2, map 0").first.wait_for(timeout=60_000)
    wait_for_app(page)
    page.get_by_role("button", name="One step forward").focus()
    page.keyboard.press("Enter")
    assert page.locator(".wk").get_attribute("data-step") == "1"
