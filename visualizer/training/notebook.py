"""A Jupyter notebook that repeats a whole run at home: data, model, training, evaluation and pictures.

``to_notebook(spec, dataset_name, config)`` writes the run as a keras-io style
script (prose in top-level triple-quoted strings, code between them) and turns
that into notebook cells, the way keras-io turns its examples into notebooks.
The notebook needs this project's dependencies, not the project: the embedded
datasets are made by copies of the app's own functions (``inspect.getsource``),
so the notebook draws the same images; the model code is ``model.codegen``'s,
with the app's seeds, so it starts from the same weights; the batches come in
the same seeded order. No TensorFlow here.
"""

from __future__ import annotations

import inspect
import json
import textwrap

from visualizer.data import catalog, dataset, embedded, shapes
from visualizer.errors import InputError
from visualizer.model.checks import format_shape
from visualizer.model.codegen import model_code
from visualizer.model.plan import summarize
from visualizer.model.spec import ModelSpec
from visualizer.training.config import (
    AUGMENTATIONS,
    CONTRAST,
    OPTIMIZER_CLASSES,
    ROTATION_DEGREES,
    SHIFT,
    VALIDATION_BATCH,
    ZOOM,
    TrainingConfig,
)

PREVIEW_IMAGES = 8
"""How many images the notebook shows of the data, and of its predictions."""


def _source(*functions) -> str:
    """The app's own code of ``functions``, one after the other."""
    return "\n\n".join(inspect.getsource(function).rstrip() for function in functions)


def _split_code() -> str:
    return f"""TEST_FRACTION = {dataset.TEST_FRACTION}
SPLIT_SEED = {dataset.SPLIT_SEED}


{_source(dataset.stratified_split)}"""


def _data_section(name: str) -> str:
    """Where the images come from, ending with ``x_train, y_train, x_test, y_test`` and ``CLASS_NAMES``."""
    names = repr(list(catalog.CLASS_NAMES[name]))
    if name == "digits":
        return f'''"""
## The data

scikit-learn ships 1,797 real handwritten digits of 8x8 pixels. Each is resized into a 20x20 box in the
middle of a 28x28 image, as MNIST's digits are, and the images are split into training and test images
the way the app splits them: a fifth of each class for testing, chosen with a fixed seed.
"""

from PIL import Image
from sklearn.datasets import load_digits


{_source(embedded.upsample_digits)}


{_split_code()}


digits = load_digits()
images = upsample_digits(digits.images)
train, test = stratified_split(digits.target)
x_train, y_train = images[train], digits.target[train].astype("int64")
x_test, y_test = images[test], digits.target[test].astype("int64")
CLASS_NAMES = {names}'''
    if name == "shapes":
        classes, each = len(shapes.SHAPE_CLASSES), embedded.SHAPES_PER_CLASS
        return f'''"""
## The data

The shapes are drawn, not downloaded: {classes} classes of {each:,} images each, every one
with its own size, place, rotation and colours, plus a little noise. Each shape is a *signed distance*
worked out for every pixel of many images at once (negative inside the shape); a pixel's colour mixes
the background and the shape's colour by how far inside it is, which smooths the edges. The code is the
app's own, so the same seed draws the same {classes * each:,} images, split as the app splits them.
"""

import math
import statistics

SHAPE_CLASSES = {shapes.SHAPE_CLASSES!r}
SHAPE_NOISE = {shapes.SHAPE_NOISE}


{_source(shapes.contrasting_colours, shapes.shape_distance, shapes.draw_shapes)}


{_split_code()}


labels = np.arange({embedded.SHAPES_PER_CLASS} * len(SHAPE_CLASSES)) % len(SHAPE_CLASSES)
train, test = stratified_split(labels)
rng = np.random.default_rng({embedded.SHAPES_SEED})
x_train, y_train = draw_shapes(labels[train], rng, {embedded.SHAPES_SIDE}), labels[train].astype("int64")
x_test, y_test = draw_shapes(labels[test], rng, {embedded.SHAPES_SIDE}), labels[test].astype("int64")
CLASS_NAMES = {names}'''
    title = catalog.DATASET_TITLES[name].removesuffix(" (download)")
    return f'''"""
## The data

{title}, with Keras' own split into training and test images (downloaded once, then read from
`~/.keras/datasets`). The pixels are scaled from 0..255 to 0..1 and given a channel axis where they
have none.
"""

(x_train, y_train), (x_test, y_test) = keras.datasets.{name}.load_data()
x_train, x_test = x_train.astype("float32") / 255.0, x_test.astype("float32") / 255.0
if x_train.ndim == 3:
    x_train, x_test = x_train[..., None], x_test[..., None]
y_train, y_test = y_train.reshape(-1).astype("int64"), y_test.reshape(-1).astype("int64")
CLASS_NAMES = {names}'''


