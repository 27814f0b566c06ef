"""Where the network looks: Grad-CAM, gradient saliency and occlusion sensitivity for one image.

Grad-CAM and saliency are compiled graphs traced once per model (and layer),
kept by the model's inspector (weakly, so models are not kept alive). They take
the inspector's one gradient through the model's own functional graph (a sub-model
from the image to the chosen maps and the output layer's input), so stacks and
graphs get them alike.
"""

from __future__ import annotations

import functools

import numpy as np

from visualizer.backend.engine import keras, tf
from visualizer.backend.forward import as_batch, predict, predict_many
from visualizer.backend.inspector import Forward, Inspector, inspector_for
from visualizer.errors import InputError


def _last_conv(inspector: Inspector, layer_name: str | None) -> str:
    names = inspector.info.names("kernel")
    if layer_name is not None:
        if layer_name not in names:
            raise InputError(f"{layer_name} is not a convolution layer.")
        return layer_name
    if not names:
        raise InputError("Grad-CAM needs a convolution layer; this model has none.")
    return names[-1]


def _grad_cam_graph(forward: Forward, inputs: tf.Tensor, class_index: tf.Tensor) -> tf.Tensor:
    found = Inspector.gradient(forward, lambda logits: Inspector.class_score(logits, class_index), inputs, wrt="maps")
    gradients, maps = found.gradient, found.tensors["maps"]
    weights = tf.reduce_mean(gradients[0], axis=(0, 1))
    cam = tf.nn.relu(tf.reduce_sum(maps[0] * weights, axis=-1))
    return tf.image.resize(cam[..., None], tf.shape(inputs)[1:3], method="bilinear")[..., 0]


def _saliency_graph(forward: Forward, inputs: tf.Tensor, class_index: tf.Tensor) -> tf.Tensor:
    found = Inspector.gradient(forward, lambda logits: Inspector.class_score(logits, class_index), inputs)
    return tf.reduce_max(tf.abs(found.gradient[0]), axis=-1)


def _compiled(inspector: Inspector, graph, layer_name: str | None):
    """Grad-CAM's or saliency's graph on this model, traced once per model and layer."""
    return inspector.once(
        lambda: tf.function(functools.partial(graph, inspector.logits_forward(layer_name)), reduce_retracing=True),
        graph.__name__,
        layer_name,
    )


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
    inspector = inspector_for(model)
    layer_name = _last_conv(inspector, layer_name)
    inputs = tf.constant(as_batch(x))
    chosen = tf.constant(-1 if class_index is None else int(class_index), dtype=tf.int32)
    cam = np.asarray(_compiled(inspector, _grad_cam_graph, layer_name)(inputs, chosen), dtype=np.float32)
    return _scaled(cam)


def saliency(model: keras.Model, x: np.ndarray, class_index: int | None = None) -> np.ndarray:
    """Gradient saliency: |d class score / d pixel|, max over channels, scaled to [0, 1]; (H, W)."""
    inputs = tf.constant(as_batch(x))
    chosen = tf.constant(-1 if class_index is None else int(class_index), dtype=tf.int32)
    gradient = np.asarray(_compiled(inspector_for(model), _saliency_graph, None)(inputs, chosen), dtype=np.float32)
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
