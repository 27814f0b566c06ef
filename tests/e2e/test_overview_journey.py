"""The whole network on one screen at 1280x800; a map's inputs on hover; a map walked step by step in the browser."""

import numpy as np
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_no_exception, choose, screenshot, wait_for_app
from visualizer.backend.forward import feature_maps
from visualizer.data.catalog import load_dataset
from visualizer.training.shipped import load_pretrained, manifest_entry

pytestmark = pytest.mark.e2e

SMALL = {"width": 1280, "height": 800}


@pytest.fixture
def small_page(browser):
    context = browser.new_context(viewport=SMALL)
    page = context.new_page()
    yield page
    context.close()


def overview_fits_the_screen(page, columns: list[str]) -> None:
    """Every column of the overview, and every thumbnail and bar in it, lies inside the 1280x800 window."""
    names = page.locator(".ov-column").evaluate_all("els => els.map(e => e.dataset.column)")
    assert names == columns
    boxes = page.locator(".ov-column .ov-head, .ov-item, .ov-bar").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })"
    )
    assert boxes, "nothing drawn"
    for left, top, right, bottom in boxes:
        assert left >= 0 and right <= SMALL["width"] and top >= 0 and bottom <= SMALL["height"], (
            left,
            top,
            right,
            bottom,
        )


def test_lenet5_and_tiny_vgg_fit_on_one_screen(small_page, app_url):
    page = small_page
    page.goto(app_url + "/inspect")
    wait_for_app(page)
    page.locator(".ov-item").first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)  # the overview fits itself to what is above it
    assert page.evaluate("window.scrollY") == 0
    overview_fits_the_screen(
        page,
        ["input", "conv2d_1", "avgpool2d_1", "conv2d_2", "avgpool2d_2", "flatten_1", "dense_1", "dense_2", "output"],
    )
    screenshot(page, "inspect-overview-1280-lenet5")
    accuracy = manifest_entry("tinyvgg_shapes")["test_accuracy"]
    choose(page, "Network", f"Tiny VGG trained on shapes (shipped, {accuracy:.1%})")
    page.locator(".ov-column[data-column='conv2d_4']").wait_for(timeout=120_000)
    wait_for_app(page)
    page.wait_for_timeout(1500)
    overview_fits_the_screen(
        page,
        [
            "input",
            "conv2d_1",
            "conv2d_2",
            "maxpool2d_1",
            "conv2d_3",
            "conv2d_4",
            "maxpool2d_2",
            "head_flatten",
            "output",
        ],
    )
    assert page.locator(".ov-column[data-column='input'] .ov-item").count() == 3  # red, green, blue
    assert_no_exception(page)
    screenshot(page, "inspect-overview-1280-tinyvgg")


def test_hover_shows_the_inputs_a_click_opens_the_map_and_the_walk_fills_it(page, app_url):
    page.goto(app_url + "/inspect")
    wait_for_app(page)
    target = page.locator(".ov-column[data-column='conv2d_2'] .ov-item").nth(4)
    target.wait_for(timeout=60_000)
    target.hover()
    page.locator(".ov-card").wait_for(state="visible", timeout=10_000)
    # A conv map is computed from every map of the layer before: six lines, six highlighted maps, and its kernel.
    assert page.locator(".ov-column[data-column='avgpool2d_1'] .ov-item.is-source").count() == 6
    assert page.locator(".ov-lines line").count() == 6
    assert page.locator(".ov-card img").count() == 1 and "5x5x6" in page.locator(".ov-card").inner_text()
    pooled = page.locator(".ov-column[data-column='avgpool2d_2'] .ov-item").nth(4)
    pooled.hover()
    page.wait_for_timeout(200)
    assert page.locator(".ov-column[data-column='conv2d_2'] .ov-item.is-source").count() == 1  # pooling: one map
    screenshot(page, "inspect-overview-hover")

    target.click()  # open conv2d_2, map 4 in the step explainer
    page.get_by_text("conv2d_2, map 4").first.wait_for(timeout=60_000)
    wait_for_app(page)
    walk = page.locator(".wk")
    walk.wait_for(timeout=30_000)
    assert walk.get_attribute("data-step") == "0"
    walk.scroll_into_view_if_needed()
    page.get_by_role("button", name="Play the walk").click()
    page.wait_for_function(
        "() => Number(document.querySelector('.wk') ? 0 : 0) === 0", timeout=1000
    )  # the page answers while it plays
    page.wait_for_timeout(1600)
    assert int(walk.get_attribute("data-step")) >= 3  # the window moved, with no server round trip
    page.get_by_role("button", name="One step forward").click()
    page.get_by_role("button", name="Fill the whole map").click()
    assert walk.get_attribute("data-done") == "1"
    filled = np.asarray(walk.evaluate("el => Array.from(el.__filled)"), dtype=np.float32)
    model = load_pretrained("lenet5_digits")
    expected = feature_maps(model, load_dataset("digits").x_test[0])["conv2d_2"][:, :, 4]
    np.testing.assert_allclose(filled.reshape(expected.shape), expected, atol=1e-5)  # the filled map is the map
    assert "the value at row 9, column 9 of map 4" in page.locator(".wk-numbers").inner_text()
    assert_no_exception(page)
    screenshot(page, "inspect-step-explainer")


def test_play_walks_the_overview_through_the_epochs(page, app_url):
    page.goto(app_url + "/inspect")
    wait_for_app(page)
    page.locator(".ov-item").first.wait_for(timeout=60_000)
    bars = page.locator(".ov-column[data-column='output']")
    trained = bars.inner_text()
    page.get_by_role("button", name="Play", exact=True).click()  # from the last epoch: starts again at epoch 0
    page.get_by_text("shown after epoch 0").wait_for(timeout=30_000)
    # the overview follows the epoch: the untrained network's probabilities
    # (the component redraws a moment after the caption does)
    expect(bars).not_to_have_text(trained, timeout=30_000)
    page.get_by_text("shown after epoch 2").wait_for(timeout=30_000)  # it moves on by itself
    page.get_by_role("button", name="Pause", exact=True).click()
    wait_for_app(page)
    caption = page.get_by_text("shown after epoch").inner_text()
    page.wait_for_timeout(2500)
    assert page.get_by_text("shown after epoch").inner_text() == caption  # paused: it stays
    assert_no_exception(page)