def _augmentation_code(names: tuple[str, ...]) -> str:
    """The same random layers ``backend.augmentation`` makes, seeded the same way."""
    fill = ', fill_mode="nearest"'
    make = {
        "flip": lambda seed: f'layers.RandomFlip("horizontal", seed={seed})',
        "rotate": lambda seed: f"layers.RandomRotation({ROTATION_DEGREES} / 360, seed={seed}{fill})",
        "zoom": lambda seed: f"layers.RandomZoom({ZOOM}, seed={seed}{fill})",
        "translate": lambda seed: f"layers.RandomTranslation({SHIFT}, {SHIFT}, seed={seed}{fill})",
        "contrast": lambda seed: f"layers.RandomContrast({CONTRAST}, value_range=(0, 1), seed={seed})",
    }
    lines = [
        f"        {make[name](f'SEED + {offset}')},  # {AUGMENTATIONS[name]}"
        for offset, name in enumerate(AUGMENTATIONS)
        if name in names
    ]
    return "augment = keras.Sequential(\n    [\n" + "\n".join(lines) + '\n    ],\n    name="augmentation",\n)'


def _training_section(config: TrainingConfig) -> str:
    if config.augmentation:
        changes = ", ".join(AUGMENTATIONS[name] for name in config.augmentation)
        augmentation_prose = (
            f"\n\nEach training batch is also changed at random on its way in ({changes}); the test images never\n"
            "are, and the network does not hold these layers."
        )
        augmentation = _augmentation_code(config.augmentation) + "\n\n\n"
        augment_step = """
    batches = batches.map(lambda x, y: (tf.clip_by_value(augment(x, training=True), 0.0, 1.0), y))"""
    else:
        augmentation_prose, augmentation, augment_step = "", "", ""
    return f'''"""
## Train

Each epoch shows every training image once, in an order drawn from the seed alone, {config.batch_size} images
per weight update. After each epoch the network is measured on the test images, which it never trains
on.{augmentation_prose}
"""

{augmentation}def training_batches(x, y, epochs, batch_size, seed):
    """All epochs' batches: each epoch's order is a permutation drawn from the seed, as in the app."""
    rng = np.random.RandomState(seed)
    orders = np.stack([rng.permutation(len(y)) for _ in range(epochs)]).astype("int64")
    images, labels = tf.constant(x), tf.constant(y)
    epoch_orders = tf.data.Dataset.from_tensor_slices(orders)
    batches = epoch_orders.flat_map(lambda order: tf.data.Dataset.from_tensor_slices(order).batch(batch_size))
    batches = batches.map(lambda indices: (tf.gather(images, indices), tf.gather(labels, indices))){augment_step}
    return batches.prefetch(2)


history = model.fit(
    training_batches(x_train, y_train, EPOCHS, BATCH_SIZE, SEED),
    epochs=EPOCHS,
    steps_per_epoch=math.ceil(len(y_train) / BATCH_SIZE),
    validation_data=(x_test, y_test),
    validation_batch_size={VALIDATION_BATCH},
    verbose=2,
)'''


