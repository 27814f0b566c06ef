"""Copies of a network with other weights: a checkpoint of its training, or one filter changed by hand."""

from __future__ import annotations

import numpy as np

from visualizer.backend.engine import keras
from visualizer.errors import InputError


def model_at(model: keras.Model, weights: list[np.ndarray]) -> keras.Model:
    """A copy of ``model`` (same architecture and names) holding ``weights``, e.g. a checkpoint."""
    copy = keras.models.clone_model(model)
    copy.set_weights(weights)
    return copy


def with_filter(model: keras.Model, layer_name: str, filter_index: int, kernel2d: np.ndarray | None) -> keras.Model:
    """Kernel surgery: a copy of ``model`` with one filter zeroed (``None``) or set to ``kernel2d``.

    The new kernel is used on every input channel of the filter. The classic kernel is centred
    in the layer's kernel window (which must be at least as large); the filter's bias is set to
    zero so the new kernel's effect is seen alone. The network itself is never changed.

    Raises:
        InputError: not a conv layer, no such filter, or a kernel larger than the layer's window.
    """
    layer = model.get_layer(layer_name)
    if not isinstance(layer, keras.layers.Conv2D):
        raise InputError(f"{layer_name} is not a convolution layer.")
    weights = [array.copy() for array in layer.get_weights()]
    kernel = weights[0]
    height, width, _, filters = kernel.shape
    if not 0 <= filter_index < filters:
        raise InputError(f"{layer_name} has filters 0 to {filters - 1}, not {filter_index}.")
    kernel[:, :, :, filter_index] = 0.0
    if kernel2d is not None:
        small = np.asarray(kernel2d, dtype=np.float32)
        if small.shape[0] > height or small.shape[1] > width:
            raise InputError(
                f"A {small.shape[0]}x{small.shape[1]} kernel does not fit {layer_name}'s {height}x{width} window."
            )
        top, left = (height - small.shape[0]) // 2, (width - small.shape[1]) // 2
        kernel[top : top + small.shape[0], left : left + small.shape[1], :, filter_index] = small[:, :, None]
    if len(weights) > 1:
        weights[1][filter_index] = 0.0
    copy = model_at(model, model.get_weights())
    copy.get_layer(layer_name).set_weights(weights)
    return copy
