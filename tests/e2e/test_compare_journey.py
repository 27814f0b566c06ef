"""A class follows the overfitting lesson: two networks, with and without dropout, trained side by side."""

import pytest

from tests.e2e.conftest import assert_no_exception, screenshot, wait_for_app
from tests.e2e.test_accessibility import serious
from tests.e2e.test_presenter_and_layout import CLIPPED

pytestmark = pytest.mark.e2e


def test_train_with_and_without_dropout_from_the_lesson(page, app_url):
    page.goto(f"{app_url}/?lesson=overfitting")
    page.wait_for_url("**/compare**", timeout=60_000)
    wait_for_app(page)
    page.get_by_role("button", name="Train both").click()
    page.get_by_text("First-layer kernels").wait_for(timeout=240_000)  # both runs ended
    wait_for_app(page)
    assert_no_exception(page)
    assert page.get_by_text("your network").count() >= 1
    assert page.get_by_text("the same with dropout (rate 0.5)").count() >= 1
    screenshot(page, "compare-overfitting")
    assert serious(page) == []  # axe-core on the results
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_timeout(500)
    clipped = page.locator("[data-testid='stTable'] > div").evaluate_all(CLIPPED)
    assert page.locator("[data-testid='stTable']").count() == 1 and clipped == []  # the table fits at 1280 px
    screenshot(page, "compare-overfitting-1280")
