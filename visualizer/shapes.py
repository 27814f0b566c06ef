"""Exact output shapes and parameter counts of a spec, without TensorFlow.

``summarize(spec)`` walks the stack the way Keras would and returns one row
per Keras layer, head included, with the same names ``building.build_model``
gives its layers. Any stack that cannot be built raises a ``SpecError`` whose
message points at the layer and says how to fix it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from visualizer.errors import SpecError
from visualizer.spec import (
    MAX_MAP_VALUES,
    MAX_PARAMS,
    OUTPUT_ACTIVATION,
    AvgPool2D,
    BatchNorm,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    GlobalAvgPool2D,
    LayerSpec,
    MaxPool2D,
    ModelSpec,
    format_pair,
)

Shape = tuple[int, ...]

HEAD_FLATTEN_NAME = "head_flatten"
OUTPUT_NAME = "output"


@dataclass(frozen=True)
class LayerSummary:
    """One Keras layer of the model.

    Attributes:
        name: The Keras layer name (``conv2d_1``, ``maxpool2d_1``, ``output``).
        type: The spec type string (``conv2d``, ``dense``, ...).
        output_shape: Output shape of one example, without the batch axis.
        params: Number of weights, trainable or not, as Keras counts them.
    """

    name: str
    type: str
    output_shape: Shape
    params: int


@dataclass(frozen=True)
class PlannedLayer:
    """A layer of the final Keras model: the person's layers plus the head.

    Attributes:
        name: The Keras layer name.
        layer: The layer spec (the head is a ``Flatten`` and a softmax ``Dense``).
        index: Position in ``spec.layers``, or ``None`` for head layers.
    """

    name: str
    layer: LayerSpec
    index: int | None

    @property
    def is_head(self) -> bool:
        """Whether the layer was appended automatically as the classifier head."""
        return self.index is None


def plan_layers(spec: ModelSpec) -> list[PlannedLayer]:
    """Names every layer of the model and appends the classifier head.

    The head is a ``Flatten`` when the last output is still a 3-D map, then
    ``Dense(num_classes, softmax)`` named ``output``. Names count per type:
    ``conv2d_1``, ``conv2d_2``, ``dense_1``...

    Raises:
        SpecError: if the stack's shapes do not fit (see ``summarize``).
    """
    planned = [PlannedLayer(name, layer, index) for name, layer, index in _named_layers(spec)]
    shape: Shape = spec.input_shape
    for item in planned:
        shape, _ = _layer_output(item.layer, shape, item.index)
    return planned + _head(spec, shape)


def _head(spec: ModelSpec, shape: Shape) -> list[PlannedLayer]:
    """The classifier head for the person's last output ``shape``: Flatten if it is a map, then the softmax Dense."""
    flatten = [PlannedLayer(HEAD_FLATTEN_NAME, Flatten(), None)] if len(shape) == 3 else []
    return [*flatten, PlannedLayer(OUTPUT_NAME, Dense(spec.num_classes, OUTPUT_ACTIVATION), None)]


def _named_layers(spec: ModelSpec) -> list[tuple[str, LayerSpec, int]]:
    """Names the person's layers per type: ``conv2d_1``, ``conv2d_2``, ``dense_1``..."""
    counts: dict[str, int] = {}
    named = []
    for index, layer in enumerate(spec.layers):
        counts[layer.type] = counts.get(layer.type, 0) + 1
        named.append((f"{layer.type}_{counts[layer.type]}", layer, index))
    return named


def summarize(spec: ModelSpec) -> list[LayerSummary]:
    """Returns one ``LayerSummary`` per Keras layer, head included.

    Raises:
        SpecError: when a layer cannot take its input (a kernel larger than the
            map, a convolution after flattening, a dense layer on a 3-D map,
            ...), when a map would hold more than ``MAX_MAP_VALUES`` values, or
            when the model has more than ``MAX_PARAMS`` parameters.
    """
    rows, error = summarize_until_error(spec)
    if error is not None:
        raise error
    return rows


def summarize_until_error(spec: ModelSpec) -> tuple[list[LayerSummary], SpecError | None]:
    """Like ``summarize``, but returns the rows that fit before the first problem.

    The Build page uses it to keep showing shapes above an invalid layer.

    Returns:
        The rows of the person's layers up to (not including) the first layer
        that does not fit, and that ``SpecError``; or all rows, head included,
        and ``None`` when the whole stack is valid.
    """
    rows: list[LayerSummary] = []
    shape: Shape = spec.input_shape
    planned = [PlannedLayer(name, layer, index) for name, layer, index in _named_layers(spec)]
    try:
        for item in planned:
            shape = _add_row(rows, item, shape)
        for item in _head(spec, shape):  # the head follows from the last shape: no second walk
            shape = _add_row(rows, item, shape)
    except SpecError as error:
        return rows, error
    total = sum(row.params for row in rows)
    if total > MAX_PARAMS:
        biggest = max(rows, key=lambda row: row.params)
        error = SpecError(
            f"This model has {total:,} parameters, over the limit of {MAX_PARAMS:,} "
            f"(the largest layer, {biggest.name}, has {biggest.params:,}). Make it smaller: "
            "fewer filters or units, or more pooling before the flatten."
        )
        return rows, error
    return rows, None


