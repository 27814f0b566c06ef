"""A student scrubs the embedding of the test images through the epochs and watches the classes pull apart."""

import re

import pytest

from tests.e2e.conftest import assert_no_exception, screenshot, wait_for_app

pytestmark = pytest.mark.e2e

SCORE = re.compile(r"silhouette score, -1 to 1, higher is further apart\): (-?\d\.\d\d)")


def silhouette(page) -> float:
    text = page.get_by_text(SCORE).first.inner_text()
    return float(SCORE.search(text).group(1))


def test_scrub_the_embedding_from_the_last_epoch_to_the_first(page, app_url):
    page.goto(app_url + "/inspect")
    wait_for_app(page)
    page.locator(".ov-item").first.wait_for(timeout=60_000)
    page.get_by_role("tab", name="Embedding").click()
    page.get_by_text(SCORE).first.wait_for(timeout=60_000)
    wait_for_app(page)
    trained = silhouette(page)
    assert page.locator(".stPlotlyChart .scatterlayer, .stPlotlyChart canvas").count() >= 1
    screenshot(page, "embedding-trained")

    slider = page.get_by_role("slider").first  # the pinned epoch slider
    slider.focus()
    slider.press("Home")
    page.get_by_text("shown after epoch 0").first.wait_for(timeout=30_000)
    wait_for_app(page)
    page.wait_for_function(
        "previous => [...document.querySelectorAll('p')].some(p => p.innerText.includes('higher is further apart')"
        " && !p.innerText.includes(previous))",
        arg=f"): {trained:.2f}",
        timeout=60_000,
    )
    untrained = silhouette(page)
    assert untrained < trained  # before training the classes lie mixed; after, apart
    assert_no_exception(page)
    screenshot(page, "embedding-untrained")
