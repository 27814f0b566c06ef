"""A whole walk of the window: every step of one filter (or one pooled channel), for the animated explainer.

Each step of ``conv_walk`` equals ``steps.conv_step`` there and each of ``pool_walk`` equals
``steps.pool_step``; the filled output equals the layer's feature map. All steps are computed at
once from the layer's input with NumPy's sliding windows, padded as the layer pads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.backend.engine import keras, tf
from visualizer.backend.forward import layer_input
from visualizer.backend.steps import activation_name, padded_as_layer
from visualizer.errors import InputError


def padded_windows(
    inputs: np.ndarray, window: tuple[int, int], strides: tuple[int, int], padding: str, fill: float
) -> tuple[np.ndarray, tuple[int, int]]:
    """Every window of ``inputs`` (H, W, C), padded as the layer pads, and the padding before row and column 0.

    Returns:
        The windows (out_h, out_w, wh, ww, C) and (top, left) padding.
    """
    padded, (top, left) = padded_as_layer(inputs, window, strides, padding, fill, np.float64)
    windows = np.lib.stride_tricks.sliding_window_view(padded, window, axis=(0, 1))[:: strides[0], :: strides[1]]
    return np.moveaxis(windows, 2, -1), (top, left)


def _origins(out_h: int, out_w: int, strides: tuple[int, int], offset: tuple[int, int]) -> np.ndarray:
    rows, cols = np.meshgrid(np.arange(out_h), np.arange(out_w), indexing="ij")
    return np.stack([rows * strides[0] - offset[0], cols * strides[1] - offset[1]], axis=-1).astype(np.int32)


@dataclass(frozen=True)
class ConvWalk:
    """One filter of a conv layer slid over its whole input: every step of ``conv_step`` at once.

    Attributes:
        layer_name: The conv layer.
        filter: Which filter.
        inputs: What the layer receives (H, W, in_channels).
        kernel: The filter's weights (kh, kw, in_channels).
        bias: The filter's bias.
        activation: The activation's name.
        strides: The window's step (rows, columns).
        padding_offset: Rows and columns of zero padding before the input.
        origins: (out_h, out_w, 2) the input (row, col) of each step's window (negative over padding).
        channel_sums: (out_h, out_w, in_channels) the sum of window x kernel for each input channel.
        pre_activation: (out_h, out_w) the sums over channels plus the bias.
        output: (out_h, out_w) the activation of that: the filter's feature map.
    """

    layer_name: str
    filter: int
    inputs: np.ndarray
    kernel: np.ndarray
    bias: float
    activation: str
    strides: tuple[int, int]
    padding_offset: tuple[int, int]
    origins: np.ndarray
    channel_sums: np.ndarray
    pre_activation: np.ndarray
    output: np.ndarray


def conv_walk(model: keras.Model, layer_name: str, x: np.ndarray, filter_index: int) -> ConvWalk:
    """Every step of one filter of a conv layer over image ``x``; each step equals ``conv_step`` there.

    Raises:
        InputError: not a conv layer, or no such filter.
    """
    layer = model.get_layer(layer_name)
    if not isinstance(layer, keras.layers.Conv2D):
        raise InputError(f"{layer_name} is not a convolution layer.")
    filters = int(layer.filters)
    if not 0 <= filter_index < filters:
        raise InputError(f"{layer_name} has filters 0 to {filters - 1}, not {filter_index}.")
    inputs = layer_input(model, layer_name, x)
    kernel = np.asarray(layer.kernel, dtype=np.float32)[:, :, :, filter_index]
    bias = float(np.asarray(layer.bias)[filter_index]) if layer.use_bias else 0.0
    strides = (int(layer.strides[0]), int(layer.strides[1]))
    windows, offset = padded_windows(inputs, kernel.shape[:2], strides, layer.padding, 0.0)
    channel_sums = np.einsum("ijklc,klc->ijc", windows, kernel.astype(np.float64))
    pre_activation = channel_sums.sum(axis=-1) + bias
    output = np.asarray(layer.activation(tf.constant(pre_activation, dtype=tf.float32)), dtype=np.float32)
    out_h, out_w = pre_activation.shape
    return ConvWalk(
        layer_name,
        filter_index,
        inputs.astype(np.float32),
        kernel,
        bias,
        activation_name(layer),
        strides,
        offset,
        _origins(out_h, out_w, strides, offset),
        channel_sums.astype(np.float32),
        pre_activation.astype(np.float32),
        output,
    )


@dataclass(frozen=True)
class PoolWalk:
    """One channel of a max or average pooling layer: every window and what it keeps.

    Attributes:
        layer_name: The pooling layer.
        channel: Which channel.
        inputs: That channel of what the layer receives (H, W).
        kind: ``"max"`` or ``"average"``.
        window: The pooling window (rows, columns).
        strides: Its step.
        padding_offset: Rows and columns of padding before the input (padding is never counted).
        origins: (out_h, out_w, 2) the input (row, col) of each window.
        output: (out_h, out_w) the max or mean of each window's real values: the pooled map.
    """

    layer_name: str
    channel: int
    inputs: np.ndarray
    kind: str
    window: tuple[int, int]
    strides: tuple[int, int]
    padding_offset: tuple[int, int]
    origins: np.ndarray
    output: np.ndarray


def pool_walk(model: keras.Model, layer_name: str, x: np.ndarray, channel: int) -> PoolWalk:
    """Every window of one channel of a pooling layer over image ``x``; each equals ``pool_step`` there.

    Raises:
        InputError: not a max or average pooling layer, or no such channel.
    """
    layer = model.get_layer(layer_name)
    if not isinstance(layer, (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D)):
        raise InputError(f"{layer_name} is not a max or average pooling layer.")
    inputs = layer_input(model, layer_name, x)
    if not 0 <= channel < inputs.shape[2]:
        raise InputError(f"{layer_name} has channels 0 to {inputs.shape[2] - 1}, not {channel}.")
    window = (int(layer.pool_size[0]), int(layer.pool_size[1]))
    strides = (int(layer.strides[0]), int(layer.strides[1]))
    plane = inputs[:, :, channel : channel + 1]
    windows, offset = padded_windows(plane, window, strides, layer.padding, np.nan)
    values = windows[..., 0].reshape(*windows.shape[:2], -1)
    is_max = isinstance(layer, keras.layers.MaxPooling2D)
    output = np.nanmax(values, axis=-1) if is_max else np.nanmean(values, axis=-1)
    out_h, out_w = output.shape
    return PoolWalk(
        layer_name,
        channel,
        plane[:, :, 0].astype(np.float32),
        "max" if is_max else "average",
        window,
        strides,
        offset,
        _origins(out_h, out_w, strides, offset),
        output.astype(np.float32),
    )
