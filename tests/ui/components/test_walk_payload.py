"""The step explainer's data: the walk's numbers packed exactly, channels capped, the rest summed."""

import base64

import numpy as np
import pytest

from visualizer.backend.walks import ConvWalk, PoolWalk
from visualizer.figures.style import colour_table
from visualizer.ui.components.walk.payload import MAX_CHANNELS, MAX_SUMS, conv_walk_payload, pool_walk_payload


def floats(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=np.float32)


def a_conv_walk(channels: int) -> ConvWalk:
    rng = np.random.default_rng(1)
    inputs = rng.normal(size=(5, 5, channels)).astype(np.float32)
    kernel = rng.normal(size=(3, 3, channels)).astype(np.float32)
    rows, cols = np.meshgrid(np.arange(3), np.arange(3), indexing="ij")
    origins = np.stack([rows, cols], axis=-1)
    sums = np.einsum(
        "ijhwc,hwc->ijc",
        np.lib.stride_tricks.sliding_window_view(inputs, (3, 3), axis=(0, 1)).transpose(0, 1, 3, 4, 2),
        kernel,
    )
    pre = sums.sum(axis=-1) + 0.5
    return ConvWalk("conv", 1, inputs, kernel, 0.5, "relu", (1, 1), (0, 0), origins, sums, pre, np.maximum(pre, 0))


def test_a_conv_walk_travels_exactly():
    walk = a_conv_walk(3)
    payload = conv_walk_payload(walk)
    assert payload["in_shape"] == [5, 5] and payload["out_shape"] == [3, 3] and payload["window"] == [3, 3]
    np.testing.assert_array_equal(floats(payload["inputs"]).reshape(3, 5, 5), np.moveaxis(walk.inputs, 2, 0))
    np.testing.assert_array_equal(floats(payload["kernel"]).reshape(3, 3, 3), np.moveaxis(walk.kernel, 2, 0))
    np.testing.assert_array_equal(floats(payload["out"]).reshape(3, 3), walk.output)
    np.testing.assert_array_equal(floats(payload["sums"]).reshape(9, 3), walk.channel_sums.reshape(9, 3))
    assert payload["origins"][:6] == [0, 0, 0, 1, 0, 2]
    assert payload["rest"] is None  # every channel spelled out
    assert payload["input_colours"] == "maps" and conv_walk_payload(walk, True)["input_colours"] == "grey"
    assert payload["colours"]["maps"] == colour_table("Viridis").tolist()


def test_a_wide_conv_walk_shows_some_channels_and_sums_the_rest():
    channels = MAX_CHANNELS + 4
    walk = a_conv_walk(channels)
    payload = conv_walk_payload(walk)
    assert payload["channels"] == channels and payload["shown_channels"] == MAX_CHANNELS
    assert payload["spelled"] == MAX_SUMS
    assert floats(payload["inputs"]).size == MAX_CHANNELS * 25
    spelled = floats(payload["sums"]).reshape(9, MAX_SUMS)
    rest = floats(payload["rest"])
    # the spelled sums, the others and the bias add up to the pre-activation at every step
    np.testing.assert_allclose(
        spelled.sum(axis=1) + rest + walk.bias, walk.pre_activation.ravel(), rtol=1e-4, atol=1e-4
    )


def test_a_pool_walk_keeps_one_scale_for_input_and_output():
    inputs = np.arange(16, dtype=np.float32).reshape(4, 4)
    origins = np.array([[[0, 0], [0, 2]], [[2, 0], [2, 2]]])
    walk = PoolWalk("pool", 0, inputs, "max", (2, 2), (2, 2), (0, 0), origins, np.array([[5, 7], [13, 15]], np.float32))
    payload = pool_walk_payload(walk)
    assert payload["mode"] == "pool" and payload["kind"] == "max"
    assert payload["in_range"] == payload["out_range"] == pytest.approx([0.0, 15.0])
    np.testing.assert_array_equal(floats(payload["out"]).reshape(2, 2), walk.output)
    assert payload["origins"] == [0, 0, 0, 2, 2, 0, 2, 2]


def test_a_constant_map_still_has_a_usable_range():
    inputs = np.ones((2, 2), np.float32)
    walk = PoolWalk(
        "pool", 0, inputs, "average", (2, 2), (2, 2), (0, 0), np.zeros((1, 1, 2), int), np.ones((1, 1), np.float32)
    )
    low, high = pool_walk_payload(walk)["in_range"]
    assert high > low
