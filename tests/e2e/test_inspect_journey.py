"""A person uploads their own picture on the Inspect page and sees its feature maps."""

import io

import pytest
from PIL import Image, ImageDraw

from tests.e2e.conftest import ARTIFACTS, assert_no_exception, screenshot, wait_for_app

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
    page.get_by_text("Upload an image").click()
    wait_for_app(page)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    page.get_by_text("Prediction:").wait_for(timeout=60_000)
    wait_for_app(page)
    page.wait_for_selector(".st-key-inspect_maps_conv2d_1 .main-svg", timeout=60_000)
    assert_no_exception(page)
    assert page.get_by_role("checkbox", name="Invert (light strokes on dark, as the digits are)").is_checked()
    screenshot(page, "inspect-upload")
