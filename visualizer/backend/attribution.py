"""Where the network looks: Grad-CAM, gradient saliency and occlusion sensitivity for one image.

Grad-CAM and saliency are compiled graphs traced once per model (and layer),
kept in the model's forward cache (weakly, so models are not kept alive). They
run through the model's own functional graph (a sub-model from the image to the
chosen maps and the output layer's input), so stacks and graphs get them alike.
"""

from __future__ import annotations

import functools

import numpy as np

from visualizer.backend.engine import keras, tf
from visualizer.backend.forward import as_batch, cached, predict, predict_many, sub_model
from visualizer.backend.info import describe
from visualizer.backend.steps import output_layer
from visualizer.errors import InputError


def _to_logits_model(model: keras.Model, layer_name: str | None) -> keras.Model:
    """The image -> [the maps of ``layer_name``,] the output layer's input, through the model's own graph.

    It shares the model's layers and weights, so it works on stacks and graphs alike (skip
    connections, branches) and holds no reference to the model object itself.
    """
    features = describe(model).layer(output_layer(model).name).inputs[0]
    return sub_model(model, [features] if layer_name is None else [layer_name, features])


def _logits(last: keras.layers.Dense, features: tf.Tensor) -> tf.Tensor:
    """The output layer's scores before its softmax."""
    logits = tf.matmul(features, last.kernel)
    return logits + last.bias if last.use_bias else logits


def _last_conv(model: keras.Model, layer_name: str | None) -> str:
    names = describe(model).names("kernel")
    if layer_name is not None:
        if layer_name not in names:
            raise InputError(f"{layer_name} is not a convolution layer.")
        return layer_name
    if not names:
        raise InputError("Grad-CAM needs a convolution layer; this model has none.")
    return names[-1]


def _gradient_function(model: keras.Model, kind: str, layer_name: str | None):
    """A compiled Grad-CAM or saliency computation, traced once per model and layer."""
    graph = _grad_cam_graph if kind == "grad_cam" else _saliency_graph
    # The sub-model and layer hold the model's weights, not the model: the weakly keyed cache stays weak.
    return cached(
        model,
        ("gradients", kind, layer_name),
        lambda: tf.function(
            functools.partial(graph, _to_logits_model(model, layer_name), output_layer(model)), reduce_retracing=True
        ),
    )


def _class_score(logits: tf.Tensor, class_index: tf.Tensor) -> tf.Tensor:
    """The logit of ``class_index``, or of the predicted class when it is -1."""
    chosen = tf.where(class_index < 0, tf.argmax(logits[0], output_type=tf.int32), class_index)
    return tf.gather(logits[0], chosen)


def _grad_cam_graph(
    to_logits: keras.Model, last: keras.layers.Dense, inputs: tf.Tensor, class_index: tf.Tensor
) -> tf.Tensor:
    with tf.GradientTape() as tape:
        maps, features = to_logits(inputs, training=False)
        score = _class_score(_logits(last, features), class_index)
    gradients = tape.gradient(score, maps)
    weights = tf.reduce_mean(gradients[0], axis=(0, 1))
    cam = tf.nn.relu(tf.reduce_sum(maps[0] * weights, axis=-1))
    return tf.image.resize(cam[..., None], tf.shape(inputs)[1:3], method="bilinear")[..., 0]


def _saliency_graph(
    to_logits: keras.Model, last: keras.layers.Dense, inputs: tf.Tensor, class_index: tf.Tensor
) -> tf.Tensor:
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        score = _class_score(_logits(last, to_logits(inputs, training=False)), class_index)
    return tf.reduce_max(tf.abs(tape.gradient(score, inputs)[0]), axis=-1)


def _scaled(values: np.ndarray) -> np.ndarray:
    """``values`` divided by their maximum, when it is positive (else all zeros), as float32."""
    peak = float(values.max())
    return (values / peak if peak > 0 else np.zeros_like(values)).astype(np.float32)


def grad_cam(
    model: keras.Model, x: np.ndarray, class_index: int | None = None, layer_name: str | None = None
) -> np.ndarray:
    """Grad-CAM (Selvaraju et al., 2017) for one image.

    The gradients of the class score before the softmax with respect to the
    chosen conv layer's maps (the last conv layer by default) are averaged per
    channel; the maps weighted by those averages are summed, passed through a
    ReLU, upsampled to the input size and scaled to [0, 1].

    Args:
        model: A model whose last layer is a Dense (softmax) layer.
        x: One image (H, W, C).
        class_index: The class to explain; the predicted class when None.
        layer_name: The conv layer to use; the last one when None.

    Returns:
        (H, W) float32 in [0, 1] (all zeros when no region raises the score).
    """
    layer_name = _last_conv(model, layer_name)
    inputs = tf.constant(as_batch(x))
    chosen = tf.constant(-1 if class_index is None else int(class_index), dtype=tf.int32)
    cam = np.asarray(_gradient_function(model, "grad_cam", layer_name)(inputs, chosen), dtype=np.float32)
    return _scaled(cam)


def saliency(model: keras.Model, x: np.ndarray, class_index: int | None = None) -> np.ndarray:
    """Gradient saliency: |d class score / d pixel|, max over channels, scaled to [0, 1]; (H, W)."""
    inputs = tf.constant(as_batch(x))
    chosen = tf.constant(-1 if class_index is None else int(class_index), dtype=tf.int32)
    gradient = np.asarray(_gradient_function(model, "saliency", None)(inputs, chosen), dtype=np.float32)
    return _scaled(gradient)


def occlusion_map(
    model: keras.Model,
    x: np.ndarray,
    class_index: int | None = None,
    patch: int | None = None,
    stride: int | None = None,
    fill: float = 0.0,
) -> np.ndarray:
    """How much the class probability drops when a square of the image is covered.

    Args:
        model: The model.
        x: One image (H, W, C).
        class_index: The class to follow; the predicted class when None.
        patch: Side of the covering square (a quarter of the image side by default).
        stride: Step between squares (half the patch by default).
        fill: The value the square is filled with.

    Returns:
        (H, W) float32: the mean drop in probability over the squares covering
        each pixel (negative where covering helps).
    """
    image = np.asarray(x, dtype=np.float32)
    height, width, _ = image.shape
    patch = patch or max(2, min(height, width) // 4)
    stride = stride or max(1, patch // 2)
    base = predict(model, image)
    chosen = int(base.argmax()) if class_index is None else int(class_index)
    positions = [
        (top, left)
        for top in range(0, max(height - patch, 0) + 1, stride)
        for left in range(0, max(width - patch, 0) + 1, stride)
    ]
    covered = np.repeat(image[None], len(positions), axis=0)
    for index, (top, left) in enumerate(positions):
        covered[index, top : top + patch, left : left + patch, :] = fill
    probabilities = predict_many(model, covered)[:, chosen]
    drop = np.zeros((height, width), dtype=np.float64)
    counts = np.zeros((height, width), dtype=np.float64)
    for (top, left), probability in zip(positions, probabilities, strict=True):
        drop[top : top + patch, left : left + patch] += base[chosen] - probability
        counts[top : top + patch, left : left + patch] += 1
    return np.where(counts > 0, drop / np.maximum(counts, 1), 0.0).astype(np.float32)
