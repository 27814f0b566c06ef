"""Latency of the Train page while a training runs on the server, against the same page idle.

The Streamlit server runs training jobs in threads of its own process, so a
person's clicks compete with TensorFlow for the CPU and the GIL. This starts
the real server with script-run timings on (``CNN_VISUALIZER_TIMINGS``), opens
the Train page in Chromium and causes full reruns by switching the dataset
between digits and shapes: first with nothing training (the baseline), then
while LeNet-5 trains, when the live fragment also reruns every second.

It reports the server-side script-run times (full page runs and fragment runs)
and, for context, the time from the click until the browser shows the result.

    python -m bench.train_page_latency --runs 30
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from tools.server import CHROMIUM_ARGS, streamlit_server

READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
COUNT_RUNS = """() => {
  window.__runs = 0;
  const app = document.querySelector("[data-testid='stApp']");
  new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'notRunning') window.__runs += 1;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def _read(log: Path) -> dict[str, list[float]]:
    """Server-side timings by kind (script, fragment) for the Train page."""
    found: dict[str, list[float]] = {"script": [], "fragment": []}
    for line in log.read_text().splitlines():
        kind, page, seconds = line.split()
        if page == "train" and kind in found:
            found[kind].append(float(seconds))
    return found


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def choose_dataset(page, title: str) -> float:
    """Picks a dataset and returns the seconds until the rerun it caused has finished."""
    box = page.get_by_label("Dataset", exact=True)
    box.click()
    options = page.locator("[role=listbox] [role=option]")
    if not options.first.is_visible():
        box.press("ArrowDown")
    option = options.filter(has_text=re.compile(f"^{re.escape(title)}")).first
    before = page.evaluate("() => window.__runs")
    start = time.perf_counter()
    option.click()
    page.wait_for_function(f"() => window.__runs > {before}", timeout=60_000, polling="raf")
    return time.perf_counter() - start


def timed_switches(page, runs: int) -> list[float]:
    times = []
    for index in range(runs):
        times.append(choose_dataset(page, "Shapes" if index % 2 == 0 else "Digits"))
        page.wait_for_timeout(200)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    log = Path(tempfile.mkdtemp()) / "timings.txt"
    os.environ["CNN_VISUALIZER_TIMINGS"] = str(log)
    with streamlit_server() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url + "/train")
        page.wait_for_selector(READY, timeout=120_000)
        page.get_by_text("1,438 training").wait_for(timeout=120_000)
        page.evaluate(COUNT_RUNS)
        timed_switches(page, 4)  # warm: both datasets loaded and cached
        log.write_text("")
        idle = timed_switches(page, args.runs)
        idle_server = _read(log)
        if "Shapes" in page.get_by_label("Dataset", exact=True).input_value():
            choose_dataset(page, "Digits")
        epochs = page.get_by_label("Epochs", exact=True)
        epochs.fill("200")
        epochs.press("Enter")
        page.wait_for_timeout(1000)
        page.get_by_role("button", name=re.compile("Train")).click()
        page.get_by_text(re.compile(r"Epoch \d+ of 200")).first.wait_for(timeout=120_000)
        log.write_text("")
        busy = timed_switches(page, args.runs)
        busy_server = _read(log)
        still_training = page.get_by_text(re.compile(r"Epoch \d+ of 200")).count() > 0
        browser.close()
    print(f"Train page, {args.runs} dataset switches per phase; LeNet-5 still training at the end: {still_training}")
    print(f"{'what':<48}{'runs':>6}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'p95 ratio':>11}")
    base = percentile(idle_server["script"], 0.95)
    rows = [
        ("server: full script run, idle", idle_server["script"]),
        ("server: full script run, while training", busy_server["script"]),
        ("server: live fragment run, while training", busy_server["fragment"]),
        ("browser: click to updated page, idle", idle),
        ("browser: click to updated page, while training", busy),
    ]
    for name, times in rows:
        if not times:
            continue
        p95 = percentile(times, 0.95)
        print(
            f"{name:<48}{len(times):>6}{statistics.median(times) * 1000:>9.0f}{p95 * 1000:>9.0f}"
            f"{max(times) * 1000:>9.0f}{p95 / base:>11.2f}"
        )


if __name__ == "__main__":
    main()
