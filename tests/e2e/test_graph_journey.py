"""A person adds a residual block on the Build page, trains the network, and sees the merge point's maps."""

import re

import pytest

from tests.e2e.conftest import assert_no_exception, choose, screenshot, train, wait_for_app

pytestmark = pytest.mark.e2e


def test_build_a_residual_block_train_it_and_see_the_merge_point(page, app_url):
    page.goto(app_url + "/build")
    wait_for_app(page)
    choose(page, "Start from a preset", "Starter: one convolution")
    page.get_by_text("2 · Max pooling").first.wait_for(timeout=30_000)
    wait_for_app(page)
    choose(page, "Add a layer or block", "Residual block (residual)")
    wait_for_app(page)  # the choice reruns the page: a stale "Add layer" button may stand beside the new one
    page.get_by_role("button", name="Add layer").click()
    page.get_by_text(re.compile(r"3 · Residual block")).first.wait_for(timeout=30_000)
    wait_for_app(page)
    assert_no_exception(page)
    # The summary lists each layer with its block; the diagram draws the shortcut in a lane of its own.
    page.get_by_role("cell", name=re.compile(r"^conv2d_.?2 \(in residual_.?1\)$")).wait_for(timeout=30_000)
    table = page.locator("[data-testid='stTable']").first
    assert table.evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # nothing clipped at 1280 px
    assert page.get_by_text("1x1 projection shortcut").count() == 1
    assert '"type":"residual"' in page.url.replace("%22", '"').replace("%3A", ":").replace("%2C", ",")
    screenshot(page, "graph-build")

    page.get_by_role("link", name="Train").first.click()
    wait_for_app(page)
    page.get_by_text("1,438 training and 359 test images").wait_for(timeout=60_000)
    train(page, 1)
    page.get_by_text("Test accuracy", exact=True).wait_for(timeout=180_000)
    wait_for_app(page)
    assert_no_exception(page)

    page.get_by_role("link", name="Inspect").first.click()
    wait_for_app(page)
    merge = page.locator(".ov-column[data-column='residual_1_add']")
    merge.locator(".ov-item").first.wait_for(timeout=60_000)
    assert "ov-merge" in merge.get_attribute("class")
    assert "⊕ sum" in merge.locator(".ov-shape").inner_text()
    assert merge.locator(".ov-item").count() == 8  # one thumbnail per channel of the sum
    # Hovering a map of the sum draws its two sources: the block's last layer and the shortcut.
    merge.locator(".ov-item").first.hover()
    page.locator(".ov-card").get_by_text(
        re.compile("the sum of conv2d_3, item 0 and residual_1_shortcut, item 0")
    ).wait_for(timeout=10_000)
    assert page.locator(".ov-lines line").count() == 2
    assert_no_exception(page)
    screenshot(page, "graph-inspect")
