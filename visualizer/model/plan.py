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
from visualizer.model.blocks import MERGE_LAYERS, Add, Branch, Merge, Residual
from visualizer.model.checks import MAX_MAP_VALUES, MAX_PARAMS, MAX_WINDOW, format_pair, format_shape
from visualizer.model.layers import OUTPUT_ACTIVATION, Activation, Conv2D, Dense, Flatten, LayerSpec
from visualizer.model.spec import ModelSpec

Shape = tuple[int, ...]

INPUT_NAME = "image"
"""The model input's name: what the first layer reads."""
HEAD_FLATTEN_NAME = "head_flatten"
OUTPUT_NAME = "output"


@dataclass(frozen=True)
class LayerSummary:
    """One Keras layer of the model.

    Attributes:
        name: The Keras layer name (``conv2d_1``, ``maxpool2d_1``, ``output``).
        type: The spec type string (``conv2d``, ``dense``, ``add``...).
        output_shape: Output shape of one example, without the batch axis.
        params: Number of weights, trainable or not, as Keras counts them.
        is_head: Whether it is part of the classifier head the app appends.
        block: The block it belongs to (``residual_1``, ``branch_2``), or ``None``.
        inputs: The names of the layers it reads (``image`` for the input).
        index: The position in ``spec.layers`` of the layer or block it comes from (``None`` for the head).
        path: For a layer a person put in a block, (which path, position in it) from 0; else ``None``.

    Rows are equal when the four fields above are (the others are not compared).
    """

    name: str
    type: str
    output_shape: Shape
    params: int
    is_head: bool = field(default=False, compare=False)
    block: str | None = field(default=None, compare=False)
    inputs: tuple[str, ...] = field(default=(), compare=False)
    index: int | None = field(default=None, compare=False)
    path: tuple[int, int] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class PlannedLayer:
    """A layer of the final Keras model: the person's layers, the blocks' own layers and the head.

    Attributes:
        name: The Keras layer name.
        layer: The layer spec (the head is a ``Flatten`` and a softmax ``Dense``; a block adds its
            shortcut ``Conv2D``, its merge ``Add`` or ``Concatenate`` and its ``Activation``).
        index: Position in ``spec.layers`` (of the block, for a layer in one), or ``None`` for head layers.
        inputs: The names of the layers it reads, in order (``INPUT_NAME`` for the image).
        block: The name of the block it belongs to (``residual_1``), or ``None``.
        place: How messages name it, when not the default "Layer 3 (conv2d)".
        path: For a layer a person put in a block, (which path, position in it) from 0.
    """

    name: str
    layer: LayerSpec | Merge
    index: int | None
    inputs: tuple[str, ...] = ()
    block: str | None = None
    place: str | None = None
    path: tuple[int, int] | None = None

    @property
    def is_head(self) -> bool:
        """Whether the layer was appended automatically as the classifier head."""
        return self.index is None

    @property
    def where(self) -> str:
        """How messages name it: "Layer 3 (conv2d)", "Block 2 (residual), layer 1 (conv2d)"..."""
        if self.place is not None:
            return self.place
        if self.index is None:
            return f"The output layer ({self.layer.type})"
        return f"Layer {self.index + 1} ({self.layer.type})"


def _head(spec: ModelSpec, shape: Shape) -> list[tuple[str, LayerSpec]]:
    """The classifier head for the person's last output ``shape``: Flatten if it is a map, then the softmax Dense."""
    flatten = [(HEAD_FLATTEN_NAME, Flatten())] if len(shape) == 3 else []
    return [*flatten, (OUTPUT_NAME, Dense(spec.num_classes, OUTPUT_ACTIVATION))]


class _Walk:
    """The planner's state: the layers so far, their rows, each layer's output shape and the name counters."""

    def __init__(self, spec: ModelSpec) -> None:
        self.planned: list[PlannedLayer] = []
        self.rows: list[LayerSummary] = []
        self.shapes: dict[str, Shape] = {INPUT_NAME: spec.input_shape}
        self.counts: dict[str, int] = {}

    def name(self, stem: str) -> str:
        """The next name for ``stem``: ``conv2d_1``, ``conv2d_2``... (counted over the whole network)."""
        self.counts[stem] = self.counts.get(stem, 0) + 1
        return f"{stem}_{self.counts[stem]}"

    def add(self, item: PlannedLayer) -> str:
        """Appends ``item`` applied to its inputs' shapes and its row; returns its name."""
        shapes = [self.shapes[source] for source in item.inputs]
        if isinstance(item.layer, Merge):
            shape, params = item.layer.merge(shapes, item.where, item.index)
        else:
            shape, params = item.layer.output(shapes[0], item.where, item.index)
        values = math.prod(shape)
        if values > MAX_MAP_VALUES:
            raise SpecError(
                f"{item.where} would output {format_shape(shape)} = {values:,} values per image, over the limit of "
                f"{MAX_MAP_VALUES:,}: use fewer filters, a stride of 2, or pool earlier.",
                item.index,
            )
        self.planned.append(item)
        self.rows.append(
            LayerSummary(
                item.name, item.layer.type, shape, params, item.is_head, item.block, item.inputs, item.index, item.path
            )
        )
        self.shapes[item.name] = shape
        return item.name

    def path(
        self, layers: tuple[LayerSpec, ...], source: str, index: int, block: str, place: str, number: int = 0
    ) -> str:
        """Adds path ``number`` of a block, its layers one after the other from ``source``; returns the last name."""
        for position, layer in enumerate(layers):
            where = f"{place}, layer {position + 1} ({layer.type})"
            item = PlannedLayer(self.name(layer.type), layer, index, (source,), block, where, (number, position))
            source = self.add(item)
        return source

    def residual(self, block: Residual, source: str, index: int) -> str:
        """Adds a residual block's layers, shortcut, addition and activation; returns the block's output name."""
        stem = self.name(block.type)
        place = f"Block {index + 1} (residual)"
        last = self.path(block.layers, source, index, stem, place)
        before, after = self.shapes[source], self.shapes[last]
        shortcut = source
        if block.shortcut == "projection":
            projection = _projection(block, before, after, place, index)
            shortcut = self.add(
                PlannedLayer(f"{stem}_shortcut", projection, index, (source,), stem, f"{place}'s shortcut")
            )
        given = self.shapes[shortcut]
        if given != after:
            fix = "match the filters and strides" if block.shortcut == "projection" else "match the filters"
            raise SpecError(
                f"Block {index + 1}'s shortcut gives {format_shape(given)} but its layers give "
                f"{format_shape(after)}: add a 1x1 projection (shortcut 'projection') or {fix}.",
                index,
            )
        output = self.add(PlannedLayer(f"{stem}_add", Add(), index, (last, shortcut), stem, f"{place}'s addition"))
        if block.activation != "linear":
            output = self.add(
                PlannedLayer(
                    f"{stem}_activation", Activation(block.activation), index, (output,), stem, f"{place}'s activation"
                )
            )
        return output

    def branch(self, block: Branch, source: str, index: int) -> str:
        """Adds a branch block's branches and their merge; returns the merge's name."""
        stem = self.name(block.type)
        place = f"Block {index + 1} (branch)"
        ends = tuple(
            self.path(path, source, index, stem, f"{place}, branch {number + 1}", number)
            for number, path in enumerate(block.branches)
        )
        merge = MERGE_LAYERS[block.merge]()
        return self.add(PlannedLayer(f"{stem}_{block.merge}", merge, index, ends, stem, place))


