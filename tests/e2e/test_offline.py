"""Offline for real: every request the browser makes, on every page and in the components, goes to the app."""

from urllib.parse import urlparse

import pytest

from tests.e2e.conftest import assert_no_exception, wait_for_app

pytestmark = pytest.mark.e2e

VISITS = ["", "/build", "/train", "/inspect", "/compare", "/learn?view=kernels", "/inspect?present=1"]


def test_no_request_leaves_the_app(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("websocket", lambda socket: requests.append(socket.url))
    for path in VISITS:
        page.goto(app_url + path)
        wait_for_app(page)
        page.wait_for_timeout(600)
        wait_for_app(page)
        assert_no_exception(page)
    page.goto(app_url + "/inspect")
    wait_for_app(page)
    page.get_by_text("Draw", exact=True).click()  # the drawing canvas is a component with its own frontend
    wait_for_app(page)
    page.locator("canvas").last.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    context.close()
    app = urlparse(app_url)
    outside = sorted(
        {
            url
            for url in requests
            if urlparse(url).scheme in ("http", "https", "ws", "wss") and urlparse(url).netloc != app.netloc
        }
    )
    assert len(requests) > 50  # the pages were really loaded and recorded
    assert any(url.startswith("ws") for url in requests)  # Streamlit's own socket is seen (and is the app's)
    assert outside == []
