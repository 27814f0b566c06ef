"""Readable Keras code for a spec: what a person takes home from the Build page.

``to_keras_code(spec)`` returns a self-contained script in the tone of the
keras-io examples: a header, short sections, and a comment per layer with the
shape of the data and the number of parameters. Executing it binds ``model``
to a compiled model equal in names, shapes and parameter counts to
``backend.building.build_model(spec)``. This module imports no TensorFlow.
"""

from __future__ import annotations

from typing import Any

from visualizer.model.blocks import Add, Branch, Residual
from visualizer.model.checks import format_shape
from visualizer.model.layers import Flatten
from visualizer.model.plan import INPUT_NAME, LayerSummary, PlannedLayer, plan_layers, summarize
from visualizer.model.spec import ModelSpec


def _literal(value: Any) -> str:
    """A Keras argument as Python source: sizes as ``3`` or ``(3, 5)``, strings in double quotes."""
    if isinstance(value, tuple):
        return str(value[0]) if value[0] == value[1] else f"({value[0]}, {value[1]})"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


SEEDED_HELPERS = {"weights": "seeded_weights", "mask": "seeded_mask"}
"""The helper each kind of randomness calls in seeded code (``model_code(spec, seeded=True)``)."""


def _layer_call(item: PlannedLayer, offset: int | None = None) -> str:
    """The ``layers.X(...)`` expression of one planned layer, leaving out arguments at their defaults.

    With an ``offset`` (the layer's place in the plan), a layer with random starting weights or a random
    mask also gets ``**seeded_weights(offset)`` or ``**seeded_mask(offset)``: the seeds the app uses.
    """
    layer = item.layer
    arguments = []
    for key, value in layer.keras_arguments().items():
        if key in layer.code_omits and layer.code_omits[key] == value:
            continue
        arguments.append(_literal(value) if key == layer.positional else f"{key}={_literal(value)}")
    arguments.append(f'name="{item.name}"')
    if offset is not None and layer.random in SEEDED_HELPERS:
        arguments.append(f"**{SEEDED_HELPERS[layer.random]}({offset})")
    return f"layers.{layer.keras_class}({', '.join(arguments)})"


def _layer_comment(item: PlannedLayer, before: str, row: LayerSummary) -> str:
    """A comment saying what the layer does to the data's shape."""
    after = format_shape(row.output_shape)
    params = _params_text(row.params)
    if item.is_head:
        flattens = isinstance(item.layer, Flatten)
        what = "Classifier head: " + (
            "unroll the map into a vector" if flattens else "one probability per class (softmax)"
        )
    else:
        what = item.layer.describe()
    return f"# {what}: {before} -> {after}, {params}."


def _indented(lines: list[str], spaces: int = 4) -> str:
    return "\n".join(" " * spaces + line for line in lines)


class _GraphCode:
    """Functional-API code for a spec with blocks: a helper function per block, then the model's lines."""

    def __init__(self, spec: ModelSpec, rows: list[LayerSummary], offsets: dict[str, int] | None) -> None:
        self.spec = spec
        self.rows = {row.name: row for row in rows}
        self.offsets = offsets

    def shape(self, name: str) -> str:
        """The shape of one image's data after layer ``name`` (or the input), as ``14x14x16``."""
        if name == INPUT_NAME:
            return format_shape(self.spec.input_shape)
        return format_shape(self.rows[name].output_shape)

    def line(self, item: PlannedLayer, target: str, argument: str) -> list[str]:
        """A layer's comment and its call: ``target = layers.X(...)(argument)``."""
        before = " + ".join(self.shape(source) for source in item.inputs)
        call = _layer_call(item, None if self.offsets is None else self.offsets[item.name])
        return [_layer_comment(item, before, self.rows[item.name]), f"{target} = {call}({argument})"]

    def residual(self, name: str, block: Residual, items: list[PlannedLayer]) -> str:
        """``def residual_1_block(x): ...``: the inner layers, the shortcut, the addition and the activation."""
        shortcut = "a 1x1 convolution of the input" if block.shortcut == "projection" else "the input itself"
        after = "" if block.activation == "linear" else f", then {block.activation}"
        lines = [f'"""Residual block: the layers below, plus {shortcut} added back{after}."""', "shortcut = x"]
        for item in items:
            if item.name == f"{name}_shortcut":
                lines += self.line(item, "shortcut", "shortcut")
            elif isinstance(item.layer, Add):
                lines += self.line(item, "x", "[x, shortcut]")
            else:
                lines += self.line(item, "x", "x")
        return f"def {name}_block(x):\n{_indented([*lines, 'return x'])}\n"

    def branch(self, name: str, block: Branch, items: list[PlannedLayer]) -> str:
        """``def branch_1_block(x): ...``: each branch from ``x``, then their merge."""
        joined = "their channels stacked" if block.merge == "concatenate" else "added value by value"
        lines = [f'"""Branch block: {len(block.branches)} branches from the same input, {joined}."""']
        position = 0
        ends = []
        for number, path in enumerate(block.branches, start=1):
            variable = f"branch_{number}"
            lines.append(f"{variable} = x" + ("  # an empty branch: the input itself" if not path else ""))
            for item in items[position : position + len(path)]:
                lines += self.line(item, variable, variable)
            position += len(path)
            ends.append(variable)
        lines += self.line(items[-1], "x", f"[{', '.join(ends)}]")
        return f"def {name}_block(x):\n{_indented([*lines, 'return x'])}\n"

    def parts(self, planned: list[PlannedLayer]) -> tuple[str, str]:
        """The helper functions and the model's lines (``inputs`` to ``outputs``)."""
        functions, body = [], []
        variable = "inputs"
        position = 0
        while position < len(planned):
            item = planned[position]
            target = "outputs" if item is planned[-1] else "x"
            if item.block is None:
                body += self.line(item, target, variable)
                position += 1
            else:
                items = [other for other in planned[position:] if other.block == item.block]
                block = self.spec.layers[item.index]  # type: ignore[index]
                make = self.residual if isinstance(block, Residual) else self.branch
                functions.append(make(item.block, block, items))  # type: ignore[arg-type]
                params = sum(self.rows[other.name].params for other in items)
                body.append(
                    f"# {block.title} ({item.block}): {self.shape(item.inputs[0])} -> "
                    f"{self.shape(items[-1].name)}, {_params_text(params)}."
                )
                body.append(f"{target} = {item.block}_block({variable})")
                position += len(items)
            variable = "x"
        return "\n\n".join(functions), "\n".join(body)