def _total_stride(layers: tuple[LayerSpec, ...]) -> tuple[int, int]:
    """The product of the strides of a path's window layers, per axis."""
    stride = [1, 1]
    for layer in layers:
        reach = layer.window_and_step()
        if reach is not None:
            stride = [stride[0] * reach[1][0], stride[1] * reach[1][1]]
    return stride[0], stride[1]


def _projection(block: Residual, before: Shape, after: Shape, place: str, index: int) -> Conv2D:
    """The 1x1 shortcut convolution of a residual block, or a ``SpecError`` saying why there can be none."""
    if len(before) != 3 or len(after) != 3:
        raise SpecError(
            f"{place} has a projection shortcut, a 1x1 convolution, but its input is {format_shape(before)} and "
            f"its layers give {format_shape(after)}: a projection needs maps on both sides. Use the identity "
            "shortcut, or move the flatten or dense layers out of the block.",
            index,
        )
    stride = _total_stride(block.layers)
    expected = (-(-before[0] // stride[0]), -(-before[1] // stride[1]))
    if after[:2] != expected or max(stride) > MAX_WINDOW:
        raise SpecError(
            f"{place} gets a {format_shape(before[:2])} map and its layers step {format_pair(stride)} in all, so "
            f"a 1x1 projection with that stride gives {format_shape(expected)}, but its layers give "
            f"{format_shape(after[:2])}: use padding='same' in the block's layers so only strides shrink the map.",
            index,
        )
    return Conv2D(filters=after[2], kernel_size=1, strides=stride, activation="linear")


def _walk(spec: ModelSpec) -> tuple[list[PlannedLayer], list[LayerSummary], SpecError | None]:
    """The one walk: every planned layer with its summary row, stopping at the first layer that does not fit.

    Returns:
        The planned layers and rows up to (not including) the first problem and that ``SpecError``,
        or all of them, head included, and ``None``.
    """
    walk = _Walk(spec)
    source = INPUT_NAME
    try:
        for index, item in enumerate(spec.layers):
            if isinstance(item, Residual):
                source = walk.residual(item, source, index)
            elif isinstance(item, Branch):
                source = walk.branch(item, source, index)
            else:
                source = walk.add(PlannedLayer(walk.name(item.type), item, index, (source,)))
        for name, layer in _head(spec, walk.shapes[source]):  # the head follows from the last shape
            source = walk.add(PlannedLayer(name, layer, None, (source,)))
    except SpecError as error:
        return walk.planned, walk.rows, error
    planned, rows = walk.planned, walk.rows
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
    # Per layer: (field, jump) in input pixels, or None once it sees the whole image. Where paths join,
    # the widest field and step of the inputs hold.
    reach: dict[str, tuple[tuple[int, int], tuple[int, int]] | None] = {INPUT_NAME: ((1, 1), (1, 1))}
    result: list[tuple[int, int] | None] = []
    for item in plan_layers(spec):
        sources = [reach[source] for source in item.inputs]
        if any(source is None for source in sources) or item.layer.reach == "whole":
            reach[item.name] = None
            result.append(None)
            continue
        field_size = tuple(max(source[0][axis] for source in sources) for axis in range(2))  # type: ignore[index]
        jump = tuple(max(source[1][axis] for source in sources) for axis in range(2))  # type: ignore[index]
        window_step = item.layer.window_and_step()
        if window_step is not None:
            window, step = window_step
            field_size = tuple(field_size[axis] + (window[axis] - 1) * jump[axis] for axis in range(2))
            jump = tuple(jump[axis] * step[axis] for axis in range(2))
        reach[item.name] = (field_size, jump)  # type: ignore[assignment]
        result.append(field_size)  # type: ignore[arg-type]
    return result
