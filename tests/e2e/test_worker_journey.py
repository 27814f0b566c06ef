"""A training's process is killed (as the kernel's out-of-memory killer would): that job fails with a message,
and another person's page in the same server goes on answering."""

import os
import re
import signal
from pathlib import Path

import pytest

from tests.e2e.conftest import assert_no_exception, train, wait_for_app
from tools.server import SERVER_PIDS

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


def test_a_killed_worker_fails_its_job_and_the_class_goes_on(browser, app_url):
    trainer = browser.new_context(viewport={"width": 1400, "height": 1100}).new_page()
    trainer.goto(app_url + "/train")
    wait_for_app(trainer)
    trainer.get_by_text("1,438 training and 359 test images").wait_for(timeout=60_000)
    train(trainer, 200)
    trainer.get_by_text(re.compile(r"Epoch \d+ of 200")).first.wait_for(timeout=120_000)
    workers = worker_processes(SERVER_PIDS[app_url])
    assert workers, "no training worker under the server"
    for pid in workers:  # the one training and any waiting warm: none of them is the server
        os.kill(pid, signal.SIGKILL)
    trainer.get_by_text(re.compile(r"The training process ended unexpectedly \(killed by signal 9\)")).wait_for(
        timeout=30_000
    )
    assert_no_exception(trainer)

    other = browser.new_context(viewport={"width": 1400, "height": 1100}).new_page()
    other.goto(app_url + "/inspect")
    wait_for_app(other)
    other.get_by_text("Prediction:").first.wait_for(timeout=60_000)  # another session: its page still answers
    assert_no_exception(other)
    trainer.reload()  # and the trainer's own session trains again at once
    wait_for_app(trainer)
    train(trainer, 1)
    trainer.get_by_text("Finished 1 epoch").first.wait_for(timeout=120_000)
    trainer.context.close()
    other.context.close()
