"""Builds the Keras model of a spec: the only place the app's Keras layers are constructed.

Every layer gets an explicit ``name=`` (Keras' automatic names restart in each
thread, and every Streamlit rerun is a new thread), the name ``model.plan.summarize``
reports for it, so summary rows and model layers match one to one. Each layer's
Keras class and arguments come from the registry (``model.layers``).
"""

from __future__ import annotations

from typing import Any

from visualizer.backend.engine import keras
from visualizer.model.plan import INPUT_NAME, PlannedLayer, plan_layers, summarize
from visualizer.model.spec import ModelSpec

MODEL_NAME = "cnn"


def _random_arguments(random: str, seed: int | None, offset: int) -> dict[str, Any]:
    """Seeded initialisers (Glorot-uniform kernels, zero biases) or a seeded dropout mask, per layer."""
    layer_seed = None if seed is None else seed * 1000 + offset
    if random == "weights":
        return {
            "kernel_initializer": keras.initializers.GlorotUniform(seed=layer_seed),
            "bias_initializer": keras.initializers.Zeros(),
        }
    if random == "mask":
        return {"seed": layer_seed}
    return {}


def _keras_layer(item: PlannedLayer, seed: int | None, offset: int) -> keras.layers.Layer:
    """The Keras layer for one planned layer."""
    layer = item.layer
    constructor = getattr(keras.layers, layer.keras_class)
    return constructor(**layer.keras_arguments(), **_random_arguments(layer.random, seed, offset), name=item.name)


def build_model(spec: ModelSpec, seed: int | None = None) -> keras.Model:
    """Builds the (uncompiled) Keras model of ``spec``, head included.

    Args:
        spec: The architecture.
        seed: Seeds every initializer and dropout mask, so the same seed gives
            the same starting weights. ``None`` draws fresh ones.

    Returns:
        A ``keras.Sequential`` for a plain stack, a functional ``keras.Model`` for a spec with blocks; its
        layers match ``summarize(spec)`` name for name: output shapes and parameter counts (a graph's
        layers come in Keras' order, by depth, rather than the summary's).

    Raises:
        SpecError: when the spec cannot be built (checked by ``summarize``
            before any Keras layer is made).
    """
    summarize(spec)
    inputs = keras.Input(shape=spec.input_shape, name=INPUT_NAME)
    if not spec.is_graph:
        model = keras.Sequential(name=MODEL_NAME)
        model.add(inputs)
        for offset, item in enumerate(plan_layers(spec)):
            model.add(_keras_layer(item, seed, offset))
        return model
    tensors = {INPUT_NAME: inputs}
    for offset, item in enumerate(plan_layers(spec)):
        sources = [tensors[source] for source in item.inputs]
        tensors[item.name] = _keras_layer(item, seed, offset)(sources[0] if len(sources) == 1 else sources)
    return keras.Model(inputs=inputs, outputs=tensors[item.name], name=MODEL_NAME)
