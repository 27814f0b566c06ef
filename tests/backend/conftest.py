"""Fixtures of the backend tests: a LeNet-5 with seeded random weights."""

import pytest

from visualizer.backend.building import build_model
from visualizer.model.presets import PRESETS


@pytest.fixture(scope="module")
def lenet():
    return build_model(PRESETS["lenet5"], seed=1)