def _add_row(rows: list[LayerSummary], item: PlannedLayer, shape: Shape) -> Shape:
    """Appends the summary row of ``item`` applied to ``shape``; returns its output shape."""
    shape, params = _layer_output(item.layer, shape, item.index)
    _check_map_size(item, shape)
    rows.append(LayerSummary(item.name, item.layer.type, shape, params))
    return shape


def _check_map_size(item: PlannedLayer, shape: Shape) -> None:
    values = math.prod(shape)
    if values > MAX_MAP_VALUES:
        raise SpecError(
            f"{_where(item.layer, item.index)} would output {format_shape(shape)} = "
            f"{values:,} values per image, over the limit of {MAX_MAP_VALUES:,}: "
            "use fewer filters, a stride of 2, or pool earlier.",
            item.index,
        )


def total_params(spec: ModelSpec) -> int:
    """Total parameter count of the model built from ``spec``."""
    return sum(row.params for row in summarize(spec))


def receptive_fields(spec: ModelSpec) -> list[tuple[int, int] | None]:
    """The receptive field (height, width) in input pixels of each summary row.

    A value of a conv or pooling output depends on a window of the input of
    this size. ``None`` means the layer sees the whole image (after a flatten,
    a global pooling or a dense layer).

    Raises:
        SpecError: as ``summarize``.
    """
    field = [1, 1]
    jump = [1, 1]
    whole = False
    result: list[tuple[int, int] | None] = []
    for item in plan_layers(spec):
        layer = item.layer
        if isinstance(layer, (Conv2D, MaxPool2D, AvgPool2D)) and not whole:
            window = layer.kernel_size if isinstance(layer, Conv2D) else layer.pool_size
            step = layer.strides if isinstance(layer, Conv2D) else layer.effective_strides
            for axis in range(2):
                field[axis] += (window[axis] - 1) * jump[axis]
                jump[axis] *= step[axis]
        elif isinstance(layer, (Flatten, GlobalAvgPool2D, Dense)):
            whole = True
        result.append(None if whole else (field[0], field[1]))
    return result


def format_shape(shape: Shape) -> str:
    """Renders ``(26, 26, 8)`` as ``26x26x8`` and ``(64,)`` as ``64``."""
    return "x".join(str(size) for size in shape)


def _where(layer: LayerSpec, index: int | None) -> str:
    if index is None:
        return f"The output layer ({layer.type})"
    return f"Layer {index + 1} ({layer.type})"


def _window_output(size: int, window: int, stride: int, padding: str) -> int:
    if padding == "same":
        return -(-size // stride)
    return (size - window) // stride + 1


def _layer_output(layer: LayerSpec, shape: Shape, index: int | None) -> tuple[Shape, int]:
    """Output shape and parameter count of ``layer`` applied to ``shape``."""
    where = _where(layer, index)
    if isinstance(layer, (Conv2D, MaxPool2D, AvgPool2D)):
        if len(shape) != 3:
            raise SpecError(
                f"{where} comes after the map was flattened (it gets a vector of "
                f"{shape[0]:,} values), but it needs a 2-D map with channels. Move it above "
                "the flatten or global pooling layer, or remove it.",
                index,
            )
        height, width, channels = shape
        if isinstance(layer, Conv2D):
            window, stride, noun = layer.kernel_size, layer.strides, "kernel"
        else:
            window, stride, noun = layer.pool_size, layer.effective_strides, "window"
        if layer.padding == "valid" and (height < window[0] or width < window[1]):
            raise SpecError(
                f"{where} gets a {format_shape(shape)} map but its {format_pair(window)} "
                f"{noun} needs at least {format_pair(window)}: use a smaller {noun}, "
                "padding='same', or remove a layer above it that shrinks the map.",
                index,
            )
        out_h = _window_output(height, window[0], stride[0], layer.padding)
        out_w = _window_output(width, window[1], stride[1], layer.padding)
        if isinstance(layer, Conv2D):
            params = (window[0] * window[1] * channels + 1) * layer.filters
            return (out_h, out_w, layer.filters), params
        return (out_h, out_w, channels), 0
    if isinstance(layer, GlobalAvgPool2D):
        if len(shape) != 3:
            raise SpecError(
                f"{where} comes after the map was flattened, but global pooling averages "
                "each channel of a 2-D map. Move it above the flatten layer or remove it.",
                index,
            )
        return (shape[2],), 0
    if isinstance(layer, Flatten):
        return (math.prod(shape),), 0
    if isinstance(layer, Dense):
        if len(shape) != 1:
            raise SpecError(
                f"{where} gets a {format_shape(shape)} map, but a dense layer needs a vector: "
                "add a flatten or globalavgpool2d layer before it.",
                index,
            )
        return (layer.units,), (shape[0] + 1) * layer.units
    if isinstance(layer, Dropout):
        return shape, 0
    if isinstance(layer, BatchNorm):
        return shape, 4 * shape[-1]
    raise SpecError(f"{where} has an unsupported type.", index)  # pragma: no cover
