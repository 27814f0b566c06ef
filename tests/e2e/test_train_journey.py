"""A person trains LeNet-5 on the embedded digits for two epochs and sees live curves, then the results,
and takes the run home as a notebook."""

import json
import re
from pathlib import Path

import nbformat
import pytest

from tests.e2e.conftest import assert_no_exception, screenshot, train, wait_for_app
from tests.e2e.test_accessibility import serious
from visualizer.ui.keys import Train

pytestmark = pytest.mark.e2e


def test_train_two_epochs_and_see_curves_and_accuracy(page, app_url):
    page.goto(app_url + "/train")
    wait_for_app(page)
    page.get_by_text("1,438 training and 359 test images").wait_for(timeout=60_000)
    train(page, 2)

    # Live: the progress line and the curves appear while the page keeps answering.
    page.get_by_text(re.compile(r"Epoch \d of 2|Finished 2 epochs")).first.wait_for(timeout=120_000)
    page.wait_for_selector(f".st-key-{Train.LIVE_CURVES} .main-svg", timeout=60_000)
    screenshot(page, "train-live")

    # Done: the final accuracy, the per-class bars and the confusion matrix.
    page.get_by_text("Test accuracy", exact=True).wait_for(timeout=180_000)
    wait_for_app(page)
    assert_no_exception(page)
    value = page.locator("[data-testid='stMetric']", has_text="Test accuracy").locator("[data-testid='stMetricValue']")
    accuracy = float(value.inner_text().rstrip("%"))
    assert 50.0 <= accuracy <= 100.0, accuracy  # two epochs of LeNet-5 on digits: well past chance (10%)
    assert page.get_by_text("Finished 2 epochs").count() >= 1
    assert page.locator("[data-testid='stPlotlyChart']").count() >= 3
    page.get_by_text("Confusion matrix").scroll_into_view_if_needed()
    screenshot(page, "train-results")
    assert serious(page) == []  # axe-core on the results: curves, metrics, per-class bars, confusion matrix

    # A click on a cell of the confusion matrix opens the gallery of those test images.
    cells = page.locator(f".st-key-{Train.CONFUSION} .scatterlayer .point")
    cells.first.wait_for(timeout=30_000)
    cells.first.scroll_into_view_if_needed()
    box = cells.first.bounding_box()  # row 0, column 0: zeros predicted as zeros
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.get_by_text(re.compile(r"\d+ test images of \d predicted as \d")).wait_for(timeout=30_000)
    assert_no_exception(page)
    screenshot(page, "train-gallery")

    # The run as a notebook: a real download, valid nbformat 4, with this run's data and settings.
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Download notebook (.ipynb)").click()
    assert download.value.suggested_filename == "cnn_digits.ipynb"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    nbformat.validate(nbformat.reads(text, as_version=4))
    code = "\n".join("".join(cell["source"]) for cell in json.loads(text)["cells"] if cell["cell_type"] == "code")
    assert "SEED = 0\nEPOCHS = 2\nBATCH_SIZE = 64" in code and "load_digits()" in code
