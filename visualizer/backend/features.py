"""What a filter looks for: the input that excites it most, found by gradient ascent (activation maximisation).

From a grey image with a little seeded noise, each step moves the image along the normalised gradient of
the filter's mean activation over its map, kept in [0, 1]. After a few plain steps, a small random shift
(jitter, one of the usual regularisers of feature visualisation, Olah et al., 2017) keeps the picture from
exploiting single pixels; a light blur every few steps can be asked for (on the small images of this app it
costs more activation than it buys readability, so it is off by default). The step is a graph compiled
once per model and layer.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from visualizer.backend.engine import keras, tf
from visualizer.backend.forward import sub_model
from visualizer.backend.info import describe
from visualizer.backend.inspector import inspector_for
from visualizer.errors import InputError

PLAIN_STEPS = 8
"""Steps taken without jitter or blur first (the activation then rises at every step)."""
MAX_STEPS = 512


@dataclass(frozen=True)
class FeatureVisualization:
    """The picture that excites one filter most, and how its activation grew.

    Attributes:
        layer_name: The conv layer.
        filter_index: The filter.
        image: The picture (H, W, C) in [0, 1].
        activations: The filter's mean activation over its map after each step.
    """

    layer_name: str
    filter_index: int
    image: np.ndarray
    activations: list[float]


def _ascent_step(inputs: keras.Model, layer, image: tf.Tensor, filter_index: tf.Tensor, size: tf.Tensor):
    """One step up the filter's mean response before its activation (so a filter silent at the start still moves)."""
    with tf.GradientTape() as tape:
        tape.watch(image)
        linear = layer.convolution_op(inputs(image, training=False), layer.kernel)
        if layer.use_bias:
            linear = linear + layer.bias
        activated = layer.activation(linear)[..., filter_index]
        # The filter's mean activation, plus a little of its response before the activation: a filter silent
        # at the start (ReLU at zero everywhere, no gradient) still moves.
        activation = tf.reduce_mean(activated) + 0.1 * tf.reduce_mean(linear[..., filter_index])
    gradient = tape.gradient(activation, image)
    gradient = gradient / (tf.math.reduce_std(gradient) + 1e-8)
    return tf.clip_by_value(image + size * gradient, 0.0, 1.0)


def _activation(features: keras.Model, image: tf.Tensor, filter_index: tf.Tensor) -> tf.Tensor:
    return tf.reduce_mean(features(image, training=False)[..., filter_index])


def _functions(model: keras.Model, layer_name: str) -> tuple:
    """The compiled ascent step and activation of ``layer_name``, made once per model and layer."""

    def build() -> tuple:
        features = sub_model(model, [layer_name])
        source = describe(model).layer(layer_name).inputs[0]
        layer = model.get_layer(layer_name)
        # The first layer reads the image itself.
        inputs = sub_model(model, [source]) if source in describe(model).names() else keras.layers.Identity()
        return (
            tf.function(functools.partial(_ascent_step, inputs, layer), reduce_retracing=True),
            tf.function(functools.partial(_activation, features), reduce_retracing=True),
        )

    return inspector_for(model).once(build, "feature_visualization", layer_name)


def _blur(image: np.ndarray) -> np.ndarray:
    """A light 3x3 blur of (H, W, C), edges repeated."""
    padded = np.pad(image, ((1, 1), (1, 1), (0, 0)), mode="edge")
    height, width = image.shape[:2]
    kernel = np.array([1.0, 2.0, 1.0]) / 4.0
    rows = sum(weight * padded[offset : offset + height] for offset, weight in enumerate(kernel))
    return sum(weight * rows[:, offset : offset + width] for offset, weight in enumerate(kernel)).astype(np.float32)


def feature_visualization(
    model: keras.Model,
    layer_name: str,
    filter_index: int,
    steps: int = 64,
    seed: int = 0,
    step_size: float = 0.05,
    blur_every: int | None = None,
) -> FeatureVisualization:
    """The input that most excites one filter of a conv layer, by gradient ascent.

    Args:
        model: Any network.
        layer_name: A conv layer.
        filter_index: Its filter.
        steps: Gradient steps (at most ``MAX_STEPS``).
        seed: The starting noise.
        step_size: How far each step moves the image (the gradient is normalised first).
        blur_every: Blur the picture lightly every this many steps (after the plain ones), or never.

    Raises:
        InputError: not a conv layer, no such filter, or too many steps.
    """
    info = describe(model)
    if layer_name not in info.names("kernel"):
        raise InputError(f"{layer_name} is not a convolution layer; pick one of {', '.join(info.names('kernel'))}.")
    filters = info.layer(layer_name).output_shape[-1]
    if not 0 <= filter_index < filters:
        raise InputError(f"{layer_name} has filters 0 to {filters - 1}, not {filter_index}.")
    if not 1 <= steps <= MAX_STEPS:
        raise InputError(f"Take from 1 to {MAX_STEPS} steps, not {steps}.")
    ascend, measure = _functions(model, layer_name)
    rng = np.random.default_rng(seed)
    image = np.clip(0.5 + 0.02 * rng.standard_normal(info.input_shape), 0.0, 1.0).astype(np.float32)
    chosen = tf.constant(int(filter_index), tf.int32)
    size = tf.constant(float(step_size), tf.float32)
    activations = []
    for step in range(steps):
        if step >= PLAIN_STEPS:  # jitter: a shift of up to one pixel, undone after the step
            shift = tuple(int(value) for value in rng.integers(-1, 2, size=2))
            image = np.roll(image, shift, axis=(0, 1))
        image = np.asarray(ascend(tf.constant(image[None]), chosen, size))[0]
        if step >= PLAIN_STEPS:
            image = np.roll(image, (-shift[0], -shift[1]), axis=(0, 1))
            if blur_every and (step + 1) % blur_every == 0:
                image = _blur(image)
        activations.append(float(measure(tf.constant(image[None]), chosen)))
    return FeatureVisualization(layer_name, int(filter_index), image.astype(np.float32), activations)


def top_images(model: keras.Model, layer_name: str, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each filter of ``layer_name``: the index of the image that excites it most, and that mean activation.

    Returns:
        (filters,) indices into ``images`` and (filters,) activations.
    """
    maps = np.asarray(sub_model(model, [layer_name]).predict(np.asarray(images, np.float32), verbose=0))
    means = maps.mean(axis=(1, 2))  # (N, filters)
    best = means.argmax(axis=0)
    return best, means[best, np.arange(means.shape[1])]


MAX_GRID_FILTERS = 32
"""Filters a grid shows at most (the first ones of the layer)."""


def feature_grid(
    model: keras.Model, layer_name: str, steps: int = 64, seed: int = 0, progress=None
) -> list[FeatureVisualization]:
    """``feature_visualization`` for the first ``MAX_GRID_FILTERS`` filters of a layer, kept per model.

    Args:
        model: Any network.
        layer_name: A conv layer.
        steps: Gradient steps per filter.
        seed: The starting noise.
        progress: Called as ``progress(done, total)`` after each filter, when given.
    """

    def build() -> list[FeatureVisualization]:
        filters = min(describe(model).layer(layer_name).output_shape[-1], MAX_GRID_FILTERS)
        found = []
        for index in range(filters):
            found.append(feature_visualization(model, layer_name, index, steps=steps, seed=seed))
            if progress is not None:
                progress(index + 1, filters)
        return found

    return inspector_for(model).once(build, "feature_grid", layer_name, steps, seed)
