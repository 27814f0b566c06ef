"""Pooling of one 2-D map, in NumPy, as Keras' pooling layers compute it."""

from __future__ import annotations

import numpy as np

from visualizer.errors import InputError
from visualizer.numerics.kernels import output_size, same_padding

POOLING_KINDS = ("max", "average", "global_average")


def pool2d(values: np.ndarray, kind: str = "max", window: int = 2, stride: int | None = None, padding: str = "valid"):
    """Pooling of one 2-D map as Keras' MaxPooling2D, AveragePooling2D and GlobalAveragePooling2D do.

    Args:
        values: (H, W) map.
        kind: ``"max"``, ``"average"`` or ``"global_average"`` (one number: the mean of the map).
        window: Side of the square window.
        stride: Step of the window; defaults to ``window`` as in Keras.
        padding: ``"valid"`` or ``"same"``; 'same' windows ignore the padding (Keras averages only
            the real values and takes the maximum of the real values).

    Returns:
        (H', W') float32; (1, 1) for global average pooling.

    Raises:
        InputError: an unknown kind, bad settings, or a window larger than a 'valid' map.
    """
    data = np.asarray(values, dtype=np.float64)
    if data.ndim != 2:
        raise InputError("pool2d takes one 2-D map.")
    if kind not in POOLING_KINDS:
        raise InputError(f"Unknown pooling {kind!r}: choose one of {', '.join(POOLING_KINDS)}.")
    if kind == "global_average":
        return np.full((1, 1), data.mean(), dtype=np.float32)
    stride = window if stride is None else stride
    if window < 1 or stride < 1 or padding not in ("valid", "same"):
        raise InputError("window and stride must be at least 1 and padding 'valid' or 'same'.")
    height, width = data.shape
    if padding == "valid" and (height < window or width < window):
        raise InputError(f"A {window}x{window} window does not fit a {height}x{width} map without padding.")
    out_h, out_w = output_size(height, window, stride, padding), output_size(width, window, stride, padding)
    result = np.empty((out_h, out_w), dtype=np.float64)
    for row in range(out_h):
        for col in range(out_w):
            top, left = pool_window(row, col, window, stride, (height, width), padding)
            patch = data[max(top, 0) : top + window, max(left, 0) : left + window]
            result[row, col] = patch.max() if kind == "max" else patch.mean()
    return result.astype(np.float32)


def pool_window(row: int, col: int, window: int, stride: int, size: tuple[int, int], padding: str = "valid"):
    """The top-left corner of the window behind output cell (row, col), in input coordinates (may be < 0)."""
    if padding != "same":
        return row * stride, col * stride
    top_pad, left_pad = same_padding(size[0], window, stride)[0], same_padding(size[1], window, stride)[0]
    return row * stride - top_pad, col * stride - left_pad


def example_map(seed: int, size: int) -> np.ndarray:
    """A small (size, size) map of whole numbers 0..9 drawn from ``seed``, for explaining pooling by hand."""
    return np.random.RandomState(seed).randint(0, 10, size=(size, size)).astype(np.float32)


def window_values(
    values: np.ndarray, row: int, col: int, window: int, stride: int, padding: str = "valid"
) -> tuple[tuple[int, int], np.ndarray]:
    """The window behind output cell (row, col) of ``pool2d``: its top-left corner and the values under it."""
    data = np.asarray(values)
    top, left = pool_window(row, col, window, stride, data.shape, padding)
    return (top, left), data[max(top, 0) : top + window, max(left, 0) : left + window]
