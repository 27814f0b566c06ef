"""Shared test settings and fixtures: the process settings, hypothesis profiles sized for a 2-core machine,
and a tiny dataset. Helpers (the real app in AppTest, waits with deadlines) are in ``tests/helpers.py``.
"""

from __future__ import annotations

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
