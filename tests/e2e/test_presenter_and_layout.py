"""Every page at 1280x800 and 1920x1080, normal and presenter: nothing clipped, texts 1.5x larger on a projector.

Saves the screenshots the closing notes look at: ``artifacts/page-<name>-<width>x<height>-<mode>.png``
(and the next screens down of a long page).
"""

import json
from urllib.parse import quote

import pytest

from tests.e2e.conftest import assert_no_exception, screenshot, wait_for_app
from visualizer.model.presets import PRESETS

pytestmark = pytest.mark.e2e

SIZES = ({"width": 1280, "height": 800}, {"width": 1920, "height": 1080})
PAGES = {
    "home": ("", "text=4 · Learn the ideas"),
    "build": ("/build", "[data-testid='stTable'] td"),
    # A network with blocks: the diagram's lanes and arcs, each layer's block in the summary.
    "build-graph": (
        "/build?spec=" + quote(json.dumps(PRESETS["resnet_small"].to_dict(), separators=(",", ":"))),
        "[data-testid='stTable'] td",
    ),
    "train": ("/train", "text=Change it"),
    "inspect": ("/inspect", ".ov-item"),
    "compare": ("/compare", "text=Compare"),
    "learn": ("/learn", "text=Neural network"),
}
FONT_SIZE = "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))"
CLIPPED = """els => els.filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.closest('[data-testid]')?.dataset.testid}: ${e.scrollWidth} > ${e.clientWidth}`)"""


def visit(page, app_url: str, path: str, ready: str, presenter: bool) -> None:
    """Opens ``path`` (a new session of the app) in ``page`` and waits until ``ready`` shows and the run ends."""
    page.goto(app_url + path + (("&" if "?" in path else "?") + "present=1" if presenter else ""))
    wait_for_app(page)
    page.locator(ready).first.wait_for(timeout=90_000)
    wait_for_app(page)


def open_page(browser, app_url: str, path: str, ready: str, viewport: dict, presenter: bool):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    visit(page, app_url, path, ready, presenter)
    return context, page


def sizes(page) -> dict[str, float]:
    """Rendered font sizes (px) of a figure label, a table cell, a widget label and the page's prose."""
    found = {}
    for name, selector in (
        ("figure label", ".stPlotlyChart .annotation-text"),
        ("table cell", "[data-testid='stTable'] td"),
        ("widget label", "[data-testid='stWidgetLabel'] p"),
        ("prose", "[data-testid='stCaptionContainer']"),
    ):
        values = page.locator(selector).evaluate_all(FONT_SIZE)
        assert values, f"no {name} on the page"
        found[name] = values[0]
    return found


def test_presenter_mode_draws_figures_tables_and_widgets_half_as_large_again(browser, app_url):
    measured = {}
    for presenter in (False, True):
        context, page = open_page(browser, app_url, "/build", "[data-testid='stTable'] td", SIZES[1], presenter)
        if presenter:
            page.get_by_text("Presenter mode").wait_for(state="attached")
            assert page.locator("[data-testid='stSidebar'][data-collapsed='true']").count() == 1  # collapsed
            assert page.get_by_role("button", name="Add layer").count() == 0  # editing hidden
        else:
            page.get_by_role("button", name="Add layer").wait_for()
        measured[presenter] = sizes(page)
        assert_no_exception(page)
        context.close()
    for name, normal in measured[False].items():
        assert measured[True][name] >= 1.5 * normal - 0.01, (name, normal, measured[True][name])


@pytest.mark.parametrize("viewport", SIZES, ids=lambda size: f"{size['width']}x{size['height']}")
def test_every_page_in_both_modes_has_no_clipped_table_or_error(browser, app_url, viewport):
    for presenter in (False, True):
        # One browser per mode: each page is a new session of the app, and the browser keeps its cache (Plotly's
        # bundle parsed once, as a student's browser does after the first page).
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        for name, (path, ready) in PAGES.items():
            visit(page, app_url, path, ready, presenter)
            assert_no_exception(page)
            clipped = page.locator("[data-testid='stTable'] > div").evaluate_all(CLIPPED)
            assert not clipped, (name, clipped)
            mode = "presenter" if presenter else "normal"
            screenshot(page, f"page-{name}-{viewport['width']}x{viewport['height']}-{mode}", pages=3)
        context.close()
