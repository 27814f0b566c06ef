"""Dropout in a real network: the spread of its predictions with dropout left on, and what a dropout layer sees."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.backend.engine import keras, tf
from visualizer.backend.forward import as_batch, feature_maps
from visualizer.backend.info import describe
from visualizer.backend.steps import sequential_layers
from visualizer.errors import InputError


def dropout_layers(model: keras.Model) -> list[str]:
    """Names of the model's Dropout layers, in order."""
    return describe(model).names("dropout")


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
    maps = feature_maps(model, x)
    names = list(maps)
    own = dropout_layers(model)
    target = own[0] if own else names[-1]
    position = names.index(target)
    values = maps[names[position - 1]] if position > 0 else np.asarray(x, dtype=np.float32)
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
    layers = sequential_layers(model)
    has_dropout = any(isinstance(layer, keras.layers.Dropout) for layer in layers)
    if not has_dropout and rate is None:
        raise InputError("This network has no Dropout layer: choose a rate to try dropout before its last layer.")
    generator = tf.random.Generator.from_seed(seed)
    hidden = tf.constant(np.repeat(as_batch(x), samples, axis=0))

    def drop(values: tf.Tensor, keep_rate: float) -> tf.Tensor:
        if keep_rate >= 1.0:
            return values
        mask = tf.cast(generator.uniform(tf.shape(values)) < keep_rate, values.dtype)
        return values * mask / keep_rate

    for position, layer in enumerate(layers):
        if isinstance(layer, keras.layers.Dropout):
            hidden = drop(hidden, 1.0 - (layer.rate if rate is None else rate))
            continue
        if not has_dropout and position == len(layers) - 1:
            hidden = drop(hidden, 1.0 - rate)
        hidden = layer(hidden, training=False)
    return np.asarray(hidden, dtype=np.float32)
