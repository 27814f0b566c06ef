"""Activation maximisation: the filter's activation rises step by step and ends above the best test image."""

import numpy as np
import pytest

from tests.helpers import stack
from visualizer.backend.building import build_model
from visualizer.backend.features import PLAIN_STEPS, feature_visualization, top_images
from visualizer.backend.forward import feature_maps
from visualizer.errors import InputError


@pytest.fixture(scope="module")
def model():
    spec = stack([{"type": "conv2d", "filters": 3, "kernel_size": 3}, {"type": "conv2d", "filters": 4}], (10, 10, 1))
    return build_model(spec, seed=4)


def test_the_activation_rises_at_every_plain_step_and_ends_above_the_best_image(model):
    images = np.random.default_rng(0).random((64, 10, 10, 1)).astype(np.float32)
    best, best_activation = top_images(model, "conv2d_2", images)
    for index in range(4):
        result = feature_visualization(model, "conv2d_2", index, steps=48)
        assert result.image.shape == (10, 10, 1) and result.image.min() >= 0 and result.image.max() <= 1
        rises = np.diff(result.activations[:PLAIN_STEPS])
        assert np.all(rises > 0), result.activations[:PLAIN_STEPS]
        # The reported activation is the filter's mean over its map for the final picture.
        assert result.activations[-1] == pytest.approx(
            float(feature_maps(model, result.image)["conv2d_2"][:, :, index].mean()), rel=1e-4, abs=1e-6
        )
        assert result.activations[-1] > best_activation[index]
        assert best_activation[index] == pytest.approx(
            float(feature_maps(model, images[best[index]])["conv2d_2"][:, :, index].mean()), rel=1e-4
        )


def test_it_is_seeded_and_refuses_what_is_not_a_filter(model):
    first = feature_visualization(model, "conv2d_1", 0, steps=12, seed=3)
    np.testing.assert_array_equal(first.image, feature_visualization(model, "conv2d_1", 0, steps=12, seed=3).image)
    with pytest.raises(InputError, match="not a convolution layer"):
        feature_visualization(model, "output", 0)
    with pytest.raises(InputError, match="filters 0 to 2"):
        feature_visualization(model, "conv2d_1", 3)
    with pytest.raises(InputError, match="from 1 to"):
        feature_visualization(model, "conv2d_1", 0, steps=0)
