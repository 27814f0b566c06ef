"""Starts `streamlit run app.py` on a free port: shared by the browser tests and the benchmarks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


SERVER_PIDS: dict[str, int] = {}
SERVER_PROCESSES: dict[str, subprocess.Popen] = {}
"""The running servers' processes, by URL (a test that stops one itself waits on it)."""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(
    script: str | Path = "app.py", timeout: float = 60.0, env: dict[str, str] | None = None, port: int | None = None
) -> Iterator[str]:
    """Runs a headless Streamlit server for ``script`` and yields its base URL.

    The server's process id is in ``SERVER_PIDS[url]`` while it runs (for memory readings).
    """
    port = port or free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1", **(env or {}))
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
    ]
    log_dir = ROOT / "artifacts"
    log = open(log_dir / f"streamlit-{port}.log", "w") if log_dir.is_dir() else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {process.returncode}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("streamlit did not become healthy in time")
            time.sleep(0.2)
        SERVER_PIDS[url] = process.pid
        SERVER_PROCESSES[url] = process
        yield url
    finally:
        SERVER_PIDS.pop(url, None)
        SERVER_PROCESSES.pop(url, None)
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        if log is not subprocess.DEVNULL:
            log.close()
