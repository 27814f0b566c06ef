"""Dropout in a real network: the spread of its predictions with dropout left on, and what a dropout layer sees."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.backend.engine import keras, tf
from visualizer.backend.forward import as_batch, keras_call, layer_input, run_graph
from visualizer.backend.info import describe
from visualizer.errors import InputError


def dropout_layers(model: keras.Model) -> list[str]:
    """Names of the model's dropout layers (the registry's layers with a random mask), in order."""
    return describe(model).names("random", "mask")


@dataclass(frozen=True)
class DropoutInput:
    """The units a dropout layer receives for one image.

    Attributes:
        layer_name: The network's own first Dropout layer, or its last layer when it has none
            (dropout is then tried on the last layer's input).
        values: The first ``limit`` units it receives, flattened.
        own: Whether ``layer_name`` is one of the network's own Dropout layers.
    """

    layer_name: str
    values: np.ndarray
    own: bool


def dropout_input(model: keras.Model, x: np.ndarray, limit: int = 64) -> DropoutInput:
    """What the network's first Dropout layer (else its last layer) receives for image ``x``."""
    own = dropout_layers(model)
    target = own[0] if own else describe(model).layers[-1].name
    values = layer_input(model, target, x)
    return DropoutInput(target, np.asarray(values, dtype=np.float32).ravel()[:limit], bool(own))


def dropout_predictions(
    model: keras.Model, x: np.ndarray, samples: int = 50, rate: float | None = None, seed: int = 0
) -> np.ndarray:
    """Class probabilities for one image with dropout left on, ``samples`` times (Monte Carlo dropout).

    The model's own Dropout layers run in training mode (every other layer in inference mode, so
    batch normalisation keeps its learned statistics). With ``rate`` given, that rate is used
    instead: in the Dropout layers, or, if the model has none, on the output layer's input.

    Returns:
        (samples, classes) probabilities.
    """
    if rate is not None and not 0.0 <= rate < 1.0:
        raise InputError(f"The dropout rate must be at least 0 and below 1, not {rate}.")
    has_dropout = bool(dropout_layers(model))
    if not has_dropout and rate is None:
        raise InputError("This network has no Dropout layer: choose a rate to try dropout before its last layer.")
    generator = tf.random.Generator.from_seed(seed)
    hidden = tf.constant(np.repeat(as_batch(x), samples, axis=0))

    def drop(values: tf.Tensor, keep_rate: float) -> tf.Tensor:
        if keep_rate >= 1.0:
            return values
        mask = tf.cast(generator.uniform(tf.shape(values)) < keep_rate, values.dtype)
        return values * mask / keep_rate

    def call(layer: keras.layers.Layer, inputs: list[tf.Tensor], is_last: bool) -> tf.Tensor:
        if isinstance(layer, keras.layers.Dropout):
            return drop(inputs[0], 1.0 - (layer.rate if rate is None else rate))
        if not has_dropout and is_last:
            inputs = [drop(inputs[0], 1.0 - rate)]
        return keras_call(layer, inputs)

    outputs = run_graph(model, hidden, call)
    return np.asarray(outputs[describe(model).layers[-1].name], dtype=np.float32)
