"""A training's process is killed (as the kernel's out-of-memory killer would): that job fails with a message,
another person's page in the same server goes on answering and the trainer trains again; then SIGTERM
(what `docker stop` and systemd send) ends the server within seconds, its training with it."""

import os
import re
import signal
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import assert_no_exception, train, wait_for_app
from tools.server import ROOT, SERVER_PIDS, SERVER_PROCESSES, streamlit_server

pytestmark = pytest.mark.e2e


def worker_processes(server_pid: int) -> list[int]:
    """The server's training workers: its children started by multiprocessing's spawn (not its resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, IndexError, ValueError):
            continue
        if parent == server_pid and "spawn_main" in command:
            found.append(int(entry.name))
    return found


def running(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def start_training(page, url: str) -> None:
    """Opens the Train page and starts a long LeNet-5 run on the digits; returns once an epoch is under way."""
    page.goto(url + "/train")
    wait_for_app(page)
    page.get_by_text("1,438 training and 359 test images").wait_for(timeout=60_000)
    train(page, 200)
    page.get_by_text(re.compile(r"Epoch \d+ of 200")).first.wait_for(timeout=120_000)


def test_a_killed_worker_fails_its_job_the_class_goes_on_and_sigterm_ends_the_server(browser):
    with streamlit_server(ROOT / "app.py") as url:
        server = SERVER_PIDS[url]
        trainer = browser.new_page(viewport={"width": 1400, "height": 1100})
        start_training(trainer, url)
        workers = worker_processes(server)
        assert workers, "no training worker under the server"
        for pid in workers:  # the one training and any waiting warm: none of them is the server
            os.kill(pid, signal.SIGKILL)
        trainer.get_by_text(re.compile(r"The training process ended unexpectedly \(killed by signal 9\)")).wait_for(
            timeout=30_000
        )
        assert_no_exception(trainer)

        other = browser.new_page(viewport={"width": 1400, "height": 1100})
        other.goto(url + "/inspect")
        wait_for_app(other)
        other.get_by_text("Prediction:").first.wait_for(timeout=60_000)  # another session: its page answers
        assert_no_exception(other)
        other.close()

        start_training(trainer, url)  # the trainer trains again at once, in a new worker (a new session:
        # after a run the settings fold away)
        workers = worker_processes(server)
        process = SERVER_PROCESSES[url]
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        took = time.monotonic() - started
        trainer.close()
    assert took < 10, f"the server took {took:.1f} s to end"
    deadline = time.monotonic() + 10
    while any(running(pid) for pid in workers):
        assert time.monotonic() < deadline, "a training worker outlived the server"
        time.sleep(0.2)