def notebook_script(spec: ModelSpec, dataset_name: str, config: TrainingConfig) -> str:
    """The run as a keras-io style script: what ``to_notebook`` splits into cells.

    Raises:
        InputError: an unknown dataset name, or one whose images or classes the network does not take.
        SpecError: a spec that cannot be built.
    """
    catalog.check_name(dataset_name)
    if not isinstance(config, TrainingConfig):
        raise InputError("The notebook needs a TrainingConfig for its settings.")
    if dataset_name not in catalog.datasets_for(spec):
        shape, classes = catalog.IMAGE_SHAPES[dataset_name], len(catalog.CLASS_NAMES[dataset_name])
        raise InputError(
            f"The {dataset_name} images are {format_shape(shape)} in {classes} classes but the network takes "
            f"{format_shape(spec.input_shape)} in {spec.num_classes}: adopt the dataset's shape and classes on the "
            "Train page, or pick a dataset that fits."
        )
    rows = summarize(spec)
    total = sum(row.params for row in rows)
    optimizer = OPTIMIZER_CLASSES[config.optimizer]
    return f'''"""
# Training a convolutional network from scratch

**Data:** {catalog.DATASET_TITLES[dataset_name]}. **Network:** {len(rows)} layers, {total:,} parameters.
**Training:** {config.summary()}.

Written by CNN Visualizer. Run the cells from top to bottom: with only the app's dependencies installed
(`pip install -r requirements.txt`), the data, the network and its starting weights, and the order of
the batches are the ones the app used. On one thread (`TF_NUM_INTRAOP_THREADS=1`, as the app trains) the
numbers match the app's run; on more they can differ in the last digits.
"""

"""
## Setup
"""

import math

import numpy as np
import plotly.express as px
import tensorflow as tf
import keras
from keras import layers
from plotly.subplots import make_subplots

SEED = {config.seed}
EPOCHS = {config.epochs}
BATCH_SIZE = {config.batch_size}
LEARNING_RATE = {config.learning_rate!r}

{_data_section(dataset_name)}

print(f"{{len(y_train):,}} training and {{len(y_test):,}} test images of shape {{x_train.shape[1:]}}")

"""
A few training images with their classes:
"""

previews = x_train[:{PREVIEW_IMAGES}, ..., 0] if x_train.shape[-1] == 1 else x_train[:{PREVIEW_IMAGES}]
figure = px.imshow((previews * 255).astype("uint8"), facet_col=0, binary_string=True, height=220)
for annotation, label in zip(figure.layout.annotations, y_train[:{PREVIEW_IMAGES}]):
    annotation.text = CLASS_NAMES[label]
figure.update_xaxes(showticklabels=False).update_yaxes(showticklabels=False)
figure.show()

"""
## Starting weights

Every layer with weights starts from Glorot-uniform values drawn with its own seed (the run's seed times
1,000 plus the layer's place in the network) and biases at zero; every dropout layer draws its masks with
such a seed too. Those are the app's seeds: the same seed gives the same starting network.
"""


def seeded_weights(offset):
    return {{"kernel_initializer": keras.initializers.GlorotUniform(seed=SEED * 1000 + offset)}}


def seeded_mask(offset):
    return {{"seed": SEED * 1000 + offset}}


{model_code(spec, seeded=True)}

model.summary()
print(f"{{model.count_params():,}} parameters (the app counted {total:,})")

"""
## Compile

Labels are class numbers (0 to {spec.num_classes - 1}), hence the sparse cross-entropy loss.
"""

model.compile(
    loss="sparse_categorical_crossentropy",
    optimizer=keras.optimizers.{optimizer}(learning_rate=LEARNING_RATE),
    metrics=["accuracy"],
)

{_training_section(config)}

"""
## Evaluate

The test images' loss and accuracy after the last epoch.
"""

test_loss, test_accuracy = model.evaluate(x_test, y_test, batch_size={VALIDATION_BATCH}, verbose=0)
print(f"Test accuracy {{test_accuracy:.2%}}, test loss {{test_loss:.4f}}")

"""
## The curves

Loss and accuracy after each epoch, on the training images and on the test images. Training numbers far
better than the test numbers mean the network learns its training images rather than the classes.
"""

epochs = list(range(1, len(history.history["loss"]) + 1))
figure = make_subplots(rows=1, cols=2, subplot_titles=("Loss", "Accuracy"))
for column, metric in enumerate(["loss", "accuracy"], start=1):
    for key, part in [(metric, "training"), (f"val_{{metric}}", "test")]:
        figure.add_scatter(x=epochs, y=history.history[key], name=f"{{part}} {{metric}}", row=1, col=column)
figure.update_xaxes(title_text="epoch").update_layout(height=360)
figure.show()

"""
## Predictions

The first test images, each with the class the network gives it, how sure it is, and the true class.
"""

probabilities = model.predict(x_test[:{PREVIEW_IMAGES}], verbose=0)
images = x_test[:{PREVIEW_IMAGES}, ..., 0] if x_test.shape[-1] == 1 else x_test[:{PREVIEW_IMAGES}]
figure = px.imshow((images * 255).astype("uint8"), facet_col=0, binary_string=True, height=240)
for annotation, row, label in zip(figure.layout.annotations, probabilities, y_test[:{PREVIEW_IMAGES}]):
    guess = int(np.argmax(row))
    annotation.text = f"{{CLASS_NAMES[guess]}} {{row[guess]:.0%}}<br>(true: {{CLASS_NAMES[label]}})"
figure.update_xaxes(showticklabels=False).update_yaxes(showticklabels=False)
figure.show()

"""
## Keep it

The trained network in Keras' own format: `keras.models.load_model("cnn_model.keras")` reads it back,
and the app's Inspect page opens it.
"""

model.save("cnn_model.keras")
'''


