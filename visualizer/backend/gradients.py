"""How much gradient reaches each layer: the measure behind "why skip connections?"."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visualizer.backend.building import build_model
from visualizer.backend.engine import keras, tf
from visualizer.backend.info import describe
from visualizer.backend.inspector import inspector_for
from visualizer.errors import InputError
from visualizer.model.spec import ModelSpec
from visualizer.model.variants import variant


@dataclass(frozen=True)
class LayerGradient:
    """The gradient of the loss with respect to one layer's kernel.

    Attributes:
        layer_name: The conv or dense layer.
        rms: The root mean square of d loss / d kernel over the kernel's weights.
    """

    layer_name: str
    rms: float


def _loss_gradients(model: keras.Model, images: np.ndarray, labels: np.ndarray, variables: list) -> list:
    """d(mean sparse cross-entropy of the batch) / d(each of ``variables``), dropout off.

    Raises:
        InputError: an empty batch, or labels that do not match it.
    """
    batch = np.asarray(images, dtype=np.float32)
    classes = np.asarray(labels).astype(np.int64)
    if batch.ndim != 4 or len(batch) == 0 or classes.shape != (len(batch),):
        raise InputError(f"Expected a batch of images and one label each, got {batch.shape} and {classes.shape}.")
    inspector = inspector_for(model)
    labels = tf.constant(classes)
    return inspector.gradient(
        inspector.probabilities_forward(),
        lambda probabilities: inspector.class_loss(probabilities, labels, from_logits=False),
        tf.constant(batch),
        wrt=variables,
    ).gradient


def layer_gradients(model: keras.Model, images: np.ndarray, labels: np.ndarray) -> list[LayerGradient]:
    """One backward pass: the gradient reaching each conv and dense layer, from the input to the output.

    The loss is the mean sparse cross-entropy of the batch (dropout off), as training starts from it.

    Args:
        model: A stack or a graph ending in a softmax layer.
        images: A batch (N, H, W, C) in [0, 1].
        labels: Their classes (N,).

    Raises:
        InputError: an empty batch, or labels that do not match it.
    """
    names = describe(model).names("weighted")
    gradients = _loss_gradients(model, images, labels, [model.get_layer(name).kernel for name in names])
    return [
        LayerGradient(name, float(np.sqrt(np.mean(np.square(np.asarray(gradient, dtype=np.float64))))))
        for name, gradient in zip(names, gradients, strict=True)
    ]


@dataclass(frozen=True)
class SkipComparison:
    """The gradient reaching each layer at epoch 0, with and without skip connections.

    Attributes:
        residual: Per conv and dense layer of the network with its residual blocks.
        plain: The same for the same layers as a plain stack (``variants.variant(spec, "remove_skips")``).
        seed: The seed both were initialised with.
        images: How many training images the backward pass averaged over.
    """

    residual: list[LayerGradient]
    plain: list[LayerGradient]
    seed: int
    images: int

    @property
    def first_layer_ratio(self) -> float:
        """How many times more gradient the first layer gets with skip connections than without."""
        return self.residual[0].rms / max(self.plain[0].rms, 1e-30)


def skip_comparison(spec: ModelSpec, images: np.ndarray, labels: np.ndarray, seed: int = 0) -> SkipComparison:
    """Builds ``spec`` and its plain-stack variant with the same seed and measures one backward pass each.

    Raises:
        InputError: ``spec`` has no residual block, or the batch does not fit it.
    """
    plain = variant(spec, "remove_skips")
    return SkipComparison(
        residual=layer_gradients(build_model(spec, seed=seed), images, labels),
        plain=layer_gradients(build_model(plain, seed=seed), images, labels),
        seed=seed,
        images=len(images),
    )


def batch_gradients(model: keras.Model, images: np.ndarray, labels: np.ndarray) -> list[np.ndarray]:
    """The gradient of the batch's mean cross-entropy with respect to every trainable weight (dropout off).

    What a training step on this batch would apply (before the optimizer scales it), in the order of
    ``model.trainable_weights`` (``LayerInfo.trainable`` points into it).

    Raises:
        InputError: an empty batch, or labels that do not match it.
    """
    gradients = _loss_gradients(model, images, labels, model.trainable_weights)
    return [np.asarray(gradient, dtype=np.float32) for gradient in gradients]


def gradients_by_epoch(models: list[keras.Model], images: np.ndarray, labels: np.ndarray) -> list[list[np.ndarray]]:
    """``batch_gradients`` of each model (a network at each of its epochs) on the same batch."""
    return [batch_gradients(model, images, labels) for model in models]
