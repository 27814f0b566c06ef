"""A teacher shares a lesson link; a student opens it and lands in the prepared app."""

import pytest

from tests.e2e.conftest import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def test_a_lesson_link_opens_the_prepared_inspect_page(page, app_url):
    page.goto(f"{app_url}/?lesson=convolution")
    wait_for_app(page)
    page.get_by_text("Lesson: What does a convolution see?").wait_for(timeout=60_000)
    page.wait_for_url("**/inspect**", timeout=60_000)
    page.get_by_text("LeNet-5 trained on digits").first.wait_for(timeout=60_000)
    page.locator(".ov-column[data-column='conv2d_1'] .ov-item").first.wait_for(timeout=60_000)  # the overview
    wait_for_app(page)
    assert_no_exception(page)
    assert page.get_by_role("tab", name="Step by step").count() == 1
    assert page.get_by_role("tab", name="Where it looks").count() == 0  # not part of this lesson
    screenshot(page, "lesson-convolution")
