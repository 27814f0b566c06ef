"""Shared test settings and fixtures: the process settings, hypothesis profiles sized for a 2-core machine,
and a tiny dataset. Helpers (the real app in AppTest, waits with deadlines) are in ``tests/helpers.py``.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from visualizer import runtime

runtime.configure()  # before anything imports TensorFlow, as app.py does

from visualizer.data.catalog import load_dataset  # noqa: E402 - after configure()
from visualizer.data.dataset import Dataset  # noqa: E402

settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("default")


@pytest.fixture(scope="session")
def tiny() -> Dataset:
    """200 training and 60 test digits: enough to train a small network for real in a second or two."""
    digits = load_dataset("digits")
    return Dataset(
        "tiny digits",
        digits.x_train[:200],
        digits.y_train[:200],
        digits.x_test[:60],
        digits.y_test[:60],
        digits.class_names,
    )


NOTEBOOK_TESTS = "tests/training/test_notebook.py"
_notebook_folder: list[Path] = []


def pytest_collection_finish(session: pytest.Session) -> None:
    """Starts the notebook tests' two one-epoch runs as soon as they are collected: they take 20 s of one core,
    which the rest of the suite (one test at a time) leaves idle."""
    needed = [item for item in session.items if "runs" in getattr(item, "fixturenames", ())]
    if any(item.nodeid.startswith(NOTEBOOK_TESTS) for item in needed):
        from tests.training import test_notebook

        _notebook_folder.append(Path(tempfile.mkdtemp(prefix="cnn-notebooks-")))
        test_notebook.start_runners(_notebook_folder[0])


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Ends a notebook run the session did not wait for (a stop at the first failure) and removes its folder."""
    if _notebook_folder:
        from tests.training import test_notebook

        for _, _, process in test_notebook.RUNNING:
            if process.poll() is None:
                process.kill()
                process.wait()
        shutil.rmtree(_notebook_folder[0], ignore_errors=True)
