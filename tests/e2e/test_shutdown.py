"""SIGTERM (what `docker stop` and systemd send) ends the server within seconds, its trainings with it."""

import re
import signal
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import train, wait_for_app
from tests.e2e.test_worker_journey import worker_processes
from tools.server import ROOT, SERVER_PIDS, SERVER_PROCESSES, streamlit_server

pytestmark = pytest.mark.e2e


def running(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_sigterm_ends_the_server_within_seconds_and_stops_its_training(browser):
    with streamlit_server(ROOT / "app.py") as url:
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(url + "/train")
        wait_for_app(page)
        page.get_by_text("1,438 training and 359 test images").wait_for(timeout=60_000)
        train(page, 200)
        page.get_by_text(re.compile(r"Epoch \d+ of 200")).first.wait_for(timeout=120_000)
        workers = worker_processes(SERVER_PIDS[url])
        assert workers
        process = SERVER_PROCESSES[url]
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        took = time.monotonic() - started
        page.close()
    assert took < 10, f"the server took {took:.1f} s to end"
    deadline = time.monotonic() + 10
    while any(running(pid) for pid in workers):
        assert time.monotonic() < deadline, "a training worker outlived the server"
        time.sleep(0.2)