def _params_text(params: int) -> str:
    return f"{params:,} parameters" if params else "no parameters"


def _sequential_model_section(
    spec: ModelSpec, planned: list[PlannedLayer], rows: list[LayerSummary], seeded: bool
) -> str:
    """The script's model section for a plain stack: one ``keras.Sequential`` list."""
    height, width, channels = spec.input_shape
    body = []
    before = format_shape(spec.input_shape)
    for offset, (item, row) in enumerate(zip(planned, rows)):
        body.append("        " + _layer_comment(item, before, row))
        body.append("        " + _layer_call(item, offset if seeded else None) + ",")
        before = format_shape(row.output_shape)
    layer_lines = "\n".join(body)
    return f'''"""
## The model

Images go in as arrays of shape (batch, {height}, {width}, {channels}) with values in [0, 1].
Each comment gives the shape of one image's data before and after the layer.
"""

model = keras.Sequential(
    [
        keras.Input(shape=({height}, {width}, {channels}), name="image"),
{layer_lines}
    ],
    name="cnn",
)'''


def _graph_model_section(spec: ModelSpec, planned: list[PlannedLayer], rows: list[LayerSummary], seeded: bool) -> str:
    """The script's model section for a spec with blocks: the block functions, then the functional model."""
    offsets = {item.name: offset for offset, item in enumerate(planned)} if seeded else None
    functions, body = _GraphCode(spec, rows, offsets).parts(planned)
    height, width, channels = spec.input_shape
    return f'''"""
## The blocks

Each block is a function from a tensor to a tensor, in Keras' functional API.
"""


{functions}

"""
## The model

Images go in as arrays of shape (batch, {height}, {width}, {channels}) with values in [0, 1].
Each comment gives the shape of one image's data before and after the layer or block.
"""

inputs = keras.Input(shape=({height}, {width}, {channels}), name="{INPUT_NAME}")
{body}
model = keras.Model(inputs, outputs, name="cnn")'''


def model_code(spec: ModelSpec, seeded: bool = False) -> str:
    """The part of the script that binds ``model``, in the keras-io format (prose in top-level strings).

    Args:
        spec: The architecture.
        seeded: Give each layer with random starting weights ``**seeded_weights(offset)`` and each dropout
            layer ``**seeded_mask(offset)``, ``offset`` being its place in the plan, as
            ``backend.building.build_model`` seeds them: code that defines those two helpers (as
            ``training.notebook`` does) builds the app's starting weights exactly.

    Raises:
        SpecError: when the spec cannot be built.
    """
    rows = summarize(spec)
    planned = plan_layers(spec)
    make = _graph_model_section if spec.is_graph else _sequential_model_section
    return make(spec, planned, rows, seeded)


def to_keras_code(spec: ModelSpec) -> str:
    """Returns a commented, self-contained Keras script that builds ``spec``.

    A plain stack becomes a ``keras.Sequential`` list; a spec with blocks becomes functional-API code
    with one helper function per block.

    Raises:
        SpecError: when the spec cannot be built.
    """
    rows = summarize(spec)
    total = sum(row.params for row in rows)
    height, width, channels = spec.input_shape
    colour = "grayscale" if channels == 1 else f"{channels}-channel"
    model_section = model_code(spec)
    return f'''"""
Title: A convolutional network built in CNN Visualizer
Description: {len(rows)} layers, {total:,} parameters; input {height}x{width} {colour} images,
output probabilities for {spec.num_classes} classes.
"""

"""
## Setup
"""

import keras
from keras import layers

{model_section}

"""
## Compile

Labels are class numbers (0 to {spec.num_classes - 1}), hence the sparse cross-entropy loss.
"""

model.compile(
    loss="sparse_categorical_crossentropy",
    optimizer=keras.optimizers.Adam(learning_rate=1e-3),
    metrics=["accuracy"],
)

"""
## Train

With x_train of shape (n, {height}, {width}, {channels}) in [0, 1] and y_train of shape (n,):

    history = model.fit(x_train, y_train, batch_size=64, epochs=10, validation_split=0.1)
    test_loss, test_accuracy = model.evaluate(x_test, y_test)
    model.save("model.keras")
"""

if __name__ == "__main__":
    model.summary()
'''
