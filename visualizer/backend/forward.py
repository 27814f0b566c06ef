"""The forward pass, compiled once per model: every layer's output, the prediction, a layer's input.

All-layer feature maps come from one call of a multi-output model built and
XLA-compiled once per model, by the model's ``inspector`` (kept weakly, so it
never keeps a model alive). Every function takes one image ``x`` (H, W, C)
without a batch axis and returns NumPy arrays.
"""

from __future__ import annotations

import numpy as np

from visualizer.backend.engine import keras, tf
from visualizer.backend.inspector import as_batch, inspector_for
from visualizer.errors import InputError


def feature_model(model: keras.Model) -> keras.Model:
    """A model with one output per layer, built once per model (its inspector's; weights are shared)."""
    return inspector_for(model).all_outputs


def sub_model(model: keras.Model, names: list[str]) -> keras.Model:
    """A model from the image to the outputs of the layers ``names`` (sharing the weights; made once per model)."""
    return inspector_for(model).sub_model(names)


def run_graph(model: keras.Model, batch: tf.Tensor, call) -> dict[str, tf.Tensor]:
    """Runs the model one layer at a time through its graph (stack or not), eagerly.

    Args:
        model: The model.
        batch: Its input batch.
        call: ``call(layer, inputs, is_last)`` returns the layer's output from its list of input tensors;
            views use it to step in (dropout left on, the linear part of a layer kept).

    Returns:
        Every layer's output by name.
    """
    info = inspector_for(model).info
    values: dict[str, tf.Tensor] = {}
    for item in info.layers:
        inputs = [values.get(source, batch) for source in item.inputs]  # the model's input is not a layer
        values[item.name] = call(model.get_layer(item.name), inputs, item is info.layers[-1])
    return values


def keras_call(layer: keras.layers.Layer, inputs: list[tf.Tensor]) -> tf.Tensor:
    """The layer on its inputs in inference mode (a list for a merge layer)."""
    return layer(inputs[0] if len(inputs) == 1 else inputs, training=False)


def feature_maps(model: keras.Model, x: np.ndarray) -> dict[str, np.ndarray]:
    """Every layer's output for one image, in one forward pass.

    Returns:
        Layer name -> float32 array without the batch axis: (H, W, C) for maps,
        (units,) for vectors. Dropout is in inference mode (it passes values on).
    """
    inspector = inspector_for(model)
    outputs = inspector.layer_outputs(tf.constant(as_batch(x)))
    names = inspector.info.names()
    return {name: np.asarray(output)[0].astype(np.float32) for name, output in zip(names, outputs, strict=True)}


def predict(model: keras.Model, x: np.ndarray) -> np.ndarray:
    """Class probabilities (num_classes,) for one image (a compiled forward pass, built once per model)."""
    outputs = inspector_for(model).probabilities(tf.constant(as_batch(x)))
    return np.asarray(outputs)[0].astype(np.float32)


def predict_many(model: keras.Model, images: np.ndarray, batch_size: int = 128) -> np.ndarray:
    """Class probabilities (N, num_classes) for a batch of images (N, H, W, C)."""
    return np.asarray(model.predict(np.asarray(images, dtype=np.float32), batch_size=batch_size, verbose=0))


def layer_input(model: keras.Model, layer_name: str, x: np.ndarray) -> np.ndarray:
    """What a layer receives for image ``x``: the output of the layer that feeds it in the graph, or ``x``.

    For a layer that joins several inputs (``Add``, ``Concatenate``), its first input.
    """
    info = inspector_for(model).info
    names = info.names()
    if layer_name not in names:
        raise InputError(f"There is no layer called {layer_name!r}; layers are {', '.join(names)}.")
    sources = info.layer(layer_name).inputs
    if not sources or sources[0] not in names:  # fed by the model's input
        return np.asarray(x, dtype=np.float32)
    return feature_maps(model, x)[sources[0]]


def kernels(model: keras.Model, layer_name: str) -> np.ndarray:
    """The kernel of a conv layer: (kernel_h, kernel_w, in_channels, filters)."""
    layer = model.get_layer(layer_name)
    if not isinstance(layer, keras.layers.Conv2D):
        raise InputError(f"{layer_name} is not a convolution layer, so it has no kernels to show.")
    return np.asarray(layer.kernel, dtype=np.float32)
