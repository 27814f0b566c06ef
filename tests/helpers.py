"""Helpers the tests share: the real app in AppTest, and waiting with a deadline."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from visualizer.model.spec import ModelSpec
from visualizer.ui.pages import PAGE_FILES

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
APP_TIMEOUT = 120


def open_app(page: str | None = None, **query_params: str) -> AppTest:
    """The real ``app.py`` run once (with ``query_params`` in its URL), then switched to ``page``; no exception."""
    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT)
    for key, value in query_params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    if page is not None:
        at.switch_page(PAGE_FILES[page]).run()
        assert not at.exception, at.exception
    return at


def wait_until(done: Callable[[], bool], timeout: float, what: str, step: float = 0.1) -> None:
    """Polls ``done()`` until it is true; fails with ``what`` if ``timeout`` seconds pass first."""
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"timed out after {timeout:.0f} s waiting for {what}"
        time.sleep(step)


def rerun_until(at: AppTest, done: Callable[[AppTest], bool], timeout: float, what: str) -> AppTest:
    """Reruns the page (as a live fragment would) until ``done(at)``; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not done(at):
        assert time.monotonic() < deadline, f"timed out after {timeout:.0f} s waiting for {what}"
        time.sleep(0.5)
        at.run()
        assert not at.exception, at.exception
    return at


def figures(at: AppTest) -> list[dict]:
    """Every Plotly figure on the page, as the JSON the browser gets."""
    return [json.loads(element.proto.spec) for element in at.get("plotly_chart")]


def texts(at: AppTest) -> str:
    """Every Markdown and caption text on the page, one per line."""
    return "\n".join(element.value for element in [*at.markdown, *at.caption])


def stack(layers: list[dict], shape: tuple[int, int, int] = (7, 7, 2), classes: int = 3) -> ModelSpec:
    """A spec from layer dicts, with a small input by default."""
    return ModelSpec.from_dict({"input_shape": list(shape), "num_classes": classes, "layers": layers})


def component_data(at: AppTest, name: str) -> dict:
    """The data a browser-side component (``st.components.v2``) called ``name`` was drawn with."""
    for element in at.get("bidi_component"):
        if element.proto.component_name == name:
            return json.loads(element.proto.json)
    raise AssertionError(f"no {name} component on the page")


def has_component(at: AppTest, name: str) -> bool:
    """Whether a browser-side component called ``name`` is on the page."""
    return any(element.proto.component_name == name for element in at.get("bidi_component"))


def child_measures(code: str, timeout: float = 300) -> dict[str, str]:
    """Runs ``code`` in a fresh interpreter (the repository on its path) and returns the ``NAME value`` lines
    it printed: measurements of time and memory that the suite's own, busy process would blur."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    return dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
