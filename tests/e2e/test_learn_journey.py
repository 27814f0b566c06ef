"""A student opens every Learn topic from its shareable URL (each passing axe-core), then follows a concept card
to its view."""

import pytest

from tests.e2e.conftest import assert_no_exception, screenshot, wait_for_app
from tests.e2e.test_accessibility import serious
from visualizer.vocabulary import LEARN_TOPICS

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("view", list(LEARN_TOPICS))
def test_every_learn_topic_opens_from_its_url(page, app_url, view):
    page.goto(f"{app_url}/learn?view={view}")
    wait_for_app(page)
    page.locator(".main-svg").first.wait_for(timeout=60_000) if view != "concepts" else None
    wait_for_app(page)
    assert_no_exception(page)
    assert page.locator("[data-testid='stAlertContentError']").count() == 0
    screenshot(page, f"learn-{view}")
    assert serious(page) == []  # axe-core: no critical or serious violation on the topic


def test_a_concept_card_opens_its_live_view(page, app_url):
    page.goto(f"{app_url}/learn")
    wait_for_app(page)
    page.get_by_role("button", name="Try it: Kernels").click()
    page.get_by_text("Output size").wait_for(timeout=60_000)
    wait_for_app(page)
    assert "view=kernels" in page.url  # the topic is in the URL, ready to share
    assert_no_exception(page)
