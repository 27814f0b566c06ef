"""The arithmetic of one value, worked out step by step with the network's real weights.

``conv_step`` and ``pool_step`` explain one value of a feature map, ``dense_step``
the output layer (weights times inputs plus bias, then softmax), ``pre_activations``
what each activation receives. Every result is a frozen dataclass of NumPy arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.backend.engine import keras, tf
from visualizer.backend.forward import keras_call, layer_input, run_graph
from visualizer.backend.inspector import inspector_for
from visualizer.errors import InputError
from visualizer.numerics.kernels import same_padding
from visualizer.numerics.softmax import softmax


def padded_as_layer(
    inputs: np.ndarray,
    window: tuple[int, int],
    strides: tuple[int, int],
    padding: str,
    fill: float,
    dtype: type,
) -> tuple[np.ndarray, tuple[int, int]]:
    """``inputs`` (H, W, C) padded with ``fill`` as a layer with this window, strides and padding pads it.

    Returns the padded array and the (top, left) padding before row and column 0.
    """
    height, width, _ = inputs.shape
    if padding == "same":
        (top, bottom), (left, right) = (
            same_padding(height, window[0], strides[0]),
            same_padding(width, window[1], strides[1]),
        )
    else:
        top = bottom = left = right = 0
    padded = np.pad(inputs.astype(dtype), ((top, bottom), (left, right), (0, 0)), constant_values=fill)
    return padded, (top, left)


def _window(
    padding: str,
    inputs: np.ndarray,
    row: int,
    col: int,
    window: tuple[int, int],
    strides: tuple[int, int],
    fill: float = 0.0,
) -> tuple[np.ndarray, tuple[int, int]]:
    """The input window under output position (row, col), padded as the layer pads.

    Padded cells hold ``fill``: zeros for a convolution, NaN for pooling (which ignores them).
    Returns the window (wh, ww, C) and the top-left input coordinate it starts at
    (negative when it hangs over a padded edge).
    """
    padded, (top, left) = padded_as_layer(inputs, window, strides, padding, fill, np.float32)
    start_row, start_col = row * strides[0], col * strides[1]
    patch = padded[start_row : start_row + window[0], start_col : start_col + window[1], :]
    return patch, (start_row - top, start_col - left)


def activation_name(layer: keras.layers.Layer) -> str:
    """The name of a layer's activation function (``relu``, ``softmax``...)."""
    function = layer.activation
    return getattr(function, "__name__", str(function))


@dataclass(frozen=True)
class ConvStep:
    """One output value of a convolution, worked out step by step.

    Attributes:
        layer_name: The conv layer.
        row: Output row.
        col: Output column.
        filter: Which filter (output channel).
        origin: Input (row, col) of the window's top-left corner (negative over padding).
        patch: The input window, (kh, kw, in_channels); zeros where it covers padding.
        kernel: The filter's weights, (kh, kw, in_channels).
        products: ``patch * kernel`` element-wise.
        bias: The filter's bias.
        pre_activation: ``products.sum() + bias``.
        activation: The activation's name.
        output: The activation applied to ``pre_activation``: the feature map's value.
        strides: The layer's stride (height, width).
    """

    layer_name: str
    row: int
    col: int
    filter: int
    origin: tuple[int, int]
    patch: np.ndarray
    kernel: np.ndarray
    products: np.ndarray
    bias: float
    pre_activation: float
    activation: str
    output: float
    strides: tuple[int, int] = (1, 1)

    @property
    def channel_sums(self) -> np.ndarray:
        """The sum of the products of each input channel, (in_channels,): they add up to ``products.sum()``."""
        return self.products.sum(axis=(0, 1))

    @property
    def padding_offset(self) -> tuple[int, int]:
        """Rows and columns of padding before the input: a window starts at ``position * stride - offset``."""
        return (self.row * self.strides[0] - self.origin[0], self.col * self.strides[1] - self.origin[1])


def conv_step(
    model: keras.Model,
    layer_name: str,
    x: np.ndarray,
    row: int,
    col: int,
    filter: int,  # noqa: A002 - the public signature (ConvStep.filter matches it)
) -> ConvStep:
    """The arithmetic behind one value of a conv layer's feature map, as CNN Explainer shows it.

    Raises:
        InputError: not a conv layer, or a position or filter outside the map.
    """
    layer = model.get_layer(layer_name)
    if not isinstance(layer, keras.layers.Conv2D):
        raise InputError(f"{layer_name} is not a convolution layer.")
    filter_index = filter
    inputs = layer_input(model, layer_name, x)
    out_h, out_w, filters = (int(size) for size in layer.output.shape[1:])
    if not (0 <= row < out_h and 0 <= col < out_w and 0 <= filter_index < filters):
        raise InputError(
            f"Position ({row}, {col}) of filter {filter_index} is outside {layer_name}'s "
            f"{out_h}x{out_w}x{filters} output."
        )
    kernel = np.asarray(layer.kernel, dtype=np.float32)[:, :, :, filter_index]
    bias = float(np.asarray(layer.bias)[filter_index]) if layer.use_bias else 0.0
    strides = (int(layer.strides[0]), int(layer.strides[1]))
    patch, origin = _window(layer.padding, inputs, row, col, kernel.shape[:2], strides)
    products = patch * kernel
    pre_activation = float(products.astype(np.float64).sum() + bias)
    output = float(np.asarray(layer.activation(tf.constant([pre_activation], dtype=tf.float32)))[0])
    return ConvStep(
        layer_name,
        row,
        col,
        filter_index,
        origin,
        patch,
        kernel,
        products,
        bias,
        pre_activation,
        activation_name(layer),
        output,
        strides,
    )


