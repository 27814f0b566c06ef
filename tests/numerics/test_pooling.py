"""pool2d against Keras' pooling layers; the window of one cell, for explaining pooling by hand."""

import numpy as np
import pytest

from visualizer.errors import InputError
from visualizer.numerics.pooling import example_map, pool2d, pool_window, window_values


@pytest.mark.parametrize("kind", ["max", "average"])
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("window,stride", [(2, None), (2, 1), (3, 2), (3, None)])
def test_pool2d_equals_keras_pooling(kind, padding, window, stride):
    import keras

    rng = np.random.RandomState(window * 10 + (stride or 0))
    values = rng.randn(7, 9).astype(np.float32)
    layer_class = keras.layers.MaxPooling2D if kind == "max" else keras.layers.AveragePooling2D
    layer = layer_class(pool_size=window, strides=stride, padding=padding)
    expected = np.asarray(layer(values[None, :, :, None]))[0, :, :, 0]
    np.testing.assert_allclose(pool2d(values, kind, window, stride, padding), expected, rtol=1e-5, atol=1e-6)


def test_global_average_pooling_is_the_mean_and_windows_are_placed_like_keras():
    values = np.arange(12, dtype=np.float32).reshape(3, 4)
    np.testing.assert_allclose(pool2d(values, "global_average"), [[5.5]])
    assert pool_window(1, 1, 2, 2, (4, 4)) == (2, 2)
    assert pool_window(0, 0, 3, 1, (4, 4), "same") == (-1, -1)  # the padding hangs over the edge
    with pytest.raises(InputError):
        pool2d(values, "median")
    with pytest.raises(InputError):
        pool2d(values, "max", window=5)


@pytest.mark.parametrize("kind", ["max", "average"])
def test_window_values_are_what_each_cell_summarises(kind):
    values = example_map(4, 7)
    pooled = pool2d(values, kind, 3, 2)
    for row in range(pooled.shape[0]):
        for col in range(pooled.shape[1]):
            origin, patch = window_values(values, row, col, 3, 2)
            assert origin == (2 * row, 2 * col) and patch.shape == (3, 3)
            summary = patch.max() if kind == "max" else patch.mean()
            assert summary == pytest.approx(float(pooled[row, col]))


def test_example_maps_are_small_whole_numbers_drawn_from_a_seed():
    first = example_map(0, 6)
    assert first.shape == (6, 6) and first.min() >= 0 and first.max() <= 9
    np.testing.assert_array_equal(first, np.round(first))
    np.testing.assert_array_equal(first, example_map(0, 6))
    assert not np.array_equal(first, example_map(1, 6))
