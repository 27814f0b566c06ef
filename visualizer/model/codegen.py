"""Readable Keras code for a spec: what a person takes home from the Build page.

``to_keras_code(spec)`` returns a self-contained script in the tone of the
keras-io examples: a header, short sections, and a comment per layer with the
shape of the data and the number of parameters. Executing it binds ``model``
to a compiled model equal in names, shapes and parameter counts to
``backend.building.build_model(spec)``. This module imports no TensorFlow.
"""

from __future__ import annotations

from typing import Any

from visualizer.model.checks import format_shape
from visualizer.model.layers import Flatten
from visualizer.model.plan import LayerSummary, PlannedLayer, plan_layers, summarize
from visualizer.model.spec import ModelSpec


def _literal(value: Any) -> str:
    """A Keras argument as Python source: sizes as ``3`` or ``(3, 5)``, strings in double quotes."""
    if isinstance(value, tuple):
        return str(value[0]) if value[0] == value[1] else f"({value[0]}, {value[1]})"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def _layer_call(item: PlannedLayer) -> str:
    """The ``layers.X(...)`` expression of one planned layer, leaving out arguments at their defaults."""
    layer = item.layer
    arguments = []
    for key, value in layer.keras_arguments().items():
        if key in layer.code_omits and layer.code_omits[key] == value:
            continue
        arguments.append(_literal(value) if key == layer.positional else f"{key}={_literal(value)}")
    arguments.append(f'name="{item.name}"')
    return f"layers.{layer.keras_class}({', '.join(arguments)})"


def _layer_comment(item: PlannedLayer, before: str, row: LayerSummary) -> str:
    """A comment saying what the layer does to the data's shape."""
    after = format_shape(row.output_shape)
    params = f"{row.params:,} parameters" if row.params else "no parameters"
    if item.is_head:
        flattens = isinstance(item.layer, Flatten)
        what = "Classifier head: " + (
            "unroll the map into a vector" if flattens else "one probability per class (softmax)"
        )
    else:
        what = item.layer.describe()
    return f"# {what}: {before} -> {after}, {params}."


def to_keras_code(spec: ModelSpec) -> str:
    """Returns a commented, self-contained Keras script that builds ``spec``.

    Raises:
        SpecError: when the spec cannot be built.
    """
    rows = summarize(spec)
    planned = plan_layers(spec)
    total = sum(row.params for row in rows)
    height, width, channels = spec.input_shape
    colour = "grayscale" if channels == 1 else f"{channels}-channel"
    body = []
    before = format_shape(spec.input_shape)
    for item, row in zip(planned, rows):
        body.append("        " + _layer_comment(item, before, row))
        body.append("        " + _layer_call(item) + ",")
        before = format_shape(row.output_shape)
    layer_lines = "\n".join(body)
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

"""
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
)

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
