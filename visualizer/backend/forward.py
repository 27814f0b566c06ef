"""The forward pass, compiled once per model and cached: every layer's output, the prediction, a layer's input.

All-layer feature maps come from one call of a multi-output model built and
XLA-compiled once per model; the cache is keyed weakly, so it never keeps a
model alive. Every function takes one image ``x`` (H, W, C) without a batch
axis and returns NumPy arrays.
"""

from __future__ import annotations

import functools
import threading
import weakref

import numpy as np

from visualizer.backend.engine import keras, tf
from visualizer.backend.info import describe, inspectable_layers
from visualizer.errors import InputError

_FEATURE_MODELS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
FEATURE_LOCK = threading.Lock()
"""Guards the per-model cache (``model_entry``); also held while adding compiled functions to an entry."""


def as_batch(x: np.ndarray) -> np.ndarray:
    """One image (H, W, C) as a batch of one (1, H, W, C) float32; anything else is an ``InputError``."""
    array = np.asarray(x, dtype=np.float32)
    if array.ndim != 3:
        raise InputError(f"Expected one image of shape (height, width, channels), got shape {array.shape}.")
    return array[None]


def feature_model(model: keras.Model) -> keras.Model:
    """A model with one output per layer, built once per model and cached (weights are shared)."""
    return model_entry(model)["model"]


def _symbolic_outputs(model: keras.Model) -> tuple[keras.KerasTensor, dict[str, keras.KerasTensor]]:
    """The model's input and every layer's output as tensors of one symbolic graph.

    A functional model's own tensors are that graph. A ``Sequential`` one built layer by layer keeps
    a tensor per build in each layer (the first may come from an earlier, shorter build), so its
    layers are called once more on a fresh input: a sub-model then follows one path, which gradients need.
    """
    if not isinstance(model, keras.Sequential):
        return model.inputs[0], {layer.name: layer.output for layer in inspectable_layers(model)}
    inputs = keras.Input(shape=model.inputs[0].shape[1:], name=model.inputs[0].name)
    hidden, tensors = inputs, {}
    for layer in inspectable_layers(model):
        hidden = layer(hidden)
        tensors[layer.name] = hidden
    return inputs, tensors


def sub_model(model: keras.Model, names: list[str]) -> keras.Model:
    """A model from the image to the outputs of the layers ``names`` (sharing the weights; cached per model).

    It holds the model's layers, not the model, so caches keyed weakly by the model stay weak.
    """
    inputs, tensors = model_entry(model)["tensors"]
    outputs = [tensors[name] for name in names]
    return keras.Model(inputs=inputs, outputs=outputs[0] if len(outputs) == 1 else outputs)


def model_entry(model: keras.Model) -> dict:
    """The cached compiled functions of ``model`` (a dict other backend modules may add functions to)."""
    with FEATURE_LOCK:
        entry = _FEATURE_MODELS.get(model)
        if entry is None:
            inputs, tensors = _symbolic_outputs(model)
            multi = keras.Model(inputs=inputs, outputs=list(tensors.values()))
            # Compiled once (XLA where it can): every later image is one fast graph call.
            entry = {
                "tensors": (inputs, tensors),
                "model": multi,
                "function": tf.function(multi, jit_compile=True, reduce_retracing=True),
                # A weak proxy: the cache is keyed weakly by the model and must not keep it alive.
                "predict": tf.function(
                    functools.partial(_forward, weakref.proxy(model)), jit_compile=True, reduce_retracing=True
                ),
                "compiled": True,
            }
            _FEATURE_MODELS[model] = entry
        return entry


def cached(model: keras.Model, key: tuple, build):
    """What ``build()`` makes for ``model`` under ``key``, made once and kept in the model's weakly keyed entry.

    ``build`` runs outside the lock (it may trace or compute at length); if two threads build at once, the
    first stored wins. What it returns must not hold the model itself, or the entry would keep it alive.
    """
    entry = model_entry(model)
    found = entry.get(key)
    if found is None:
        made = build()
        with FEATURE_LOCK:
            found = entry.setdefault(key, made)
    return found


def _forward(model: keras.Model, batch: tf.Tensor, training: bool = False) -> tf.Tensor:
    return model(batch, training=training)


def _call(entry: dict, compiled: str, eager, batch: tf.Tensor):
    """The compiled function ``entry[compiled]`` on ``batch``; the eager ``eager`` once compiling has failed."""
    if entry["compiled"]:
        try:
            return entry[compiled](batch, training=False)
        except Exception:
            entry["compiled"] = False
    return eager(batch, training=False)


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
    info = describe(model)
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
    entry = model_entry(model)
    outputs = _call(entry, "function", entry["model"], tf.constant(as_batch(x)))
    if not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    names = describe(model).names()
    return {name: np.asarray(output)[0].astype(np.float32) for name, output in zip(names, outputs, strict=True)}


def predict(model: keras.Model, x: np.ndarray) -> np.ndarray:
    """Class probabilities (num_classes,) for one image (a compiled forward pass, built once per model)."""
    outputs = _call(model_entry(model), "predict", model, tf.constant(as_batch(x)))
    return np.asarray(outputs)[0].astype(np.float32)


def predict_many(model: keras.Model, images: np.ndarray, batch_size: int = 128) -> np.ndarray:
    """Class probabilities (N, num_classes) for a batch of images (N, H, W, C)."""
    return np.asarray(model.predict(np.asarray(images, dtype=np.float32), batch_size=batch_size, verbose=0))


def layer_input(model: keras.Model, layer_name: str, x: np.ndarray) -> np.ndarray:
    """What a layer receives for image ``x``: the output of the layer that feeds it in the graph, or ``x``.

    For a layer that joins several inputs (``Add``, ``Concatenate``), its first input.
    """
    info = describe(model)
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
