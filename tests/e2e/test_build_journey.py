"""A person opens the app, edits the stack, breaks it, fixes it, and visits every page."""

import re
from urllib.parse import unquote

import pytest

from tests.e2e.conftest import assert_no_exception, choose, screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def metric_value(page, label: str) -> str:
    metric = page.locator("[data-testid='stMetric']", has_text=label)
    return metric.locator("[data-testid='stMetricValue']").inner_text()


def test_build_journey(page, app_url):
    page.goto(app_url + "/build")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    assert_no_exception(page)
    assert metric_value(page, "Parameters") == "61,706"
    screenshot(page, "build-start")

    # Add a dropout layer: a new card, one more Keras layer, same parameters.
    choose(page, "Add a layer or block", "Dropout (dropout)")
    page.get_by_role("button", name="Add layer").click()
    page.get_by_text("8 · Dropout").wait_for(timeout=30_000)
    wait_for_app(page)
    assert metric_value(page, "Keras layers") == "9"
    assert metric_value(page, "Parameters") == "61,706"
    assert "dropout" in page.url  # the shareable URL follows the stack

    # Make it invalid: an 8-pixel-high input cannot take the second 5x5 convolution.
    height = page.get_by_label("Input height", exact=True)
    height.fill("8")
    height.press("Enter")
    page.get_by_text(re.compile(r"Layer 3 \(conv2d\) gets a 4x14x6 map")).first.wait_for(timeout=30_000)
    wait_for_app(page)
    assert_no_exception(page)
    assert metric_value(page, "Parameters") == "–"
    screenshot(page, "build-invalid")

    # Fix it again; the page recovers without a reload.
    height.fill("28")
    height.press("Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stMetricValue]')].some(e => e.innerText === '61,706')",
        timeout=30_000,
    )
    assert_no_exception(page)

    # The URL restores the stack in a fresh tab (once the page has written the fixed stack into it).
    page.wait_for_url(lambda url: '"input_shape":[28,28,1]' in unquote(url), timeout=30_000)
    shared = page.url
    other = page.context.new_page()
    other.goto(shared)
    wait_for_app(other)
    other.get_by_text("8 · Dropout").wait_for(timeout=30_000)
    assert metric_value(other, "Keras layers") == "9"
    other.close()


def test_every_page_opens_without_an_exception(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    links = page.locator("[data-testid='stSidebarNav'] a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())] or [app_url]
    for href in hrefs:
        page.goto(href if href.startswith("http") else app_url + "/" + href.lstrip("/"))
        wait_for_app(page)
        page.wait_for_timeout(500)
        wait_for_app(page)
        assert_no_exception(page)
        name = href.rstrip("/").rsplit("/", 1)[-1] or "home"
        screenshot(page, f"page-{name}")
