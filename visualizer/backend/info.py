"""What a built network is, as plain data: the pages read a ``NetworkInfo``, never a Keras object.

``describe(model)`` names each layer's kind with the registry's type strings
(``conv2d``, ``maxpool2d``...; ``other`` for a layer of an uploaded model the app
does not build itself), so the pages branch on kinds, not on Keras class names.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from visualizer.backend.engine import keras
from visualizer.model.layers import LAYERS

OTHER = "other"
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
        plain: Whether it is a plain stack of the registry's layer types ending in a dense layer, so
            every view applies (the layer-by-layer steps, Grad-CAM, surgery, the Learn views).
    """

    input_shape: tuple[int, int, int]
    layers: tuple[LayerInfo, ...]
    params: int
    plain: bool

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

    def names(self, *kinds: str) -> list[str]:
        """The names of the layers of these kinds, in order (all layers when none are given)."""
        return [item.name for item in self.layers if not kinds or item.kind in kinds]


_KINDS: dict[type, str] = {getattr(keras.layers, cls.keras_class): name for name, cls in LAYERS.items()}
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _pair(value) -> tuple[int, int] | None:
    return None if value is None else (int(value[0]), int(value[1]))


def _activation(layer: keras.layers.Layer) -> str | None:
    function = getattr(layer, "activation", None)
    return None if function is None else getattr(function, "__name__", str(function))


def _layer_info(layer: keras.layers.Layer) -> LayerInfo:
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
    )


def inspectable_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """The model's layers that have an output to look at (every layer but the input)."""
    return [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


def describe(model: keras.Model) -> NetworkInfo:
    """The network as plain data (computed once per model and cached weakly: models are not kept alive)."""
    found = _CACHE.get(model)
    if found is None:
        layers = tuple(_layer_info(layer) for layer in inspectable_layers(model))
        plain = (
            isinstance(model, keras.Sequential)
            and bool(layers)
            and all(item.kind != OTHER for item in layers)
            and layers[-1].kind == "dense"
        )
        found = NetworkInfo(
            input_shape=tuple(int(size) for size in model.inputs[0].shape[1:]),  # type: ignore[arg-type]
            layers=layers,
            params=int(model.count_params()),
            plain=plain,
        )
        _CACHE[model] = found
    return found
