"""First-page render time of `streamlit run app.py` against a one-line Streamlit app, in real Chromium.

Both apps are served and loaded side by side in the same run, alternating, so
the ratio is robust to how busy the machine is. "Cold" is the first load after
the server starts (module imports included); "warm" is a reload in a new tab.

    python -m bench.startup --rounds 5
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from tools.server import CHROMIUM_ARGS, ROOT, streamlit_server

READY = "[data-testid='stApp'][data-test-script-state='notRunning']"


def _load(browser, url: str, marker: str) -> float:
    """Seconds from navigation until ``marker`` is visible and the script has finished."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(marker, timeout=120_000)
    page.wait_for_selector(READY, timeout=120_000)
    elapsed = time.perf_counter() - start
    context.close()
    return elapsed


def measure(rounds: int) -> dict[str, dict[str, list[float]]]:
    """Cold and warm load times of both apps, ``rounds`` times each."""
    baseline_dir = Path(tempfile.mkdtemp())
    baseline = baseline_dir / "hello.py"
    baseline.write_text('import streamlit as st\nst.write("Hello")\n')
    # name: (script, path to open, selector of the last thing the page shows)
    apps = {
        "one-line app": (baseline, "", "text=Hello"),
        "app.py first page": (ROOT / "app.py", "", "text=4 · Learn the ideas"),
        "app.py /build": (ROOT / "app.py", "/build", ".js-plotly-plot .main-svg"),
    }
    times: dict[str, dict[str, list[float]]] = {name: {"cold": [], "warm": []} for name in apps}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        for _ in range(rounds):
            for name, (script, path, marker) in apps.items():
                with streamlit_server(script) as url:
                    times[name]["cold"].append(_load(browser, url + path, marker))
                    times[name]["warm"].append(_load(browser, url + path, marker))
        browser.close()
    shutil.rmtree(baseline_dir)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    times = measure(args.rounds)
    base = times["one-line app"]
    print(f"{'app':<22}{'cold median s':>15}{'warm median s':>15}{'cold ratio':>12}{'warm ratio':>12}")
    for name, result in times.items():
        cold, warm = statistics.median(result["cold"]), statistics.median(result["warm"])
        print(
            f"{name:<22}{cold:>15.2f}{warm:>15.2f}"
            f"{cold / statistics.median(base['cold']):>12.2f}{warm / statistics.median(base['warm']):>12.2f}"
        )


if __name__ == "__main__":
    main()
