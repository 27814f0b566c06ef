"""What a built network is, as plain data: the pages read a ``NetworkInfo``, never a Keras object.

``describe(model)`` names each layer's kind with the registry's type strings
(``conv2d``, ``maxpool2d``...; ``other`` for a layer of an uploaded model the app
does not build itself), so the pages branch on kinds, not on Keras class names.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from visualizer.backend.engine import keras
from visualizer.model.blocks import KINDS, traits
from visualizer.model.layer_base import Layer, Unknown

OTHER = Unknown.type
"""The kind of a layer no registry type builds (an uploaded model's ReLU, Add, ...)."""


@dataclass(frozen=True)
class LayerInfo:
    """One layer of a built network (the input excluded).

    Attributes:
        name: The Keras layer name (``conv2d_1``).
        kind: The registry type (``conv2d``, ``maxpool2d``, ``dense``...) or ``other``.
        keras_class: The Keras class name, for display (``Conv2D``).
        output_shape: Output shape of one example, without the batch axis.
        params: Its weights, as Keras counts them.
        activation: The activation's name, for layers that have one.
        window: Kernel or pooling window (height, width), for window layers.
        strides: The window's step (height, width), for window layers.
        padding: ``valid`` or ``same``, for window layers.
        inputs: The names of the layers it reads, in order (the input layer's name for the first).
        weights: Where its weights are in ``model.get_weights()`` (and in every checkpoint), in order.
        trainable: Where its trainable weights are in ``model.trainable_weights`` (and in recorded gradients).
    """

    name: str
    kind: str
    keras_class: str
    output_shape: tuple[int, ...]
    params: int
    activation: str | None = None
    window: tuple[int, int] | None = None
    strides: tuple[int, int] | None = None
    padding: str | None = None
    inputs: tuple[str, ...] = ()
    weights: tuple[int, ...] = ()
    trainable: tuple[int, ...] = ()

    @property
    def traits(self) -> type[Layer] | type[Unknown]:
        """What the views may do with it, from the registry (``Layer.links``, ``walk``, ``kernel``...)."""
        return traits(self.kind)

    @property
    def is_merge(self) -> bool:
        """Whether it joins several inputs (an ``Add`` or ``Concatenate``: where paths meet)."""
        return len(self.inputs) > 1

    @property
    def is_map(self) -> bool:
        """Whether its output is a stack of 2-D maps (height, width, channels)."""
        return len(self.output_shape) == 3


@dataclass(frozen=True)
class NetworkInfo:
    """A built network as the pages see it.

    Attributes:
        input_shape: ``(height, width, channels)`` of one input image.
        layers: Every layer but the input, in order.
        params: All its weights.
        supported: Whether it is built only of layers the app knows (the registry's types, ``Add`` and
            ``Concatenate``), as a stack or a graph, and ends in a dense layer, so every view applies
            (the steps, Grad-CAM and saliency, surgery, the Learn views).
        graph: Whether some layer reads more than one input or some output feeds more than one layer
            (a skip connection or branches), rather than a plain stack.
    """

    input_shape: tuple[int, int, int]
    layers: tuple[LayerInfo, ...]
    params: int
    supported: bool
    graph: bool = False

    @property
    def num_classes(self) -> int:
        """How many outputs the last layer has."""
        return int(self.layers[-1].output_shape[-1]) if self.layers else 0

    def layer(self, name: str) -> LayerInfo:
        """The layer called ``name``.

        Raises:
            KeyError: no such layer.
        """
        for item in self.layers:
            if item.name == name:
                return item
        raise KeyError(name)

    def names(self, trait: str | None = None, value: object = True) -> list[str]:
        """The names of the layers, in order: all of them, or those whose registry ``trait`` is ``value``.

        ``names("kernel")``: the layers with a convolution kernel; ``names("walk", "pooling")``: the pooling
        layers the step explainer walks (``Layer`` lists the traits).
        """
        return [item.name for item in self.layers if trait is None or getattr(item.traits, trait) == value]

    def first(self, trait: str, value: object = True) -> str | None:
        """The first layer whose registry ``trait`` is ``value``, or None."""
        found = self.names(trait, value)
        return found[0] if found else None


_KINDS: dict[type, str] = {getattr(keras.layers, cls.keras_class): name for name, cls in KINDS.items()}
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _pair(value) -> tuple[int, int] | None:
    return None if value is None else (int(value[0]), int(value[1]))


def _activation(layer: keras.layers.Layer) -> str | None:
    function = getattr(layer, "activation", None)
    return None if function is None else getattr(function, "__name__", str(function))


def inbound_names(layer: keras.layers.Layer) -> tuple[str, ...]:
    """The names of the layers whose outputs ``layer`` reads (its first call), in order."""
    nodes = getattr(layer, "_inbound_nodes", [])
    if not nodes:
        return ()
    return tuple(tensor._keras_history.operation.name for tensor in nodes[0].input_tensors)


def _positions(variables: list, among: list) -> tuple[int, ...]:
    """Where each of ``variables`` is in the list ``among`` (by identity)."""
    where = {id(variable): index for index, variable in enumerate(among)}
    return tuple(where[id(variable)] for variable in variables if id(variable) in where)


def _layer_info(layer: keras.layers.Layer, model: keras.Model) -> LayerInfo:
    kind = _KINDS.get(type(layer), OTHER)
    window = getattr(layer, "kernel_size", None) or getattr(layer, "pool_size", None)
    return LayerInfo(
        name=layer.name,
        kind=kind,
        keras_class=type(layer).__name__,
        output_shape=tuple(int(size) for size in layer.output.shape[1:]),
        params=int(layer.count_params()),
        activation=_activation(layer),
        window=_pair(window),
        strides=_pair(getattr(layer, "strides", None)) if window is not None else None,
        padding=getattr(layer, "padding", None) if window is not None else None,
        inputs=inbound_names(layer),
        weights=_positions(layer.weights, model.weights),
        trainable=_positions(layer.trainable_weights, model.trainable_weights),
    )


def inspectable_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The model's layers that have an output to look at (every layer but the input)."""
    return [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


def _shares_layers(model: keras.Model) -> bool:
    """Whether a functional model calls one layer more than once (its views need one output per layer)."""
    return any(len(getattr(layer, "_inbound_nodes", ())) > 1 for layer in inspectable_layers(model))


def describe(model: keras.Model) -> NetworkInfo:
    """The network as plain data (computed once per model and cached weakly: models are not kept alive)."""
    found = _CACHE.get(model)
    if found is None:
        layers = tuple(_layer_info(layer, model) for layer in inspectable_layers(model))
        readers = [source for item in layers for source in item.inputs]
        graph = any(item.is_merge for item in layers) or len(readers) != len(set(readers))
        supported = (
            bool(layers)
            and len(model.inputs) == 1
            and len(model.outputs) == 1
            and all(item.kind != OTHER for item in layers)
            and traits(layers[-1].kind).scores
            and (isinstance(model, keras.Sequential) or not _shares_layers(model))
        )
        found = NetworkInfo(
            input_shape=tuple(int(size) for size in model.inputs[0].shape[1:]),  # type: ignore[arg-type]
            layers=layers,
            params=int(model.count_params()),
            supported=supported,
            graph=graph,
        )
        _CACHE[model] = found
    return found


def weights_of(model: keras.Model) -> list[np.ndarray]:
    """A copy of every weight, in the order of a checkpoint (``LayerInfo.weights`` points into it)."""
    return [np.array(weights) for weights in model.get_weights()]
