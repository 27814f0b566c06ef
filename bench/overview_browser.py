"""The network overview in real Chromium: hover and stepping answered in the browser, a click in one rerun.

Everything measured in the same run, against a baseline in the same page:

1. Hover a map (lines, highlighted inputs and the kernel card drawn) until the
   next frame is painted, against an empty animation frame: the hover costs
   (ratio - 1) frames of work and needs no server.
2. "One step forward" of the step explainer until painted, against the same
   empty frame.
3. A click on a map until the step explainer shows it (a server rerun computing
   that map's walk), against a plain rerun of the same page (key "r").

    python -m bench.overview_browser --repeats 30
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time

from playwright.sync_api import sync_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.streamlit_client import DONE
from tools.server import CHROMIUM_ARGS, ROOT, streamlit_server

READY = "[data-testid='stApp'][data-test-script-state='notRunning']"

TIMED = """(element, action) => new Promise(done => requestAnimationFrame(() => {
  const t = performance.now();
  if (action === "hover") element.dispatchEvent(new MouseEvent("mouseenter"));
  if (action === "step") element.click();
  const work = performance.now() - t;
  requestAnimationFrame(() => requestAnimationFrame(() => done([work, performance.now() - t])));
}))"""
"""From the start of a frame: the action's own work, and the time until the frame after it is painted (ms).

With no action it is the baseline, an empty frame. The components live in shadow roots: Playwright's
locators pierce them, so the element is passed in."""


BLUR = """() => {
  let element = document.activeElement;
  while (element && element.shadowRoot && element.shadowRoot.activeElement) element = element.shadowRoot.activeElement;
  if (element) element.blur();
}"""
"""Takes the focus from whatever holds it, inside a component's shadow root too."""


def _settle(page) -> None:
    page.wait_for_selector(READY, timeout=120_000)
    page.wait_for_timeout(300)
    page.wait_for_selector(READY, timeout=120_000)


class Runs:
    """When each run of the script finished, read from the page's own websocket (``ForwardMsg.script_finished``).

    A quick rerun can start and finish between two renders of the page, so the page's own "running" marker is
    not a reliable clock; the server's message is.
    """

    def __init__(self, page) -> None:
        self.finished: list[float] = []
        page.on("websocket", lambda socket: socket.on("framereceived", self._received))

    def _received(self, payload: bytes | str) -> None:
        if isinstance(payload, str):
            return
        message = ForwardMsg()
        message.ParseFromString(payload)
        if message.WhichOneof("type") == "script_finished" and message.script_finished in DONE:
            self.finished.append(time.perf_counter())

    def time(self, page, action, check: str) -> float:
        """Seconds from ``action`` until the next run has finished and ``check`` holds in the page."""
        count = len(self.finished)
        start = time.perf_counter()
        action()
        page.wait_for_function(check, timeout=60_000)
        shown = time.perf_counter()
        deadline = start + 60
        while len(self.finished) <= count:
            if time.perf_counter() > deadline:
                raise RuntimeError("the script did not run")
            page.wait_for_timeout(5)
        return max(self.finished[count], shown) - start


def measure(repeats: int) -> dict[str, list[float]]:
    """Times (ms) of each interaction and its baseline, ``repeats`` times each, alternating."""
    names = ("frame", "frame work", "hover", "hover work", "step", "step work", "rerun", "click")
    times: dict[str, list[float]] = {name: [] for name in names}
    with sync_playwright() as playwright, streamlit_server(ROOT / "app.py") as url:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        runs = Runs(page)
        page.goto(url + "/inspect")
        page.wait_for_selector(".ov-item", timeout=120_000)
        _settle(page)
        page.wait_for_selector(".wk", timeout=60_000)
        columns = page.locator(".ov-column").evaluate_all("els => els.map(e => e.dataset.column)")
        conv = [name for name in columns if name.startswith("conv2d")]
        for round_ in range(repeats):
            item = page.locator(f".ov-column[data-column='{conv[-1]}'] .ov-item").nth(round_ % 6)
            step = page.get_by_role("button", name="One step forward")
            for name, element in (("frame", item), ("hover", item), ("frame", step), ("step", step)):
                work, painted = element.evaluate(TIMED, name)
                times[name].append(painted)
                times[f"{name} work"].append(work)
        for round_ in range(repeats):
            page.mouse.move(5, 5)
            page.evaluate(BLUR)  # "r" reruns only when no widget has the focus
            times["rerun"].append(1000 * runs.time(page, lambda: page.keyboard.press("r"), "() => true"))
            item = 1 + round_ % 5
            target = page.locator(f".ov-column[data-column='{conv[-1]}'] .ov-item").nth(item)
            check = f"() => document.body.innerText.includes('{conv[-1]}, map {item}')"
            times["click"].append(1000 * runs.time(page, target.click, check))
            page.wait_for_selector(".wk", timeout=60_000)
        browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    times = measure(args.repeats)
    median = {name: statistics.median(values) for name, values in times.items()}
    rows = (
        ("empty frame (baseline for hover and step)", "frame", "frame"),
        ("hover a map: lines, inputs, kernel card", "hover", "frame"),
        ("  its own work (JavaScript)", "hover work", "frame"),
        ("one step of the walk", "step", "frame"),
        ("  its own work (JavaScript)", "step work", "frame"),
        ("plain rerun of the page (baseline for click)", "rerun", "rerun"),
        ("click a map: its walk computed and shown", "click", "rerun"),
    )
    print(f"{'what':<48}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}{'ratio':>8}")
    for label, name, base in rows:
        p95 = statistics.quantiles(times[name], n=20)[-1]
        print(f"{label:<48}{median[name]:>11.1f}{p95:>9.1f}{max(times[name]):>9.1f}{median[name] / median[base]:>8.2f}")


if __name__ == "__main__":
    main()
