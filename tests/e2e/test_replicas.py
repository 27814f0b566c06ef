"""Two app replicas behind nginx (deploy/nginx/cnn-visualizer.conf.template), checked on loopback.

Each browser keeps to one replica (its session lives there); different browsers spread over both;
the app's websocket works through the proxy, in Streamlit's protocol and in a real Chromium.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import string
import subprocess
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from bench.streamlit_client import StreamlitClient
from tests.e2e.conftest import assert_no_exception, screenshot, wait_for_app
from tools.server import ROOT, free_port, streamlit_server

pytestmark = pytest.mark.e2e
TEMPLATE = ROOT / "deploy" / "nginx" / "cnn-visualizer.conf.template"


def nginx_path() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    """Two `streamlit run app.py` replicas and nginx in front of them; yields (proxy URL, replica URLs, its log)."""
    executable = nginx_path()
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is required under CI=true: apt-get install -y nginx")
        pytest.skip("nginx is not installed (apt-get install -y nginx)")
    folder = tmp_path_factory.mktemp("nginx")
    with ExitStack() as stack:
        replicas = [stack.enter_context(streamlit_server(ROOT / "app.py")) for _ in range(2)]
        port = free_port()
        site = string.Template(TEMPLATE.read_text()).safe_substitute(
            LISTEN_PORT=f"127.0.0.1:{port}",
            REPLICA_1=replicas[0].removeprefix("http://"),
            REPLICA_2=replicas[1].removeprefix("http://"),
        )
        (folder / "site.conf").write_text(site)
        (folder / "nginx.conf").write_text(
            f"""
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 1024; }}
http {{
    log_format routed '$upstream_addr $request_uri';
    access_log {folder}/access.log routed;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}
"""
        )
        process = subprocess.Popen(
            [executable, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
            stderr=subprocess.PIPE,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"nginx exited: {process.stderr.read().decode()}")
                if time.monotonic() > deadline:
                    pytest.fail("nginx did not answer in time")
                time.sleep(0.2)
        try:
            yield url, replicas, folder / "access.log"
        finally:
            process.terminate()
            process.wait(10)


def served_by(opener, url: str, path: str, log: Path) -> str:
    """Which replica answered a request for ``path``: from nginx's access log (the responses do not say)."""
    logged = len(log.read_text().splitlines()) if log.exists() else 0
    with opener.open(url + path, timeout=10) as response:
        assert response.status == 200
        assert "X-Served-By" not in response.headers
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert response.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    deadline = time.monotonic() + 15
    while True:
        logged_now = [line for line in log.read_text().splitlines()[logged:] if line.endswith(" " + path)]
        if logged_now:
            return logged_now[-1].split(" ", 1)[0]
        assert time.monotonic() < deadline, f"nginx did not log {path}"
        time.sleep(0.05)


def test_each_browser_sticks_to_one_replica_and_browsers_spread(proxy):
    url, replicas, log = proxy
    addresses = {replica.removeprefix("http://") for replica in replicas}
    seen = set()
    for _ in range(16):
        jar = CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        first = served_by(browser, url, "/", log)
        assert any(cookie.name == "cnnviz_route" for cookie in jar)
        for path in ("/_stcore/health", "/build", "/_stcore/host-config", "/"):
            assert served_by(browser, url, path, log) == first  # every request of this browser: same replica
        seen.add(first)
    assert seen == addresses  # 16 browsers use both replicas (all on one: probability 2 ** -15)


def test_the_websocket_session_runs_through_the_proxy(proxy):
    url, _, log = proxy
    jar = CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    served_by(browser, url, "/", log)
    cookie = "; ".join(f"{item.name}={item.value}" for item in jar)

    async def session() -> list[str]:
        client = StreamlitClient(url, headers={"Cookie": cookie})
        await client.connect()
        result = await client.run(page="build")
        await client.close()
        assert client.session_id and result.elements > 10
        return result.exceptions

    # In a thread of its own: Playwright's sync API may hold this thread's event loop.
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, session()).result(timeout=120) == []


def test_the_app_works_in_a_browser_through_the_proxy(proxy, page):
    url, _, _ = proxy
    page.goto(url + "/build")
    wait_for_app(page)
    page.get_by_text("Parameters").first.wait_for(timeout=60_000)
    page.get_by_role("link", name="Learn").click()
    wait_for_app(page)
    page.get_by_text("Eight ideas are enough").wait_for(timeout=60_000)
    assert_no_exception(page)
    screenshot(page, "through-nginx")


def test_one_browser_flooding_the_server_is_slowed_down_by_nginx(proxy):
    url, _, log = proxy
    jar = CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    served_by(browser, url, "/", log)

    def status(_index: int) -> int:
        try:
            with browser.open(url + "/_stcore/health", timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(status, range(500)))
    assert codes.count(429) > 0 and codes.count(200) >= 300  # the burst passes, the flood does not
    other = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    assert served_by(other, url, "/", log)  # another browser is not slowed down