def script_cells(script: str) -> list[tuple[str, str]]:
    """Splits a keras-io style script into ``("markdown" | "code", text)`` cells.

    A line that is exactly three double quotes at the start of a line opens or closes a prose block;
    everything else is code. Empty cells are left out.
    """
    cells: list[tuple[str, str]] = []
    kind, lines = "code", []
    for line in script.splitlines():
        if line == '"""':
            text = textwrap.dedent("\n".join(lines)).strip("\n")
            if text.strip():
                cells.append((kind, text))
            kind, lines = ("markdown" if kind == "code" else "code"), []
        else:
            lines.append(line)
    text = "\n".join(lines).strip("\n")
    if text.strip():
        cells.append((kind, text))
    return cells


def to_notebook(spec: ModelSpec, dataset_name: str, config: TrainingConfig) -> str:
    """The text of a Jupyter notebook (nbformat 4) that loads the data, builds, trains and evaluates ``spec``.

    Args:
        spec: The network.
        dataset_name: ``digits`` or ``shapes`` (drawn by the notebook's own copy of the app's code), or a
            ``keras.datasets`` name (``mnist``, ``fashion_mnist``, ``cifar10``).
        config: Epochs, batch size, optimizer, learning rate, seed and augmentation.

    Returns:
        JSON text, nbformat 4.5, with markdown cells explaining each step and code cells that run
        top to bottom with this project's dependencies alone.

    Raises:
        InputError: an unknown dataset, or one the network does not fit.
        SpecError: a spec that cannot be built.
    """
    cells = []
    for number, (kind, text) in enumerate(script_cells(notebook_script(spec, dataset_name, config)), start=1):
        cell = {"cell_type": kind, "id": f"cell-{number}", "metadata": {}, "source": text.splitlines(keepends=True)}
        if kind == "code":
            cell |= {"execution_count": None, "outputs": []}
        cells.append(cell)
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
