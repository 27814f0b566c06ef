"""Checkpoint copies and kernel surgery: the copy changes, the network never does."""

import numpy as np
import pytest

from visualizer.backend.building import build_model
from visualizer.backend.forward import feature_maps, kernels, predict
from visualizer.backend.surgery import model_at, with_filter
from visualizer.errors import InputError
from visualizer.model.presets import PRESETS
from visualizer.numerics.kernels import CLASSIC_KERNELS

RNG = np.random.RandomState(0)


def test_model_at_a_checkpoint():
    model = build_model(PRESETS["starter"], seed=0)
    weights = [w * 0 for w in model.get_weights()]
    copy = model_at(model, weights)
    assert [layer.name for layer in copy.layers] == [layer.name for layer in model.layers]
    np.testing.assert_allclose(predict(copy, np.ones((28, 28, 1), np.float32)), 0.1, rtol=1e-6)
    assert not np.allclose(model.get_weights()[0], 0)


def test_kernel_surgery_changes_only_the_copy_and_the_chosen_filter():
    model = build_model(PRESETS["lenet5"], seed=1)
    x = RNG.rand(28, 28, 1).astype(np.float32)
    before = feature_maps(model, x)["conv2d_1"]
    zeroed = with_filter(model, "conv2d_1", 2, None)
    after = feature_maps(zeroed, x)["conv2d_1"]
    assert np.allclose(after[:, :, 2], 0) and np.allclose(after[:, :, 3], before[:, :, 3], atol=1e-6)
    assert np.allclose(feature_maps(model, x)["conv2d_1"], before)  # the original is untouched
    sobel = with_filter(model, "conv2d_1", 0, CLASSIC_KERNELS["sobel_x"])
    kernel = kernels(sobel, "conv2d_1")[:, :, 0, 0]
    np.testing.assert_array_equal(kernel[1:4, 1:4], CLASSIC_KERNELS["sobel_x"])
    assert kernel[0].sum() == 0 and kernel[:, 4].sum() == 0
    with pytest.raises(InputError):
        with_filter(model, "conv2d_1", 6, None)
