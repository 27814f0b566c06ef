"""Builds the Keras model of a spec: the only place Keras layers are constructed.

Every layer gets an explicit ``name=`` (Keras' automatic names restart in each
thread, and every Streamlit rerun is a new thread), the name ``shapes.summarize``
reports for it, so summary rows and model layers match one to one.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras
from keras import layers

from visualizer import keras_runtime  # noqa: F401 - keeps Keras state across Streamlit runs
from visualizer.shapes import PlannedLayer, plan_layers, summarize
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
)

MODEL_NAME = "cnn"


def _initializers(seed: int | None, offset: int) -> dict[str, keras.initializers.Initializer]:
    """Glorot-uniform kernels and zero biases, seeded per layer for repeatable runs."""
    kernel_seed = None if seed is None else seed * 1000 + offset
    return {
        "kernel_initializer": keras.initializers.GlorotUniform(seed=kernel_seed),
        "bias_initializer": keras.initializers.Zeros(),
    }


def _keras_layer(item: PlannedLayer, seed: int | None, offset: int) -> keras.layers.Layer:
    """The Keras layer for one planned layer."""
    layer, name = item.layer, item.name
    if isinstance(layer, Conv2D):
        return layers.Conv2D(
            filters=layer.filters,
            kernel_size=layer.kernel_size,
            strides=layer.strides,
            padding=layer.padding,
            activation=layer.activation,
            name=name,
            **_initializers(seed, offset),
        )
    if isinstance(layer, MaxPool2D):
        return layers.MaxPooling2D(pool_size=layer.pool_size, strides=layer.strides, padding=layer.padding, name=name)
    if isinstance(layer, AvgPool2D):
        return layers.AveragePooling2D(
            pool_size=layer.pool_size, strides=layer.strides, padding=layer.padding, name=name
        )
    if isinstance(layer, GlobalAvgPool2D):
        return layers.GlobalAveragePooling2D(name=name)
    if isinstance(layer, Flatten):
        return layers.Flatten(name=name)
    if isinstance(layer, Dense):
        return layers.Dense(units=layer.units, activation=layer.activation, name=name, **_initializers(seed, offset))
    if isinstance(layer, Dropout):
        dropout_seed = None if seed is None else seed * 1000 + offset
        return layers.Dropout(rate=layer.rate, seed=dropout_seed, name=name)
    if isinstance(layer, BatchNorm):
        return layers.BatchNormalization(name=name)
    raise TypeError(f"Unsupported layer spec: {layer!r}")  # pragma: no cover


def build_model(spec: ModelSpec, seed: int | None = None) -> keras.Model:
    """Builds the (uncompiled) Keras model of ``spec``, head included.

    Args:
        spec: The architecture.
        seed: Seeds every initializer and dropout mask, so the same seed gives
            the same starting weights. ``None`` draws fresh ones.

    Returns:
        A ``keras.Sequential`` whose layers match ``summarize(spec)`` row for
        row: names, output shapes and parameter counts.

    Raises:
        SpecError: when the spec cannot be built (checked by ``summarize``
            before any Keras layer is made).
    """
    summarize(spec)
    planned = plan_layers(spec)
    model = keras.Sequential(name=MODEL_NAME)
    model.add(keras.Input(shape=spec.input_shape, name="image"))
    for offset, item in enumerate(planned):
        model.add(_keras_layer(item, seed, offset))
    return model
