"""A person looks inside on the Inspect page: their own picture or drawing, the overview, a map step by step."""

import io

import pytest
from PIL import Image, ImageDraw

from tests.e2e.conftest import ARTIFACTS, assert_no_exception, screenshot, wait_for_app
from visualizer.ui.inspect import feature_maps as feature_maps_tab
from visualizer.ui.keys import Inspect

pytestmark = pytest.mark.e2e


def test_upload_an_image_and_see_feature_maps(page, app_url):
    picture = Image.new("RGB", (200, 200), "white")
    ImageDraw.Draw(picture).line([(60, 40), (140, 40), (90, 170)], fill="black", width=18)  # a seven
    path = ARTIFACTS / "seven.png"
    ARTIFACTS.mkdir(exist_ok=True)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())

    page.goto(app_url + "/inspect")
    wait_for_app(page)
    page.get_by_text("Upload", exact=True).click()
    wait_for_app(page)
    page.locator(f".st-key-{Inspect.UPLOAD} [data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    page.get_by_text("Prediction:").wait_for(timeout=60_000)
    wait_for_app(page)
    page.locator(".ov-column[data-column='conv2d_1'] .ov-item").first.wait_for(timeout=60_000)
    assert_no_exception(page)
    assert page.get_by_role("checkbox", name="Invert (light strokes on dark, as the digits are)").is_checked()
    screenshot(page, "inspect-upload")


def _click_centre(page, locator) -> None:
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.wait_for_timeout(200)
    page.mouse.click(x, y)


def test_draw_a_digit_click_a_map_and_pick_a_step_position(page, app_url):
    page.goto(app_url + "/inspect")
    wait_for_app(page)
    page.get_by_text("Draw", exact=True).click()
    wait_for_app(page)
    canvas = page.locator("canvas").last
    canvas.wait_for(timeout=60_000)
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 60, box["y"] + 50)
    page.mouse.down()
    for step in range(20):
        page.mouse.move(box["x"] + 60 + step * 5, box["y"] + 50 + step * 6)
    page.mouse.up()
    page.get_by_text("Prediction:").wait_for(timeout=60_000)
    wait_for_app(page)
    assert page.get_by_text("your drawing").count() >= 1

    # In the Maps tab, click a feature map: it opens enlarged.
    page.get_by_role("tab", name="Maps").click()
    wait_for_app(page)
    maps = page.locator(f".st-key-{feature_maps_tab.Keys.maps('conv2d_1')} .scatterlayer .point")
    maps.first.wait_for(timeout=60_000)
    _click_centre(page, maps.nth(2))
    page.wait_for_selector(f".st-key-{feature_maps_tab.Keys.enlarged('conv2d_1')} .main-svg", timeout=30_000)
    assert_no_exception(page)
    screenshot(page, "inspect-step")
