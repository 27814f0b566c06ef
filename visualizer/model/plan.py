"""One walk over a spec, without TensorFlow: names, exact output shapes, parameters, receptive fields.

``summarize(spec)`` walks the stack the way Keras would and returns one row
per Keras layer, head included, with the same names ``backend.building.build_model``
gives its layers. Any stack that cannot be built raises a ``SpecError`` whose
message points at the layer and says how to fix it. Each layer's own shape rule
lives with its type in the registry (``Layer.output``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from visualizer.errors import SpecError
from visualizer.model.checks import MAX_MAP_VALUES, MAX_PARAMS, format_shape
from visualizer.model.layers import OUTPUT_ACTIVATION, Dense, Flatten, LayerSpec
from visualizer.model.spec import ModelSpec

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
        is_head: Whether it is part of the classifier head the app appends
            (not compared: rows are equal when the four numbers above are).
    """

    name: str
    type: str
    output_shape: Shape
    params: int
    is_head: bool = field(default=False, compare=False)


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

    @property
    def where(self) -> str:
        """How messages name it: "Layer 3 (conv2d)" or "The output layer (dense)"."""
        if self.index is None:
            return f"The output layer ({self.layer.type})"
        return f"Layer {self.index + 1} ({self.layer.type})"


def _named_layers(spec: ModelSpec) -> list[PlannedLayer]:
    """Names the person's layers per type: ``conv2d_1``, ``conv2d_2``, ``dense_1``..."""
    counts: dict[str, int] = {}
    named = []
    for index, layer in enumerate(spec.layers):
        counts[layer.type] = counts.get(layer.type, 0) + 1
        named.append(PlannedLayer(f"{layer.type}_{counts[layer.type]}", layer, index))
    return named


def _head(spec: ModelSpec, shape: Shape) -> list[PlannedLayer]:
    """The classifier head for the person's last output ``shape``: Flatten if it is a map, then the softmax Dense."""
    flatten = [PlannedLayer(HEAD_FLATTEN_NAME, Flatten(), None)] if len(shape) == 3 else []
    return [*flatten, PlannedLayer(OUTPUT_NAME, Dense(spec.num_classes, OUTPUT_ACTIVATION), None)]


def _walk(spec: ModelSpec) -> tuple[list[PlannedLayer], list[LayerSummary], SpecError | None]:
    """The one walk: every planned layer with its summary row, stopping at the first layer that does not fit.

    Returns:
        The planned layers and rows up to (not including) the first problem and that ``SpecError``,
        or all of them, head included, and ``None``.
    """
    planned: list[PlannedLayer] = []
    rows: list[LayerSummary] = []
    shape: Shape = spec.input_shape
    person = _named_layers(spec)
    try:
        for item in person:
            shape = _add(planned, rows, item, shape)
        for item in _head(spec, shape):  # the head follows from the last shape: no second walk
            shape = _add(planned, rows, item, shape)
    except SpecError as error:
        return planned, rows, error
    total = sum(row.params for row in rows)
    if total > MAX_PARAMS:
        biggest = max(rows, key=lambda row: row.params)
        return (
            planned,
            rows,
            SpecError(
                f"This model has {total:,} parameters, over the limit of {MAX_PARAMS:,} "
                f"(the largest layer, {biggest.name}, has {biggest.params:,}). Make it smaller: "
                "fewer filters or units, or more pooling before the flatten."
            ),
        )
    return planned, rows, None


def _add(planned: list[PlannedLayer], rows: list[LayerSummary], item: PlannedLayer, shape: Shape) -> Shape:
    """Appends ``item`` applied to ``shape`` and its row; returns its output shape."""
    shape, params = item.layer.output(shape, item.where, item.index)
    values = math.prod(shape)
    if values > MAX_MAP_VALUES:
        raise SpecError(
            f"{item.where} would output {format_shape(shape)} = {values:,} values per image, over the limit of "
            f"{MAX_MAP_VALUES:,}: use fewer filters, a stride of 2, or pool earlier.",
            item.index,
        )
    planned.append(item)
    rows.append(LayerSummary(item.name, item.layer.type, shape, params, item.is_head))
    return shape


def plan_layers(spec: ModelSpec) -> list[PlannedLayer]:
    """Names every layer of the model and appends the classifier head.

    The head is a ``Flatten`` when the last output is still a 3-D map, then
    ``Dense(num_classes, softmax)`` named ``output``. Names count per type:
    ``conv2d_1``, ``conv2d_2``, ``dense_1``...

    Raises:
        SpecError: if the stack's shapes do not fit (see ``summarize``).
    """
    planned, _, error = _walk(spec)
    if error is not None:
        raise error
    return planned


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
    _, rows, error = _walk(spec)
    return rows, error


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
    reach_field = [1, 1]
    jump = [1, 1]
    whole = False
    result: list[tuple[int, int] | None] = []
    for item in plan_layers(spec):
        layer = item.layer
        reach = layer.window_and_step()
        if reach is not None and not whole:
            window, step = reach
            for axis in range(2):
                reach_field[axis] += (window[axis] - 1) * jump[axis]
                jump[axis] *= step[axis]
        elif layer.reach == "whole":
            whole = True
        result.append(None if whole else (reach_field[0], reach_field[1]))
    return result