@dataclass(frozen=True)
class PoolStep:
    """One output value of a pooling layer: its window and what the pooling kept.

    Attributes:
        layer_name: The pooling layer.
        row: Output row.
        col: Output column.
        channel: Which channel.
        origin: Input (row, col) of the window's top-left corner.
        window: The input values under the window, (ph, pw); padding is left out (NaN).
        kind: ``"max"`` or ``"average"``.
        output: The max (or mean) of the window's real values.
    """

    layer_name: str
    row: int
    col: int
    channel: int
    origin: tuple[int, int]
    window: np.ndarray
    kind: str
    output: float


def pool_step(model: keras.Model, layer_name: str, x: np.ndarray, row: int, col: int, channel: int) -> PoolStep:
    """The window behind one value of a max or average pooling layer."""
    layer = model.get_layer(layer_name)
    if not isinstance(layer, (keras.layers.MaxPooling2D, keras.layers.AveragePooling2D)):
        raise InputError(f"{layer_name} is not a max or average pooling layer.")
    inputs = layer_input(model, layer_name, x)
    out_h, out_w, channels = (int(size) for size in layer.output.shape[1:])
    if not (0 <= row < out_h and 0 <= col < out_w and 0 <= channel < channels):
        raise InputError(f"Position ({row}, {col}) of channel {channel} is outside {layer_name}'s output.")
    # Padding is marked NaN: pooling ignores padded cells rather than counting zeros.
    patch, origin = _window(layer.padding, inputs, row, col, tuple(layer.pool_size), tuple(layer.strides), fill=np.nan)
    window = patch[:, :, channel]
    is_max = isinstance(layer, keras.layers.MaxPooling2D)
    output = float(np.nanmax(window) if is_max else np.nanmean(window))
    return PoolStep(layer_name, row, col, channel, origin, window, "max" if is_max else "average", output)


def output_layer(model: keras.Model) -> keras.layers.Dense:
    """The model's last layer, which must be a dense one (the class scores).

    Raises:
        InputError: the model does not end in a dense layer.
    """
    return inspector_for(model).output_layer


@dataclass(frozen=True)
class DenseStep:
    """The output layer as weights times inputs plus bias, then softmax.

    Attributes:
        layer_name: The output layer.
        inputs: What it receives (units,).
        weights: Its kernel (units, classes).
        bias: Its bias (classes,).
        logits: ``inputs @ weights + bias`` (classes,).
        probabilities: ``softmax(logits)`` (classes,).
    """

    layer_name: str
    inputs: np.ndarray
    weights: np.ndarray
    bias: np.ndarray
    logits: np.ndarray
    probabilities: np.ndarray

    def contributions(self, class_index: int) -> np.ndarray:
        """Each input's term of one class's logit: ``inputs * weights[:, class_index]`` (units,)."""
        return self.inputs * self.weights[:, class_index]


def dense_step(model: keras.Model, x: np.ndarray) -> DenseStep:
    """The last layer's arithmetic for one image, with its real weights.

    Raises:
        InputError: the model does not end in a dense layer.
    """
    layer = output_layer(model)
    inputs = layer_input(model, layer.name, x).ravel().astype(np.float32)
    weights = np.asarray(layer.kernel, dtype=np.float32)
    bias = np.asarray(layer.bias, dtype=np.float32) if layer.use_bias else np.zeros(weights.shape[1], np.float32)
    logits = inputs.astype(np.float64) @ weights.astype(np.float64) + bias
    return DenseStep(layer.name, inputs, weights, bias, logits.astype(np.float32), softmax(logits).astype(np.float32))


@dataclass(frozen=True)
class PreActivation:
    """What one layer computes before its activation, over a batch of images.

    Attributes:
        layer_name: The layer.
        activation: Its activation's name (``relu``, ``sigmoid``...).
        values: Every pre-activation value of the batch, flattened (float32).
    """

    layer_name: str
    activation: str
    values: np.ndarray


def pre_activations(model: keras.Model, x: np.ndarray, include_output: bool = False) -> list[PreActivation]:
    """The pre-activation values of every conv, dense and activation layer for a batch ``x`` (N, H, W, C).

    The linear part (kernel and bias) of a conv or dense layer is computed from the layer's input (an
    activation layer receives its input as it is); the layer's own output is then passed on through
    the graph, so the values are exactly what each activation function receives.

    Args:
        model: The model (a stack or a graph).
        x: A batch of images.
        include_output: Also return the output layer's logits (its softmax is not elementwise).
    """
    batch = np.asarray(x, dtype=np.float32)
    if batch.ndim != 4:
        raise InputError(f"Expected a batch of images (N, H, W, C), got shape {batch.shape}.")
    results = []

    def call(layer: keras.layers.Layer, inputs: list[tf.Tensor], is_last: bool) -> tf.Tensor:
        if include_output or not is_last:
            if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)):
                if isinstance(layer, keras.layers.Conv2D):
                    linear = layer.convolution_op(inputs[0], layer.kernel)
                else:
                    linear = tf.matmul(inputs[0], layer.kernel)
                if layer.use_bias:
                    linear = linear + layer.bias
                results.append(PreActivation(layer.name, activation_name(layer), np.asarray(linear).ravel()))
            elif isinstance(layer, keras.layers.Activation):
                results.append(PreActivation(layer.name, activation_name(layer), np.asarray(inputs[0]).ravel()))
        return keras_call(layer, inputs)

    run_graph(model, tf.constant(batch), call)
    return results
