"""A person trains Tiny VGG (10 outputs) on the six shapes: the app offers the dataset's classes first,
and after adopting them the results show exactly the six classes, none at a phantom 0%."""

import re

import pytest

from tests.e2e.conftest import assert_no_exception, choose, screenshot, train, wait_for_app
from visualizer.data.embedded import SHAPE_CLASSES
from visualizer.ui.keys import Train

pytestmark = pytest.mark.e2e


def test_tinyvgg_on_shapes_adopts_six_classes_and_shows_six(page, app_url):
    page.goto(app_url + "/build")
    wait_for_app(page)
    choose(page, "Start from a preset", "Tiny VGG from CNN Explainer (64x64 RGB)")
    page.get_by_text("Loaded the preset Tiny VGG").wait_for(timeout=30_000)
    wait_for_app(page)

    page.get_by_role("link", name="Train").first.click()
    wait_for_app(page)
    choose(page, "Dataset", "Shapes (embedded, generated, 64x64 colour)")
    warning = page.get_by_text(re.compile("The shapes dataset has 6 classes but the network predicts 10"))
    warning.wait_for(timeout=120_000)  # the shapes are generated the first time (a few seconds)
    wait_for_app(page)
    assert page.get_by_role("button", name=re.compile("^Train$")).is_disabled()  # nothing trains on phantom classes
    screenshot(page, "classes-offer")

    page.get_by_role("button", name="Adopt the dataset's classes: 6 classes").click()
    page.get_by_text("The network now takes 64x64x3 images and predicts 6 classes.").wait_for(timeout=30_000)
    wait_for_app(page)
    train(page, 1)
    page.get_by_text("Test accuracy", exact=True).wait_for(timeout=300_000)
    wait_for_app(page)
    assert_no_exception(page)

    # Six classes in the confusion matrix: 6 x 6 clickable cells labelled with the shapes' names.
    matrix = page.locator(f".st-key-{Train.CONFUSION}")
    matrix.scroll_into_view_if_needed()
    cells = matrix.locator(".scatterlayer .point")
    cells.first.wait_for(timeout=30_000)
    assert cells.count() == 36
    ticks = matrix.locator(".yaxislayer-above .ytick text").all_text_contents()  # SVG text has no innerText
    assert sorted(ticks) == sorted(SHAPE_CLASSES)
    bars = page.locator(f".st-key-{Train.PER_CLASS} .barlayer .point")
    assert bars.count() == 6
    screenshot(page, "classes-results")
