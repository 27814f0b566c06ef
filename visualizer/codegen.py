"""Readable Keras code for a spec: what a person takes home from the Build page.

``to_keras_code(spec)`` returns a self-contained script in the tone of the
keras-io examples: a header, short sections, and a comment per layer with the
shape of the data and the number of parameters. Executing it binds ``model``
to a compiled model equal in names, shapes and parameter counts to
``building.build_model(spec)``. This module imports no TensorFlow.
"""

from __future__ import annotations

from visualizer.shapes import LayerSummary, PlannedLayer, format_shape, plan_layers, summarize
from visualizer.spec import (
    AvgPool2D,
    BatchNorm,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    GlobalAvgPool2D,
    MaxPool2D,
    ModelSpec,
    Pair,
)


def _size(pair: Pair) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"({pair[0]}, {pair[1]})"


def _layer_call(item: PlannedLayer) -> str:
    """The ``layers.X(...)`` expression of one planned layer."""
    layer, name = item.layer, item.name
    if isinstance(layer, Conv2D):
        arguments = [str(layer.filters), f"kernel_size={_size(layer.kernel_size)}"]
        if layer.strides != (1, 1):
            arguments.append(f"strides={_size(layer.strides)}")
        if layer.padding != "valid":
            arguments.append(f'padding="{layer.padding}"')
        arguments.append(f'activation="{layer.activation}"')
        return f'layers.Conv2D({", ".join(arguments)}, name="{name}")'
    if isinstance(layer, (MaxPool2D, AvgPool2D)):
        cls = "MaxPooling2D" if isinstance(layer, MaxPool2D) else "AveragePooling2D"
        arguments = [f"pool_size={_size(layer.pool_size)}"]
        if layer.strides is not None:
            arguments.append(f"strides={_size(layer.strides)}")
        if layer.padding != "valid":
            arguments.append(f'padding="{layer.padding}"')
        return f'layers.{cls}({", ".join(arguments)}, name="{name}")'
    if isinstance(layer, GlobalAvgPool2D):
        return f'layers.GlobalAveragePooling2D(name="{name}")'
    if isinstance(layer, Flatten):
        return f'layers.Flatten(name="{name}")'
    if isinstance(layer, Dense):
        return f'layers.Dense({layer.units}, activation="{layer.activation}", name="{name}")'
    if isinstance(layer, Dropout):
        return f'layers.Dropout({layer.rate!r}, name="{name}")'
    if isinstance(layer, BatchNorm):
        return f'layers.BatchNormalization(name="{name}")'
    raise TypeError(f"Unsupported layer spec: {layer!r}")  # pragma: no cover


def _layer_comment(item: PlannedLayer, before: str, row: LayerSummary) -> str:
    """A comment saying what the layer does to the data's shape."""
    after = format_shape(row.output_shape)
    params = f"{row.params:,} parameters" if row.params else "no parameters"
    layer = item.layer
    if item.is_head and isinstance(layer, Flatten):
        what = "Classifier head: unroll the map into a vector"
    elif item.is_head:
        what = "Classifier head: one probability per class (softmax)"
    elif isinstance(layer, Conv2D):
        what = f"{layer.filters} filters of {layer.kernel_size[0]}x{layer.kernel_size[1]}"
    elif isinstance(layer, MaxPool2D):
        what = "Keep the largest value of each window"
    elif isinstance(layer, AvgPool2D):
        what = "Keep the average of each window"
    elif isinstance(layer, GlobalAvgPool2D):
        what = "Average each channel over the whole map"
    elif isinstance(layer, Flatten):
        what = "Unroll the map into a vector"
    elif isinstance(layer, Dense):
        what = f"{layer.units} fully connected units"
    elif isinstance(layer, Dropout):
        what = f"While training, zero {layer.rate:.0%} of the values at random"
    else:
        what = "Normalise each channel"
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
